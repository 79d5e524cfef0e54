/// A set of ports as a bitmap: membership is one load and a mask, where a `Set` hashes.
struct PortSet {
    private var words: [UInt64] = []
    private(set) var count = 0

    func contains(_ port: UInt16) -> Bool {
        let word = Int(port >> 6)
        return word < words.count && words[word] & (1 << UInt64(port & 63)) != 0
    }

    mutating func insert(_ port: UInt16) {
        let word = Int(port >> 6)
        // Grown to the highest port seen, so a host using only low ports stays small.
        if word >= words.count { words.append(contentsOf: repeatElement(0, count: word + 1 - words.count)) }
        let bit: UInt64 = 1 << UInt64(port & 63)
        if words[word] & bit == 0 {
            words[word] |= bit
            count += 1
        }
    }

    /// The smallest `limit` ports, ascending.
    func sorted(limit: Int) -> [UInt16] {
        var found: [UInt16] = []
        for (index, word) in words.enumerated() where word != 0 {
            var bits = word
            while bits != 0 && found.count < limit {
                found.append(UInt16(index * 64 + bits.trailingZeroBitCount))
                bits &= bits - 1
            }
            if found.count >= limit { break }
        }
        return found
    }
}
