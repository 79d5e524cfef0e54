import FlowCore
import FlowDecoding
import FlowTesting
import Foundation
import Testing

/// Parquet files written by pyarrow (`scripts/parquet-fixtures.py`), generated once per test run
/// into a temporary folder, and helpers to read them with FlowLens.
///
/// pyarrow is a test peer installed by `scripts/test.sh`; when `python3` or `import pyarrow`
/// fails, every Parquet test fails with the reason (never a skip).
enum ParquetFixtures {
    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// Everything a reader produced for a whole file.
    struct FileResult {
        var records: [FlowRecord] = []
        var extraNames: [String] = []
        var extraValues: [Symbol] = []
        var counters = DecodeCounters()
        var rowGroups = 0
    }

    static let script = CorpusLocator.packageRoot.appendingPathComponent("scripts/parquet-fixtures.py")

    /// The folder of generated files (or the reason it could not be made), computed once.
    private static let generated: Result<URL, Failure> = {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "flowlens-parquet-\(ProcessInfo.processInfo.processIdentifier)")
        do {
            try? FileManager.default.removeItem(at: directory)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", script.path, directory.path]
            let errors = Pipe()
            process.standardError = errors
            try process.run()
            let message = errors.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                let text = String(decoding: message, as: UTF8.self)
                let hint =
                    text.contains("No module named 'pyarrow'")
                    ? " pyarrow is missing: run scripts/test.sh (it installs pyarrow) or `pip install pyarrow`." : ""
                return .failure(Failure("\(script.lastPathComponent) failed (\(process.terminationStatus)):\(hint)\n\(text)"))
            }
            return .success(directory)
        } catch {
            return .failure(Failure("cannot run python3 \(script.path): \(error)"))
        }
    }()

    static func directory() throws -> URL { try generated.get() }

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory().appendingPathComponent(name)))
    }

    /// Reads every row group of `bytes` in order.
    static func read(_ bytes: [UInt8], name: String, columns: Set<FlowField>? = nil) throws(FlowLensError) -> FileResult {
        let reader = try ParquetFlowReader(bytes: bytes, fileName: name, columns: columns)
        var result = FileResult()
        result.rowGroups = reader.rowGroupCount
        for group in 0..<reader.rowGroupCount {
            let batch = try reader.readRowGroup(group, sourceIndex: 0, sequence: group, counters: &result.counters)
            result.records += batch.records
            result.extraNames = batch.extraNames
            result.extraValues += batch.extraValues
        }
        return result
    }

    /// The same rows as text, read by the text decoder.
    static func text(_ name: String) throws -> DecoderHarness.Result {
        try DecoderHarness.decode(try bytes(name), splits: [], fileName: name)
    }

    /// The error a read throws, or nil when it succeeds.
    static func error(reading bytes: [UInt8], name: String) -> FlowLensError? {
        do {
            _ = try read(bytes, name: name)
            return nil
        } catch {
            return error
        }
    }
}
