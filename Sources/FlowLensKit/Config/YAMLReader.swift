public import FlowCore
import Yams

/// Typed reading of a YAML document with errors that name the file, line and key.
///
/// Config and rule files share it, so both report problems the same way:
/// `flowlens.yml:12: networks.interal: unknown key (known: internal, trusted, dns_resolvers)`.
struct YAMLReader {
    let name: String

    func document(_ text: String) throws(FlowLensError) -> Node? {
        do {
            return try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw FlowLensError(.badConfig, "not valid YAML: \(Self.describe(error))", location: name)
        } catch {
            throw FlowLensError(.badConfig, "not valid YAML: \(error)", location: name)
        }
    }

    private static func describe(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            "line \(mark.line), column \(mark.column): \(problem)"
        default: "\(error)"
        }
    }

    func location(_ node: Node) -> String { node.mark.map { "\(name):\($0.line)" } ?? name }

    func fail(_ node: Node, _ path: String, _ message: String) -> FlowLensError {
        FlowLensError(.badConfig, path.isEmpty ? message : "\(path): \(message)", location: location(node))
    }

    /// The entries of a mapping, refusing keys outside `known` (nil accepts any key).
    func mapping(_ node: Node, _ path: String, known: [String]?) throws(FlowLensError) -> [(String, Node)] {
        guard case .mapping(let mapping) = node else { throw fail(node, path, "expected a mapping (key: value)") }
        var entries: [(String, Node)] = []
        for (keyNode, value) in mapping {
            guard let key = keyNode.string else { throw fail(keyNode, path, "keys must be text") }
            if let known, !known.contains(key) {
                let where_ = path.isEmpty ? key : "\(path).\(key)"
                throw FlowLensError(
                    .badConfig, "\(where_): unknown key (known: \(known.joined(separator: ", ")))",
                    location: location(keyNode))
            }
            entries.append((key, value))
        }
        return entries
    }

    func string(_ node: Node, _ path: String) throws(FlowLensError) -> String {
        guard case .scalar(let scalar) = node else { throw fail(node, path, "expected a single value") }
        return scalar.string
    }

    /// A list of strings; a single scalar counts as a one-element list.
    func strings(_ node: Node, _ path: String) throws(FlowLensError) -> [String] {
        switch node {
        case .scalar(let scalar): return scalar.string.isEmpty ? [] : [scalar.string]
        case .sequence(let sequence):
            var out: [String] = []
            for item in sequence { out.append(try string(item, path)) }
            return out
        default: throw fail(node, path, "expected a list")
        }
    }

    func number(_ node: Node, _ path: String) throws(FlowLensError) -> Double {
        let text = try string(node, path)
        guard let value = Double(text.replacingUnderscores()) else { throw fail(node, path, "'\(text)' is not a number") }
        return value
    }

    func bool(_ node: Node, _ path: String) throws(FlowLensError) -> Bool {
        guard let value = node.bool else { throw fail(node, path, "expected true or false") }
        return value
    }

    /// A duration: `90s`, `10m`, `6h`, `1d`, or plain seconds.
    func duration(_ node: Node, _ path: String) throws(FlowLensError) -> Int64 {
        let text = try string(node, path)
        guard let seconds = Timestamp.duration(text) else {
            throw fail(node, path, "'\(text)' is not a duration (such as 90s, 10m, 6h, 1d)")
        }
        return seconds
    }

    func cidrs(_ node: Node, _ path: String) throws(FlowLensError) -> CIDRSet {
        var blocks: [CIDR] = []
        for text in try strings(node, path) {
            guard let block = CIDR(text) else { throw fail(node, path, "'\(text)' is not an IP address or CIDR") }
            blocks.append(block)
        }
        return CIDRSet(blocks)
    }
}

extension String {
    fileprivate func replacingUnderscores() -> String { String(filter { $0 != "_" }) }
}
