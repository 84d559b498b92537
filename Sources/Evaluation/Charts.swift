import Foundation

/// The report charts as SVG text, from plain numbers (no I/O): a stacked histogram, grouped bars
/// with a reference line, and a line/point chart. One colour per series (Okabe–Ito palette, safe
/// for colour-blind readers), a legend, axis titles and "nice" tick values.
public enum Charts {
    public static let palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]

    public static func colour(_ i: Int) -> String { palette[i % palette.count] }

    /// A named series of values (one per category, nil where there is none).
    public struct Series: Sendable {
        public var name: String
        public var values: [Double?]
        public init(name: String, values: [Double?]) {
            self.name = name
            self.values = values
        }
    }

    /// A named series of (x, y) points, drawn joined in x order; `labels` annotate points.
    public struct PointSeries: Sendable {
        public var name: String
        public var points: [(x: Double, y: Double)]
        public var labels: [String]
        public init(name: String, points: [(x: Double, y: Double)], labels: [String] = []) {
            self.name = name
            self.points = points
            self.labels = labels
        }
    }

    /// Tick values covering [lo, hi] with a 1–2–5 step, about `count` of them.
    public static func ticks(_ lo: Double, _ hi: Double, count: Int = 5) -> [Double] {
        guard hi > lo, lo.isFinite, hi.isFinite else { return [lo] }
        let raw = (hi - lo) / Double(max(1, count))
        let mag = pow(10, (log10(raw)).rounded(.down))
        let step = [1.0, 2, 5, 10].map { $0 * mag }.first { $0 >= raw } ?? 10 * mag
        var out: [Double] = []
        var t = (lo / step).rounded(.down) * step
        while t <= hi + step * 1e-9 {
            if t >= lo - step * 1e-9 { out.append(abs(t) < step * 1e-9 ? 0 : t) }
            t += step
        }
        return out
    }

    /// A tick label: integers plain, else one or two decimals.
    public static func label(_ x: Double) -> String {
        if x == x.rounded() && abs(x) < 1e9 { return String(Int(x)) }
        let s = String(format: abs(x) < 1 ? "%.2f" : "%.1f", x)
        return s
    }

    /// Plot area geometry shared by the charts.
    struct Frame {
        var svg: SVGDocument
        let left = 70.0, top = 56.0, right: Double, bottom: Double
        var x0 = 0.0, x1 = 1.0, y0 = 0.0, y1 = 1.0

        init(width: Double, height: Double, legendWidth: Double) {
            svg = SVGDocument(width: width, height: height)
            right = width - 24 - legendWidth
            bottom = height - 64
        }

        func px(_ x: Double) -> Double { left + (x - x0) / (x1 - x0) * (right - left) }
        func py(_ y: Double) -> Double { bottom - (y - y0) / (y1 - y0) * (bottom - top) }

        mutating func titles(_ title: String, subtitle: String?, x: String, y: String) {
            svg.text(title, x: left, y: 24, size: 16, weight: "bold")
            if let subtitle { svg.text(subtitle, x: left, y: 42, size: 11, fill: "#555") }
            svg.text(x, x: (left + right) / 2, y: bottom + 46, size: 12, anchor: .middle)
            svg.text(y, x: 18, y: (top + bottom) / 2, size: 12, anchor: .middle, rotate: -90)
        }

        mutating func yAxis(_ ticks: [Double], format: (Double) -> String = Charts.label) {
            for t in ticks {
                svg.line(x1: left, y1: py(t), x2: right, y2: py(t), stroke: "#e3e3e3")
                svg.text(format(t), x: left - 8, y: py(t) + 4, size: 11, anchor: .end, fill: "#444")
            }
            svg.line(x1: left, y1: bottom, x2: right, y2: bottom, stroke: "#444")
            svg.line(x1: left, y1: top, x2: left, y2: bottom, stroke: "#444")
        }

        mutating func legend(_ names: [String], extra: [(String, String)] = []) {
            var y = top + 4
            let x = right + 18
            for (i, n) in names.enumerated() {
                svg.rect(x: x, y: y, width: 12, height: 12, fill: Charts.colour(i))
                svg.text(n, x: x + 18, y: y + 10, size: 11)
                y += 20
            }
            for (dash, n) in extra {
                svg.line(x1: x, y1: y + 6, x2: x + 12, y2: y + 6, stroke: "#222", width: 2, dash: dash)
                svg.text(n, x: x + 18, y: y + 10, size: 11)
                y += 20
            }
        }
    }

    static func legendWidth(_ names: [String]) -> Double {
        let longest = names.map { $0.count }.max() ?? 0
        return Double(min(40, longest)) * 6.6 + 40
    }

    /// A histogram of `series` values over the bins `edges[i]..<edges[i+1]` (the last bin also
    /// takes values ≥ its lower edge), stacked by series. Counts on the y axis.
    public static func histogram(title: String, subtitle: String? = nil, xTitle: String, series: [Series],
                                 edges: [Double], edgeLabel: (Double) -> String = Charts.label) -> String {
        let names = series.map(\.name)
        var f = Frame(width: 760, height: 400, legendWidth: legendWidth(names))
        let bins = max(1, edges.count - 1)
        var counts = Array(repeating: Array(repeating: 0, count: bins), count: series.count)
        for (s, ser) in series.enumerated() {
            for v in ser.values.compactMap({ $0 }) {
                var b = bins - 1   // the last bin is open-ended; values under edges[0] go to the first
                for i in 0..<bins where v < edges[i + 1] { b = i; break }
                counts[s][b] += 1
            }
        }
        let totals = (0..<bins).map { b in counts.reduce(0) { $0 + $1[b] } }
        f.x0 = 0; f.x1 = Double(bins)
        f.y0 = 0; f.y1 = Double(max(1, totals.max() ?? 1)) * 1.08
        let yt = ticks(0, f.y1).filter { $0 == $0.rounded() }
        f.y1 = max(f.y1, yt.last ?? f.y1)
        f.titles(title, subtitle: subtitle, x: xTitle, y: "records")
        f.yAxis(yt)
        let w = (f.right - f.left) / Double(bins)
        for b in 0..<bins {
            var base = 0
            for s in series.indices where counts[s][b] > 0 {
                let top = base + counts[s][b]
                f.svg.rect(x: f.left + Double(b) * w + 2, y: f.py(Double(top)), width: w - 4,
                           height: f.py(Double(base)) - f.py(Double(top)), fill: colour(s),
                           title: "\(series[s].name): \(counts[s][b])")
                base = top
            }
            if totals[b] > 0 {
                f.svg.text(String(totals[b]), x: f.left + (Double(b) + 0.5) * w, y: f.py(Double(totals[b])) - 4,
                           size: 10, anchor: .middle, fill: "#333")
            }
        }
        for (i, e) in edges.enumerated() {
            let x = f.left + Double(i) * w
            f.svg.line(x1: x, y1: f.bottom, x2: x, y2: f.bottom + 4, stroke: "#444")
            let text = i == edges.count - 1 ? "∞" : edgeLabel(e)
            f.svg.text(text, x: x, y: f.bottom + 18, size: 11, anchor: .middle, fill: "#444")
        }
        f.legend(names)
        return f.svg.render()
    }

    /// Grouped bars: for each category one bar per series, with an optional dashed reference
    /// line (e.g. the requested rate). `yFormat` labels the y ticks and bar values.
    public static func groupedBars(title: String, subtitle: String? = nil, xTitle: String, yTitle: String,
                                   categories: [String], series: [Series], reference: Double? = nil,
                                   referenceName: String = "requested", yMax: Double? = nil,
                                   yFormat: @escaping (Double) -> String = Charts.label) -> String {
        let names = series.map(\.name)
        var f = Frame(width: 760, height: 420, legendWidth: legendWidth(names + [referenceName]))
        let values = series.flatMap { $0.values.compactMap { $0 } } + (reference.map { [$0] } ?? [])
        f.x0 = 0; f.x1 = Double(max(1, categories.count))
        f.y0 = 0; f.y1 = yMax ?? max(1e-9, (values.max() ?? 1) * 1.15)
        let yt = ticks(0, f.y1)
        f.y1 = max(f.y1, yt.last ?? f.y1)
        f.titles(title, subtitle: subtitle, x: xTitle, y: yTitle)
        f.yAxis(yt, format: yFormat)
        let group = (f.right - f.left) / Double(max(1, categories.count))
        let barW = min(60, max(4, (group - 16) / Double(max(1, series.count))))
        for (c, name) in categories.enumerated() {
            // Only the series with a value here get a bar, centred in the category's slot.
            let present = series.indices.filter { c < series[$0].values.count && series[$0].values[c] != nil }
            let gx = f.left + (Double(c) + 0.5) * group - Double(present.count) * barW / 2
            for (k, s) in present.enumerated() {
                let ser = series[s]
                guard let v = ser.values[c] else { continue }
                let x = gx + Double(k) * barW
                f.svg.rect(x: x + 1, y: f.py(v), width: barW - 2, height: f.bottom - f.py(v), fill: colour(s),
                           title: "\(ser.name) \(name): \(yFormat(v))")
                if barW >= 26 {
                    f.svg.text(yFormat(v), x: x + barW / 2, y: f.py(v) - 4, size: 9, anchor: .middle, fill: "#333")
                }
            }
            f.svg.text(name, x: f.left + (Double(c) + 0.5) * group, y: f.bottom + 18, size: 11, anchor: .middle, fill: "#444")
        }
        var extra: [(String, String)] = []
        if let reference {
            f.svg.line(x1: f.left, y1: f.py(reference), x2: f.right, y2: f.py(reference), stroke: "#222", width: 2, dash: "6 4")
            extra.append(("6 4", "\(referenceName) \(yFormat(reference))"))
        }
        f.legend(names, extra: extra)
        return f.svg.render()
    }

    /// Points joined by lines per series, x and y axes from the data (x from 1 when `xFromOne`).
    public static func lines(title: String, subtitle: String? = nil, xTitle: String, yTitle: String,
                             series: [PointSeries], xFromOne: Bool = true, yRange: (Double, Double)? = nil,
                             xFormat: @escaping (Double) -> String = Charts.label) -> String {
        let names = series.map(\.name)
        var f = Frame(width: 760, height: 420, legendWidth: legendWidth(names))
        let xs = series.flatMap { $0.points.map(\.x) }, ys = series.flatMap { $0.points.map(\.y) }
        f.x0 = xFromOne ? 1 : (xs.min() ?? 0)
        f.x1 = max(f.x0 + 1, (xs.max() ?? 1) * 1.08)
        let xt = ticks(f.x0, f.x1)
        f.x1 = max(f.x1, xt.last ?? f.x1)
        if let yRange {
            f.y0 = yRange.0; f.y1 = yRange.1
        } else {
            f.y0 = 0; f.y1 = max(10, (ys.max() ?? 1) * 1.15)
        }
        let yt = ticks(f.y0, f.y1)
        f.y1 = max(f.y1, yt.last ?? f.y1)
        f.titles(title, subtitle: subtitle, x: xTitle, y: yTitle)
        f.yAxis(yt)
        for t in xt {
            f.svg.line(x1: f.px(t), y1: f.bottom, x2: f.px(t), y2: f.bottom + 4, stroke: "#444")
            f.svg.text(xFormat(t), x: f.px(t), y: f.bottom + 18, size: 11, anchor: .middle, fill: "#444")
        }
        for (s, ser) in series.enumerated() {
            let order = ser.points.indices.sorted { ser.points[$0].x < ser.points[$1].x }
            let pts = order.map { (f.px(ser.points[$0].x), f.py(ser.points[$0].y)) }
            if pts.count > 1 { f.svg.polyline(pts, stroke: colour(s)) }
            for (k, i) in order.enumerated() {
                let p = ser.points[i]
                f.svg.circle(cx: pts[k].0, cy: pts[k].1, r: 4.5, fill: colour(s), stroke: "#fff",
                             title: "\(ser.name): \(xFormat(p.x)), \(label(p.y))")
                if i < ser.labels.count, !ser.labels[i].isEmpty {
                    f.svg.text(ser.labels[i], x: pts[k].0 + 7, y: pts[k].1 - 7, size: 10, fill: "#333")
                }
            }
        }
        f.legend(names)
        return f.svg.render()
    }
}
