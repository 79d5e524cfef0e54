import FlowCore
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
            let stored = try CollectedRows.run(store, TopTalkers.storeSQL(by: dimension, metric: metric, count: 10))
            #expect(stored.rows == streamed, "\(dimension) by \(metric)")
        }
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
