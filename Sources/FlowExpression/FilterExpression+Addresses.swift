public import FlowCore

extension FilterExpression {
    /// Addresses that every matching record has as its `srcaddr` or `dstaddr`, when the
    /// expression says so, else nil.
    ///
    /// A store reads the rows of a few addresses from its address indexes instead of every row:
    /// `addr = 10.0.0.5 and dstport = 22` can only match rows of 10.0.0.5. Only single addresses
    /// (`=`, `in` of /32 or /128 values) on `addr`, `srcaddr` and `dstaddr` count; packet-level
    /// subjects (`src`, `pkt-srcaddr`) and networks do not, so the answer is nil for them.
    public var requiredAddresses: Set<IPAddress>? {
        switch self {
        case .comparison(let comparison):
            guard comparison.op == .equal || comparison.op == .in else { return nil }
            switch comparison.subject {
            case .field(.srcaddr), .field(.dstaddr): break
            case .pseudo(let pseudo) where pseudo.name == "addr": break
            default: return nil
            }
            var addresses = Set<IPAddress>()
            for value in comparison.values {
                guard case .network(let cidr) = value, cidr.bits == 128 else { return nil }
                addresses.insert(cidr.network)
            }
            return addresses
        case .and(let left, let right):
            // Either side's addresses bound the rows; the fewer, the fewer rows to read.
            switch (left.requiredAddresses, right.requiredAddresses) {
            case (let l?, let r?): return l.count <= r.count ? l : r
            case (let l?, nil): return l
            case (nil, let r?): return r
            case (nil, nil): return nil
            }
        case .or(let left, let right):
            guard let l = left.requiredAddresses, let r = right.requiredAddresses else { return nil }
            return l.union(r)
        case .exists, .sense, .not:
            return nil
        }
    }
}
