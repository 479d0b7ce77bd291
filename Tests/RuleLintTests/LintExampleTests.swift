import Foundation
import RuleLanguage
import RuleLint
import Testing
import TestSupport

@Suite("Lint examples")
struct LintExampleTests {
    @Test("each lint reports on its triggering examples and not on the others", arguments: Linter.descriptors.map(\.code.rawValue))
    func examples(_ code: String) throws {
        let descriptor = try #require(Linter.descriptor(named: code))
        #expect(descriptor.examples.contains(where: \.triggers) && descriptor.examples.contains { !$0.triggers },
                "\(code) needs a triggering and a non-triggering example")
        for example in descriptor.examples {
            let result = example.lint()
            #expect(result.checked, "\(code)'s example does not check:\n\(result.findings.map(\.diagnostic.message))")
            let reported = result.findings.contains { $0.diagnostic.code == descriptor.code }
            #expect(reported == example.triggers, "\(code) \(example.triggers ? "missed" : "fired on") its example:\n\(example.pack)")
        }
    }
}
