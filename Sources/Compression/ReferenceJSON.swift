/// The result line of `lingua compress --cases` (design.md §3.1), with the reference's keys, key
/// order and value formats: `{"id", "compressed_prompt", "compressed_prompt_list", "origin_tokens",
/// "compressed_tokens", "ratio", "rate", "fn_labeled_original_prompt"?}`, or `{"id", "error"}`.
public enum ReferenceJSON {
    /// The result object; without an id (single-text `--json`) the `id` key is left out.
    public static func resultLine(id: String?, _ r: CompressionResult) -> String {
        var s = "{" + (id.map { "\"id\": " + quote($0) + ", " } ?? "")
        s += "\"compressed_prompt\": " + quote(r.compressedPrompt)
        s += ", \"compressed_prompt_list\": [" + r.compressedPromptList.map(quote).joined(separator: ", ") + "]"
        s += ", \"origin_tokens\": \(r.originTokens), \"compressed_tokens\": \(r.compressedTokens)"
        s += ", \"ratio\": " + quote(r.ratioString) + ", \"rate\": " + quote(r.rateString)
        if let l = r.labeledOriginalPrompt { s += ", \"fn_labeled_original_prompt\": " + quote(l) }
        return s + "}"
    }

    public static func errorLine(id: String?, _ message: String) -> String {
        "{\"id\": " + (id.map(quote) ?? "null") + ", \"error\": " + quote(message) + "}"
    }

    /// A JSON string literal; non-ASCII stays as UTF-8 (like `json.dumps(ensure_ascii=False)`).
    public static func quote(_ text: String) -> String {
        var out = "\""
        out.reserveCapacity(text.utf8.count + 2)
        for u in text.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}
