import FlowCore
import FlowLensKit
import Foundation
import Testing

@Suite struct SimulatorDeterminismTests {
    private func contents(_ output: SimulatorFixture.Output) throws -> [String: [UInt8]] {
        var contents: [String: [UInt8]] = [:]
        for file in output.files + ["labels.jsonl"] {
            contents[file] = try SimulatorFixture.bytes(output.directory + "/" + file)
        }
        return contents
    }

    @Test func sameSeedGivesIdenticalBytesWhateverTheThreading() async throws {
        let one = try await SimulatorFixture.run {
            $0.seed = 42
            $0.concurrency = 1
        }
        let many = try await SimulatorFixture.run {
            $0.seed = 42
            $0.concurrency = 8
        }
        #expect(!one.files.isEmpty)
        #expect(one.files == many.files)
        let a = try contents(one)
        let b = try contents(many)
        #expect(a == b)
        #expect(one.summary.records == many.summary.records)
    }

    @Test func differentSeedGivesDifferentOutput() async throws {
        let first = try await SimulatorFixture.run { $0.seed = 1 }
        let second = try await SimulatorFixture.run { $0.seed = 2 }
        #expect(first.simulator.flowLogID != second.simulator.flowLogID)
        #expect(first.files != second.files)
        let a = try SimulatorFixture.text(first.directory + "/" + first.files[0])
        let b = try SimulatorFixture.text(second.directory + "/" + second.files[0])
        #expect(a != b)
        // The address plan is fixed; ids and the internet are the seed's.
        #expect(first.simulator.network.vpcCIDR == second.simulator.network.vpcCIDR)
        #expect(first.simulator.network.bastion.address == second.simulator.network.bastion.address)
        #expect(first.simulator.network.bastion.interfaceID != second.simulator.network.bastion.interfaceID)
        #expect(first.simulator.network.clientAddress(rank: 0) != second.simulator.network.clientAddress(rank: 0))
    }

    @Test func randomStreamsAreReproducibleAndIndependent() {
        var a = SimulationRandom(seed: 7, stream: 3)
        var b = SimulationRandom(seed: 7, stream: 3)
        var c = SimulationRandom(seed: 7, stream: 4)
        let first = (0..<8).map { _ in a.next() }
        #expect(first == (0..<8).map { _ in b.next() })
        #expect(first != (0..<8).map { _ in c.next() })
        var r = SimulationRandom(seed: 1)
        var histogram = [Int](repeating: 0, count: 10)
        for _ in 0..<10_000 {
            let value = r.below(10)
            histogram[value] += 1
            #expect(value >= 0 && value < 10)
        }
        #expect(histogram.allSatisfy { $0 > 850 && $0 < 1150 })
        let medians = (0..<2_001).map { _ in r.logNormal(median: 100, sigma: 1) }.sorted()
        #expect(medians[1_000] > 85 && medians[1_000] < 115)
    }
}
