/// A parsed XML element: its local name, the text directly inside it, and its child elements.
///
/// AWS's XML responses (S3, EC2, STS and their errors) are small, namespace-free in practice and
/// use no mixed content that matters, so this tree and `XMLElement.parse` are all FlowAWS needs
/// instead of a general XML library.
package struct XMLElement: Sendable, Hashable {
    /// The element name without any namespace prefix (`ListBucketResult`, `Key`).
    package var name: String
    /// The element's text with entities decoded (text of child elements excluded).
    package var text: String
    package var children: [XMLElement]

    package init(name: String, text: String = "", children: [XMLElement] = []) {
        self.name = name
        self.text = text
        self.children = children
    }

    /// The first child named `name`.
    package func child(_ name: String) -> XMLElement? { children.first { $0.name == name } }

    /// Every child named `name`, in document order.
    package func children(_ name: String) -> [XMLElement] { children.filter { $0.name == name } }

    /// The text of the element reached by following `path` from here, or nil when missing.
    package func value(_ path: String...) -> String? {
        var element = self
        for name in path {
            guard let next = element.child(name) else { return nil }
            element = next
        }
        return element.text
    }

    /// The first element named `name` anywhere below (depth first), or self when it has that name.
    package func first(named name: String) -> XMLElement? {
        if self.name == name { return self }
        for child in children {
            if let found = child.first(named: name) { return found }
        }
        return nil
    }
}

extension XMLElement {
    package struct ParseError: Error, CustomStringConvertible {
        package var description: String
    }

    /// Parses a document and returns its root element.
    ///
    /// Tolerant where AWS-compatible servers differ: the XML declaration, comments, processing
    /// instructions and DOCTYPE are skipped, CDATA is text, attributes are ignored, and an end tag
    /// closes the nearest open element of that name.
    package static func parse(_ bytes: [UInt8]) throws -> XMLElement {
        var stack: [XMLElement] = [XMLElement(name: "")]
        var index = 0
        var textStart = 0

        func appendText(_ range: Range<Int>) {
            guard !range.isEmpty else { return }
            stack[stack.count - 1].text += decodeEntities(bytes[range])
        }
        func find(_ pattern: String, from start: Int) -> Int? {
            let needle = Array(pattern.utf8)
            var position = start
            while position + needle.count <= bytes.count {
                if bytes[position] == needle[0] && Array(bytes[position..<position + needle.count]) == needle {
                    return position
                }
                position += 1
            }
            return nil
        }
        func closeTop() {
            let finished = stack.removeLast()
            stack[stack.count - 1].children.append(finished)
        }

        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "<") else {
                index += 1
                continue
            }
            appendText(textStart..<index)
            if bytes[index...].starts(with: Array("<!--".utf8)) {
                guard let end = find("-->", from: index + 4) else {
                    throw ParseError(description: "unterminated comment")
                }
                index = end + 3
            } else if bytes[index...].starts(with: Array("<![CDATA[".utf8)) {
                guard let end = find("]]>", from: index + 9) else {
                    throw ParseError(description: "unterminated CDATA")
                }
                stack[stack.count - 1].text += String(decoding: bytes[(index + 9)..<end], as: UTF8.self)
                index = end + 3
            } else if index + 1 < bytes.count
                && (bytes[index + 1] == UInt8(ascii: "?") || bytes[index + 1] == UInt8(ascii: "!"))
            {
                guard let end = find(">", from: index + 2) else {
                    throw ParseError(description: "unterminated declaration")
                }
                index = end + 1
            } else {
                guard let end = find(">", from: index + 1) else { throw ParseError(description: "unterminated tag") }
                var tag = bytes[(index + 1)..<end]
                index = end + 1
                if tag.first == UInt8(ascii: "/") {
                    let name = localName(tag.dropFirst())
                    if let open = stack.lastIndex(where: { $0.name == name }), open > 0 {
                        while stack.count > open { closeTop() }
                    }
                } else {
                    let selfClosing = tag.last == UInt8(ascii: "/")
                    if selfClosing { tag = tag.dropLast() }
                    stack.append(XMLElement(name: localName(tag)))
                    if selfClosing { closeTop() }
                }
            }
            textStart = index
        }
        while stack.count > 1 { closeTop() }
        guard let root = stack[0].children.first else {
            throw ParseError(description: "no XML element in the document")
        }
        return root
    }

    /// The tag's name up to the first whitespace, without a namespace prefix.
    private static func localName(_ tag: ArraySlice<UInt8>) -> String {
        let nameBytes = tag.prefix { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D) }
        let local = nameBytes.lastIndex(of: UInt8(ascii: ":")).map { nameBytes[($0 + 1)...] } ?? nameBytes
        return String(decoding: local, as: UTF8.self)
    }

    private static func decodeEntities(_ bytes: ArraySlice<UInt8>) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        guard text.contains("&") else { return text }
        var output = ""
        var rest = Substring(text)
        while let ampersand = rest.firstIndex(of: "&") {
            output += rest[..<ampersand]
            guard let semicolon = rest[ampersand...].firstIndex(of: ";"),
                rest.distance(from: ampersand, to: semicolon) <= 10
            else {
                output += "&"
                rest = rest[rest.index(after: ampersand)...]
                continue
            }
            let entity = rest[rest.index(after: ampersand)..<semicolon]
            switch entity {
            case "lt": output += "<"
            case "gt": output += ">"
            case "amp": output += "&"
            case "quot": output += "\""
            case "apos": output += "'"
            default:
                var scalar: Unicode.Scalar?
                if entity.hasPrefix("#x") || entity.hasPrefix("#X") {
                    scalar = UInt32(entity.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
                } else if entity.hasPrefix("#") {
                    scalar = UInt32(entity.dropFirst()).flatMap(Unicode.Scalar.init)
                }
                if let scalar { output.unicodeScalars.append(scalar) } else { output += "&" + entity + ";" }
            }
            rest = rest[rest.index(after: semicolon)...]
        }
        return output + rest
    }
}
