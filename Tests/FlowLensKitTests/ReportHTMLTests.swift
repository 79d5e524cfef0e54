import FlowCore
import FlowDetection
import FlowLensKit
import Foundation
import Testing

@Suite struct ReportHTMLTests {
    @Test func escapeNeutralisesMarkup() {
        #expect(HTML.escape("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;")
        #expect(HTML.escape("\" onmouseover=x '") == "&quot; onmouseover=x &#39;")
        #expect(HTML.escape("a&b\u{0}\u{1B}c") == "a&amp;bc")
        #expect(HTML.escape("eni-0a1 → ok") == "eni-0a1 → ok")
    }

    @Test func pageHasEverySectionChartAndTable() throws {
        let alert = Alert(
            rule: "ssh-brute-force", title: "SSH brute force", severity: .critical, firstSeen: 1_793_581_200,
            lastSeen: 1_793_581_800, src: IPAddress("10.20.1.10"), dst: IPAddress("10.20.5.20"), dstPort: 22, count: 25,
            bytes: 12_000, packets: 150, interfaceIDs: ["eni-db1"], evidence: ["distinct_client_port": .number(25)],
            mitre: ["T1110"], runbook: "Block the source.\nThen look further.", dedupKey: "a")
        let document = try ReportFixtures.document(["day.log": ReportFixtures.ordinaryLog], alerts: [alert])
        let html = document.html()
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        for id in [
            "summary", "look-first", "alerts", "timeline", "zones", "talkers", "inventory", "rejected", "aws-services",
        ] {
            #expect(html.contains("id=\"\(id)\""), "section \(id)")
        }
        for id in [
            "chart-bytes", "chart-flows", "chart-packets", "heat-accepted", "heat-rejected", "bars-sources",
            "bars-pairs", "bars-ports", "bars-interfaces", "bars-rejected-sources", "bars-rejected-ports",
        ] {
            #expect(html.contains("<svg id=\"\(id)\""), "chart \(id)")
        }
        for id in [
            "table-sources", "table-destinations", "table-pairs", "table-ports", "table-protocols", "table-families",
            "table-interfaces", "table-subnets", "table-instances", "table-rejected-sources", "table-rejected-ports",
            "table-aws-services", "table-internal-external",
        ] {
            #expect(html.contains("<table id=\"\(id)\""), "table \(id)")
        }
        // Alerts with their evidence, and the host to look at first with its first step.
        #expect(html.contains("distinct_client_port"))
        #expect(html.contains("First step: Block the source."))
        #expect(html.contains("@media print"))
        // Self-contained: no script, no external fetch.
        #expect(!html.contains("<script"))
        #expect(!html.contains("src=\""))
        #expect(!html.contains("href=\""))
        #expect(!html.contains("url("))
        #expect(!html.contains("@import"))
    }

    @Test func hostileStringsComeOutInert() throws {
        let document = try ReportFixtures.document(
            ReportFixtures.hostileFiles, context: ReportFixtures.hostileContext, alerts: [ReportFixtures.hostileAlert])
        // The hostile values did reach the report model.
        #expect(document.interfaces.contains { $0.interfaceId == ReportFixtures.scriptPayload })
        #expect(document.logStatus.contains { $0.interfaceId == ReportFixtures.attributePayload })
        #expect(document.zoneMatrix.zones.contains(ReportFixtures.scriptPayload))
        #expect(document.summary.sources.contains { $0.message?.contains("<svg/onload=") ?? false })
        #expect(document.awsServices.contains { $0.service == "<b>bold</b>" })
        #expect(document.summary.sources.contains { $0.file.contains("<img") && $0.message != nil })

        let html = document.html()
        #expect(!html.contains("<script"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("<svg/"))
        #expect(!html.contains("<b>"))
        #expect(!html.contains("\"/onmouseover"))
        #expect(!html.contains("'pwned'"))
        #expect(html.contains("&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;"))
        #expect(html.contains("&quot;/onmouseover=document.title=&#39;pwned&#39;/x=&quot;"))
        #expect(html.contains("&lt;svg/onload="))
        // The file name of the empty source is escaped in the notes.
        #expect(html.contains("&lt;img src=x onerror=document.title=&#39;pwned&#39;&gt;.log"))
    }

    @Test func textMarkdownAndJSONCarryTheSameFacts() throws {
        let document = try ReportFixtures.document(
            ReportFixtures.hostileFiles, context: ReportFixtures.hostileContext, alerts: [ReportFixtures.hostileAlert])
        let text = document.text()
        #expect(text.contains("What to look at first"))
        #expect(text.contains("10.20.2.5 → 52.216.1.1"))
        let markdown = document.markdown()
        #expect(markdown.contains("## What to look at first"))
        #expect(markdown.contains("| source | bytes | packets | flows |"))
        #expect(!markdown.contains("<script"))
        #expect(!markdown.contains("<b>"))
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let json = try #require(
            try JSONSerialization.jsonObject(with: encoder.encode(document)) as? [String: Any])
        #expect(json["zone_matrix"] != nil)
        #expect(json["look_first"] != nil)
        #expect((json["alerts"] as? [Any])?.count == 1)
    }
}
