import ArgumentParser
import FlowCore
import FlowExpression
import FlowLensKit
import Foundation

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
            return result
        } catch {
            progress.clear()
            Stderr.print("flowlens: \(error)")
            throw ExitCode(1)
        }
    }

    static func filter(_ text: String) throws -> FlowFilter {
        do {
            return try FlowFilter(text, sets: ["internal": CIDRSet.privateNetworks])
        } catch {
            throw ValidationError("--where: \(error.message)")
        }
    }

    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try encoder.encode(value), as: UTF8.self)
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
