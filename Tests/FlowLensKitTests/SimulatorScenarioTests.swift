import FlowCore
import FlowLensKit
import Foundation
import Testing

/// A scripted SSH probe from the internet to the bastion: refused attempts on port 22.
private struct SSHProbe: ScenarioInjector {
    let scanner = IPAddress("192.0.2.200")!

    func inject(network: SimulatedNetwork, range: SimulationTimeRange, random: inout SimulationRandom)
        -> ScenarioInjection
    {
        let first = range.start + 1_800
        var records: [FlowRecord] = []
        for attempt in 0..<30 {
            let connection = SimulatedConnection(
                client: .external(scanner), server: .host(network.bastion),
                clientPort: UInt16(40_000 + random.below(20_000)), serverPort: 22, start: first + Int64(attempt * 2),
                duration: 0, requestBytes: 60, requestPackets: 1, rejected: true)
            records += network.records(for: connection, aggregation: range.aggregation)
        }
        let label = ScenarioLabel(
            scenarioID: "ssh-probe-1", expectedRule: "remote-admin-from-internet", src: scanner,
            dst: network.bastion.address, firstSeen: first, lastSeen: first + 58,
            description: "30 refused \"SSH\" attempts\non the bastion")
        return ScenarioInjection(records: records, labels: [label])
    }
}

/// An instance uploading to the internet through the NAT gateway.
private struct Upload: ScenarioInjector {
    func inject(network: SimulatedNetwork, range: SimulationTimeRange, random: inout SimulationRandom)
        -> ScenarioInjection
    {
        let connection = SimulatedConnection(
            client: .host(network.host(named: "db-1")!), server: .external(IPAddress("198.51.100.9")!),
            clientPort: 45_000, serverPort: 443, start: range.start + 3_000, duration: 1_500,
            requestBytes: 5_000_000_000, requestPackets: 4_000_000, throughNAT: true)
        let records = network.records(for: connection, aggregation: range.aggregation)
        return ScenarioInjection(
            records: records,
            labels: [
                ScenarioLabel(
                    scenarioID: "exfil-1", expectedRule: "data-exfiltration", src: network.host(named: "db-1")!.address,
                    dst: IPAddress("198.51.100.9")!, firstSeen: connection.start,
                    lastSeen: connection.start + connection.duration, description: "5 GB out")
            ])
    }
}

@Suite struct SimulatorScenarioTests {
    @Test func injectedRecordsAndLabelsAreWritten() async throws {
        let output = try await SimulatorFixture.run {
            $0.records = 3_000
            $0.fields = FlowField.v5All
            $0.scenarios = [SSHProbe(), Upload()]
        }
        let labels = String(decoding: try SimulatorFixture.bytes(output.directory + "/labels.jsonl"), as: UTF8.self)
        let lines = labels.split(separator: "\n")
        #expect(lines.count == 2 && labels.hasSuffix("\n"))
        #expect(
            lines[0]
                == #"{"scenario":"ssh-probe-1","rule":"remote-admin-from-internet","src":"192.0.2.200","dst":"10.20.6.5","first_seen":"2026-11-02T00:30:00Z","last_seen":"2026-11-02T00:30:58Z","description":"30 refused \"SSH\" attempts\non the bastion"}"#
        )
        #expect(lines[1].contains(#""scenario":"exfil-1","rule":"data-exfiltration","src":"10.20.5.11""#))
        #expect(output.summary.labels == 2)

        let rows = try SimulatorFixture.rows(output)
        let probes = rows.filter { $0["srcaddr"] == "192.0.2.200" }
        #expect(probes.count == 30)
        #expect(
            probes.allSatisfy {
                $0["interface-id"] == output.simulator.network.bastion.interfaceID && $0["action"] == "REJECT"
                    && $0["dstport"] == "22" && $0["tcp-flags"] == "2" && $0["version"] == "5"
            })
        // 1,500 s of upload spans three 600 s windows: 2 records on db-1 and 4 on the NAT each.
        let upload = rows.filter { $0["pkt-dstaddr"] == "198.51.100.9" || $0["pkt-srcaddr"] == "198.51.100.9" }
        #expect(upload.count == 18)
        let natInterface = output.simulator.network.natGateway.interfaceID
        #expect(upload.filter { $0["interface-id"] == natInterface }.count == 12)
        let sent = upload.filter { $0["srcaddr"] == "10.20.5.11" && $0["flow-direction"] == "egress" }
        #expect(sent.compactMap { UInt64($0["bytes"]) }.reduce(0, +) > 4_900_000_000)
    }

    @Test func connectionRecordsMirrorBetweenInterfaces() {
        let network = SimulatedNetwork(seed: 5)
        let web = network.host(named: "web-1")!
        let app = network.host(named: "app-4")!
        let records = network.records(
            for: SimulatedConnection(
                client: .host(web), server: .host(app), clientPort: 50_000, serverPort: 8443, start: 1_793_577_610),
            aggregation: 60)
        #expect(records.count == 4)
        let byInterface = Dictionary(grouping: records) { $0.interfaceID.string }
        #expect(byInterface[web.interfaceID]?.count == 2 && byInterface[app.interfaceID]?.count == 2)
        let clientOut = records[0]
        let serverIn = records[2]
        #expect(clientOut.flowDirection == .egress && serverIn.flowDirection == .ingress)
        #expect(clientOut.srcaddr == web.address && clientOut.dstaddr == app.address)
        #expect(serverIn.srcaddr == clientOut.srcaddr && serverIn.srcport == 50_000 && serverIn.dstport == 8443)
        #expect(clientOut.tcpFlags == 3 && records[1].tcpFlags == 19 && records[3].tcpFlags == 19)
        #expect(records[1].srcport == 8443 && records[1].dstport == 50_000)
        #expect(records.allSatisfy { $0.action == .accept && $0.logStatus == .ok && $0.has(.instanceID) })
    }
}
