import Foundation
import Corpus

/// A corpus description (`Manifests/*.yaml`, design §3.2): named datasets, each a format and a
/// list of JSONL files given relative to the manifest file.
public struct Manifest: Sendable, Equatable {
    public var name: String
    public var file: URL
    public var datasets: [DatasetSpec]

    static let keys = ["name", "datasets"]
    static let datasetKeys = ["name", "format", "files", "fields"]
    static let fieldKeys = ["id", "compress", "keep", "answers"]

    /// Reads and validates a manifest; errors name the file, the key and the line.
    public static func load(_ url: URL) throws -> Manifest {
        let url = url.standardizedFileURL
        let root = try YAMLField.load(url)
        let map = try root.mapping(allowed: keys)
        guard let nameField = map["name"] else { throw root.error("missing key 'name'") }
        guard let dsField = map["datasets"] else { throw root.error("missing key 'datasets'") }
        let base = url.deletingLastPathComponent()
        var datasets: [DatasetSpec] = []
        for item in try dsField.sequence() {
            let spec = try parseDataset(item, base: base)
            if datasets.contains(where: { $0.name == spec.name }) {
                throw item.error("dataset '\(spec.name)' is listed twice")
            }
            datasets.append(spec)
        }
        if datasets.isEmpty { throw dsField.error("no datasets listed") }
        return Manifest(name: try nameField.string(), file: url, datasets: datasets)
    }

    private static func parseDataset(_ item: YAMLField, base: URL) throws -> DatasetSpec {
        let m = try item.mapping(allowed: datasetKeys)
        guard let nameField = m["name"] else { throw item.error("missing key 'name'") }
        guard let formatField = m["format"] else { throw item.error("missing key 'format'") }
        guard let filesField = m["files"] else { throw item.error("missing key 'files'") }
        let name = try nameField.string()
        guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
            throw nameField.error("a dataset name must be a plain folder name")
        }
        let formatText = try formatField.string()
        guard let format = DatasetFormat(rawValue: formatText) else {
            throw formatField.error("unknown format '\(formatText)' (one of: "
                + DatasetFormat.allCases.map(\.rawValue).joined(separator: ", ") + ")")
        }
        var files: [URL] = []
        for (i, pattern) in try filesField.stringList().enumerated() {
            let at = (try? filesField.sequence()[i]) ?? filesField
            guard pattern.hasSuffix(".jsonl") || pattern.hasSuffix(".jsonl.zst") else {
                throw at.error("'\(pattern)' is neither .jsonl nor .jsonl.zst")
            }
            let found = Glob.expand(pattern, relativeTo: base)
            if found.isEmpty {
                throw at.error(Glob.hasMagic(pattern) ? "no file matches '\(pattern)'"
                               : "file not found: \(base.appendingPathComponent(pattern).standardizedFileURL.path)")
            }
            for f in found where !files.contains(f) { files.append(f) }
        }
        var fields: FieldMapping?
        if let ff = m["fields"] {
            guard format == .jsonl else { throw ff.error("'fields' is only for format jsonl") }
            let fm = try ff.mapping(allowed: fieldKeys)
            guard let compress = fm["compress"] else { throw ff.error("missing key 'compress'") }
            let list = try compress.stringList()
            if list.isEmpty { throw compress.error("list at least one field to compress") }
            fields = FieldMapping(id: try fm["id"]?.string(), compress: list,
                               keep: try fm["keep"]?.stringList() ?? [], answers: try fm["answers"]?.string())
        } else if format == .jsonl {
            throw item.error("format jsonl needs 'fields' (at least {compress: [field]})")
        }
        return DatasetSpec(name: name, format: format, files: files, fields: fields, line: item.line, base: base)
    }
}

/// One dataset of a manifest with its files resolved to absolute paths.
public struct DatasetSpec: Sendable, Equatable {
    public var name: String
    public var format: DatasetFormat
    public var files: [URL]
    public var fields: FieldMapping?
    /// Line of the dataset entry in its manifest, for later errors.
    public var line: Int?
    /// The manifest's folder: file names in plans and quarantine are relative to it.
    public var base: URL

    /// A file's name relative to the manifest folder (absolute when outside it).
    public func relativeName(of url: URL) -> String { url.path(relativeToFolder: base) }
}

extension URL {
    /// This file's path relative to the folder `base` (the absolute path when it lies outside it): the
    /// file names plans and quarantine files record.
    public func path(relativeToFolder base: URL) -> String {
        let b = base.standardizedFileURL.path + "/"
        return path.hasPrefix(b) ? String(path.dropFirst(b.count)) : path
    }
}
