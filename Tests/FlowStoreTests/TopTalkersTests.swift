import FlowCore
import FlowEnrichment
import FlowLensKit
import FlowStore
import Testing

@Suite struct TopTalkersTests {
    @Test(arguments: TopDimension.allCases)
    func streamingAndStoreRankingsAgree(_ dimension: TopDimension) throws {
        let (store, dir) = try StoreFixture.store()
        let runner = ScanRunner(options: ScanOptions(sources: [dir + "/a.log"]))
        let talkers = TopTalkers(by: dimension)
        runner.sinks.append(talkers)
        _ = try runner.run()
        for metric in TopMetric.allCases {
            let streamed = talkers.top(10, by: metric).map { entry in
                entry.key.map { QueryValue.text($0) } + [
                    .integer(Int64(entry.flows)), .integer(Int64(entry.packets)), .integer(Int64(entry.bytes)),
                ]
            }
            if let sql = TopTalkers.rollupSQL(by: dimension, metric: metric, count: 10) {
                let stored = try CollectedRows.run(store, sql)
                #expect(stored.rows == streamed.map { $0 }, "\(dimension) by \(metric) from the rollups")
            }
            let replayed = TopTalkers(by: dimension)
            try StoreReplay.run(store, sinks: [replayed])
            #expect(replayed.top(10, by: metric) == talkers.top(10, by: metric), "\(dimension) by \(metric) from the rows")
        }
    }

    @Test func everyRanksEachTimeBinOnItsOwn() throws {
        let (store, _) = try StoreFixture.store()
        let talkers = TopTalkers(by: .srcaddr, binSeconds: 3600)
        try StoreReplay.run(store, sinks: [talkers])
        let top = talkers.top(1, by: .bytes)
        // The fixture's hours: 1793574000 (the RDP probe at …500 s), 1793577600 (three flows and the
        // NODATA record), 1793581200 (10.0.0.3), 1793584800 (10.0.0.1 to the database).
        #expect(top.map(\.bin) == [1_793_574_000, 1_793_577_600, 1_793_581_200, 1_793_584_800])
        #expect(top.map(\.key) == [["203.0.113.5"], ["10.0.0.2"], ["10.0.0.3"], ["10.0.0.1"]])
        #expect(top.map(\.bytes) == [120, 2000, 50000, 3000])
        let all = talkers.top(10, by: .flows)
        #expect(all.filter { $0.bin == 1_793_577_600 }.map(\.key) == [["-"], ["10.0.0.1"], ["10.0.0.2"]])
    }

    @Test func zonesRankPairsOfTrustZonesAndLeaveOthersOut() throws {
        let (store, _) = try StoreFixture.store()
        let zones = [
            NetworkContext.Zone(name: "app", networks: CIDRSet(["10.0.0.1/32", "10.0.0.2/32"].map { CIDR($0)! })),
            NetworkContext.Zone(name: "db", networks: CIDRSet([CIDR("10.0.0.4/32")!])),
        ]
        let talkers = TopTalkers(by: .zone, zones: zones)
        try StoreReplay.run(store, sinks: [talkers])
        let top = talkers.top(10, by: .flows)
        #expect(top.map(\.key) == [["-", "-"], ["app", "app"], ["app", "db"]])
        #expect(top.map(\.flows) == [3, 2, 1])
        #expect(top.first { $0.key == ["app", "db"] }?.bytes == 3000)
    }

    @Test func addressFromTheRollupsEqualsTheTutorialQueryOnTheRows() throws {
        let dir = StoreFixture.folder()
        var log = StoreFixture.log
        // More addresses than the top 10, some on both ends, over several hours.
        for i in 0..<400 {
            log += "2 123456789012 eni-a 10.1.0.\(i % 23) 10.2.0.\(i % 17) 5000 443 6 1 \(100 + i * 7) \(1_793_577_600 + i * 60) \(1_793_577_660 + i * 60) ACCEPT OK\n"
            if i % 5 == 0 {
                log += "2 123456789012 eni-b 10.2.0.\(i % 13) 10.1.0.\(i % 11) 443 5000 6 1 \(90 + i) \(1_793_577_600 + i * 60) \(1_793_577_660 + i * 60) ACCEPT OK\n"
            }
        }
        StoreFixture.write(log, to: dir + "/a.log")
        try StoreFixture.ingest([dir + "/a.log"], into: dir + "/flows.db")
        let store = try FlowStore(path: dir + "/flows.db", readOnly: true)
        let tutorial = try CollectedRows.run(store, StoreFixture.athenaTopTenQuery)
        let rollup = try CollectedRows.run(store, TopTalkers.rollupSQL(by: .address, metric: .bytes, count: 10)!)
        #expect(tutorial.rows.count == 10)
        #expect(rollup.column("address") == tutorial.column("ip"))
        #expect(rollup.column("bytes") == tutorial.column("total_bytes"))
    }

    @Test func addressCountsBothEndsAndMatchesTheTutorialQuery() throws {
        let (_, dir) = try StoreFixture.store()
        let runner = ScanRunner(options: ScanOptions(sources: [dir + "/a.log"]))
        let talkers = TopTalkers(by: .address)
        runner.sinks.append(talkers)
        _ = try runner.run()
        let top = talkers.top(3, by: .bytes)
        #expect(top.map(\.key) == [["10.0.0.3"], ["198.51.100.7"], ["10.0.0.1"]])
        #expect(top.map(\.bytes) == [50120, 50000, 6000])
        #expect(top[0].flows == 2)
    }
}
