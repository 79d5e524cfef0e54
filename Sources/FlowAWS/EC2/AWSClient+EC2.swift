extension AWSClient {
    static let ec2APIVersion = "2016-11-15"

    /// The flow logs that deliver to `logGroupName` (all flow logs when nil), every page read.
    public func describeFlowLogs(logGroupName: String? = nil) async throws -> [FlowLogDescription] {
        var flowLogs: [FlowLogDescription] = []
        var nextToken: String?
        repeat {
            var parameters: [(String, String)] = []
            if let logGroupName {
                parameters += [("Filter.1.Name", "log-group-name"), ("Filter.1.Value.1", logGroupName)]
            }
            if let nextToken { parameters.append(("NextToken", nextToken)) }
            let request = AWSRequest(
                service: .ec2, action: "DescribeFlowLogs",
                resource: logGroupName.map { "flow logs of log group \($0)" } ?? "flow logs",
                endpoint: try endpoint(.ec2), method: "POST", path: "/",
                headers: [.init("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
                body: QueryProtocol.formBody(
                    action: "DescribeFlowLogs", version: Self.ec2APIVersion, parameters: parameters))
            let response = try await send(request)
            let root = try QueryProtocol.result(of: "DescribeFlowLogs", in: response, request: request)
            for item in root.child("flowLogSet")?.children("item") ?? [] {
                flowLogs.append(
                    FlowLogDescription(
                        flowLogID: item.value("flowLogId") ?? "", logFormat: item.value("logFormat") ?? "",
                        logGroupName: item.value("logGroupName"), logDestination: item.value("logDestination"),
                        logDestinationType: item.value("logDestinationType"),
                        fileFormat: item.value("destinationOptions", "fileFormat"), resourceID: item.value("resourceId")
                    ))
            }
            nextToken = root.value("nextToken").flatMap { $0.isEmpty ? nil : $0 }
        } while nextToken != nil
        return flowLogs
    }
}
