/// The canonical header block of a SigV4 request and its `SignedHeaders` list.
///
/// Names are lower-cased and sorted; each value is trimmed and its runs of whitespace (including
/// the line breaks of folded headers) become one space; values of a repeated name are joined with
/// commas in the order they appear.
struct CanonicalHeaders {
    let canonical: String
    let signedHeaders: String

    init(_ headers: [SigV4Request.Header]) {
        var values: [String: [String]] = [:]
        for header in headers {
            values[header.name.lowercased(), default: []].append(Self.normalizedValue(header.value))
        }
        let names = values.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        canonical = names.map { "\($0):\(values[$0]!.joined(separator: ","))\n" }.joined()
        signedHeaders = names.joined(separator: ";")
    }

    static func normalizedValue(_ value: String) -> String {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" })
            .joined(separator: " ")
    }
}
