import ArgumentParser
import FlowCore
import FlowEnrichment
import FlowExpression
import FlowLensKit
import Foundation
import Glibc

/// Glue shared by the commands: running a pass with its errors mapped to exit codes, JSON output.
enum CommandSupport {
    /// Runs a pass; a run that read nothing exits 1 with the reasons on stderr.
    /// - Parameter reportProblems: Print each source's problem on stderr (when stdout carries
    ///   JSON, say, and would not show them).
    static func run(_ runner: ScanRunner, progress: ProgressLine, reportProblems: Bool = true) throws -> ScanResult {
        do {
            let result = try runner.run(progress: progress.enabled ? { progress.show($0) } : nil)
            progress.clear()
            for outcome in result.outcomes where reportProblems {
                if let problem = outcome.problem { Stderr.print("flowlens: \(outcome.status.rawValue): \(problem)") }
            }
            for error in result.resolutionErrors where reportProblems { Stderr.print("flowlens: \(error)") }
            for note in result.notes { Stderr.print("flowlens: note: \(note)") }
            if result.skippedSources > 0 {
                Stderr.print("flowlens: \(result.skippedSources) source(s) already done according to the checkpoint")
            }
            return result
        } catch {
            progress.clear()
            Stderr.print("flowlens: \(error)")
            throw ExitCode(1)
        }
    }

    static func filter(_ text: String, sets: [String: CIDRSet] = [:]) throws -> FlowFilter {
        do {
            return try FlowFilter(text, sets: sets.isEmpty ? ["internal": CIDRSet.privateNetworks] : sets)
        } catch {
            throw ValidationError("--where: \(error.message)")
        }
    }

    /// The named address sets (`$internal`, `$trusted`, zones, ...) of the config at `path`, or of
    /// `./flowlens.yml` when present.
    static func namedSets(config path: String?) throws -> [String: CIDRSet] {
        try orExit { () throws(FlowLensError) in
            try DetectionSetup.config(path: path).context.namedSets
        }
    }

    /// The network context (zones, named sets) of the config at `path`, or of `./flowlens.yml`
    /// when present, else the defaults.
    static func networkContext(config path: String?) throws -> NetworkContext {
        try orExit { () throws(FlowLensError) in
            try DetectionSetup.config(path: path).context
        }
    }

    /// Runs library code whose errors end the command with exit code 1 and a message.
    static func orExit<T>(_ body: () throws(FlowLensError) -> T) throws -> T {
        do {
            return try body()
        } catch {
            Stderr.print("flowlens: \(error)")
            throw ExitCode(1)
        }
    }

    /// Writes lines to a file, or to stdout for `-`.
    static func writeLines(_ lines: [String], to path: String) throws {
        let text = lines.map { $0 + "\n" }.joined()
        if path == "-" {
            FileHandle.standardOutput.write(Data(text.utf8))
            return
        }
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
            Stderr.print("flowlens: \(path): cannot write the file")
            throw ExitCode(1)
        }
    }

    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

/// Bytes to stdout through write(2) directly: a `Data` copy of every batch of output took a
/// twentieth of `filter --db` for one address's hour.
enum StandardOutput {
    static func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(1, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 && errno == EINTR { continue }
                // A closed pipe (`| head`) or a full disk: nothing more can be written.
                guard written > 0 else { return }
                offset += written
            }
        }
    }
}

enum Stderr {
    static func print(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}

/// A one-line progress display on stderr, shown only when stderr is a terminal.
final class ProgressLine {
    let enabled: Bool

    init(enabled: Bool) { self.enabled = enabled && isatty(2) == 1 }

    func show(_ p: ScanProgress) {
        var text = "files \(p.filesDone)/\(p.filesTotal)  records \(Format.count(p.records))"
        text += "  \(Format.count(UInt64(p.recordsPerSecond)))/s"
        if let left = p.secondsLeft { text += "  \(Int(left.rounded()))s left" }
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8))
    }

    func clear() {
        if enabled { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
