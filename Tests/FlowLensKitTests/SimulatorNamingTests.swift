import FlowCore
import FlowLensKit
import FlowSources
import Foundation
import Testing

@Suite struct SimulatorNamingTests {
    // AWS's own example: account 123456789012, us-east-1, June 20, 2018 at 16:20 UTC.
    private let example = UTCTime.unixSeconds(year: 2018, month: 6, day: 20, hour: 16, minute: 20)

    @Test func plainKeyMatchesAWSExample() {
        let key = S3KeyLayout.plain.objectKey(
            account: "123456789012", region: "us-east-1", flowLogID: "fl-1234abcd", time: example, hash: "fe123456",
            hourly: false)
        #expect(
            key
                == "AWSLogs/123456789012/vpcflowlogs/us-east-1/2018/06/20/"
                + "123456789012_vpcflowlogs_us-east-1_fl-1234abcd_20180620T1620Z_fe123456.log.gz")
        let hourly = S3KeyLayout.plain.objectKey(
            account: "123456789012", region: "us-east-1", flowLogID: "fl-1234abcd", time: example, hash: "fe123456",
            hourly: true, gzip: false)
        #expect(
            hourly
                == "AWSLogs/123456789012/vpcflowlogs/us-east-1/2018/06/20/16/"
                + "123456789012_vpcflowlogs_us-east-1_fl-1234abcd_20180620T1620Z_fe123456.log")
    }

    @Test func hiveKeyUsesKeyValueFolders() {
        let key = S3KeyLayout.hive.objectKey(
            account: "123456789012", region: "eu-west-1", flowLogID: "fl-1234abcd", time: example, hash: "fe123456",
            hourly: true)
        #expect(
            key
                == "AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=eu-west-1/"
                + "year=2018/month=06/day=20/hour=16/"
                + "123456789012_vpcflowlogs_eu-west-1_fl-1234abcd_20180620T1620Z_fe123456.log.gz")
    }

    @Test(arguments: [(S3KeyLayout.plain, false), (.plain, true), (.hive, false), (.hive, true)])
    func generatedFilesFollowTheLayout(layout: S3KeyLayout, hourly: Bool) async throws {
        let output = try await SimulatorFixture.run {
            $0.records = 2_000
            $0.layout = layout
            $0.hourly = hourly
            $0.accountID = "210987654321"
            $0.region = "ap-southeast-2"
        }
        let prefix =
            layout == .plain
            ? "AWSLogs/210987654321/vpcflowlogs/ap-southeast-2/(\\d{4})/(\\d{2})/(\\d{2})/"
                + (hourly ? "(\\d{2})/" : "")
            : "AWSLogs/aws-account-id=210987654321/aws-service=vpcflowlogs/aws-region=ap-southeast-2/"
                + "year=(\\d{4})/month=(\\d{2})/day=(\\d{2})/" + (hourly ? "hour=(\\d{2})/" : "")
        let id = output.simulator.flowLogID
        let name = "210987654321_vpcflowlogs_ap-southeast-2_\(id)_(\\d{8})T(\\d{4})Z_[0-9a-f]{8}\\.log\\.gz"
        let pattern = try Regex("^" + prefix + name + "$")
        #expect(id.wholeMatch(of: try Regex("fl-[0-9a-f]{17}")) != nil)
        #expect(!output.files.isEmpty)
        for file in output.files {
            #expect(file.wholeMatch(of: pattern) != nil, "\(file)")
            // Folders agree with the stamp in the name.
            let stamp = UTCTime(unixSeconds: SimulatorFixture.stamp(of: file))
            let folders = "\(UTCTime.pad(stamp.year, 4))/\(UTCTime.pad(stamp.month))/\(UTCTime.pad(stamp.day))"
            let hive =
                "year=\(UTCTime.pad(stamp.year, 4))/month=\(UTCTime.pad(stamp.month))/day=\(UTCTime.pad(stamp.day))"
            #expect(file.contains(layout == .plain ? folders : hive))
            if hourly {
                #expect(
                    file.contains(
                        layout == .plain ? "/\(UTCTime.pad(stamp.hour))/" : "/hour=\(UTCTime.pad(stamp.hour))/"))
            }
            // AWS delivers on a five-minute grid.
            #expect(SimulatorFixture.stamp(of: file) % 300 == 0)
        }
        // Several interface groups share each delivery window, like AWS's per-window files.
        let stamps = Dictionary(grouping: output.files, by: SimulatorFixture.stamp(of:))
        #expect(stamps.values.contains { $0.count > 1 })
        #expect(Set(output.files).count == output.files.count)
        let rows = try SimulatorFixture.rows(output)
        #expect(rows.allSatisfy { $0["account-id"] == "210987654321" })
    }

    @Test func availabilityZonesFollowTheRegion() {
        let network = SimulatedNetwork(seed: 1, region: "ap-southeast-2")
        #expect(Set(network.subnets.map(\.azID)) == ["apse2-az1", "apse2-az2"])
        #expect(Set(SimulatedNetwork(seed: 1).subnets.map(\.azID)) == ["use1-az1", "use1-az2"])
    }
}
