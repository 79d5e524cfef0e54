public import FlowCore
import Foundation

/// A Kinesis Data Firehose HTTP endpoint delivery request: `{"requestId", "timestamp",
/// "records": [{"data": "<base64>"}]}`. Each record is either flow log text (one or more lines,
/// possibly CloudWatch-style `{"message": ...}` JSON) or, when the stream is fed by a CloudWatch
/// Logs subscription, a gzip-compressed subscription message.
public struct FirehoseDeliveryRequest: Sendable, Equatable {
    public var requestID: String
    /// Milliseconds since the epoch.
    public var timestamp: Int64
    /// Each record's data, base64-decoded.
    public var records: [[UInt8]]

    public static func decode(_ body: [UInt8], name: String) throws(FlowLensError) -> FirehoseDeliveryRequest {
        let document: Any
        do {
            document = try JSONSerialization.jsonObject(with: Data(body))
        } catch {
            throw FlowLensError(.badPayload, "not JSON: \(error.localizedDescription)", location: name)
        }
        guard let object = document as? [String: Any] else {
            throw FlowLensError(.badPayload, "expected a JSON object", location: name)
        }
        guard let requestID = object["requestId"] as? String else {
            throw FlowLensError(.badPayload, "requestId: missing or not a string", location: name)
        }
        guard let entries = object["records"] as? [Any] else {
            throw FlowLensError(.badPayload, "records: missing or not a list", location: name)
        }
        var request = FirehoseDeliveryRequest(
            requestID: requestID, timestamp: (object["timestamp"] as? NSNumber)?.int64Value ?? 0, records: [])
        for (index, entry) in entries.enumerated() {
            guard let record = entry as? [String: Any], let data = record["data"] as? String else {
                throw FlowLensError(.badPayload, "records[\(index)].data: missing or not a string", location: name)
            }
            guard let bytes = Data(base64Encoded: data, options: .ignoreUnknownCharacters) else {
                throw FlowLensError(.badPayload, "records[\(index)].data: not base64", location: name)
            }
            request.records.append([UInt8](bytes))
        }
        return request
    }

    /// The flow log text of every record, one line per record line, with subscription messages
    /// expanded to their events and control messages dropped.
    public func flowLogText(name: String) throws(FlowLensError) -> [UInt8] {
        var text: [UInt8] = []
        for (index, record) in records.enumerated() {
            let content = try PayloadUnwrapper.unwrap(record, name: "\(name): records[\(index)]")
            if Self.looksLikeSubscriptionMessage(content) {
                let message = try CloudWatchSubscriptionMessage.decode(content, name: "\(name): records[\(index)]")
                text.append(contentsOf: message.flowLogText)
            } else {
                text.append(contentsOf: content)
                if content.last != 0x0A { text.append(0x0A) }
            }
        }
        return text
    }

    /// The response Firehose expects: the request id echoed, with the time of the answer.
    public static func responseBody(requestID: String, timestamp: Int64, errorMessage: String? = nil) -> String {
        var body = "{\"requestId\":\(JSON.string(requestID)),\"timestamp\":\(timestamp)"
        if let errorMessage { body += ",\"errorMessage\":\(JSON.string(errorMessage))" }
        return body + "}"
    }

    static func looksLikeSubscriptionMessage(_ content: [UInt8]) -> Bool {
        guard let first = content.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }),
            first == UInt8(ascii: "{")
        else { return false }
        // A flow log line wrapped as `{"message": ...}` is also JSON; only subscription messages
        // carry a message type.
        return String(decoding: content.prefix(4096), as: UTF8.self).contains("\"messageType\"")
    }
}
