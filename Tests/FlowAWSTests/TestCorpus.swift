import Foundation

/// Finds the shared conformance corpus, as the decoding conformance tests do.
///
/// `FLOWLENS_CORPUS` names the corpus root (the folder holding `sigv4/`); without it the corpus is
/// expected at `../shared/corpus` next to the package root. A missing corpus is a test failure,
/// never a skip: CI must always run these tests.
enum TestCorpus {
    static let environmentVariable = "FLOWLENS_CORPUS"

    struct Missing: Error, CustomStringConvertible {
        var looked: [String]
        var description: String {
            "The conformance corpus was not found; looked in: \(looked.joined(separator: ", ")). "
                + "Point the environment variable \(TestCorpus.environmentVariable) at the corpus root "
                + "(the folder that contains sigv4/), e.g. `\(TestCorpus.environmentVariable)=/path/to/shared/corpus swift test`."
        }
    }

    /// The package root: this file is `<root>/Tests/FlowAWSTests/TestCorpus.swift`.
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    /// `<corpus>/sigv4/<suite>`, or a `Missing` error saying where it looked.
    static func sigv4Directory(_ suite: String) throws -> URL {
        let root: URL
        var looked: String
        if let value = ProcessInfo.processInfo.environment[environmentVariable], !value.isEmpty {
            root = URL(fileURLWithPath: value)
            looked = " (from \(environmentVariable))"
        } else {
            root = packageRoot.appendingPathComponent("../shared/corpus").standardizedFileURL
            looked = " (\(environmentVariable) is not set)"
        }
        let directory = root.appendingPathComponent("sigv4").appendingPathComponent(suite)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue
        else {
            looked = directory.path + looked
            throw Missing(looked: [looked])
        }
        return directory
    }

    static func text(_ url: URL) throws -> String {
        String(decoding: try Data(contentsOf: url), as: UTF8.self)
    }
}
