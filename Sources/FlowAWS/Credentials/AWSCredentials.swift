public import Foundation

/// One set of AWS credentials: an access key pair, and for temporary credentials a session token
/// and the time they stop working.
///
/// `description`, `debugDescription` and the reflection mirror never show the secret key or the
/// session token, so a value can be logged, dumped or put in an error message safely.
public struct AWSCredentials: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    public var accessKeyID: String
    public var secretAccessKey: String
    public var sessionToken: String?
    /// When temporary credentials expire; nil for long-term keys.
    public var expiration: Date?

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil, expiration: Date? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
    }

    public var description: String {
        var text = "AWSCredentials(accessKeyID: \(accessKeyID), secretAccessKey: <redacted>"
        if sessionToken != nil { text += ", sessionToken: <redacted>" }
        if let expiration { text += ", expiration: \(expiration.ISO8601Format())" }
        return text + ")"
    }

    public var debugDescription: String { description }

    /// `dump()` and debuggers see the key id and expiry only.
    public var customMirror: Mirror {
        Mirror(self, children: ["accessKeyID": accessKeyID, "expiration": expiration as Any], displayStyle: .struct)
    }
}
