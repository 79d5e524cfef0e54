import FlowCore

/// The type of a subject's values: decides which literals parse, which operators apply, and how
/// values print.
enum ValueKind: Equatable, Sendable {
    case number(max: UInt64)
    case protocolNumber
    case tcpFlags
    case time
    case address
    case text(TextCase)
    case action
    case logStatus
    case flowDirection

    /// How text written in an expression is matched against stored text. Stored text is compared
    /// as interned symbols, so case-insensitivity is had by rewriting the literal into the one
    /// spelling AWS writes.
    enum TextCase: Equatable, Sendable {
        case exact
        case upper
        case lower
        /// One of these spellings, matched case-insensitively; other text is kept as written.
        case canonical([String])
    }

    init(_ field: FlowField) {
        switch field {
        case .proto: self = .protocolNumber
        case .tcpFlags: self = .tcpFlags
        case .type: self = .text(.canonical(["IPv4", "IPv6", "EFA"]))
        case .pktSrcAWSService, .pktDstAWSService, .rejectReason: self = .text(.upper)
        case .sublocationType: self = .text(.lower)
        case .resourceType: self = .text(.canonical(["TransitGateway"]))
        default:
            switch field.kind {
            case .number(let max): self = .number(max: max)
            case .time: self = .time
            case .address: self = .address
            case .text: self = .text(.exact)
            case .action: self = .action
            case .logStatus: self = .logStatus
            case .flowDirection: self = .flowDirection
            }
        }
    }

    var isOrdered: Bool {
        switch self {
        case .number, .protocolNumber, .tcpFlags, .time: true
        default: false
        }
    }

    var allowsRanges: Bool {
        switch self {
        case .number, .protocolNumber: true
        default: false
        }
    }

    /// What a value should look like, for error hints.
    var expectation: String {
        switch self {
        case .number(let max): "expected a number from 0 to \(max)"
        case .protocolNumber: "expected a protocol number or name such as tcp, udp, icmp"
        case .tcpFlags: "expected a number or a flag name: \(TCPFlag.names)"
        case .time: "expected Unix seconds or an RFC 3339 time such as 2026-11-02T03:20:00Z"
        case .address: "expected an IPv4 or IPv6 address, a CIDR block or a $set"
        case .text: "expected a word or a quoted string"
        case .action: "expected ACCEPT or REJECT"
        case .logStatus: "expected OK, NODATA or SKIPDATA"
        case .flowDirection: "expected ingress or egress"
        }
    }

    /// Parses one literal (not a list). `allowRange` is set inside `in` lists.
    func parse(_ token: Token, subject: String, allowRange: Bool) throws(ExpressionError) -> FilterValue {
        let text = token.text
        func invalid() -> ExpressionError {
            ExpressionError("invalid value \(token.quoted) for '\(subject)'", at: token.offset, hint: expectation)
        }
        if token.kind == .setName {
            guard self == .address else {
                throw ExpressionError(
                    "set '$\(text)' can only be compared with an address", at: token.offset,
                    hint: "'\(subject)' is not an address field")
            }
            return .set(text)
        }
        switch self {
        case .number, .protocolNumber:
            let max: UInt64 = if case .number(let max) = self { max } else { 255 }
            // Protocol names come first: `ipv4-in-ip` is a name, not a range.
            if self == .protocolNumber, let number = IPProtocolNames.number(text) { return .number(UInt64(number)) }
            if let dash = text.firstIndex(of: "-"), dash != text.startIndex, token.kind == .word {
                let low = try number(text[..<dash], max: max, token: token, subject: subject)
                let high = try number(text[text.index(after: dash)...], max: max, token: token, subject: subject)
                guard allowRange else {
                    throw ExpressionError(
                        "a range needs 'in'", at: token.offset, hint: "write '\(subject) in \(low)-\(high)'")
                }
                guard low <= high else {
                    throw ExpressionError(
                        "range \(token.quoted) runs backwards", at: token.offset,
                        hint: "write \(high)-\(low)")
                }
                return .range(low...high)
            }
            return .number(try number(Substring(text), max: max, token: token, subject: subject))
        case .tcpFlags:
            if let bit = TCPFlag.bit(named: text) { return .number(UInt64(bit)) }
            guard Self.isNumeric(Substring(text)) else { throw invalid() }
            return .number(try number(Substring(text), max: 65535, token: token, subject: subject))
        case .time:
            guard let seconds = TimeLiteral.parse(text) else { throw invalid() }
            return .time(seconds)
        case .address:
            guard let cidr = CIDR(text) else {
                if text.contains("-") {
                    throw ExpressionError(
                        "invalid value \(token.quoted) for '\(subject)'", at: token.offset,
                        hint: "address ranges are written as CIDR blocks such as 10.0.0.0/8")
                }
                throw invalid()
            }
            return .network(cidr)
        case .text(let textCase):
            return .text(textCase.apply(text))
        case .action:
            guard let action = FlowAction.allCases.first(where: { $0.name.lowercased() == text.lowercased() })
            else { throw invalid() }
            return .action(action)
        case .logStatus:
            guard let status = LogStatus.allCases.first(where: { $0.name.lowercased() == text.lowercased() })
            else { throw invalid() }
            return .logStatus(status)
        case .flowDirection:
            guard let direction = FlowDirection.allCases.first(where: { $0.name == text.lowercased() })
            else { throw invalid() }
            return .flowDirection(direction)
        }
    }

    private func number(_ text: Substring, max: UInt64, token: Token, subject: String) throws(ExpressionError)
        -> UInt64
    {
        let value: UInt64?
        if text.hasPrefix("0x") || text.hasPrefix("0X") {
            value = UInt64(text.dropFirst(2), radix: 16)
        } else {
            value = UInt64(text)
        }
        guard let value else {
            if Self.isNumeric(text) {
                throw ExpressionError("\(text) is out of range for '\(subject)'", at: token.offset, hint: expectation)
            }
            throw ExpressionError("invalid value \(token.quoted) for '\(subject)'", at: token.offset, hint: expectation)
        }
        guard value <= max else {
            throw ExpressionError("\(text) is out of range for '\(subject)'", at: token.offset, hint: expectation)
        }
        return value
    }

    private static func isNumeric(_ text: Substring) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { $0 &- 48 < 10 }
    }

    /// Prints a value the way it reads best for this kind: protocol and flag names, not numbers.
    func format(_ value: FilterValue) -> String {
        guard case .number(let number) = value else { return value.description }
        switch self {
        case .protocolNumber:
            let name = IPProtocolNames.name(UInt8(truncatingIfNeeded: number))
            return name.hasPrefix("proto-") ? String(number) : name.lowercased()
        case .tcpFlags:
            return TCPFlag.name(of: number) ?? String(number)
        default:
            return value.description
        }
    }
}

extension ValueKind.TextCase {
    func apply(_ text: String) -> String {
        switch self {
        case .exact: text
        case .upper: text.uppercased()
        case .lower: text.lowercased()
        case .canonical(let spellings): spellings.first { $0.lowercased() == text.lowercased() } ?? text
        }
    }
}
