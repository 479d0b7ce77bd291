import Foundation
import LogInput
import LogParsing
import Testing
import WardenCore

@Suite("Drain template miner")
struct DrainTests {
    @Test("Empty lines, one token, invalid UTF-8 and a 1 MiB line are mined without loss")
    func trickyLines() {
        var drain = Drain()
        #expect(drain.add("").change == .created)
        #expect(drain.add("   \t ").cluster == 1)  // no tokens: the same empty template
        #expect(drain.template(1) == "")
        let one = drain.add("restart").cluster
        #expect(drain.add("restart").change == .none)
        #expect(drain.add("reboot").cluster != one)  // one token, different: a new template (similarity 0 < 0.4)
        let invalid: [UInt8] = [0x62, 0x61, 0x64, 0x20, 0xFF, 0xFE, 0x20, 0x62, 0x79, 0x74, 0x65, 0x73]
        let badID = invalid.withUnsafeBytes { drain.add($0).cluster }
        #expect(invalid.withUnsafeBytes { drain.match($0) } == badID)
        #expect(drain.template(badID) == "bad \u{FFFD}\u{FFFD} bytes")
        let huge = [UInt8](repeating: 0x61, count: 1 << 20) + [0x20, 0x62]
        let hugeID = huge.withUnsafeBytes { drain.add($0).cluster }
        #expect(drain.clusters[hugeID - 1].tokens.count == 2)
        var many = (0..<5000).map { "t\($0)" }.joined(separator: " ")
        let manyID = drain.add(many).cluster
        many = (0..<5000).map { "t\($0 == 4999 ? 0 : $0)" }.joined(separator: " ")
        #expect(drain.add(many) == (manyID, .changed))
        #expect(drain.template(manyID).hasSuffix(" t4998 <*>"))
    }

    @Test("Lines generalise into templates; match reads without learning")
    func generalisation() {
        var drain = Drain()
        let first = drain.add("session 17 opened for user alice").cluster
        #expect(drain.add("session 18 opened for user bob") == (first, .changed))
        #expect(drain.template(first) == "session <*> opened for user <*>")
        #expect(drain.match("session 99 opened for user carol") == first)
        #expect(drain.match("session 99 closed for user carol") == nil)  // a literal differs
        #expect(drain.match("session opened") == nil)  // another token count
        #expect(drain.clusters[first - 1].size == 2)
        #expect(drain.literals(first) == ["session", "opened", "for", "user"])
    }

    @Test("The wildcard text in a line is the wildcard; maxChildren sends new tokens to the wildcard branch")
    func wildcardsAndFanout() {
        var settings = DrainSettings()
        settings.maxChildren = 3
        var drain = Drain(settings: settings)
        let a = drain.add("alpha one two three").cluster
        let b = drain.add("beta one two three").cluster
        #expect(a != b)
        // Third first token: the node is full (2 + 1 == 3), so it goes to a new wildcard branch.
        let c = drain.add("gamma one two three").cluster
        #expect(drain.add("delta one two three").cluster == c)
        #expect(drain.template(c) == "<*> one two three")
        var literal = Drain()
        let w = literal.add("value <*> seen").cluster
        #expect(literal.add("value 12 seen") == (w, .none))
    }

    @Test("Masking replaces token classes with placeholders and keeps edge punctuation")
    func masking() {
        var drain = Drain(settings: { var s = DrainSettings(); s.masking = .all; return s }())
        let id = drain.add("Receiving blk_-42 src: /10.0.0.1:50010 size 0x1F, took 12.5 ms at /var/log/app.log (retry 3)").cluster
        #expect(drain.template(id) == "Receiving <BLK> src: <IP> size <HEX>, took <NUM> ms at <PATH> (retry <NUM>)")
        var some = Drain(settings: { var s = DrainSettings(); s.masking = Masking([.number]); return s }())
        let other = some.add("port 8080 host 10.1.2.3 id deadbeef42").cluster
        #expect(some.template(other) == "port <NUM> host 10.1.2.3 id deadbeef42")
        var delimited = Drain(settings: { var s = DrainSettings(); s.extraDelimiters = ["="]; return s }())
        let kv = delimited.add("user=alice action=login").cluster
        #expect(delimited.template(kv) == "user alice action login")
    }

    @Test("State round-trips through JSON; damaged state is refused with a reason")
    func stateRoundTrip() throws {
        var drain = Drain()
        for line in try Samples.contents("Samples/BGL_2k/BGL_2k.log", format: .bgl) { line.withUnsafeBytes { _ = drain.add($0) } }
        _ = [UInt8]([0xC3, 0x28, 0x20, 0x78]).withUnsafeBytes { drain.add($0) }
        let data = try JSONEncoder().encode(drain)
        var restored = try JSONDecoder().decode(Drain.self, from: data)
        #expect(restored.clusters == drain.clusters)
        #expect((1...drain.clusters.count).allSatisfy { restored.template($0) == drain.template($0) })
        // Both go on learning the same way.
        let next = "generating core.12345 for job 7"
        #expect(restored.add(next) == drain.add(next))
        var text = String(decoding: data, as: UTF8.self)
        text = text.replacingOccurrences(of: "\"format\":\"warden-drain-1\"", with: "\"format\":\"warden-drain-9\"")
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Drain.self, from: Data(text.utf8)) }
        var object = try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
        object["roots"] = [[3, 999_999]]
        let damaged = try JSONSerialization.data(withJSONObject: object)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Drain.self, from: damaged) }
    }

    @Test("Grouping accuracy against Loghub's corrected events; CSV with quoted fields")
    func groupingAccuracy() throws {
        let rows = CSV.rows("LineId,Content,EventId\n1,\"a, \"\"quoted\"\" field\",E1\n2,plain,E2\r\n3,\"multi\nline\",E1\n")
        #expect(rows.count == 4)
        #expect(rows[1] == ["1", "a, \"quoted\" field", "E1"])
        #expect(rows[3][1] == "multi\nline")
        let perfect = GroupingAccuracy(mined: [1, 1, 2], truth: ["E1", "E1", "E2"])
        #expect(perfect.accuracy == 1)
        let merged = GroupingAccuracy(mined: [1, 1, 1], truth: ["E1", "E1", "E2"])
        #expect(merged.correct == 0)
        let split = GroupingAccuracy(mined: [1, 2, 3], truth: ["E1", "E1", "E2"])
        #expect(split.correct == 1 && split.exactTemplates == 1)

        let csv = try String(contentsOf: Samples.here.appendingPathComponent("Samples/BGL_2k.log_structured_corrected.csv"), encoding: .utf8)
        let events = try #require(CSV.column("EventId", in: CSV.rows(csv)))
        var drain = Drain()
        let mined = try Samples.contents("Samples/BGL_2k/BGL_2k.log", format: .bgl).map { line in line.withUnsafeBytes { drain.add($0).cluster } }
        let accuracy = GroupingAccuracy(mined: mined, truth: events)
        #expect(accuracy.lines == 2000)
        // Drain with default settings on BGL_2k: the figure the README reports.
        #expect(accuracy.correct == 1937)  // 0.9685; the reference miner scores the same (same groups)
    }

    @Test("Message content skips each format's header fields, and never drops a short line")
    func messageContent() {
        func content(_ header: MessageHeader, _ text: String) -> String {
            var text = text
            return text.withUTF8 { String(decoding: header.content(UnsafeRawBufferPointer($0)), as: UTF8.self) }
        }
        #expect(content(.bgl, "1117838570 2005.06.03 R02-M1-N0-C:J12-U11 2005-06-03-15.42.50.675872 R02-M1-N0-C:J12-U11 RAS KERNEL INFO instruction cache parity error corrected")
                == "instruction cache parity error corrected")
        #expect(content(.hdfs, "081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38865049064139660 terminating")
                == "PacketResponder 1 for block blk_38865049064139660 terminating")
        #expect(content(.hadoop, "2015-10-18 18:01:47,978 INFO [main] org.apache.hadoop.mapreduce.v2.app.MRAppMaster: Created MRAppMaster")
                == "Created MRAppMaster")
        #expect(content(.hadoop, "2015-10-18 18:01:47,978 INFO [IPC Server handler 5 on 62270] org.apache.Foo: Auth successful")
                == "Auth successful")
        #expect(content(.bgl, "too short") == "too short")
        #expect(content(.none, "  all of it") == "  all of it")
    }
}
