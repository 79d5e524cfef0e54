import FlowCore
import FlowLensKit
import Foundation
import Testing

@Suite struct SimulatorTrafficTests {
    typealias Row = SimulatorFixture.Row

    private static func generate() async throws -> (SimulatorFixture.Output, [Row]) {
        let output = try await SimulatorFixture.run {
            $0.records = 30_000
            $0.hours = 3
            $0.fields = FlowField.v5All
            $0.gzip = false
        }
        return (output, try SimulatorFixture.rows(output))
    }

    private struct Key: Hashable {
        var interface: String
        var src: String
        var dst: String
        var sport: String
        var dport: String
        var start: String

        init(_ row: Row, interface: String? = nil, reversed: Bool = false) {
            self.interface = interface ?? row["interface-id"]
            src = reversed ? row["dstaddr"] : row["srcaddr"]
            dst = reversed ? row["srcaddr"] : row["dstaddr"]
            sport = reversed ? row["dstport"] : row["srcport"]
            dport = reversed ? row["srcport"] : row["dstport"]
            start = row["start"]
        }
    }

    private static func index(_ rows: [Row]) -> [Key: [Row]] {
        var index: [Key: [Row]] = [:]
        for row in rows where row["log-status"] == "OK" { index[Key(row), default: []].append(row) }
        return index
    }

    @Test func everyConnectionInsideTheVPCIsLoggedByBothInterfaces() async throws {
        let (output, rows) = try await Self.generate()
        let network = output.simulator.network
        let nat = network.natGateway.address.description
        var interfaceOf: [String: String] = [:]
        for host in network.hosts { interfaceOf[host.address.description] = host.interfaceID }
        let index = Self.index(rows)
        var checked = 0
        for row in rows where row["log-status"] == "OK" && row["flow-direction"] == "egress" {
            let src = row["srcaddr"]
            let dst = row["dstaddr"]
            // TCP initiators' first windows: SYN, alone or with FIN or RST.
            guard let clientENI = interfaceOf[src], let serverENI = interfaceOf[dst], src != nat, dst != nat,
                row["interface-id"] == clientENI, ["2", "3", "6"].contains(row["tcp-flags"])
            else { continue }
            // Initiator's egress; the server logs the same packets as ingress.
            let mirror = index[Key(row, interface: serverENI)] ?? []
            #expect(mirror.count == 1, "no ingress on \(serverENI) for \(row.file):\(row.line)")
            guard let ingress = mirror.first else { continue }
            #expect(ingress["flow-direction"] == "ingress")
            #expect(ingress["packets"] == row["packets"] && ingress["bytes"] == row["bytes"])
            #expect(ingress["tcp-flags"] == row["tcp-flags"])
            #expect(ingress["action"] == "ACCEPT")
            // The responses, seen by both: server egress and client ingress, ports swapped.
            let responseOnServer = index[Key(row, interface: serverENI, reversed: true)] ?? []
            let responseOnClient = index[Key(row, interface: clientENI, reversed: true)] ?? []
            #expect(responseOnServer.count == 1 && responseOnClient.count == 1)
            if let a = responseOnServer.first, let b = responseOnClient.first {
                #expect(a["flow-direction"] == "egress" && b["flow-direction"] == "ingress")
                #expect(a["bytes"] == b["bytes"] && a["tcp-flags"] == b["tcp-flags"])
                if row["protocol"] == "6" { #expect(["18", "19", "22"].contains(a["tcp-flags"])) }
            }
            checked += 1
        }
        #expect(checked > 1_000, "checked \(checked) connections")
    }

    @Test func internetClientsAreLoggedTwiceOnTheLoadBalancer() async throws {
        let (output, rows) = try await Self.generate()
        let network = output.simulator.network
        let balancers = Dictionary(
            uniqueKeysWithValues: network.loadBalancers.map { ($0.interfaceID, $0.address.description) })
        let index = Self.index(rows)
        var sightings: [String: Int] = [:]
        for row in rows { sightings[row["srcaddr"] + " " + row["srcport"] + " " + row["start"], default: 0] += 1 }
        var clients: [String: Int] = [:]
        var checked = 0
        for row in rows
        where row["log-status"] == "OK" && row["action"] == "ACCEPT" && row["flow-direction"] == "ingress" {
            guard let address = balancers[row["interface-id"]], row["dstaddr"] == address,
                ["443", "80"].contains(row["dstport"]), row["tcp-flags"] == "3"
            else { continue }
            #expect(!IPAddress(row["srcaddr"])!.isPrivate)
            let replies = index[Key(row, reversed: true)] ?? []
            #expect(replies.count == 1)
            #expect(replies.first?["flow-direction"] == "egress")
            #expect(replies.first?["tcp-flags"] == "19")
            // An internet peer has no interface of its own: nothing else logs it.
            #expect(sightings[row["srcaddr"] + " " + row["srcport"] + " " + row["start"]] == 1)
            clients[row["srcaddr"], default: 0] += 1
            checked += 1
        }
        #expect(checked > 500)
        // Zipf-like popularity: a few clients account for a large share.
        let counts = clients.values.sorted(by: >)
        #expect(counts[0] > 10 * counts[counts.count / 2], "busiest \(counts[0]), median \(counts[counts.count / 2])")
        #expect(counts.prefix(10).reduce(0, +) * 5 > checked)
    }

    @Test func privateInstancesReachTheInternetThroughTheNATGateway() async throws {
        let (output, rows) = try await Self.generate()
        let network = output.simulator.network
        let nat = network.natGateway
        let natRows = rows.filter { $0["interface-id"] == nat.interfaceID && $0["log-status"] == "OK" }
        #expect(!natRows.isEmpty)
        #expect(natRows.allSatisfy { $0["instance-id"] == "-" })
        let translated = natRows.filter { $0["pkt-srcaddr"] != $0["srcaddr"] || $0["pkt-dstaddr"] != $0["dstaddr"] }
        #expect(translated.count * 2 == natRows.count, "half of a NAT gateway's records show addresses behind it")
        var checked = 0
        for row in rows where row["flow-direction"] == "egress" && row["traffic-path"] == "1" {
            let dst = IPAddress(row["dstaddr"])!
            guard !dst.isPrivate, row["tcp-flags"] == "3" else { continue }
            // On the NAT: instance → NAT (packets for the server), NAT → server, server → NAT,
            // NAT → instance (packets from the server).
            let inbound = natRows.filter {
                $0["srcaddr"] == row["srcaddr"] && $0["srcport"] == row["srcport"] && $0["start"] == row["start"]
            }
            #expect(inbound.count == 1)
            guard let toNAT = inbound.first else { continue }
            #expect(toNAT["dstaddr"] == nat.address.description && toNAT["pkt-dstaddr"] == row["dstaddr"])
            #expect(toNAT["flow-direction"] == "ingress")
            let outward = natRows.filter {
                $0["srcaddr"] == nat.address.description && $0["dstaddr"] == row["dstaddr"]
                    && $0["start"] == row["start"]
                    && $0["tcp-flags"] == "3" && $0["flow-direction"] == "egress"
            }
            #expect(outward.count >= 1)
            #expect(outward.first?["traffic-path"] == "2")
            let back = natRows.filter {
                $0["dstaddr"] == row["srcaddr"] && $0["dstport"] == row["srcport"] && $0["start"] == row["start"]
            }
            #expect(back.count == 1)
            #expect(back.first?["srcaddr"] == nat.address.description && back.first?["pkt-srcaddr"] == row["dstaddr"])
            checked += 1
        }
        #expect(checked > 20)
    }

    @Test func scannersAreRejectedAndResolverAndS3TrafficLookRight() async throws {
        let (output, rows) = try await Self.generate()
        let network = output.simulator.network
        let rejected = rows.filter { $0["action"] == "REJECT" }
        #expect(rejected.count > 300)
        let publicInterfaces = Set((network.loadBalancers + [network.bastion]).map(\.interfaceID))
        for row in rejected {
            #expect(row["flow-direction"] == "ingress")
            #expect(publicInterfaces.contains(row["interface-id"]))
            #expect(!IPAddress(row["srcaddr"])!.isPrivate)
            #expect(row["protocol"] == "17" ? row["tcp-flags"] == "0" : row["tcp-flags"] == "2")
        }
        #expect(Set(rejected.map { $0["dstport"] }).count > 50, "scanners try many ports")

        let dns = rows.filter { $0["dstaddr"] == "10.20.0.2" }
        #expect(!dns.isEmpty)
        #expect(dns.allSatisfy { $0["dstport"] == "53" && $0["protocol"] == "17" && $0["flow-direction"] == "egress" })
        #expect(dns.allSatisfy { $0["instance-id"].hasPrefix("i-") })

        let s3 = rows.filter { $0["pkt-dst-aws-service"] == "S3" && $0["traffic-path"] == "7" }
        #expect(!s3.isEmpty, "batch reaches S3 through the gateway endpoint")
        let known = Set(network.hosts.map(\.interfaceID))
        #expect(rows.allSatisfy { known.contains($0["interface-id"]) })
        #expect(rows.allSatisfy { $0["version"] == "5" && $0["region"] == "us-east-1" })
    }
}
