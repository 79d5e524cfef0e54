import FlowCore
import FlowLensKit
import FlowSources
import Foundation
import Testing

@Suite struct SimulatorFormatTests {
    @Test func gzipFilesDecompressToThePlainText() async throws {
        let zipped = try await SimulatorFixture.run { $0.seed = 9 }
        let plain = try await SimulatorFixture.run {
            $0.seed = 9
            $0.gzip = false
        }
        #expect(zipped.files.allSatisfy { $0.hasSuffix(".log.gz") })
        #expect(plain.files.allSatisfy { $0.hasSuffix(".log") })
        #expect(zipped.files.map { String($0.dropLast(3)) } == plain.files)
        for (gz, log) in zip(zipped.files, plain.files) {
            let raw = try SimulatorFixture.bytes(zipped.directory + "/" + gz)
            #expect(raw.prefix(3) == [0x1F, 0x8B, 0x08])
            let text = try SimulatorFixture.text(zipped.directory + "/" + gz)
            #expect(text == (try SimulatorFixture.text(plain.directory + "/" + log)))
        }
        #expect(zipped.summary.textBytes == plain.summary.writtenBytes)
        #expect(zipped.summary.writtenBytes * 3 < zipped.summary.textBytes)
    }

    @Test(arguments: [0, 1, 2, 3])
    func gzipWriterStreamsInPiecesAndInMemoryAlike(level: Int) throws {
        var random = SimulationRandom(seed: 11)
        var text: [UInt8] = []
        while text.count < 3_000_000 {
            text += Array(
                "2 123456789012 eni-0\(random.below(50)) 10.20.\(random.below(256)).11 \(random.next())\n".utf8)
        }
        let path = SimulatorFixture.temporaryDirectory() + "/piecewise.log.gz"
        let writer = try GzipWriter(path: path, level: level)
        var offset = 0
        var piece = 1
        while offset < text.count {
            let end = min(text.count, offset + piece)
            try writer.write(Array(text[offset..<end]))
            offset = end
            piece = piece * 7 + 3
        }
        try writer.finish()
        #expect(writer.bytesIn == text.count)
        let file = try SimulatorFixture.bytes(path)
        #expect(writer.bytesOut == file.count)
        #expect(try SimulatorFixture.text(path) == String(decoding: text, as: UTF8.self))
        if level > 0 { #expect(file.count * 2 < text.count) }
        // In memory: a valid member too, and the same input fed the same way gives the same bytes.
        let oneShot = try GzipWriter.compress(text, level: level)
        #expect(try GzipWriter.compress(text, level: level) == oneShot)
        let oneShotPath = path + ".whole.gz"
        FileManager.default.createFile(atPath: oneShotPath, contents: Data(oneShot))
        #expect(try SimulatorFixture.text(oneShotPath) == String(decoding: text, as: UTF8.self))
        let empty = try GzipWriter.compress([])
        #expect(empty.prefix(2) == [0x1F, 0x8B] && empty.count == 20)
    }

    @Test func gzipWriterReportsBadLevelsAndPaths() {
        #expect(throws: FlowLensError.self) { try GzipWriter(level: 4) }
        #expect(throws: FlowLensError.self) { try GzipWriter(path: "/nonexistent-folder/x.gz") }
    }

    @Test func headerLineListsTheFields() async throws {
        let output = try await SimulatorFixture.run { $0.records = 1_000 }
        let header = FlowField.v2Default.map(\.name).joined(separator: " ")
        #expect(
            header
                == "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes "
                + "start end action log-status"
        )
        for file in output.files {
            let text = try SimulatorFixture.text(output.directory + "/" + file)
            #expect(text.hasPrefix(header + "\n"))
            #expect(text.hasSuffix("\n"))
        }
    }

    @Test func noHeaderStartsWithARecord() async throws {
        let output = try await SimulatorFixture.run {
            $0.records = 1_000
            $0.header = false
        }
        let rows = try SimulatorFixture.rows(output, fields: FlowField.v2Default.map(\.name))
        #expect(!rows.isEmpty)
        #expect(rows.allSatisfy { $0["version"] == "2" && $0["account-id"] == "123456789012" })
    }

    @Test func fieldSubsetIsHonouredAndAbsentFieldsPrintDash() async throws {
        let fields = try SimulationOptions.fields(parsing: "version srcaddr dstaddr dstport action log-status")
        let output = try await SimulatorFixture.run {
            $0.records = 20_000
            $0.hours = 6
            $0.aggregation = 60
            $0.fields = fields
        }
        let rows = try SimulatorFixture.rows(output)
        let first = try SimulatorFixture.text(output.directory + "/" + output.files[0]).split(separator: "\n")[0]
        #expect(first == "version srcaddr dstaddr dstport action log-status")
        #expect(rows.allSatisfy { $0.values.count == 6 && $0["version"] == "2" })
        let noData = rows.filter { $0["log-status"] == "NODATA" }
        #expect(!noData.isEmpty)
        #expect(
            noData.allSatisfy {
                $0["srcaddr"] == "-" && $0["dstaddr"] == "-" && $0["dstport"] == "-" && $0["action"] == "-"
            })
        #expect(rows.contains { $0["action"] == "REJECT" })
    }

    @Test func fieldsWithoutVersionUseTheNewestFieldsVersion() async throws {
        let output = try await SimulatorFixture.run {
            $0.records = 1_000
            $0.fields = try! SimulationOptions.fields(
                parsing: "${srcaddr} ${dstaddr} ${flow-direction} ${traffic-path}")
        }
        let rows = try SimulatorFixture.rows(output)
        #expect(rows.allSatisfy { ["ingress", "egress", "-"].contains($0["flow-direction"]) })
        // traffic-path is for egress only.
        #expect(rows.allSatisfy { $0["flow-direction"] != "ingress" || $0["traffic-path"] == "-" })
        #expect(rows.contains { $0["traffic-path"] == "1" })
    }

    @Test(arguments: [2, 3, 4, 5, 8])
    func versionLayouts(version: Int) async throws {
        let fields = try SimulationOptions.fields(forVersion: version)
        let output = try await SimulatorFixture.run {
            $0.records = 1_500
            $0.fields = fields
            $0.version = version
        }
        let expected = version == 2 ? FlowField.v2Default : FlowField.allCases.filter { $0.introducedIn <= version }
        #expect(fields == expected)
        if version == 5 { #expect(fields == FlowField.v5All && fields.count == 29) }
        let header = try SimulatorFixture.text(output.directory + "/" + output.files[0]).split(separator: "\n")[0]
        #expect(String(header) == expected.map(\.name).joined(separator: " "))
        let rows = try SimulatorFixture.rows(output)
        #expect(rows.allSatisfy { $0["version"] == String(version) })
        if version >= 3 {
            #expect(rows.allSatisfy { $0["vpc-id"] == output.simulator.network.vpcID })
            #expect(rows.contains { $0["instance-id"] == "-" }, "load balancer and NAT interfaces have no instance")
            #expect(rows.filter { $0["log-status"] == "OK" }.allSatisfy { $0["type"] == "IPv4" })
        }
        if version >= 4 {
            #expect(rows.allSatisfy { $0["sublocation-type"] == "-" && $0["az-id"].hasPrefix("use1-az") })
        }
        if version >= 8 {
            #expect(rows.allSatisfy { $0["reject-reason"] == "-" && $0["ecs-cluster-arn"] == "-" })
            #expect(rows.contains { $0["encryption-status"] == "3" })
        }
    }

    @Test func configDescribesTheNetwork() {
        let network = SimulatedNetwork(seed: 3)
        let yaml = network.flowLensConfigYAML()
        #expect(yaml.contains("networks:\n  internal: [10.20.0.0/16]\n"))
        #expect(
            yaml.contains("  trusted: [10.20.6.5/32, \(network.adminSources[0])/32, \(network.adminSources[1])/32]"))
        #expect(yaml.contains("  dns_resolvers: [10.20.0.2/32]\n"))
        #expect(yaml.contains("zones:\n  lb: [10.20.0.0/24, 10.20.10.0/24]\n  web: [10.20.1.0/24, 10.20.11.0/24]\n"))
        #expect(yaml.contains("  db: [10.20.5.0/24, 10.20.15.0/24]\n  ops: [10.20.6.0/24]\n"))
        #expect(yaml.contains("  - {rule: port-sweep, src: 10.20.6.6/32}"))
        // Every tier's hosts sit inside its zone, and the facts agree with the config.
        for host in network.hosts {
            #expect(network.cidrs(of: host.tier).contains { $0.contains(host.address) })
            #expect(network.vpcCIDR.contains(host.address))
        }
        #expect(network.resolver.description == "10.20.0.2")
        #expect(network.natGateway.publicAddress.map { !$0.isPrivate } == true)
        #expect(network.natGateway.instanceID == nil && network.bastion.instanceID != nil)
        #expect(!yaml.contains("\t"))
    }
}
