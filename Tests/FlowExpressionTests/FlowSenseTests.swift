import FlowCore
import FlowExpression
import Testing

private func matches(_ text: String, _ record: FlowRecord, sets: [String: CIDRSet] = [:]) throws -> Bool {
    try FlowFilter(text, sets: sets).matches(record)
}

/// The two directions of one SSH connection from 10.0.0.5:51514 to 10.20.1.15:22, without flags.
private let sshRequest = record([
    "srcaddr": "10.0.0.5", "dstaddr": "10.20.1.15", "srcport": "51514", "dstport": "22", "protocol": "6",
])
private let sshResponse = record([
    "srcaddr": "10.20.1.15", "dstaddr": "10.0.0.5", "srcport": "22", "dstport": "51514", "protocol": "6",
])

/// `initiator`, `responder`, `service-port`, `client-port`, `request` and `response`.
@Suite struct FlowSenseTests {
    /// Flags decide even against the ports: both records run between two high ports, the first
    /// from the lower one, so the port rule alone would call the SYN-ACK a request.
    static let syn = record([
        "srcaddr": "10.0.0.5", "dstaddr": "10.20.1.15", "srcport": "40000", "dstport": "50000",
        "protocol": "6", "tcp-flags": "2",
    ])
    static let synAck = record([
        "srcaddr": "10.20.1.15", "dstaddr": "10.0.0.5", "srcport": "40000", "dstport": "50000",
        "protocol": "6", "tcp-flags": "18",
    ])

    @Test func synIsTheInitiatorsAndSynAckTheRespondersRecord() throws {
        #expect(try matches("request", Self.syn))
        #expect(try !matches("response", Self.syn))
        #expect(try matches("initiator = 10.0.0.5 and responder = 10.20.1.15", Self.syn))
        #expect(try matches("service-port = 50000 and client-port = 40000", Self.syn))

        #expect(try matches("response", Self.synAck))
        #expect(try !matches("request", Self.synAck))
        #expect(try matches("initiator = 10.0.0.5 and responder = 10.20.1.15", Self.synAck))
        #expect(try matches("service-port = 40000 and client-port = 50000", Self.synAck))
    }

    @Test func portsDecideWithoutFlags() throws {
        let response = record([
            "srcaddr": "93.184.216.34", "dstaddr": "10.0.0.5", "srcport": "443", "dstport": "51000", "protocol": "6",
        ])
        let request = record([
            "srcaddr": "10.0.0.5", "dstaddr": "93.184.216.34", "srcport": "51000", "dstport": "443", "protocol": "6",
        ])
        #expect(try matches("response and service-port = 443 and client-port = 51000", response))
        #expect(try matches("initiator = 10.0.0.5 and responder = 93.184.216.34", response))
        #expect(try matches("request and service-port = 443 and client-port = 51000", request))
        #expect(try matches("initiator = 10.0.0.5 and responder = 93.184.216.34", request))
    }

    @Test func natUsesPacketAddresses() throws {
        // A response through a NAT gateway: the interface sees the gateway, the packets the client.
        let natted = record([
            "srcaddr": "10.0.1.9", "dstaddr": "10.0.0.5", "pkt-srcaddr": "93.184.216.34", "pkt-dstaddr": "10.0.0.5",
            "srcport": "443", "dstport": "51000", "protocol": "6",
        ])
        #expect(try matches("response", natted))
        #expect(try matches("responder = 93.184.216.34", natted))
        #expect(try !matches("responder = 10.0.1.9", natted))
        #expect(try matches("initiator = 10.0.0.5", natted))
        // Initiating side: pkt-srcaddr is the initiator even though srcaddr is the NAT gateway.
        let outbound = record([
            "srcaddr": "10.0.1.9", "dstaddr": "93.184.216.34", "pkt-srcaddr": "10.0.0.5",
            "srcport": "51000", "dstport": "443", "protocol": "6", "tcp-flags": "2",
        ])
        #expect(try matches("initiator = 10.0.0.5 and responder = 93.184.216.34", outbound))
        #expect(try !matches("initiator = 10.0.1.9", outbound))
    }

    @Test func inboundFromOutsideAgreesOnBothDirections() throws {
        let sets: [String: CIDRSet] = ["internal": .privateNetworks]
        let rule = "initiator not in $internal and responder in $internal"
        let inbound = record([
            "srcaddr": "198.51.100.7", "dstaddr": "10.20.1.15", "srcport": "51514", "dstport": "22", "protocol": "6",
        ])
        let reply = record([
            "srcaddr": "10.20.1.15", "dstaddr": "198.51.100.7", "srcport": "22", "dstport": "51514", "protocol": "6",
        ])
        #expect(try matches(rule, inbound, sets: sets))
        #expect(try matches(rule, reply, sets: sets))
        #expect(try !matches("initiator in $internal and responder not in $internal", inbound, sets: sets))
        let outboundReply = record([
            "srcaddr": "198.51.100.7", "dstaddr": "10.0.0.5", "srcport": "443", "dstport": "51000", "protocol": "6",
        ])
        #expect(try matches("initiator in $internal and responder not in $internal", outboundReply, sets: sets))
        #expect(try !matches(rule, outboundReply, sets: sets))
        #expect(try matches("initiator = $internal", sshRequest))
        #expect(try matches("initiator in (10.0.0.0/24, 192.0.2.1) and responder != 10.0.0.5", sshResponse))
    }

    @Test func servicePortListsMatchBothDirections() throws {
        for text in [
            "service-port in (22, 3389)", "service-port in (22, 3389, 5900-5903)", "service-port = 22",
            "service-port < 1024", "service-port in 1-1023", "client-port >= 49152", "client-port = 51514",
            "client-port not in (22, 3389)", "service_port = 22", "service-port != 3389",
        ] {
            #expect(try matches(text, sshRequest), "\(text) on the request")
            #expect(try matches(text, sshResponse), "\(text) on the response")
        }
        #expect(try !matches("service-port = 51514", sshResponse))
        #expect(try !matches("service-port not in (22, 3389)", sshResponse))
        #expect(try matches("request and service-port = 22", sshRequest))
        #expect(try !matches("request and service-port = 22", sshResponse))
        #expect(try matches("response and service-port = 22", sshResponse))
    }

    @Test func noDataHasNoSense() throws {
        #expect(try !matches("request", noData))
        #expect(try !matches("response", noData))
        #expect(try matches("not response", noData))
        #expect(try matches("not request", noData))
        for text in ["initiator in 0.0.0.0/0", "initiator not in $internal", "responder in ::/0",
            "service-port >= 0", "client-port not in (1)", "exists initiator", "exists service-port"]
        {
            #expect(try !matches(text, noData), "\(text)")
        }
        #expect(try matches("not exists client-port and not exists responder", noData))
    }

    @Test func presenceNeedsBothEnds() throws {
        let sourceOnly = record(["srcaddr": "10.0.0.5", "srcport": "51000", "protocol": "6"])
        #expect(try !matches("exists initiator or exists responder or request or response", sourceOnly))
        #expect(try !matches("exists service-port or client-port >= 0", sourceOnly))
        #expect(try matches("exists src", sourceOnly))
        // Packet addresses count as either end.
        let packetOnly = record(["pkt-srcaddr": "10.0.0.5", "pkt-dstaddr": "10.0.0.6"])
        #expect(try matches("exists initiator and initiator = 10.0.0.5 and request", packetOnly))
        #expect(try !matches("exists service-port", packetOnly))
    }

    @Test func agreesWithFlowRecord() throws {
        for flow in [sshRequest, sshResponse, Self.syn, Self.synAck, ssh] {
            let response = flow.isResponse
            #expect(try matches("response", flow) == response)
            #expect(try matches("request", flow) == !response)
            #expect(try matches("initiator = \(flow.initiator) and responder = \(flow.responder)", flow))
            #expect(try matches("service-port = \(flow.servicePort) and client-port = \(flow.clientPort)", flow))
        }
    }

    @Test func parsing() throws {
        let expression = try FilterExpression(parsing: "REQUEST and not response or Service-Port in (22, 3389)")
        #expect(expression.description == "request and not response or service-port in (22, 3389)")
        #expect(try FilterExpression(parsing: expression.description) == expression)
        #expect(try FilterExpression(parsing: "not (response)") == .not(.sense(.response)))
        #expect(try FilterExpression(parsing: "client_port = 1").description == "client-port = 1")
        #expect(try FilterExpression(parsing: "request").fieldsUsed.isSuperset(of: [.srcaddr, .tcpFlags, .dstport]))
        #expect(try FilterExpression(parsing: "service-port = 22").fieldsUsed.contains(.tcpFlags))
        // Sets and text values named like the keywords are untouched.
        let sets: [String: CIDRSet] = ["request": CIDRSet([CIDR("10.0.0.0/8")!])]
        #expect(try matches("initiator in $request and response", sshResponse, sets: sets))
        #expect(try !matches("vpc-id = request", sshRequest))
        #expect(try matches("interface-id != response or request", sshRequest))
    }

    @Test(arguments: [
        ("request = 1", "'request' is a condition by itself and takes no operator"),
        ("response in (1)", "'response' is a condition by itself"),
        ("reqest", "did you mean 'request'?"),
        ("initiator = 22", "initiator"),
        ("service-port = 10.0.0.1", "service-port"),
        ("initiator has syn", "operator 'has' applies only to 'tcp-flags'"),
    ])
    func errors(_ text: String, _ fragment: String) {
        do {
            _ = try FlowFilter(text)
            Issue.record("\(text) parsed")
        } catch {
            #expect(error.message.contains(fragment), "\(error.message)")
        }
    }
}
