import Foundation
import Synchronization
import Testing

@testable import FlowAWS

/// Refreshing temporary credentials: once per expiry, shared by concurrent callers.
@Suite struct AWSCredentialsCacheTests {
    /// Counts fetches and hands out credentials that expire `lifetime` seconds after `clock`.
    final class CountingProvider: AWSCredentialsProvider {
        let fetches = Atomic<Int>(0)
        let clock: TestClock
        let lifetime: TimeInterval
        let failing = Atomic<Bool>(false)
        var name: String { "counting" }

        init(clock: TestClock, lifetime: TimeInterval) {
            self.clock = clock
            self.lifetime = lifetime
        }

        func credentials() async throws -> AWSCredentials {
            let number = fetches.add(1, ordering: .relaxed).newValue
            try await Task.sleep(for: .milliseconds(20))  // long enough for callers to pile up
            if failing.load(ordering: .relaxed) { throw AWSCredentialsError.failed(name, "down") }
            return AWSCredentials(
                accessKeyID: "KEY\(number)", secretAccessKey: "s", sessionToken: "t",
                expiration: clock.now().addingTimeInterval(lifetime))
        }
    }

    final class TestClock: Sendable {
        let seconds = Atomic<Int>(1_000_000)
        func now() -> Date { Date(timeIntervalSince1970: TimeInterval(seconds.load(ordering: .relaxed))) }
        func advance(_ by: Int) { seconds.add(by, ordering: .relaxed) }
    }

    @Test func concurrentCallersShareOneFetch() async throws {
        let clock = TestClock()
        let base = CountingProvider(clock: clock, lifetime: 3600)
        let cache = AWSCredentialsCache(base, now: { clock.now() })
        let keys = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<50 { group.addTask { try await cache.credentials().accessKeyID } }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(keys == ["KEY1"])
        #expect(base.fetches.load(ordering: .relaxed) == 1)
    }

    @Test func refreshesFiveMinutesBeforeExpiry() async throws {
        let clock = TestClock()
        let base = CountingProvider(clock: clock, lifetime: 3600)
        let cache = AWSCredentialsCache(base, now: { clock.now() })
        #expect(try await cache.credentials().accessKeyID == "KEY1")
        clock.advance(3600 - 301)  // 5 min 1 s left: still good
        #expect(try await cache.credentials().accessKeyID == "KEY1")
        clock.advance(2)  // 4 min 59 s left: refresh
        #expect(try await cache.credentials().accessKeyID == "KEY2")
        #expect(base.fetches.load(ordering: .relaxed) == 2)
    }

    /// A failed refresh while the old credentials still work keeps the old ones; once they have
    /// expired, the failure is thrown.
    @Test func failedRefreshFallsBackUntilExpiry() async throws {
        let clock = TestClock()
        let base = CountingProvider(clock: clock, lifetime: 3600)
        let cache = AWSCredentialsCache(base, now: { clock.now() })
        _ = try await cache.credentials()
        base.failing.store(true, ordering: .relaxed)
        clock.advance(3600 - 60)
        #expect(try await cache.credentials().accessKeyID == "KEY1")
        clock.advance(120)
        await #expect(throws: AWSCredentialsError.self) { try await cache.credentials() }
    }

    @Test func longTermCredentialsAreFetchedOnce() async throws {
        let provider = StaticCredentialsProvider(AWSCredentials(accessKeyID: "A", secretAccessKey: "B"))
        let cache = AWSCredentialsCache(provider)
        #expect(try await cache.credentials().accessKeyID == "A")
        #expect(cache.name == "static credentials")
    }
}
