/// HTML escaping: the one function every string from logs or config goes through on its way into
/// the report.
public enum HTML {
    /// Escapes `text` for use in element content and in quoted attribute values (HTML and inline
    /// SVG alike): `& < > " '` become character references, and control characters other than
    /// tab and newline are dropped, so no input can open a tag, close an attribute or start
    /// markup of its own.
    public static func escape(_ text: some StringProtocol) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

/// Markdown escaping for the `--format markdown` report: table-safe and inert where Markdown
/// renderers allow inline HTML.
public enum MarkdownText {
    public static func escape(_ text: some StringProtocol) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "|": out += "\\|"
            case "\\", "`", "*", "_", "[", "]", "#": out += "\\" + String(scalar)
            case "\n", "\r", "\t": out += " "
            default:
                if scalar.value < 0x20 { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
