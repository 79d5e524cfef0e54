import Synchronization

/// An interned string: identifiers such as interface, VPC and instance ids repeat in every record,
/// so records carry a 32-bit handle and the text lives once in ``SymbolTable/shared``.
public struct Symbol: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let id: UInt32

    @inlinable public init(id: UInt32) { self.id = id }

    /// Interns `text` in the shared table.
    public init(_ text: String) { self = SymbolTable.shared.intern(text) }

    public static let empty = Symbol(id: 0)

    public static func < (lhs: Symbol, rhs: Symbol) -> Bool { lhs.id < rhs.id }

    /// The interned text.
    public var string: String { SymbolTable.shared.string(for: self) }

    public var description: String { string }
}

/// The process-wide, append-only table of interned strings.
///
/// Decoders keep a local cache (``LocalInterner``) in front of it, so the lock is taken only the
/// first time a decoder meets a given string.
public final class SymbolTable: Sendable {
    public static let shared = SymbolTable()

    private struct State {
        var strings: [String] = [""]
        var ids: [String: UInt32] = ["": 0]
    }

    private let state = Mutex(State())

    public func intern(_ text: String) -> Symbol {
        state.withLock { state in
            if let id = state.ids[text] { return Symbol(id: id) }
            let id = UInt32(state.strings.count)
            state.strings.append(text)
            state.ids[text] = id
            return Symbol(id: id)
        }
    }

    public func intern(bytes: UnsafeBufferPointer<UInt8>) -> Symbol {
        intern(String(decoding: bytes, as: UTF8.self))
    }

    public func string(for symbol: Symbol) -> String {
        state.withLock { $0.strings[Int(symbol.id)] }
    }

    /// Number of distinct strings interned so far.
    public var count: Int { state.withLock { $0.strings.count } }
}
