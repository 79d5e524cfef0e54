import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Sends `AWSRequest`s over one shared `HTTPClient`: signs each attempt afresh, retries what the
/// retry policy allows, and turns error answers into `AWSError`s.
///
/// Shared by `AWSClient` and the credential providers that call STS, ECS or instance metadata, so
/// that the process keeps one connection pool.
final class AWSTransport: Sendable {
    let httpClient: HTTPClient
    let retryPolicy: AWSRetryPolicy
    /// The deadline of one attempt, from sending the request to the end of the answer's head.
    let timeout: Duration

    /// Error bodies larger than this are cut: only the code and message are wanted from them.
    static let maxErrorBodyBytes = 1 << 20

    init(retryPolicy: AWSRetryPolicy, timeout: Duration) {
        self.retryPolicy = retryPolicy
        self.timeout = timeout
        // Redirects are refused: following one would send a signed request (and its headers) to
        // a host the signature was not made for.
        let configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(10), read: .seconds(60)))
        httpClient = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    func shutdown() async throws {
        try await httpClient.shutdown()
    }

    /// Closes the pool from synchronous code that owns the transport and never used it (an
    /// initialiser that fails after creating it); not for use on an event loop.
    func shutdownNow() {
        try? httpClient.syncShutdown()
    }

    /// Sends `request` and returns the whole answer, or throws an `AWSError` for a non-2xx status.
    func send(
        _ request: AWSRequest, region: String, credentials: (any AWSCredentialsProvider)?,
        timeout: Duration? = nil, retryPolicy: AWSRetryPolicy? = nil
    ) async throws -> AWSResponse {
        let collector = BodyCollector()
        var response = try await stream(
            request, region: region, credentials: credentials, timeout: timeout, retryPolicy: retryPolicy
        ) { chunk in
            await collector.append(chunk)
        }
        response.body = await collector.bytes
        return response
    }

    /// Sends `request` and hands each received piece of a successful body to `onChunk` as it
    /// arrives; the returned response carries the status and headers, with an empty body.
    ///
    /// Attempts are retried only until the first piece is delivered: after that a failure is
    /// thrown, since the consumer has already seen part of the body.
    func stream(
        _ request: AWSRequest, region: String, credentials: (any AWSCredentialsProvider)?,
        timeout: Duration? = nil, retryPolicy: AWSRetryPolicy? = nil,
        onChunk: @Sendable ([UInt8]) async throws -> Void
    ) async throws -> AWSResponse {
        let policy = retryPolicy ?? self.retryPolicy
        var attempt = 1
        var renewedCredentials = false
        while true {
            var delivered = false
            do {
                let httpRequest = try await prepare(request, region: region, credentials: credentials)
                let answer = try await httpClient.execute(httpRequest, timeout: .init(timeout ?? self.timeout))
                let status = Int(answer.status.code)
                let headers = answer.headers.map { SigV4Request.Header($0.name, $0.value) }
                if (200..<300).contains(status) {
                    for try await buffer in answer.body {
                        delivered = true
                        do {
                            try await onChunk(Array(buffer.readableBytesView))
                        } catch {
                            throw ConsumerFailure(error: error)
                        }
                    }
                    return AWSResponse(statusCode: status, headers: headers, body: [])
                }
                var body: [UInt8] = []
                for try await buffer in answer.body where body.count < Self.maxErrorBodyBytes {
                    body.append(contentsOf: buffer.readableBytesView)
                }
                let failure = AWSErrorParser.error(
                    for: AWSResponse(statusCode: status, headers: headers, body: body), request: request,
                    reason: answer.status.reasonPhrase, attempts: attempt)
                // Temporary credentials AWS calls expired (clock skew, a revoked session): fetch
                // new ones once and try again.
                if !renewedCredentials && attempt < policy.maxAttempts
                    && Self.expiredCredentialsCodes.contains(failure.code.rawValue),
                    let cache = credentials as? AWSCredentialsCache
                {
                    renewedCredentials = true
                    await cache.invalidate()
                    attempt += 1
                    continue
                }
                if attempt < policy.maxAttempts
                    && policy.isRetryable(statusCode: status, errorCode: failure.code.rawValue)
                {
                    attempt += 1
                    try await Task.sleep(for: policy.delay(beforeAttempt: attempt))
                    continue
                }
                throw failure
            } catch let failure as ConsumerFailure {
                throw failure.error
            } catch let error as AWSError {
                throw error
            } catch let error as AWSCredentialsError {
                throw error
            } catch let error as AWSConfigurationError {
                throw error
            } catch let error as CancellationError {
                throw error
            } catch {
                // No complete answer: refused, reset or timed out. Retry unless the consumer has
                // seen part of the body.
                if !delivered && attempt < policy.maxAttempts {
                    attempt += 1
                    try await Task.sleep(for: policy.delay(beforeAttempt: attempt))
                    continue
                }
                throw AWSError(
                    code: .connectionFailed,
                    message: "\(request.endpoint.origin): \(Self.describe(error))"
                        + (delivered ? " (the answer broke off part way)" : ""),
                    service: request.service.signingName, action: request.action, resource: request.resource,
                    attempts: attempt)
            }
        }
    }

    /// The signed HTTP request for one attempt.
    private func prepare(
        _ request: AWSRequest, region: String, credentials: (any AWSCredentialsProvider)?
    ) async throws -> HTTPClientRequest {
        var signable = SigV4Request(
            method: request.method, path: request.endpoint.basePath + request.path, queryItems: request.queryItems,
            headers: [SigV4Request.Header("Host", request.endpoint.hostHeader)] + request.headers,
            payload: request.unsignedPayload ? .unsigned : .bytes(request.body))
        if request.isSigned, let credentials {
            let signer = SigV4Signer(
                credentials: try await credentials.credentials(), region: region,
                service: request.service.signingName, options: request.service.signingOptions)
            signable = signer.signHeaders(signable, date: Date())
        }
        let query = signable.encodedQuery
        var httpRequest = HTTPClientRequest(
            url: request.endpoint.origin + signable.path + (query.isEmpty ? "" : "?" + query))
        httpRequest.method = HTTPMethod(rawValue: request.method)
        for header in signable.headers {
            httpRequest.headers.add(name: header.name, value: header.value)
        }
        if !request.body.isEmpty || request.method == "POST" || request.method == "PUT" {
            httpRequest.body = .bytes(request.body)
        }
        return httpRequest
    }

    /// Error codes meaning the signing credentials have expired.
    static let expiredCredentialsCodes: Set<String> = [
        "ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired",
    ]

    /// A transport error in a line, without the request (which may carry a token).
    static func describe(_ error: any Error) -> String {
        if let clientError = error as? HTTPClientError {
            return "HTTP client error \(clientError)"
        }
        return String(describing: error)
    }

    /// An error thrown by the body consumer, passed through untouched.
    private struct ConsumerFailure: Error {
        var error: any Error
    }
}

/// Gathers streamed body pieces for `send`.
private actor BodyCollector {
    var bytes: [UInt8] = []
    func append(_ chunk: [UInt8]) { bytes.append(contentsOf: chunk) }
}
