import FlowCore
import FlowDecoding
import FlowLensKit
import FlowTesting
import Foundation
import Testing

@Suite struct SimulatorRoundTripTests {
    /// Generated files decode without a single malformed line, and re-encoding the decoded
    /// records reproduces every line byte for byte.
    @Test(arguments: [2, 5, 8])
    func generatedFilesDecodeAndReencodeIdentically(version: Int) async throws {
        let output = try await SimulatorFixture.run {
            $0.records = 4_000
            $0.fields = try! SimulationOptions.fields(forVersion: version)
            $0.version = version
        }
        var decoded = 0
        for file in output.files {
            let text = try SimulatorFixture.text(output.directory + "/" + file)
            let result = try DecoderHarness.decode(text, fileName: file, strict: true)
            #expect(result.counters.malformedTotal == 0)
            #expect(result.plan.fields == (try SimulationOptions.fields(forVersion: version)))
            var encoder = FlowLineEncoder(fields: result.plan.fields)
            var bytes: [UInt8] = []
            encoder.appendHeader(to: &bytes)
            for record in result.records { encoder.append(record, to: &bytes) }
            #expect(String(decoding: bytes, as: UTF8.self) == text, "\(file)")
            decoded += result.records.count
        }
        #expect(decoded == output.summary.records)
    }
}
