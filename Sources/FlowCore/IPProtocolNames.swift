/// IANA protocol numbers to the names people read (6 is TCP).
public enum IPProtocolNames {
    public static func name(_ number: UInt8) -> String {
        switch number {
        case 1: "ICMP"
        case 2: "IGMP"
        case 4: "IPv4-in-IP"
        case 6: "TCP"
        case 17: "UDP"
        case 41: "IPv6-in-IP"
        case 47: "GRE"
        case 50: "ESP"
        case 51: "AH"
        case 58: "ICMPv6"
        case 89: "OSPF"
        case 103: "PIM"
        case 112: "VRRP"
        case 132: "SCTP"
        default: "proto-\(number)"
        }
    }

    /// Parses a name (`tcp`, `UDP`, `icmp`) or a number.
    public static func number(_ text: String) -> UInt8? {
        if let n = UInt8(text) { return n }
        for n in 0...255 where name(UInt8(n)).lowercased() == text.lowercased() { return UInt8(n) }
        return nil
    }
}
