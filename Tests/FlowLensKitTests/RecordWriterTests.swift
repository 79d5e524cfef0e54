import FlowCore
import FlowDecoding
import FlowLensKit
import FlowTesting
import Testing

@Suite struct RecordWriterTests {
    static let text = """
        2 123456789010 eni-1 10.0.0.1 198.51.100.7 40000 22 6 20 4249 1418530010 1418530070 ACCEPT OK
        2 123456789010 eni-1 - - - - - - - 1431280876 1431280934 - NODATA
        2 123456789010 eni-1 2001:db8::1 10.0.0.1 40001 443 6 3 180 1418530010 1418530070 REJECT OK
        """

    static func batch() throws -> FlowBatch {
        var batch = FlowBatch()
        batch.records = try DecoderHarness.decode(text).records
        return batch
    }

    @Test func writesTextCSVAndJSON() throws {
        let fields: [FlowField] = [.srcaddr, .dstport, .action, .logStatus]
        var outputs: [RecordWriter.Format: String] = [:]
        for format in RecordWriter.Format.allCases {
            var out = ""
            let writer = RecordWriter(format: format, fields: fields) { out += String(decoding: $0, as: UTF8.self) }
            writer.consume(try Self.batch())
            outputs[format] = out
            #expect(writer.written == 3)
        }
        #expect(outputs[.text] == "srcaddr dstport action log-status\n10.0.0.1 22 ACCEPT OK\n- - - NODATA\n2001:db8::1 443 REJECT OK\n")
        #expect(outputs[.csv] == "srcaddr,dstport,action,log_status\n10.0.0.1,22,ACCEPT,OK\n,,,NODATA\n2001:db8::1,443,REJECT,OK\n")
        #expect(outputs[.json]?.split(separator: "\n").first == #"{"srcaddr":"10.0.0.1","dstport":22,"action":"ACCEPT","log_status":"OK"}"#)
        #expect(outputs[.json]?.split(separator: "\n")[1] == #"{"srcaddr":null,"dstport":null,"action":null,"log_status":"NODATA"}"#)
    }

    /// Tokens never hold spaces, but a text field may hold commas and quotes (an unusual id, a
    /// reject reason): those cells are quoted, quotes doubled, as RFC 4180 says.
    @Test func csvQuotesCellsWithCommasAndQuotes() throws {
        var batch = FlowBatch()
        batch.records = try DecoderHarness.decode(
            """
            version interface-id srcaddr instance-id reject-reason
            8 eni-1 10.0.0.1 i-"x" a,b
            8 - 10.0.0.2 - -
            """
        ).records
        var out = ""
        let fields: [FlowField] = [.interfaceID, .srcaddr, .instanceID, .rejectReason, .version]
        RecordWriter(format: .csv, fields: fields) { out += String(decoding: $0, as: UTF8.self) }.consume(batch)
        #expect(out == "interface_id,srcaddr,instance_id,reject_reason,version\neni-1,10.0.0.1,\"i-\"\"x\"\"\",\"a,b\",8\n,10.0.0.2,,,8\n")
    }

    @Test func collectsDistinctAddressesBySide() throws {
        let both = AddressCollector(side: .both)
        both.consume(try Self.batch())
        #expect(both.addresses.map(\.description).sorted() == ["10.0.0.1", "198.51.100.7", "2001:db8::1"])
        let sources = AddressCollector(side: .src)
        sources.consume(try Self.batch())
        #expect(sources.addresses.map(\.description).sorted() == ["10.0.0.1", "2001:db8::1"])
    }
}
