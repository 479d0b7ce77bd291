import PCRE2
@testable import RuleRuntime
import RuleInterpreter
import RuleLanguage
import TestSupport
import Testing
import WardenCore

/// Regexes that test one field are matched by fields, and answer every line exactly as PCRE2 does.
@Suite("Field tests")
struct FieldTestTests {
    private static func field(_ source: String, caseless: Bool = false) -> FieldTest? {
        FieldTest(source: Array(source.utf8), caseless: caseless)
    }

    @Test("Shapes taken as field tests, with their field and value; shapes left to the scan")
    func shapes() {
        let taken: [(String, Int, String)] = [
            (#"^(?:\S+\s+){7}FATAL\s"#, 7, "FATAL"),
            (#"^(?:\S+\s+){4}dfs\.DataNode\$DataXceiver\:\s"#, 4, "dfs.DataNode$DataXceiver:"),
            (#"^(?:\S+\s+){0}INFO\s"#, 0, "INFO"),
            (#"^(?:\S+\s+){12}a-b_c\s"#, 12, "a-b_c"),
        ]
        for (source, position, value) in taken {
            let test = Self.field(source)
            #expect(test?.field == position && test?.value == Array(value.utf8), "\(source)")
        }
        #expect(Self.field(#"^(?:\S+\s+){3}Info\s"#, caseless: true)?.value == Array("info".utf8))
        let left = [
            #"^(?:\S+\s+){7}FATAL"#, #"(?:\S+\s+){7}FATAL\s"#, #"^(?:\S+\s+){x}FATAL\s"#, #"^(?:\S+\s+){}FATAL\s"#,
            #"^(?:\S+\s+){7}\s"#, #"^(?:\S+\s+){7}FA.AL\s"#, #"^(?:\S+\s+){7}FATAL \s"#, #"^(?:\S+\s+){7}\w+\s"#,
            #"^(?:\S+\s+){7}FATAL\\s"#, #"^(?:\S+\s+){7}(FATAL|ERROR)\s"#, #"^(?:\S+ ){7}FATAL\s"#, "^(?:\\S+\\s+){7}é\\s",
        ]
        for source in left { #expect(Self.field(source) == nil, "\(source) is not a field test") }
        let extended = try? Pattern(bytes: Array(#"^(?:\S+\s+){1}a\s"#.utf8), options: Pattern.Options(flags: "x"))
        #expect(extended.flatMap(FieldTest.init(pattern:)) == nil)
    }

    @Test("Answers equal PCRE2's on lines with tabs, runs of spaces, leading and trailing whitespace, few fields, case")
    func answers() throws {
        let sources: [(String, String)] = [
            (#"^(?:\S+\s+){3}INFO\s"#, ""), (#"^(?:\S+\s+){3}info\s"#, "i"), (#"^(?:\S+\s+){0}081109\s"#, ""),
            (#"^(?:\S+\s+){4}dfs\.DataNode\$DataXceiver\:\s"#, ""), (#"^(?:\S+\s+){1}a\s"#, ""), (#"^(?:\S+\s+){2}a\s"#, "i"),
        ]
        let tests = try sources.map { LineTest.matches(try Pattern(bytes: Array($0.0.utf8), options: Pattern.Options(flags: $0.1))) }
        let lines = [
            "081109 203615 148 INFO dfs.DataNode$DataXceiver: Receiving block", "081109 203615 148 INFO dfs.DataNode$DataXceiver:",
            "081109 203615 148 INFO", "081109 203615 148 INFO ", "081109\t203615  148\t\tINFO\tx", " 081109 203615 148 INFO x",
            "081109 203615 148 Info x", "081109 203615 148 INFOS x", "081109 203615 148 XINFO x", "a a a a", "x a A a", "x\u{0B}a\u{0C}a\ra",
            "", " ", "081109", "081109 ", "081109\t203615 148 INFO dfs.DataNode$DataXceiver:\tx", "x y a",
        ]
        let prefilter = Prefilter(lineTests: tests, cache: nil)
        #expect(tests.indices.allSatisfy(prefilter.isFieldTest(test:)))
        let window = Window(texts: lines)
        let prefiltered = EvaluationContext(lineTests: tests, prefilter: prefilter)
        let plain = EvaluationContext(lineTests: tests)
        prefiltered.reset(to: window)
        plain.reset(to: window)
        for test in tests.indices {
            let expected = try plain.answers(test, word: 0)
            #expect(try prefiltered.answers(test, word: 0) == expected, "\(sources[test].0): \(String(expected, radix: 2))")
        }
    }

    /// Vectorscan 5.4.9 missed matches of two such regexes in one database, depending on where
    /// the scanned bytes sat in memory: these windows shift the lines by 0 to 63 bytes.
    @Test("Two field tests of a pack answer every line of windows at 64 byte offsets exactly")
    func shiftedWindows() throws {
        let source = """
        pack fields version "0.1.0"

        abnormal rule datanode_without_info {
            let datanode = count line in window where line matches /^(?:\\S+\\s+){4}dfs\\.DataNode\\$DataXceiver\\:\\s/
            let info = count line in window where line matches /^(?:\\S+\\s+){3}INFO\\s/
            datanode > info
        }
        """
        let pack = try #require(Frontend.check(SourceFile(path: "fields.warden", text: source)).pack)
        let rules = Interpreter.ruleSet(for: pack)
        let lines = [
            "081110 220710 28 INFO dfs.FSNamesystem: BLOCK* NameSystem.allocateBlock: /user/root/part-00004. blk_665",
            "081110 220711 15685 INFO dfs.DataNode$DataXceiver: Receiving block blk_665 src: /10.251.75.49:45582 dest: /10.251.75.49:50010",
            "081110 220711 15744 INFO dfs.DataNode$DataXceiver: Receiving block blk_-463 src: /10.251.71.193:53999 dest: /10.251.71.193:50010",
            "081110 220711 15745 WARN dfs.DataNode$DataXceiver: Receiving block blk_-463 src: /10.251.71.193:53999 dest: /10.251.71.193:50010",
            "081110 220713 15719 INFO dfs.DataNode$DataXceiver: Receiving block blk_-565 src: /10.251.105.189:38951 dest: /10.251.105.189:50010",
            "081110 220715 29 INFO dfs.FSNamesystem: BLOCK* NameSystem.allocateBlock: /user/root/part-00005. blk_-370",
            "081110 220715 15415 INFO dfs.DataNode$DataXceiver: Receiving block blk_-370 src: /10.251.194.213:49171 dest: /10.251.194.213:50010",
        ]
        let prefiltered = EvaluationContext(lineTests: rules.lineTests, prefilter: rules.prefilter)
        let plain = EvaluationContext(lineTests: rules.lineTests)
        for shift in 0..<64 {
            let window = Window(texts: [String(repeating: "x", count: shift + 1)] + lines)
            prefiltered.reset(to: window)
            plain.reset(to: window)
            for test in rules.lineTests.indices {
                #expect(try prefiltered.answers(test, word: 0) == plain.answers(test, word: 0), "shift \(shift), test \(test)")
            }
        }
    }

    /// Every line test of the shipped packs, on windows of their samples shifted by 0 to 63 bytes:
    /// the prefilter (Vectorscan, token templates, field tests) answers as PCRE2 does on every line.
    @Test("The shipped packs' line tests answer as PCRE2 does on sample windows at 64 byte offsets")
    func shippedPacksShifted() throws {
        let samples = ["bgl": "Samples/BGL_2k/BGL_2k.log", "hdfs": "Samples/HDFS_20k_head/HDFS_20000.log"]
        for url in Repository.files(in: "GeneratedRules/Packs", withExtension: "warden") {
            let text = try String(contentsOf: url, encoding: .utf8)
            let pack = try #require(Frontend.check(SourceFile(path: url.lastPathComponent, text: text)).pack)
            let rules = Interpreter.ruleSet(for: pack)
            let sample = try #require(samples.first { url.lastPathComponent.hasPrefix($0.key) }?.value)
            // BGL lines lose their label field, as the reader strips it.
            let lines = try String(contentsOfFile: Repository.path(sample), encoding: .utf8).split(separator: "\n").prefix(2_000)
                .map { sample.contains("BGL") ? String($0.split(separator: " ", maxSplits: 1).last ?? "") : String($0) }
            let prefiltered = EvaluationContext(lineTests: rules.lineTests, prefilter: rules.prefilter)
            let plain = EvaluationContext(lineTests: rules.lineTests)
            var wrong = 0
            for start in stride(from: 0, to: lines.count, by: 100) {
                for shift in 0..<64 {
                    let window = Window(texts: [String(repeating: "x", count: shift + 1)] + lines[start..<min(start + 20, lines.count)])
                    prefiltered.reset(to: window)
                    plain.reset(to: window)
                    for test in rules.lineTests.indices where try prefiltered.answers(test, word: 0) != plain.answers(test, word: 0) { wrong += 1 }
                }
            }
            #expect(wrong == 0, "\(url.lastPathComponent): \(wrong) wrong answers")
        }
    }
}
