/// Pulls the `message` string out of a one-line JSON object, as CloudWatch Logs exports and
/// subscriptions wrap each flow log record (`{"timestamp":…,"message":"2 123… OK"}`).
enum JSONMessage {
    /// Unescapes the top-level `"message"` value into `output`. Returns false when the line is not
    /// a JSON object or has no string `message`.
    static func extract(_ line: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) -> Bool {
        var i = 0
        let n = line.count
        func skipSpace() { while i < n && (line[i] == 0x20 || line[i] == 0x09 || line[i] == 0x0D) { i += 1 } }
        skipSpace()
        guard i < n, line[i] == UInt8(ascii: "{") else { return false }
        i += 1
        while true {
            skipSpace()
            guard i < n else { return false }
            if line[i] == UInt8(ascii: "}") { return false }
            guard line[i] == UInt8(ascii: "\"") else { return false }
            output.removeAll(keepingCapacity: true)
            guard readString(line, &i, into: &output) else { return false }
            let isMessage = output.elementsEqual("message".utf8)
            skipSpace()
            guard i < n, line[i] == UInt8(ascii: ":") else { return false }
            i += 1
            skipSpace()
            guard i < n else { return false }
            if isMessage && line[i] == UInt8(ascii: "\"") {
                output.removeAll(keepingCapacity: true)
                return readString(line, &i, into: &output)
            }
            guard skipValue(line, &i) else { return false }
            skipSpace()
            guard i < n else { return false }
            if line[i] == UInt8(ascii: ",") {
                i += 1
            } else {
                return false
            }
        }
    }

    /// Reads a JSON string starting at the opening quote, leaving `i` after the closing one.
    private static func readString(_ line: UnsafeBufferPointer<UInt8>, _ i: inout Int, into output: inout [UInt8]) -> Bool {
        let n = line.count
        i += 1
        while i < n {
            let c = line[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                return true
            }
            if c == UInt8(ascii: "\\") {
                i += 1
                guard i < n else { return false }
                switch line[i] {
                case UInt8(ascii: "n"): output.append(0x0A)
                case UInt8(ascii: "t"): output.append(0x09)
                case UInt8(ascii: "r"): output.append(0x0D)
                case UInt8(ascii: "b"): output.append(0x08)
                case UInt8(ascii: "f"): output.append(0x0C)
                case UInt8(ascii: "u"):
                    guard i + 4 < n, let scalar = hex4(line, i + 1) else { return false }
                    i += 4
                    var code = scalar
                    // Surrogate pair.
                    if code >= 0xD800 && code < 0xDC00, i + 6 < n, line[i + 1] == UInt8(ascii: "\\"),
                        line[i + 2] == UInt8(ascii: "u"), let low = hex4(line, i + 3), low >= 0xDC00 && low < 0xE000
                    {
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        i += 6
                    }
                    output.append(contentsOf: String(Character(Unicode.Scalar(code) ?? "?")).utf8)
                default: output.append(line[i])
                }
                i += 1
            } else {
                output.append(c)
                i += 1
            }
        }
        return false
    }

    private static func hex4(_ line: UnsafeBufferPointer<UInt8>, _ start: Int) -> UInt32? {
        var value: UInt32 = 0
        for k in start..<(start + 4) {
            let c = line[k] | 0x20
            let digit: UInt32
            if c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") {
                digit = UInt32(c - 48)
            } else if c >= UInt8(ascii: "a") && c <= UInt8(ascii: "f") {
                digit = UInt32(c - 87)
            } else {
                return nil
            }
            value = value << 4 | digit
        }
        return value
    }

    /// Skips any JSON value (nested objects and arrays by depth, strings with escapes).
    private static func skipValue(_ line: UnsafeBufferPointer<UInt8>, _ i: inout Int) -> Bool {
        let n = line.count
        var depth = 0
        var scratch: [UInt8] = []
        while i < n {
            let c = line[i]
            if c == UInt8(ascii: "\"") {
                scratch.removeAll(keepingCapacity: true)
                guard readString(line, &i, into: &scratch) else { return false }
                if depth == 0 { return true }
                continue
            }
            if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") {
                depth += 1
            } else if c == UInt8(ascii: "}") || c == UInt8(ascii: "]") {
                if depth == 0 { return true }
                depth -= 1
                if depth == 0 {
                    i += 1
                    return true
                }
            } else if depth == 0 && (c == UInt8(ascii: ",") || c == 0x20) {
                return true
            }
            i += 1
        }
        return depth == 0
    }
}
