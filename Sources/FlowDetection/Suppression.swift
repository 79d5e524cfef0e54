public import FlowCore

/// A known-good pattern from the config's `suppress:` list: alerts of `rule` (any rule when nil)
/// whose source and destination fall in the given blocks are dropped.
public struct Suppression: Sendable, Hashable {
    public var rule: String?
    public var src: CIDRSet?
    public var dst: CIDRSet?

    public init(rule: String?, src: CIDRSet?, dst: CIDRSet?) {
        self.rule = rule
        self.src = src
        self.dst = dst
    }

    public func covers(rule id: String, src: IPAddress?, dst: IPAddress?) -> Bool {
        if let rule, rule != id { return false }
        if let set = self.src {
            guard let src, set.contains(src) else { return false }
        }
        if let set = self.dst {
            guard let dst, set.contains(dst) else { return false }
        }
        return true
    }
}
