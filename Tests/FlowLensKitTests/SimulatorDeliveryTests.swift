import FlowCore
import FlowLensKit
import Foundation
import Testing

@Suite struct SimulatorDeliveryTests {
    /// The delivery a record belongs to when on time: the 5-minute step after its window closes.
    private func onTimeStamp(start: Int64, aggregation: Int64) -> Int64 {
        let captureEnd = (start / aggregation) * aggregation + aggregation
        return (captureEnd + 299) / 300 * 300
    }

    @Test(arguments: [60, 600])
    func filesAreTimeOrderedAndSomeRecordsArriveLate(aggregation: Int) async throws {
        let output = try await SimulatorFixture.run {
            $0.records = 20_000
            $0.hours = 3
            $0.aggregation = aggregation
            $0.lateFraction = 0.1
        }
        let rows = try SimulatorFixture.rows(output)
        var late = 0
        var previous: (file: String, start: Int64)? = nil
        for row in rows {
            let start = Int64(row["start"])!
            let end = Int64(row["end"])!
            let stamp = SimulatorFixture.stamp(of: row.file)
            #expect(end >= start && end - start < Int64(aggregation), "one record covers one window")
            let due = onTimeStamp(start: start, aggregation: Int64(aggregation))
            // Never early; late by one or two deliveries.
            #expect([due, due + 300, due + 600].contains(stamp), "\(row.file):\(row.line)")
            if stamp > due { late += 1 }
            if let previous, previous.file == row.file {
                #expect(start >= previous.start, "\(row.file):\(row.line) is out of order")
            }
            previous = (row.file, start)
        }
        let share = Double(late) / Double(rows.count)
        #expect(share > 0.08 && share < 0.12, "late share \(share)")
        if aggregation == 600 {
            // Ten-minute windows close on ten-minute marks, so on-time files come every 10 minutes.
            let onTime = rows.filter {
                SimulatorFixture.stamp(of: $0.file) == onTimeStamp(start: Int64($0["start"])!, aggregation: 600)
            }
            #expect(onTime.allSatisfy { SimulatorFixture.stamp(of: $0.file) % 600 == 0 })
        }
    }

    @Test func noLatenessWhenTheFractionIsZero() async throws {
        let output = try await SimulatorFixture.run {
            $0.records = 5_000
            $0.lateFraction = 0
            $0.aggregation = 60
        }
        for row in try SimulatorFixture.rows(output) {
            #expect(SimulatorFixture.stamp(of: row.file) == onTimeStamp(start: Int64(row["start"])!, aggregation: 60))
        }
    }

    @Test func eachInterfaceStaysInOneFileGroup() async throws {
        let output = try await SimulatorFixture.run { $0.records = 5_000 }
        var groupOf: [String: Set<String>] = [:]
        for row in try SimulatorFixture.rows(output) {
            let stamp = SimulatorFixture.stamp(of: row.file)
            groupOf[row["interface-id"], default: []].insert(row.file)
            #expect(stamp > 0)
        }
        // Files of one delivery hold disjoint interfaces.
        var owner: [String: String] = [:]
        for (interface, files) in groupOf {
            for file in files {
                let key = "\(SimulatorFixture.stamp(of: file))/\(interface)"
                #expect(owner[key] == nil || owner[key] == file)
                owner[key] = file
            }
        }
    }
}
