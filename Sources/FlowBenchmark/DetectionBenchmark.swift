import Dispatch
import FlowCore
import FlowDecoding
import FlowDetection
import FlowLensKit
import Foundation

/// The cost of detection alone: records/s and ns/record for the built-in rules over batches that
/// were decoded beforehand, outside the timing.
///
/// The file is decoded once, through the same pipeline as `scan` (so the batches are the ones
/// detection sees there), and kept in memory. Then each arrangement runs several times and the
/// best run counts:
/// - one core, timed by the thread's CPU clock: batch by batch, the matching stage
///   (`findMatches`) and the applying stage (`process(_:matches:)`) over whole batches, and
///   their sum; then `process(_:)`, which matches and applies each batch in blocks, as `scan`,
///   tests and `rules test` call it;
/// - `DetectionSink`: the engine on a thread of its own, fed batch by batch, as `scan` runs it,
///   with the process's CPU time beside the wall time.
///
/// Every run must raise exactly the same alerts (compared line by line) and at least one, so a
/// broken engine cannot look fast; the alert count and a digest of the alert lines are printed
/// so that two builds can be compared.
enum DetectionBenchmark {
    static func run(file: String, config: String?, runs: Int = 3) {
        let setup: DetectionSetup
        do {
            setup = try DetectionSetup(configPath: config, ruleDirectories: [])
            _ = try setup.makeEngine()
        } catch {
            print("detect benchmark: \(error)")
            return
        }
        let batches: [FlowBatch]
        do {
            batches = try decode(file)
        } catch {
            print("detect benchmark: cannot read \(file): \(error)")
            return
        }
        let records = batches.reduce(0) { $0 + $1.records.count }
        precondition(records > 0, "no records in \(file)")
        print("detect \(file): \(records) records in \(batches.count) batches, \(setup.rules.count) rules, config \(config ?? "(none)")")

        var reference: [String]?
        func check(_ alerts: [Alert], _ arrangement: String) {
            let lines = alerts.map(\.jsonLine)
            if let reference {
                precondition(lines == reference, "\(arrangement): the alerts differ from the first run's")
            } else {
                precondition(!lines.isEmpty, "\(arrangement): no alerts; the input or the engine is broken")
                reference = lines
            }
        }

        // One core, both stages in turn.
        var matchBest = Double.infinity
        var applyBest = Double.infinity
        var stagedBest = Double.infinity
        for _ in 0..<runs {
            let engine = try! setup.makeEngine()
            var matchTime = 0.0
            var applyTime = 0.0
            var alerts: [Alert] = []
            for batch in batches {
                var found = BatchMatches()
                matchTime += threadSeconds { found = engine.findMatches(in: batch) }
                applyTime += threadSeconds { engine.process(batch, matches: found) }
            }
            applyTime += threadSeconds { alerts = engine.finish() }
            check(alerts, "one core")
            precondition(engine.records == records, "engine saw \(engine.records) of \(records) records")
            matchBest = min(matchBest, matchTime)
            applyBest = min(applyBest, applyTime)
            stagedBest = min(stagedBest, matchTime + applyTime)
        }
        report("one core, matching (thread CPU)", matchBest, records)
        report("one core, applying (thread CPU)", applyBest, records)
        report("one core, total (thread CPU)", stagedBest, records)

        // One core through the one-call API, as the sink, tests and `rules test` use it.
        var wholeBest = Double.infinity
        var matchesByRule: [String] = []
        for _ in 0..<runs {
            let engine = try! setup.makeEngine()
            var alerts: [Alert] = []
            let time = threadSeconds {
                for batch in batches { engine.process(batch) }
                alerts = engine.finish()
            }
            check(alerts, "process(_:)")
            wholeBest = min(wholeBest, time)
            matchesByRule = zip(engine.rules.map(\.definition.id), engine.matches).map { "\($0) \($1)" }
        }
        report("one core, process(_:) (thread CPU)", wholeBest, records)
        // Which rules the records reach: the applying stage's cost follows these counts.
        print("detect matches by rule: \(matchesByRule.joined(separator: ", "))")

        // On the sink's own thread, as `scan` runs it.
        var sinkBest = Double.infinity
        var sinkCPU = Double.infinity
        for _ in 0..<runs {
            let sink = DetectionSink(engine: try! setup.makeEngine())
            let cpuBefore = cpuSeconds()
            let time = seconds {
                for batch in batches { sink.consume(batch) }
                sink.finish()
            }
            let cpu = cpuSeconds() - cpuBefore
            check(sink.alerts, "DetectionSink")
            if time < sinkBest {
                sinkBest = time
                sinkCPU = cpu
            }
        }
        report("DetectionSink (own thread), wall", sinkBest, records)
        report("DetectionSink (own thread), CPU", sinkCPU, records)

        let lines = reference ?? []
        var digest: UInt64 = 0xCBF2_9CE4_8422_2325
        for line in lines {
            for byte in line.utf8 { digest = (digest ^ UInt64(byte)) &* 0x100_0000_01B3 }
            digest = (digest ^ 0x0A) &* 0x100_0000_01B3
        }
        print("detect alerts: \(lines.count), FNV-1a of the JSON lines \(String(digest, radix: 16))")
    }

    /// Decodes a source into batches through `ScanRunner`, as `scan` does.
    private static func decode(_ file: String) throws -> [FlowBatch] {
        let collector = BatchCollector()
        let runner = ScanRunner(options: ScanOptions(sources: [file]))
        runner.sinks.append(collector)
        let result = try runner.run()
        precondition(result.counters.malformedTotal == 0, "benchmark input must decode cleanly")
        return collector.batches
    }

    private static func report(_ name: String, _ seconds: Double, _ records: Int) {
        let perRecord = seconds * 1e9 / Double(records)
        print(
            "detect \(name): best \(String(format: "%.3f", seconds)) s = \(Int(Double(records) / seconds / 1e3)) k records/s, \(String(format: "%.1f", perRecord)) ns/record"
        )
    }

    private static func seconds(_ body: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// CPU time of the calling thread: on a machine shared with other work, the one-core figures
    /// are taken from this rather than from the wall clock.
    private static func threadSeconds(_ body: () -> Void) -> Double {
        func now() -> Double {
            var time = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
            return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
        }
        let start = now()
        body()
        return now() - start
    }

    /// User plus system CPU time of the whole process so far.
    private static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func value(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return value(usage.ru_utime) + value(usage.ru_stime)
    }
}

/// Keeps every batch of a run, for replaying them to the engine.
private final class BatchCollector: FlowSink {
    var batches: [FlowBatch] = []
    func consume(_ batch: FlowBatch) { batches.append(batch) }
    func finish() {}
}
