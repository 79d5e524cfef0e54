/// TCP flag names for `tcp-flags has ...`, with their bit in the `tcp-flags` field.
///
/// VPC Flow Logs OR together the flags seen during the aggregation interval, so a SYN-ACK reads
/// as 18 (`has (syn, ack)`).
enum TCPFlag {
    static let all: [(name: String, bit: UInt16)] = [
        ("fin", 1), ("syn", 2), ("rst", 4), ("psh", 8), ("ack", 16), ("urg", 32),
    ]

    static func bit(named name: String) -> UInt16? {
        let lowered = name.lowercased()
        return all.first { $0.name == lowered }?.bit
    }

    static func name(of bit: UInt64) -> String? { all.first { UInt64($0.bit) == bit }?.name }

    static var names: String { all.map(\.name).joined(separator: ", ") }
}
