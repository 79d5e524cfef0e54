public import FlowCore

/// Adds scripted traffic (an attack, a misconfiguration) to a simulation, and says what a
/// detector should find in it.
///
/// An injector is called once per run, before the baseline is generated, with the simulated
/// network, the time range and a random generator of its own (seeded from the run's seed and
/// the injector's position, so output stays reproducible). It returns finished records, which
/// the simulator files with the baseline by interface and time, plus one ``ScenarioLabel`` per
/// injected scenario, which go to `labels.jsonl`.
///
/// Requirements for implementations:
/// - Be deterministic: use only `random`, never the system generator or the clock.
/// - Put every record inside `range`, and set at least `interface-id`, `start` and `end`.
///   ``SimulatedNetwork/records(for:aggregation:)`` builds correct per-interface records for a
///   connection, both directions as each interface logs them.
/// - Leave `version` alone: the simulator writes the run's version into every record.
///
/// ```swift
/// struct SSHProbe: ScenarioInjector {
///     func inject(network: SimulatedNetwork, range: SimulationTimeRange,
///                 random: inout SimulationRandom) -> ScenarioInjection {
///         let bastion = network.bastion
///         let connection = SimulatedConnection(
///             client: .external(IPAddress("192.0.2.200")!), server: .host(bastion),
///             clientPort: 40000, serverPort: 22, start: range.start + 3600, rejected: true)
///         let records = network.records(for: connection, aggregation: range.aggregation)
///         let label = ScenarioLabel(scenarioID: "ssh-probe-1", expectedRule: "remote-admin-from-internet", …)
///         return ScenarioInjection(records: records, labels: [label])
///     }
/// }
/// ```
public protocol ScenarioInjector: Sendable {
    /// Returns the records and labels of this scenario for one run.
    func inject(network: SimulatedNetwork, range: SimulationTimeRange, random: inout SimulationRandom)
        -> ScenarioInjection
}

/// What a ``ScenarioInjector`` adds to a run.
public struct ScenarioInjection: Sendable {
    public var records: [FlowRecord]
    public var labels: [ScenarioLabel]

    public init(records: [FlowRecord] = [], labels: [ScenarioLabel] = []) {
        self.records = records
        self.labels = labels
    }
}

/// The simulated time span and the aggregation interval of a run.
public struct SimulationTimeRange: Sendable, Hashable {
    /// Unix seconds of the first simulated second.
    public var start: Int64
    /// Unix seconds just past the last simulated second.
    public var end: Int64
    /// The maximum aggregation interval (60 or 600 seconds).
    public var aggregation: Int

    public init(start: Int64, end: Int64, aggregation: Int) {
        self.start = start
        self.end = end
        self.aggregation = aggregation
    }
}
