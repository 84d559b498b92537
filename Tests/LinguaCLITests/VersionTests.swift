import Testing
@testable import LinguaCLI

@Test func rootCommandParses() throws {
    let cmd = try Lingua.parseAsRoot([])
    #expect(cmd is Lingua)
}
