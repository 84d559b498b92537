import ArgumentParser
import Foundation

/// A runtime failure of a command: printed as `lingua: error: <message>` with exit status 1.
struct CLIFailure: Error, CustomStringConvertible {
    var description: String
    init(_ message: String) { description = message }
}

/// Writing command output to stdout or a file.
enum Output {
    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// stdout, or a file created (truncated) at `path`.
    struct Sink {
        let handle: FileHandle
        let path: String?

        init(path: String?) throws {
            self.path = path
            guard let path else { handle = .standardOutput; return }
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw CLIFailure("cannot create \(path)")
            }
            do { handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path)) } catch {
                throw CLIFailure("cannot open \(path): \(error.localizedDescription)")
            }
        }

        mutating func write(_ text: String) throws {
            do { try handle.write(contentsOf: Data(text.utf8)) } catch {
                throw CLIFailure("cannot write \(path ?? "stdout"): \(error.localizedDescription)")
            }
        }

        func close() throws {
            guard path != nil else { return }
            do { try handle.close() } catch { throw CLIFailure("cannot close \(path ?? ""): \(error.localizedDescription)") }
        }
    }
}
