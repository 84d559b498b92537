import Foundation
import Testing
import Checksum
import TestSupport

/// The rank files ship in the repository so counting works offline; they must be the official ones.
@Test func bundledRankFilesMatchTheirChecksums() throws {
    let dir = FixturePaths.repoRoot.appendingPathComponent("Sources/Tokenizers/Resources")
    let sums = try String(contentsOf: dir.appendingPathComponent("SHA256SUMS"), encoding: .utf8)
    var checked = 0
    for line in sums.split(separator: "\n") {
        let parts = line.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2 else { continue }
        let data = try Data(contentsOf: dir.appendingPathComponent(String(parts[1])))
        #expect(SHA256.hex(data) == String(parts[0]), "\(parts[1])")
        checked += 1
    }
    #expect(checked == 2)
}
