import Corpus

/// One line of `lingua distill` output: a record's original chunks and the teacher's compression
/// of each, `{"id", "chunks": [...], "compressed_chunks": [...]}` (one compressed chunk per chunk).
public struct DistilledRecord: Sendable, Equatable {
    public var id: String
    public var chunks: [String]
    public var compressedChunks: [String]

    public init(id: String, chunks: [String], compressedChunks: [String]) {
        self.id = id
        self.chunks = chunks
        self.compressedChunks = compressedChunks
    }

    /// Reads a record from parsed JSON. `id` may be a string or a number (kept as its literal
    /// text). Errors name the file, the line and the field (`chunks[2]`).
    public init(json: JSONValue, file: String?, line: Int?) throws(CorpusError) {
        func fail(_ code: CorpusError.Code, _ field: String, _ message: String) -> CorpusError {
            CorpusError(code, message, file: file, line: line, field: field)
        }
        guard let object = json.objectValue else {
            throw CorpusError(.wrongType, "expected a JSON object, got \(json.typeName)", file: file, line: line)
        }
        switch object["id"] {
        case .string(let s)?: id = s
        case .number(let n)?: id = n
        case nil: throw fail(.missingField, "id", "missing")
        case let other?: throw fail(.wrongType, "id", "expected a string, got \(other.typeName)")
        }
        func strings(_ key: String) throws(CorpusError) -> [String] {
            guard let value = object[key] else { throw fail(.missingField, key, "missing") }
            guard let items = value.arrayValue else {
                throw fail(.wrongType, key, "expected an array of strings, got \(value.typeName)")
            }
            var out: [String] = []
            out.reserveCapacity(items.count)
            for (i, item) in items.enumerated() {
                guard let s = item.stringValue else {
                    throw fail(.wrongType, "\(key)[\(i)]", "expected a string, got \(item.typeName)")
                }
                out.append(s)
            }
            return out
        }
        chunks = try strings("chunks")
        compressedChunks = try strings("compressed_chunks")
        guard chunks.count == compressedChunks.count else {
            throw fail(.invalidValue, "compressed_chunks",
                       "\(compressedChunks.count) compressed chunks for \(chunks.count) chunks (need one each)")
        }
    }
}
