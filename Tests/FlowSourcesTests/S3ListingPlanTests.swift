import FlowCore
import FlowSources
import Foundation
import Synchronization
import Testing

/// A bucket in memory that records every listing request, so that tests can check what a plan
/// asks S3 for, not only what it returns.
final class RecordingLister: ObjectLister {
    let keys: [String]
    private let log = Mutex<[(prefix: String, delimiter: String?)]>([])

    init(keys: [String]) { self.keys = keys.sorted() }

    var requests: [(prefix: String, delimiter: String?)] { log.withLock { $0 } }

    func list(prefix: String, delimiter: String?) throws(FlowLensError) -> (objects: [ListedObject], prefixes: [String]) {
        log.withLock { $0.append((prefix, delimiter)) }
        var objects: [ListedObject] = []
        var prefixes: [String] = []
        for key in keys where key.hasPrefix(prefix) {
            let rest = key.dropFirst(prefix.count)
            if let delimiter, let cut = rest.range(of: delimiter) {
                let common = prefix + rest[..<cut.upperBound]
                if prefixes.last != common { prefixes.append(common) }
            } else {
                objects.append(ListedObject(key: key, eTag: "\"\(key.hashValue)\"", size: 100))
            }
        }
        return (objects, prefixes)
    }
}

@Suite struct S3ListingPlanTests {
    static let day0 = CivilDate(year: 2026, month: 10, day: 1).unixSeconds

    /// `days` days of deliveries every 10 minutes from two flow logs, in one layout.
    static func bucket(days: Int, hive: Bool, hourly: Bool, accounts: [String] = ["111122223333"],
                       regions: [String] = ["us-east-1"]) -> [String] {
        var keys: [String] = []
        for account in accounts {
            for region in regions {
                for minute in stride(from: 0, to: days * 1440, by: 10) {
                    let time = day0 + Int64(minute) * 60
                    let day = CivilDate(unixSeconds: time)
                    let hour = Int((time % 86400) / 3600)
                    let stamp = S3KeyLayout.stampPrefix(day: day, hour: hour) + (minute % 60 < 10 ? "0" : "")
                        + "\(minute % 60)Z"
                    for id in ["fl-0aaa", "fl-0bbb"] {
                        let folder = hive
                            ? "AWSLogs/aws-account-id=\(account)/aws-service=vpcflowlogs/aws-region=\(region)/"
                            : "AWSLogs/\(account)/vpcflowlogs/\(region)/"
                        let date = (hive ? S3KeyLayout.hive : .plain).datePath(day: day, hour: hourly ? hour : nil)
                        keys.append(folder + date + "\(account)_vpcflowlogs_\(region)_\(id)_\(stamp)_abcd1234.log.gz")
                    }
                }
            }
        }
        return keys
    }

    @Test func keyLayoutsParse() {
        let plain = FlowLogObjectKey(
            key: "logs/AWSLogs/111122223333/vpcflowlogs/eu-west-1/2026/11/28/111122223333_vpcflowlogs_eu-west-1_fl-0abc_20261128T1205Z_9f8e.log.gz")
        #expect(plain?.style == .plain && plain?.root == "logs/AWSLogs/")
        #expect(plain?.account == "111122223333" && plain?.region == "eu-west-1" && plain?.flowLogID == "fl-0abc")
        #expect(plain?.fileTime == CivilDate(year: 2026, month: 11, day: 28).unixSeconds + 12 * 3600 + 5 * 60)
        let hive = FlowLogObjectKey(
            key: "AWSLogs/aws-account-id=111122223333/aws-service=vpcflowlogs/aws-region=us-east-1/year=2026/month=11/day=28/hour=05/111122223333_vpcflowlogs_us-east-1_fl-0abc_20261128T0550Z_9f8e.log.parquet")
        #expect(hive?.style == .hive && hive?.account == "111122223333" && hive?.region == "us-east-1")
        #expect(hive?.fileTime == CivilDate(year: 2026, month: 11, day: 28).unixSeconds + 5 * 3600 + 50 * 60)
        #expect(FlowLogObjectKey(key: "other/prefix/file.log") == nil)
        #expect(CivilDate(unixSeconds: 0) == CivilDate(year: 1970, month: 1, day: 1))
        #expect(CivilDate(year: 2028, month: 2, day: 29).next == CivilDate(year: 2028, month: 3, day: 1))
    }

    /// The target: one day out of thirty lists that day, plus the first minutes of the
    /// next day (late deliveries) by narrow prefixes, and never the other days.
    @Test(arguments: [false, true])
    func oneDayOfThirtyListsOnlyThatDay(hive: Bool) throws {
        let lister = RecordingLister(keys: Self.bucket(days: 30, hive: hive, hourly: false))
        let day = CivilDate(year: 2026, month: 10, day: 12)
        var plan = S3ListingPlan(
            location: S3Location(url: "s3://flow-bucket/")!, since: day.unixSeconds, until: day.next.unixSeconds,
            now: Self.day0 + 40 * 86400)
        plan.lateness = 900
        let objects = try plan.objects(using: lister)
        // 144 deliveries a day from each of two flow logs, plus the next day's first 15 minutes.
        let times = objects.compactMap { FlowLogObjectKey(key: $0.key)?.fileTime }
        #expect(times.count == objects.count)
        #expect(times.allSatisfy { $0 >= day.unixSeconds && $0 < day.next.unixSeconds + 900 })
        #expect(objects.count == 2 * 144 + 2 * 2)
        #expect(times == times.sorted())
        let dayPath = (hive ? S3KeyLayout.hive : .plain).datePath(day: day)
        let nextPath = (hive ? S3KeyLayout.hive : .plain).datePath(day: day.next)
        for request in lister.requests where request.prefix.contains("20") && request.delimiter == nil {
            let narrowNextDay = request.prefix.contains(nextPath) && request.prefix.hasSuffix("T00")
            #expect(request.prefix.contains(dayPath) || narrowNextDay, "listed \(request.prefix)")
        }
        // Discovery (AWSLogs/, accounts, regions) plus one listing of the day and two narrow ones.
        #expect(lister.requests.count <= 6, "\(lister.requests.map(\.prefix))")
    }

    @Test func hourlyPartitionsListOnlyTheHoursNeeded() throws {
        let lister = RecordingLister(keys: Self.bucket(days: 3, hive: true, hourly: true))
        let since = CivilDate(year: 2026, month: 10, day: 2).unixSeconds + 6 * 3600
        let plan = S3ListingPlan(location: S3Location(url: "s3://b")!, since: since, until: since + 2 * 3600, now: since + 86400)
        let objects = try plan.objects(using: lister)
        // 06:00–08:00 plus 15 minutes of late deliveries (08:00, 08:10), two flow logs.
        #expect(objects.count == 2 * 12 + 2 * 2)
        let hourListings = lister.requests.filter { $0.prefix.contains("hour=") }.map(\.prefix)
        #expect(hourListings.allSatisfy { $0.hasSuffix("hour=06/") || $0.hasSuffix("hour=07/") || $0.hasSuffix("hour=08/") })
    }

    @Test func accountAndRegionFiltersPruneTheWalk() throws {
        let lister = RecordingLister(
            keys: Self.bucket(days: 1, hive: false, hourly: false, accounts: ["111122223333", "444455556666"],
                              regions: ["us-east-1", "eu-west-1"]))
        var plan = S3ListingPlan(location: S3Location(url: "s3://b/AWSLogs/")!, now: Self.day0 + 86400)
        plan.accounts = ["444455556666"]
        plan.regions = ["eu-west-1"]
        let objects = try plan.objects(using: lister)
        #expect(objects.count == 2 * 144)
        #expect(objects.allSatisfy { $0.key.contains("/444455556666/vpcflowlogs/eu-west-1/") })
        #expect(!lister.requests.contains { $0.prefix.contains("111122223333/") || $0.prefix.contains("us-east-1/") })
    }

    @Test func otherPrefixesAreListedWholeAndFilteredByStamp() throws {
        let keys = ["exports/a.log.gz", "exports/b/c.log", "exports/sub/"]
        let lister = RecordingLister(keys: keys)
        let objects = try S3ListingPlan(location: S3Location(url: "s3://b/exports/")!, since: 0, now: 10).objects(using: lister)
        #expect(objects.map(\.key) == ["exports/a.log.gz", "exports/b/c.log"])
        #expect(S3Location(url: "s3://bucket") == S3Location(bucket: "bucket", prefix: ""))
        #expect(S3Location(url: "s3:///x") == nil && S3Location(url: "/local/path") == nil)
    }

    @Test func aFolderWithoutSubfoldersIsListedOnce() throws {
        let lister = RecordingLister(keys: ["flat/a.log.gz", "flat/b.log.gz"])
        let objects = try S3ListingPlan(location: S3Location(url: "s3://b/flat/")!, now: 10).objects(using: lister)
        #expect(objects.map(\.key) == ["flat/a.log.gz", "flat/b.log.gz"])
        #expect(lister.requests.count == 1)
        // With a subfolder, the delimiter listing does not hold everything: a second, full one.
        let nested = RecordingLister(keys: ["top/a.log.gz", "top/sub/b.log.gz"])
        let all = try S3ListingPlan(location: S3Location(url: "s3://b/top/")!, now: 10).objects(using: nested)
        #expect(all.map(\.key) == ["top/a.log.gz", "top/sub/b.log.gz"])
        #expect(nested.requests.map(\.delimiter) == ["/", nil])
    }
}
