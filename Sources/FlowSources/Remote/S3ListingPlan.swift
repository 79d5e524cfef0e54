public import FlowCore
import Foundation

/// Decides which prefixes of a bucket to list for a time range, so that a one-day scan of a
/// bucket holding months of logs lists one day, not the bucket.
///
/// Below `AWSLogs/` it enumerates accounts and regions with delimiter listings (filtered by
/// `accounts` and `regions`), then lists only the date folders the range needs: a day inside the
/// range whole; a day the range cuts by its hour folders when the logs are partitioned hourly.
/// Files are stamped with the end of their delivery window, so records of the range's last minutes
/// arrive in the next folder: that spill is listed narrowly, by flow log id and hour prefix.
/// Prefixes that do not follow AWS's layouts are listed whole and filtered by the file names' time
/// stamps where they have one.
public struct S3ListingPlan: Sendable {
    public var location: S3Location
    /// Unix seconds; nil is unbounded.
    public var since: Int64?
    public var until: Int64?
    /// Empty means every account (region).
    public var accounts: Set<String> = []
    public var regions: Set<String> = []
    /// How long after a record's window its file may be delivered.
    public var lateness: Int64 = 900
    /// "Now" for an open-ended range.
    public var now: Int64

    public init(location: S3Location, since: Int64? = nil, until: Int64? = nil, now: Int64) {
        self.location = location
        self.since = since
        self.until = until
        self.now = now
    }

    /// The objects to read, in delivery-time order (then key order), so that records reach the
    /// detections roughly in event time.
    public func objects(using lister: some ObjectLister) throws(FlowLensError) -> [ListedObject] {
        var found: [ListedObject] = []
        let prefix = location.prefix
        if let range = prefix.range(of: "AWSLogs/") {
            let root = String(prefix[..<range.upperBound])
            let rest = prefix[range.upperBound...]
            if rest.isEmpty || rest.hasSuffix("/") {
                let pinned = rest.split(separator: "/").map(String.init)
                try walk(root: root, pinned: pinned, lister: lister, into: &found)
            } else {
                found = try lister.list(prefix: prefix, delimiter: nil).objects
            }
        } else if prefix.isEmpty || prefix.hasSuffix("/") {
            let level = try lister.list(prefix: prefix, delimiter: "/")
            if level.prefixes.contains(prefix + "AWSLogs/") {
                try walk(root: prefix + "AWSLogs/", pinned: [], lister: lister, into: &found)
            } else if level.prefixes.isEmpty {
                // No folders below: the listing just made holds every object, so listing again
                // without the delimiter would only repeat it.
                found = level.objects
            } else {
                found = try lister.list(prefix: prefix, delimiter: nil).objects
            }
        } else {
            found = try lister.list(prefix: prefix, delimiter: nil).objects
        }
        var seen = Set<String>()
        let kept = found.filter { !$0.key.hasSuffix("/") && inRange($0.key) && seen.insert($0.key).inserted }
        return kept.map { (FlowLogObjectKey(key: $0.key)?.fileTime ?? 0, $0) }
            .sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1.key < $1.1.key }
            .map(\.1)
    }

    private var end: Int64 { (until ?? now) + lateness }

    private func inRange(_ key: String) -> Bool {
        guard let time = FlowLogObjectKey(key: key)?.fileTime else { return true }
        if let since, time < since { return false }
        return since == nil && until == nil ? true : time < end
    }

    private func walk(
        root: String, pinned: [String], lister: some ObjectLister, into found: inout [ListedObject]
    ) throws(FlowLensError) {
        let accountFolders: [String]
        if pinned.count >= 1 {
            accountFolders = [pinned[0]]
        } else {
            accountFolders = try lister.list(prefix: root, delimiter: "/").prefixes.map { Self.lastComponent($0) }
        }
        for accountFolder in accountFolders {
            let account = Self.value(accountFolder, "aws-account-id")
            if !accounts.isEmpty && !accounts.contains(account) { continue }
            let style: S3KeyLayout = accountFolder.hasPrefix("aws-account-id=") ? .hive : .plain
            let service = pinned.count >= 2 ? pinned[1] : (style == .hive ? "aws-service=vpcflowlogs" : "vpcflowlogs")
            let servicePrefix = root + accountFolder + "/" + service + "/"
            let regionFolders: [String]
            if pinned.count >= 3 {
                regionFolders = [pinned[2]]
            } else {
                regionFolders = try lister.list(prefix: servicePrefix, delimiter: "/").prefixes.map {
                    Self.lastComponent($0)
                }
            }
            for regionFolder in regionFolders {
                let region = Self.value(regionFolder, "aws-region")
                if !regions.isEmpty && !regions.contains(region) { continue }
                let regionPrefix = servicePrefix + regionFolder + "/"
                if pinned.count > 3 {
                    // The user named a date folder: list exactly that.
                    found += try lister.list(prefix: root + pinned.joined(separator: "/") + "/", delimiter: nil).objects
                } else if let since {
                    try listDays(
                        regionPrefix: regionPrefix, style: style, since: since,
                        namePrefix: "\(account)_vpcflowlogs_\(region)_", lister: lister, into: &found)
                } else {
                    found += try lister.list(prefix: regionPrefix, delimiter: nil).objects
                }
            }
        }
    }

    private func listDays(
        regionPrefix: String, style: S3KeyLayout, since: Int64, namePrefix: String,
        lister: some ObjectLister, into found: inout [ListedObject]
    ) throws(FlowLensError) {
        let rangeEnd = until ?? now
        var day = CivilDate(unixSeconds: since)
        let lastDay = CivilDate(unixSeconds: end - 1)
        var flowLogIDs = Set<String>()
        var hourly = false
        while day <= lastDay {
            let dayStart = day.unixSeconds
            let dayPrefix = regionPrefix + style.datePath(day: day)
            let hours = (0..<24).filter { hour in
                let start = dayStart + Int64(hour) * 3600
                return start + 3600 > since && start < end
            }
            var listed: [ListedObject] = []
            if dayStart >= rangeEnd && !flowLogIDs.isEmpty {
                // Only late deliveries for the range live here: ask for their hours alone.
                for hour in hours {
                    if hourly {
                        listed += try lister.list(
                            prefix: regionPrefix + style.datePath(day: day, hour: hour),
                            delimiter: nil
                        ).objects
                    } else {
                        for id in flowLogIDs.sorted() {
                            let stamp = S3KeyLayout.stampPrefix(day: day, hour: hour)
                            listed += try lister.list(prefix: dayPrefix + namePrefix + id + "_" + stamp, delimiter: nil).objects
                        }
                    }
                }
            } else if hours.count == 24 {
                listed = try lister.list(prefix: dayPrefix, delimiter: nil).objects
            } else {
                let top = try lister.list(prefix: dayPrefix, delimiter: "/")
                listed = top.objects
                for hourPrefix in top.prefixes {
                    hourly = true
                    let folder = Self.value(Self.lastComponent(hourPrefix), "hour")
                    guard let hour = Int(folder), hours.contains(hour) else { continue }
                    listed += try lister.list(prefix: hourPrefix, delimiter: nil).objects
                }
            }
            for object in listed {
                if let layout = FlowLogObjectKey(key: object.key), let id = layout.flowLogID { flowLogIDs.insert(id) }
                if object.key.dropFirst(dayPrefix.count).contains("/") { hourly = true }
            }
            found += listed
            day = day.next
        }
    }

    /// `a/b/c/` → `c`.
    static func lastComponent(_ prefix: String) -> String {
        String(prefix.split(separator: "/").last ?? "")
    }

    /// `name=value` → `value`; anything else unchanged.
    static func value(_ folder: String, _ name: String) -> String {
        folder.hasPrefix(name + "=") ? String(folder.dropFirst(name.count + 1)) : folder
    }
}
