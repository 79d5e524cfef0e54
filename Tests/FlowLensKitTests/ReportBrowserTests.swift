import FlowLensKit
import Foundation
import Testing

/// Renders reports in headless Chromium (Debian's `chromium`, installed by scripts/test.sh): a
/// screenshot, the DOM after load, and proof that hostile input runs no script.
///
/// These fail, not skip, when Chromium is missing: the test command installs it.
@Suite(.serialized) struct ReportBrowserTests {
    static let candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]

    static func chromium() throws -> String {
        if let path = ProcessInfo.processInfo.environment["FLOWLENS_CHROMIUM"] { return path }
        guard let path = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            Issue.record("Chromium not found (looked for \(candidates.joined(separator: ", "))); install it with `apt-get install -y chromium` or run scripts/test.sh")
            throw CancellationError()
        }
        return path
    }

    /// Runs Chromium headless and returns its stdout.
    static func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try chromium())
        let home = NSTemporaryDirectory() + "flowlens-chromium-\(UUID().uuidString)"
        process.arguments =
            ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(home)"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: home)
        #expect(process.terminationStatus == 0, "chromium exited with \(process.terminationStatus)")
        return String(decoding: data, as: UTF8.self)
    }

    static func write(_ html: String) throws -> String {
        let path = NSTemporaryDirectory() + "flowlens-report-\(UUID().uuidString).html"
        try html.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func rendersChartsAndTables() throws {
        let document = try ReportFixtures.document(["day.log": ReportFixtures.ordinaryLog])
        let page = try Self.write(document.html())
        defer { try? FileManager.default.removeItem(atPath: page) }
        let screenshot = NSTemporaryDirectory() + "flowlens-report-\(UUID().uuidString).png"
        defer { try? FileManager.default.removeItem(atPath: screenshot) }
        _ = try Self.run(["--screenshot=\(screenshot)", "--window-size=1280,2000", page])
        let png = try #require(FileManager.default.contents(atPath: screenshot), "no screenshot written")
        #expect(png.count > 20_000, "screenshot is suspiciously small: \(png.count) bytes")
        #expect(png.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))

        let dom = try Self.run(["--dump-dom", page])
        #expect(dom.contains("<title>FlowLens report</title>"))
        for id in ["chart-bytes", "chart-flows", "heat-accepted", "bars-sources", "bars-ports"] {
            #expect(dom.contains("<svg id=\"\(id)\""), "chart \(id) missing from the DOM")
        }
        for id in ["table-sources", "table-pairs", "table-interfaces", "table-rejected-ports", "table-aws-services"] {
            #expect(dom.contains("<table id=\"\(id)\""), "table \(id) missing from the DOM")
        }
        #expect(dom.contains("<rect class=\"accept\""))
        #expect(dom.contains("What to look at first"))
    }

    @Test func hostileInputRunsNoScript() throws {
        let document = try ReportFixtures.document(
            ReportFixtures.hostileFiles, context: ReportFixtures.hostileContext, alerts: [ReportFixtures.hostileAlert])
        let page = try Self.write(document.html())
        defer { try? FileManager.default.removeItem(atPath: page) }
        // A control page with the same payload left raw proves the check would catch a script
        // that ran: there, Chromium does change the title.
        let control = try Self.write(
            "<!DOCTYPE html><html><head><title>FlowLens report</title></head><body>"
                + ReportFixtures.scriptPayload + ReportFixtures.imagePayload + "</body></html>")
        defer { try? FileManager.default.removeItem(atPath: control) }
        let controlDOM = try Self.run(["--dump-dom", "--virtual-time-budget=2000", control])
        #expect(controlDOM.contains("<title>pwned</title>"), "the control page's script did not run")
        #expect(controlDOM.contains("<pwned>"), "the control page's onerror did not run")

        let dom = try Self.run(["--dump-dom", "--virtual-time-budget=2000", page])
        #expect(dom.contains("<title>FlowLens report</title>"))
        #expect(!dom.contains("<title>pwned"))
        #expect(!dom.contains("<pwned"))
        #expect(!dom.contains("<script"))
        #expect(!dom.contains("<img"))
        #expect(!dom.contains("onmouseover=\"") && !dom.contains("onload=\"") && !dom.contains("onerror=\""))
        // The payloads are there, as text.
        #expect(dom.contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;"))
        #expect(dom.contains("<svg id=\"chart-bytes\""))
    }
}
