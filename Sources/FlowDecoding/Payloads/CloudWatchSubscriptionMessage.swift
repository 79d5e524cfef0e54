public import FlowCore
import Foundation

/// What CloudWatch Logs sends to a subscription (Lambda, Kinesis, Firehose): a gzip-compressed
/// JSON document listing log events, often base64-encoded on top.
///
/// Accepts every wrapping it arrives in: the Lambda event `{"awslogs":{"data":"<base64>"}}`, the
/// base64 text alone, the raw gzip bytes, or the JSON already decoded.
public struct CloudWatchSubscriptionMessage: Sendable, Equatable {
    public struct Event: Sendable, Equatable {
        public var id: String
        /// Milliseconds since the epoch, as CloudWatch Logs stamps events.
        public var timestamp: Int64
        public var message: String
    }

    /// `DATA_MESSAGE` carries events; `CONTROL_MESSAGE` only checks that the destination is
    /// reachable and must be ignored.
    public var messageType: String
    public var owner: String
    public var logGroup: String
    public var logStream: String
    public var subscriptionFilters: [String]
    public var logEvents: [Event]

    public var isControlMessage: Bool { messageType == "CONTROL_MESSAGE" }

    /// Decodes a payload in any of the wrappings above.
    ///
    /// - Parameter name: Names the payload in errors (a file name, a request id).
    public static func decode(_ payload: [UInt8], name: String) throws(FlowLensError) -> CloudWatchSubscriptionMessage {
        let json = try PayloadUnwrapper.unwrap(payload, name: name)
        let document: Any
        do {
            document = try JSONSerialization.jsonObject(with: Data(json))
        } catch {
            throw FlowLensError(.badPayload, "not JSON: \(error.localizedDescription)", location: name)
        }
        guard let object = document as? [String: Any] else {
            throw FlowLensError(.badPayload, "expected a JSON object", location: name)
        }
        if let awslogs = object["awslogs"] as? [String: Any] {
            guard let data = awslogs["data"] as? String else {
                throw FlowLensError(.badPayload, "awslogs.data: missing or not a string", location: name)
            }
            return try decode(Array(data.utf8), name: name)
        }
        return try message(from: object, name: name)
    }

    /// The flow log lines of a data message (none for a control message), one per event.
    public var flowLogText: [UInt8] {
        guard !isControlMessage else { return [] }
        var text: [UInt8] = []
        for event in logEvents {
            text.append(contentsOf: event.message.utf8)
            text.append(0x0A)
        }
        return text
    }

    static func message(from object: [String: Any], name: String) throws(FlowLensError) -> CloudWatchSubscriptionMessage {
        guard let type = object["messageType"] as? String else {
            throw FlowLensError(
                .badPayload, "messageType: missing (not a CloudWatch Logs subscription message)", location: name)
        }
        var message = CloudWatchSubscriptionMessage(
            messageType: type, owner: object["owner"] as? String ?? "",
            logGroup: object["logGroup"] as? String ?? "", logStream: object["logStream"] as? String ?? "",
            subscriptionFilters: object["subscriptionFilters"] as? [String] ?? [], logEvents: [])
        guard let events = object["logEvents"] as? [Any] else {
            if message.isControlMessage { return message }
            throw FlowLensError(.badPayload, "logEvents: missing or not a list", location: name)
        }
        for (index, entry) in events.enumerated() {
            guard let event = entry as? [String: Any], let text = event["message"] as? String else {
                throw FlowLensError(.badPayload, "logEvents[\(index)].message: missing or not a string", location: name)
            }
            let timestamp = (event["timestamp"] as? NSNumber)?.int64Value ?? 0
            message.logEvents.append(Event(id: event["id"] as? String ?? "", timestamp: timestamp, message: text))
        }
        return message
    }
}
