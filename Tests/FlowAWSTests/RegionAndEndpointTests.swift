import Foundation
import Testing

@testable import FlowAWS

/// Region and endpoint resolution in the AWS CLI's order, and S3 addressing.
@Suite struct RegionAndEndpointTests {
    static let sharedConfig = AWSSharedConfig(profiles: [
        "default": ["region": "eu-central-1"], "dev": ["region": "ap-south-1", "endpoint_url": "http://profile:1"],
    ])

    @Test func regionOrder() throws {
        func resolve(_ explicit: String?, _ variables: [String: String], profile: String = "default") throws -> String {
            try AWSRegionResolver.resolve(
                explicit: explicit, profile: profile,
                environment: AWSEnvironment(variables: variables, homeDirectory: "/nonexistent"),
                sharedConfig: Self.sharedConfig)
        }
        let both = ["AWS_REGION": "us-west-1", "AWS_DEFAULT_REGION": "us-west-2"]
        #expect(try resolve("sa-east-1", both) == "sa-east-1")
        #expect(try resolve(nil, both) == "us-west-1")
        #expect(try resolve(nil, ["AWS_DEFAULT_REGION": "us-west-2"]) == "us-west-2")
        #expect(try resolve(nil, ["AWS_REGION": ""]) == "eu-central-1")
        #expect(try resolve(nil, [:], profile: "dev") == "ap-south-1")
        let error = #expect(throws: AWSConfigurationError.self) { try resolve(nil, [:], profile: "none") }
        #expect(error?.message.contains("No AWS region: give --region, set AWS_REGION or AWS_DEFAULT_REGION") == true)
    }

    @Test func endpointOrder() throws {
        func endpoint(
            _ service: AWSService, explicit: String? = nil, _ variables: [String: String],
            profile: [String: String] = [:]
        ) throws -> String {
            try AWSEndpointResolver(
                region: "eu-west-1", explicitURL: explicit,
                environment: AWSEnvironment(variables: variables, homeDirectory: "/"), profileSettings: profile
            ).endpoint(for: service).description
        }
        let variables = ["AWS_ENDPOINT_URL_S3": "http://s3-only:9000", "AWS_ENDPOINT_URL": "http://all:4566/"]
        #expect(try endpoint(.s3, explicit: "https://explicit.example", variables) == "https://explicit.example")
        #expect(try endpoint(.s3, variables) == "http://s3-only:9000")
        #expect(try endpoint(.cloudWatchLogs, variables) == "http://all:4566")
        #expect(try endpoint(.ec2, ["AWS_ENDPOINT_URL_EC2": "http://ec2:1"]) == "http://ec2:1")
        #expect(try endpoint(.sts, [:], profile: ["endpoint_url": "http://profile:1/base"]) == "http://profile:1/base")
        #expect(try endpoint(.cloudWatchLogs, [:]) == "https://logs.eu-west-1.amazonaws.com")
        #expect(
            try endpoint(.s3, variables.merging(["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"]) { $1 })
                == "https://s3.eu-west-1.amazonaws.com")
        #expect(AWSEndpoint.aws(.ec2, region: "cn-north-1").host == "ec2.cn-north-1.amazonaws.com.cn")
        #expect(throws: AWSConfigurationError.self) { try endpoint(.s3, explicit: "ftp://x", [:]) }
        #expect(throws: AWSConfigurationError.self) { try endpoint(.s3, explicit: "http://host:99999", [:]) }
    }

    @Test func hostHeaderOmitsDefaultPorts() throws {
        #expect(try AWSEndpoint(url: "http://127.0.0.1:5000").hostHeader == "127.0.0.1:5000")
        #expect(try AWSEndpoint(url: "https://minio.local:443").hostHeader == "minio.local")
        #expect(try AWSEndpoint(url: "http://[::1]:9000").host == "[::1]")
    }

    @Test func s3Addressing() throws {
        let aws = AWSEndpoint.aws(.s3, region: "us-east-2")
        let virtual = S3Addressing(endpoint: aws, bucket: "flow-logs")
        #expect(virtual.endpoint.host == "flow-logs.s3.us-east-2.amazonaws.com")
        #expect(virtual.path(key: "AWSLogs/1/a b+c.gz") == "/AWSLogs/1/a%20b%2Bc.gz")
        #expect(virtual.path(key: nil) == "/")

        let dotted = S3Addressing(endpoint: aws, bucket: "logs.example.com")
        #expect(dotted.endpoint.host == "s3.us-east-2.amazonaws.com")
        #expect(dotted.path(key: "k") == "/logs.example.com/k")

        let custom = S3Addressing(endpoint: try AWSEndpoint(url: "http://127.0.0.1:9000/base"), bucket: "flow-logs")
        #expect(custom.endpoint.host == "127.0.0.1")
        #expect(custom.path(key: "é/x") == "/flow-logs/%C3%A9/x")
        #expect(!S3Addressing.isVirtualHostable("Upper"))
        #expect(!S3Addressing.isVirtualHostable("ab"))
        #expect(S3Addressing.isVirtualHostable("a-b-1"))
    }
}
