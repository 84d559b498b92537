import Foundation
import Corpus
import Runner

/// A dataset to distill: a manifest dataset (`Manifest`/`DatasetSpec` of the runner) or a plain
/// JSONL file read through the generic adapter with one text field.
public struct DistillDataset: Sendable, Equatable {
    public var name: String
    public var format: DatasetFormat
    public var fields: FieldMapping?
    public var files: [URL]
    /// Folder file names are shown relative to.
    public var base: URL

    public init(name: String, format: DatasetFormat, fields: FieldMapping?, files: [URL], base: URL) {
        self.name = name
        self.format = format
        self.fields = fields
        self.files = files
        self.base = base
    }

    public init(_ spec: DatasetSpec) {
        self.init(name: spec.name, format: spec.format, fields: spec.fields, files: spec.files, base: spec.base)
    }

    /// A plain JSONL (or .jsonl.zst) file whose `field` holds the text (a string or a list of
    /// strings); `idField` names records (else `line-N`). The dataset is named after the file.
    public static func plainFile(_ url: URL, field: String, idField: String?) -> DistillDataset {
        var name = url.lastPathComponent
        for ext in [".zst", ".jsonl"] where name.hasSuffix(ext) { name = String(name.dropLast(ext.count)) }
        return DistillDataset(name: name.isEmpty ? "input" : name, format: .jsonl,
                              fields: FieldMapping(id: idField, compress: [field]), files: [url.standardizedFileURL],
                              base: url.standardizedFileURL.deletingLastPathComponent())
    }

    /// A file's name relative to the dataset's folder (absolute when outside it), as the runner's plans name files.
    func relativeName(of url: URL) -> String { url.path(relativeToFolder: base) }
}
