public import Foundation

/// Keeps the credentials of another provider until shortly before they expire.
///
/// Concurrent callers share one fetch: while a fetch runs, everyone awaits the same task, so a
/// burst of requests makes one STS or metadata call, not one each. Credentials within
/// `refreshMargin` of expiry are fetched again; if that fetch fails while the old ones are still
/// valid, the old ones are used (AWS's SDKs do the same).
public actor AWSCredentialsCache: AWSCredentialsProvider {
    public nonisolated let name: String
    private let base: any AWSCredentialsProvider
    private let refreshMargin: TimeInterval
    private let now: @Sendable () -> Date
    private var cached: AWSCredentials?
    private var inFlight: Task<AWSCredentials, any Error>?

    /// - Parameters:
    ///   - refreshMargin: fetch again this long before `expiration` (5 minutes by default).
    ///   - now: the clock, replaceable in tests.
    public init(
        _ base: any AWSCredentialsProvider, refreshMargin: TimeInterval = 300,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.base = base
        self.name = base.name
        self.refreshMargin = refreshMargin
        self.now = now
    }

    public func credentials() async throws -> AWSCredentials {
        if let cached, !isDue(cached) { return cached }
        let task: Task<AWSCredentials, any Error>
        if let inFlight {
            task = inFlight
        } else {
            let base = self.base
            task = Task { try await base.credentials() }
            inFlight = task
        }
        do {
            let fresh = try await task.value
            if inFlight == task { inFlight = nil }
            cached = fresh
            return fresh
        } catch {
            if inFlight == task { inFlight = nil }
            if let cached, let expiration = cached.expiration, expiration > now() { return cached }
            throw error
        }
    }

    /// Forgets the cached credentials, so the next call fetches (after AWS rejected them, say).
    public func invalidate() {
        cached = nil
    }

    private func isDue(_ credentials: AWSCredentials) -> Bool {
        guard let expiration = credentials.expiration else { return false }
        return expiration.timeIntervalSince(now()) <= refreshMargin
    }
}
