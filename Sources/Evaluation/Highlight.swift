import Foundation

/// The kept/dropped word page (`reports/highlight.html`): for a sample of records, every word the
/// compressor saw, kept words on a green background and dropped words struck through in grey. A
/// self-contained HTML document (inline CSS, no scripts).
public enum HighlightPage {
    /// One sampled record: where it came from and the compressor's words with 0/1 keep labels.
    public struct Sample: Sendable {
        public var dataset: String
        public var file: String
        public var line: Int
        public var words: [String]
        public var labels: [Int]
        public init(dataset: String, file: String, line: Int, words: [String], labels: [Int]) {
            self.dataset = dataset
            self.file = file
            self.line = line
            self.words = words
            self.labels = labels
        }
    }

    public static func html(title: String, samples: [Sample]) -> String {
        var out = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>\(SVGDocument.escape(title))</title>
            <style>
            body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; margin: 24px auto; max-width: 980px; color: #222; }
            h1 { font-size: 22px; margin-bottom: 4px; }
            h2 { font-size: 15px; margin: 26px 0 4px; }
            .meta { color: #555; font-size: 13px; margin-bottom: 8px; }
            .text { line-height: 1.9; font-size: 14px; border: 1px solid #ddd; border-radius: 6px; padding: 10px 14px; }
            .k { background: #d8f0d2; color: #111; border-radius: 3px; padding: 1px 1px; }
            .d { color: #9a9a9a; text-decoration: line-through; }
            .nl { display: block; height: 4px; }
            .legend span { margin-right: 16px; }
            </style></head><body>
            <h1>\(SVGDocument.escape(title))</h1>
            <p class="legend"><span class="k">kept word</span> <span class="d">dropped word</span></p>

            """
        if samples.isEmpty {
            out += "<p>No sampled record has word labels (the compressor returned none, or no record finished).</p>\n"
        }
        for s in samples {
            let n = min(s.words.count, s.labels.count)
            let kept = s.labels.prefix(n).filter { $0 == 1 }.count
            let pct = n > 0 ? String(format: "%.0f", 100 * Double(kept) / Double(n)) : "–"
            out += "<h2>\(SVGDocument.escape(s.dataset)) · \(SVGDocument.escape(s.file)) line \(s.line)</h2>\n"
            out += "<div class=\"meta\">kept \(kept) of \(n) words (\(pct)%)</div>\n<div class=\"text\">"
            for i in 0..<n {
                let w = s.words[i]
                if w.allSatisfy({ $0 == "\n" || $0 == "\r\n" }) {
                    out += "<span class=\"nl\"></span>"
                    continue
                }
                out += "<span class=\"\(s.labels[i] == 1 ? "k" : "d")\">\(SVGDocument.escape(w))</span> "
            }
            out += "</div>\n"
        }
        out += "</body></html>\n"
        return out
    }
}
