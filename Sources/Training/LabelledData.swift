import Checksum
import Corpus
import Foundation

/// One chunk of labelled text as `lingua annotate` writes it: the chunk's words (in order) and,
/// per word, whether the teacher kept it. Extra fields (`text`, `stats`, `pieces`, ...) are ignored:
/// training tokenizes the words itself with the base model's tokenizer.
public struct LabelledChunk: Sendable, Equatable {
    /// The record the chunk came from; the validation split keeps a record's chunks together.
    public var id: String
    /// Position of the chunk inside its record.
    public var chunk: Int
    public var words: [String]
    /// One per word: true = keep.
    public var labels: [Bool]
    /// Where the line came from (for messages).
    public var file: String
    public var line: Int

    public init(id: String, chunk: Int, words: [String], labels: [Bool], file: String = "", line: Int = 0) {
        self.id = id
        self.chunk = chunk
        self.words = words
        self.labels = labels
        self.file = file
        self.line = line
    }
}

/// A labelled-data file that was read: its chunks and the SHA-256 of its bytes.
public struct LabelledFile: Sendable {
    public var path: String
    public var sha256: String
    public var chunks: [LabelledChunk]
    /// Lines `{"id", "error"}` without words (a record the annotator could not label), skipped.
    public var errorLines: Int = 0
}

/// Reads the annotated JSONL (or JSONL.zst) files of `lingua annotate`, one chunk per line:
/// `{"id", "chunk", "words": [String], "labels": [Bool], ...}`. Every error names the file, the
/// line and the field. A line `{"id", "error"}` (no words: the annotator failed on that record)
/// is skipped and counted.
public enum LabelledData {
    public static func read(_ url: URL) throws -> LabelledFile {
        let path = url.path
        var chunks: [LabelledChunk] = []
        var errorLines = 0
        do {
            var reader = try JSONLReader(url: url)
            while let line = try reader.next() {
                let value = try line.parse(file: path)
                if value["error"] != nil, value["words"] == nil {
                    errorLines += 1
                    continue
                }
                chunks.append(try parse(value, file: path, line: line.lineNumber))
            }
        } catch let error as CorpusError {
            throw TrainingError(.invalidData, error.message, file: error.file ?? path, line: error.line, field: error.field)
        }
        return LabelledFile(path: path, sha256: try sha256(of: url), chunks: chunks, errorLines: errorLines)
    }

    /// One decoded line; `file` and `line` only locate errors.
    public static func parse(_ value: JSONValue, file: String, line: Int) throws -> LabelledChunk {
        func fail(_ field: String?, _ message: String) -> TrainingError {
            TrainingError(.invalidData, message, file: file, line: line, field: field)
        }
        guard case .object = value else { throw fail(nil, "expected a JSON object, got \(value.typeName)") }
        let id: String
        switch value["id"] {
        case .string(let s)?: id = s
        case .number(let n)?: id = n
        case nil: throw fail("id", "missing (the record id the chunk belongs to)")
        case let other?: throw fail("id", "expected a string or a number, got \(other.typeName)")
        }
        var chunk = 0
        if let c = value["chunk"], !c.isNull {
            guard let n = c.intValue else { throw fail("chunk", "expected an integer, got \(c.typeName)") }
            chunk = n
        }
        guard let wordsValue = value["words"] else { throw fail("words", "missing") }
        guard let wordItems = wordsValue.arrayValue else { throw fail("words", "expected an array of strings, got \(wordsValue.typeName)") }
        var words: [String] = []
        words.reserveCapacity(wordItems.count)
        for (i, item) in wordItems.enumerated() {
            guard let s = item.stringValue else { throw fail("words[\(i)]", "expected a string, got \(item.typeName)") }
            words.append(s)
        }
        guard let labelsValue = value["labels"] else { throw fail("labels", "missing") }
        guard let labelItems = labelsValue.arrayValue else { throw fail("labels", "expected an array of booleans, got \(labelsValue.typeName)") }
        var labels: [Bool] = []
        labels.reserveCapacity(labelItems.count)
        for (i, item) in labelItems.enumerated() {
            guard let b = item.boolValue else { throw fail("labels[\(i)]", "expected true or false, got \(item.typeName)") }
            labels.append(b)
        }
        guard labels.count == words.count else {
            throw fail("labels", "has \(labels.count) entries for \(words.count) words")
        }
        return LabelledChunk(id: id, chunk: chunk, words: words, labels: labels, file: file, line: line)
    }

    static func sha256(of url: URL) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw TrainingError(.io, "cannot open for hashing", file: url.path)
        }
        defer { try? handle.close() }
        var hash = SHA256()
        while true {
            let data: Data
            do { data = try handle.read(upToCount: 1 << 20) ?? Data() } catch {
                throw TrainingError(.io, "cannot read: \(error.localizedDescription)", file: url.path)
            }
            if data.isEmpty { break }
            hash.update(data)
        }
        return hash.finalizeHex()
    }
}
