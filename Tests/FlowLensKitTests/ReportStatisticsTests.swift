import FlowCore
import FlowEnrichment
import FlowLensKit
import Testing

@Suite struct ReportStatisticsTests {
    @Test func countsTheOrdinaryDay() throws {
        let (result, stats, _) = try ReportFixtures.run(["day.log": ReportFixtures.ordinaryLog])
        #expect(result.statistics.records == 192)
        #expect(stats.records == 192)

        // Time series: every record in exactly one bin, accepted and rejected apart.
        let accepted = stats.series.bins.reduce(0) { $0 + $1.accepted.flows }
        let rejected = stats.series.bins.reduce(0) { $0 + $1.rejected.flows }
        #expect(accepted == 144)
        #expect(rejected == 48)
        #expect(stats.series.width == 60)
        #expect(stats.series.start(of: 0) == 1_793_577_600)

        // Pairs: the S3 uploads lead.
        let top = stats.pairs.top(1, by: .bytes)
        #expect(top.first?.0.source == IPAddress("10.20.2.5"))
        #expect(top.first?.0.destination == IPAddress("52.216.1.1"))
        #expect(top.first?.1 == TrafficCounter(flows: 48, packets: 960, bytes: 4_320_000))

        // Interfaces, subnets, instances by symbol.
        let web = stats.interfaces[Int(Symbol("eni-web1").id)]
        #expect(web.records == 96)
        #expect(web.rejected.flows == 48)
        #expect(web.traffic.flows == 96)
        #expect(stats.interfaces[Int(Symbol("eni-db1").id)].traffic.bytes == (0..<48).reduce(0) { r, _ in r + 800 })
        #expect(stats.subnets[Int(Symbol("subnet-app").id)].bytes == 4_320_000)
        #expect(stats.instances[Int(Symbol("i-db1").id)].flows == 48)

        // Rejected by source and by port.
        let rejectedSources = stats.rejectedSources.top(5, by: .flows)
        #expect(rejectedSources.count == 1)
        #expect(rejectedSources.first?.0 == IPAddress("203.0.113.9"))
        #expect(rejectedSources.first?.1.flows == 48)
        #expect(stats.rejectedPorts[20].flows == 1)
        #expect(stats.rejectedPorts[67].flows == 1)
        #expect(stats.rejectedPorts[443].flows == 0)

        // Zones: internet → web, web → db, internal (no zone) → internet.
        let web_ = 0
        let db = 1
        let inside = stats.zones.internalCategory
        let internet = stats.zones.internetCategory
        #expect(stats.zones.names == ["web", "db", "internal", "internet"])
        #expect(stats.zoneCell(from: internet, to: web_).accepted.flows == 48)
        #expect(stats.zoneCell(from: internet, to: web_).rejected.flows == 48)
        #expect(stats.zoneCell(from: web_, to: db).accepted.flows == 48)
        #expect(stats.zoneCell(from: web_, to: db).accepted.bytes == 48 * 800)
        #expect(stats.zoneCell(from: inside, to: internet).accepted.bytes == 4_320_000)
        #expect(stats.zoneCell(from: db, to: web_).accepted.flows == 0)

        // Families and AWS services.
        #expect(stats.ipv4.flows == 192)
        #expect(stats.ipv6.flows == 0)
        let s3 = stats.services[Int(Symbol("S3").id)]
        #expect(s3.to == TrafficCounter(flows: 48, packets: 960, bytes: 4_320_000))
        #expect(s3.from.flows == 0)
    }

    @Test func countsLogStatusAndIPv6() throws {
        let t = 1_793_577_600
        let log = """
            version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status
            2 1 eni-quiet - - - - - - - \(t) \(t + 60) - NODATA
            2 1 eni-quiet - - - - - - - \(t + 60) \(t + 120) - NODATA
            2 1 eni-busy - - - - - - - \(t) \(t + 60) - SKIPDATA
            2 1 eni-busy fd00::5 2001:db8::1 40000 443 6 3 300 \(t) \(t + 60) ACCEPT OK

            """
        let (_, stats, _) = try ReportFixtures.run(["a.log": log])
        let quiet = stats.interfaces[Int(Symbol("eni-quiet").id)]
        #expect(quiet.records == 2)
        #expect(quiet.noData == 2)
        #expect(quiet.traffic.flows == 0)
        let busy = stats.interfaces[Int(Symbol("eni-busy").id)]
        #expect(busy.skipData == 1)
        #expect(busy.traffic.flows == 1)
        #expect(stats.ipv6 == TrafficCounter(flows: 1, packets: 3, bytes: 300))
        #expect(stats.ipv4.flows == 0)
        #expect(stats.zoneCell(from: stats.zones.internalCategory, to: stats.zones.internetCategory).accepted.flows == 1)
        // NODATA records carry no traffic, so only the one flow is in the series.
        #expect(stats.series.bins.reduce(0) { $0 + $1.total.flows } == 1)
    }

    @Test func documentRanksAndCollapses() throws {
        let document = try ReportFixtures.document(["day.log": ReportFixtures.ordinaryLog])
        #expect(document.timeline.binSeconds == 900)
        #expect(document.timeline.bins.count <= 150)
        #expect(document.timeline.bins.reduce(0) { $0 + $1.accepted.flows + $1.rejected.flows } == 192)
        #expect(document.topPairs.first?.key == "10.20.2.5 → 52.216.1.1")
        #expect(document.interfaces.first?.interfaceId == "eni-app1")
        #expect(document.rejectedBySource.first?.key == "203.0.113.9")
        #expect(document.rejectedByPort.count == 10)
        #expect(document.awsServices.map(\.service) == ["S3"])
        // Zones without traffic drop out of the matrix; the 2×2 view adds up.
        #expect(document.zoneMatrix.zones == ["web", "db", "internal", "internet"])
        let ie = document.internalExternal
        #expect(ie.cells[1][0].accepted.flows == 48)
        #expect(ie.cells[1][0].rejected.flows == 48)
        #expect(ie.cells[0][0].accepted.flows == 48)
        #expect(ie.cells[0][1].accepted.flows == 48)
    }

    @Test func timeSeriesCoarsensWithoutLosingCounts() {
        var series = TimeSeries()
        let base: Int64 = 1_793_577_600
        // 60 days, one record every 10 minutes, and one far-off record a year earlier.
        var added: UInt64 = 0
        for i in stride(from: 0, to: 60 * 86400, by: 600) {
            series.add(time: base + Int64(i), action: i % 3 == 0 ? .reject : .accept, packets: 1, bytes: 10)
            added += 1
        }
        #expect(series.width > 60)
        #expect(series.bins.count <= TimeSeries.maximumBins)
        series.add(time: base - 365 * 86400, action: .none, packets: 1, bytes: 10)
        added += 1
        #expect(series.bins.count <= TimeSeries.maximumBins)
        #expect(series.bins.reduce(0) { $0 + $1.total.flows } == added)
        #expect(series.bins.reduce(0) { $0 + $1.total.bytes } == added * 10)
        #expect(series.start(of: 0) % series.width == 0)
        let display = series.display(targetBins: 150)
        #expect(display.bins.count <= 150)
        #expect(display.bins.reduce(0) { $0 + $1.total.flows } == added)
    }

    @Test func zoneMapFirstZoneWins() {
        let context = NetworkContext(
            zones: [
                .init(name: "wide", networks: CIDRSet([CIDR("10.0.0.0/8")!])),
                .init(name: "narrow", networks: CIDRSet([CIDR("10.1.0.0/16")!, CIDR("2001:db8:1::/48")!])),
            ])
        let map = ZoneMap(context: context)
        #expect(map.names == ["wide", "narrow", "internal", "internet"])
        #expect(map.category(of: IPAddress("10.1.2.3")!) == 0)
        #expect(map.category(of: IPAddress("10.255.255.255")!) == 0)
        #expect(map.category(of: IPAddress("11.0.0.0")!) == map.internetCategory)
        #expect(map.category(of: IPAddress("192.168.1.1")!) == map.internalCategory)
        #expect(map.category(of: IPAddress("fd00::1")!) == map.internalCategory)
        #expect(map.category(of: IPAddress("2001:db8:1::5")!) == 1)
        #expect(map.category(of: IPAddress("2001:db8:2::5")!) == map.internetCategory)
        #expect(map.category(of: IPAddress("0.0.0.0")!) == map.internetCategory)
        #expect(map.category(of: IPAddress("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")!) == map.internetCategory)
    }
}
