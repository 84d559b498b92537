import Foundation

/// A minimal SVG writer for the report charts: shapes and text appended in order, rendered as one
/// standalone document (no external fonts, styles or scripts, so any viewer and `rsvg-convert`
/// draw it the same). Coordinates are user units with the origin at the top left.
public struct SVGDocument: Sendable {
    public var width: Double
    public var height: Double
    private var body: [String] = []

    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    public mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String,
                              stroke: String? = nil, opacity: Double? = nil, title: String? = nil) {
        var a = "x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" width=\"\(Self.n(max(0, width)))\" height=\"\(Self.n(max(0, height)))\" fill=\"\(fill)\""
        if let stroke { a += " stroke=\"\(stroke)\"" }
        if let opacity { a += " fill-opacity=\"\(Self.n(opacity))\"" }
        body.append(title.map { "<rect \(a)><title>\(Self.escape($0))</title></rect>" } ?? "<rect \(a)/>")
    }

    public mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String,
                              width: Double = 1, dash: String? = nil) {
        var a = "x1=\"\(Self.n(x1))\" y1=\"\(Self.n(y1))\" x2=\"\(Self.n(x2))\" y2=\"\(Self.n(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(Self.n(width))\""
        if let dash { a += " stroke-dasharray=\"\(dash)\"" }
        body.append("<line \(a)/>")
    }

    public mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double = 2, dash: String? = nil) {
        let p = points.map { "\(Self.n($0.0)),\(Self.n($0.1))" }.joined(separator: " ")
        var a = "points=\"\(p)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(Self.n(width))\""
        if let dash { a += " stroke-dasharray=\"\(dash)\"" }
        body.append("<polyline \(a)/>")
    }

    public mutating func circle(cx: Double, cy: Double, r: Double, fill: String, stroke: String? = nil,
                                title: String? = nil) {
        var a = "cx=\"\(Self.n(cx))\" cy=\"\(Self.n(cy))\" r=\"\(Self.n(r))\" fill=\"\(fill)\""
        if let stroke { a += " stroke=\"\(stroke)\" stroke-width=\"1.5\"" }
        body.append(title.map { "<circle \(a)><title>\(Self.escape($0))</title></circle>" } ?? "<circle \(a)/>")
    }

    public enum Anchor: String, Sendable { case start, middle, end }

    public mutating func text(_ s: String, x: Double, y: Double, size: Double = 12, anchor: Anchor = .start,
                              weight: String? = nil, fill: String = "#222", rotate: Double? = nil) {
        var a = "x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" font-size=\"\(Self.n(size))\" text-anchor=\"\(anchor.rawValue)\" fill=\"\(fill)\""
        if let weight { a += " font-weight=\"\(weight)\"" }
        if let rotate { a += " transform=\"rotate(\(Self.n(rotate)) \(Self.n(x)) \(Self.n(y)))\"" }
        body.append("<text \(a)>\(Self.escape(s))</text>")
    }

    /// The whole document, white background included.
    public func render() -> String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Self.n(width))\" height=\"\(Self.n(height))\" "
        out += "viewBox=\"0 0 \(Self.n(width)) \(Self.n(height))\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n"
        out += "<rect x=\"0\" y=\"0\" width=\"\(Self.n(width))\" height=\"\(Self.n(height))\" fill=\"#ffffff\"/>\n"
        for e in body { out += e + "\n" }
        out += "</svg>\n"
        return out
    }

    /// A number with at most two decimals and no trailing zeros (stable, locale-free).
    static func n(_ x: Double) -> String {
        guard x.isFinite else { return "0" }
        var s = String(format: "%.2f", x)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s == "-0" ? "0" : s
    }

    /// XML text escaping (also used by the HTML page).
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
