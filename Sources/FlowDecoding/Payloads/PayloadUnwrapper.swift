public import FlowCore
import Foundation

/// Peels the transport layers that push deliveries wrap around their content: base64 text and
/// gzip, in either order of discovery, until plain bytes remain.
public enum PayloadUnwrapper {
    /// Returns the content with base64 and gzip layers removed (at most a few layers, so that a
    /// hostile payload cannot make us loop).
    public static func unwrap(_ payload: [UInt8], name: String) throws(FlowLensError) -> [UInt8] {
        var bytes = payload
        for _ in 0..<4 {
            if bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B {
                bytes = try GzipInflater.inflateAll(bytes, name: name)
            } else if let decoded = base64(bytes) {
                bytes = decoded
            } else {
                return bytes
            }
        }
        return bytes
    }

    /// Decodes base64 only when the whole payload is base64 (JSON or flow log text never is:
    /// both contain spaces, braces or quotes).
    static func base64(_ bytes: [UInt8]) -> [UInt8]? {
        var end = bytes.count
        while end > 0 && (bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D || bytes[end - 1] == 0x20) { end -= 1 }
        guard end >= 4, end % 4 == 0 else { return nil }
        for byte in bytes[0..<end] {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "="):
                continue
            default:
                return nil
            }
        }
        guard let data = Data(base64Encoded: Data(bytes[0..<end])) else { return nil }
        return [UInt8](data)
    }
}
