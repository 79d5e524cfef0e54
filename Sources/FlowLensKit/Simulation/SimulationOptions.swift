public import FlowCore
public import FlowSources

/// Everything `flowlens generate` can be told: where to write, how much, in which format.
///
/// A plain value with defaults; ``validate()`` checks it and ``FlowLogSimulator`` runs it.
public struct SimulationOptions: Sendable {
    /// Folder that receives `AWSLogs/…` and `labels.jsonl`.
    public var outputDirectory: String
    /// Fixes every random choice; the same seed and options give byte-identical files.
    public var seed: UInt64 = 1
    /// About how many records to write; nil for ``defaultRecordsPerHour`` per simulated hour.
    public var records: Int?
    /// Simulated duration; nil for 24 hours.
    public var hours: Double?
    /// Unix seconds of the first simulated second.
    public var start: Int64 = SimulationOptions.defaultStart
    /// Columns of every file, in order.
    public var fields: [FlowField] = FlowField.v2Default
    /// The `version` value written in records; nil for the highest version among ``fields``.
    public var version: Int?
    /// Writes `.log.gz` files (as AWS does) instead of plain `.log`.
    public var gzip = true
    /// Starts each file with a header line of field names, as S3 delivery does.
    public var header = true
    public var layout: S3KeyLayout = .plain
    /// Adds hour folders to the keys (AWS's per-hour partitions).
    public var hourly = false
    /// Maximum aggregation interval in seconds: 60 or 600.
    public var aggregation = 600
    public var accountID = "123456789012"
    public var region = "us-east-1"
    /// Share of records that arrive in a later file than their time says (one or two
    /// delivery windows late), as S3 delivery does.
    public var lateFraction = 0.02
    /// Extra traffic (attacks) added to the baseline, each with its labels.
    public var scenarios: [any ScenarioInjector] = []
    /// Worker tasks; 0 uses every core. The output does not depend on it.
    public var concurrency = 0

    public init(outputDirectory: String) { self.outputDirectory = outputDirectory }

    /// 2026-11-02T00:00:00Z.
    public static let defaultStart: Int64 = 1_793_577_600
    /// Volume used when only a duration is given.
    public static let defaultRecordsPerHour = 5_000
    /// The newest flow log version whose fields FlowLens knows.
    public static let newestVersion = FlowField.allCases.map(\.introducedIn).max() ?? 2

    /// The simulated duration in seconds.
    public var durationSeconds: Int64 { Int64(((hours ?? 24) * 3600).rounded()) }

    /// The number of records aimed for.
    public var targetRecords: Int {
        records ?? Int((Double(durationSeconds) / 3600 * Double(Self.defaultRecordsPerHour)).rounded())
    }

    /// The `version` value written into records.
    public var recordVersion: Int { version ?? max(2, fields.map(\.introducedIn).max() ?? 2) }

    /// The default layout of a flow log version: v2 is AWS's default format; each later version
    /// adds its fields in ``FlowField`` order. Versions past the newest known one have its fields.
    ///
    /// - Throws: ``FlowLensError`` (`badArgument`) for a version below 2 or above 10.
    public static func fields(forVersion version: Int) throws -> [FlowField] {
        guard (2...10).contains(version) else {
            throw FlowLensError(.badArgument, "--version must be 2 to 10, got \(version)")
        }
        if version == 2 { return FlowField.v2Default }
        return FlowField.allCases.filter { $0.introducedIn <= version }
    }

    /// Parses a field list in AWS names (`version srcaddr dstaddr`), separated by spaces or
    /// commas; `${srcaddr}` log format placeholders are accepted too.
    ///
    /// - Throws: ``FlowLensError`` (`badFieldList`) naming an unknown or repeated field.
    public static func fields(parsing text: String) throws -> [FlowField] {
        let names = text.split { $0 == " " || $0 == "," || $0 == "\t" || $0 == "\n" }
        guard !names.isEmpty else { throw FlowLensError(.badFieldList, "the field list is empty") }
        var fields: [FlowField] = []
        for name in names {
            guard let field = FlowField(name: name) else {
                throw FlowLensError(.badFieldList, "unknown field '\(name)' in --fields")
            }
            guard !fields.contains(field) else {
                throw FlowLensError(.badFieldList, "field '\(name)' appears twice in --fields")
            }
            fields.append(field)
        }
        return fields
    }

    /// Checks the options before a run.
    ///
    /// - Throws: ``FlowLensError`` (`badArgument`) naming the first bad option.
    public func validate() throws {
        func fail(_ message: String) -> FlowLensError { FlowLensError(.badArgument, message) }
        if outputDirectory.isEmpty { throw fail("--out must name a folder") }
        if let records, records < 0 || records > 10_000_000_000 {
            throw fail("--records must be between 0 and 10000000000, got \(records)")
        }
        if let hours, !(hours > 0 && hours <= 24 * 366) {
            throw fail("--hours must be more than 0 and at most 8784 (a year), got \(hours)")
        }
        if durationSeconds < 1 { throw fail("--hours is shorter than one second") }
        if ![60, 600].contains(aggregation) { throw fail("--aggregation must be 60 or 600, got \(aggregation)") }
        if !(0...1).contains(lateFraction) {
            throw fail("--late-fraction must be between 0 and 1, got \(lateFraction)")
        }
        if accountID.count != 12 || !accountID.allSatisfy(\.isASCII) || !accountID.allSatisfy(\.isNumber) {
            throw fail("--account must be 12 digits, got '\(accountID)'")
        }
        let regionOK =
            !region.isEmpty && region.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
        if !regionOK { throw fail("--region must look like us-east-1, got '\(region)'") }
        if fields.isEmpty { throw fail("the field list is empty") }
        if let version, !(2...10).contains(version) { throw fail("--version must be 2 to 10, got \(version)") }
        if start < 0 || start > 32_503_680_000 { throw fail("--start must be between 1970 and 3000") }
        if concurrency < 0 { throw fail("concurrency must not be negative") }
    }
}
