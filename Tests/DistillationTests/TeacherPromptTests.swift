import Foundation
import Testing
import Distillation
import TestSupport

@Suite struct TeacherPromptTests {
    @Test func bundledDefaultHasOnePlaceholderAndTheServerMarkers() throws {
        let p = try TeacherPrompt.bundledDefault()
        let m = p.messages(for: "The cat {text} sat.")
        #expect(m.user.contains("Original passage:\nThe cat {text} sat.\n\nCompressed passage:"))
        #expect(m.system == p.system)
        #expect(!p.fingerprint.isEmpty)
        // The repository copy users start from is the bundled one.
        let shipped = FixturePaths.repoRoot.appendingPathComponent("Sources/Distillation/Resources/prompts/distill-default.json")
        #expect(try TeacherPrompt.load(shipped) == p)
    }

    @Test func rejectsTemplatesWithoutExactlyOnePlaceholder() throws {
        let dir = try TempFolder()
        for (name, body) in [("none.json", #"{"system": "s", "user": "no slot"}"#),
                             ("two.json", #"{"system": "s", "user": "{text} and {text}"}"#),
                             ("bad.json", #"{"system": 3, "user": "{text}"}"#)] {
            let url = try dir.write(name, body)
            #expect(throws: DistillationError.self) { try TeacherPrompt.load(url) }
        }
        let ok = try TeacherPrompt.load(try dir.write("ok.json", #"{"system": "s", "user": "Text: {text}"}"#))
        #expect(ok.messages(for: "x").user == "Text: x")
    }
}
