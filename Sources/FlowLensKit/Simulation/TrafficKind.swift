/// The kinds of traffic in the baseline, with their share of the records and their daily rhythm.
enum TrafficKind: Int, CaseIterable, Sendable {
    case internetToLoadBalancer
    case loadBalancerToWeb
    case webToApp
    case appToDatabase
    case appToCache
    case dns
    case apiViaNAT
    case s3ViaNAT
    case batchToS3
    case batchToDatabase
    case scan
    case monitoring
    case adminSSH
    case bastionSSH
    case replication

    /// Share of all records (before normalisation), chosen to look like a three-tier web
    /// service: front-end traffic dominates, scans are a steady few percent.
    var share: Double {
        switch self {
        case .internetToLoadBalancer: 0.22
        case .loadBalancerToWeb: 0.16
        case .webToApp: 0.15
        case .appToDatabase: 0.09
        case .appToCache: 0.10
        case .dns: 0.09
        case .apiViaNAT: 0.04
        case .s3ViaNAT: 0.02
        case .batchToS3: 0.02
        case .batchToDatabase: 0.015
        case .scan: 0.045
        case .monitoring: 0.025
        case .adminSSH: 0.002
        case .bastionSSH: 0.003
        case .replication: 0.005
        }
    }

    /// Share of records that are NODATA (idle interfaces) and SKIPDATA (capacity loss).
    static let noDataShare = 0.005
    static let skipDataShare = 0.000_05

    /// Relative activity at a moment, from the UTC time of day.
    func weight(secondOfDay: Int) -> Double {
        let hour = Double(secondOfDay) / 3600
        switch self {
        case .internetToLoadBalancer, .loadBalancerToWeb, .webToApp, .appToDatabase, .appToCache, .dns,
            .apiViaNAT, .s3ViaNAT:
            // Users: a daily wave peaking mid-afternoon UTC, never below 40 % of the mean.
            return 1 + 0.6 * Self.cosine((hour - 15) / 24)
        case .batchToS3, .batchToDatabase:
            // Nightly batch from 01:00 to 05:00, and a short job at the top of every hour.
            if hour >= 1 && hour < 5 { return 4 }
            return secondOfDay % 3600 < 600 ? 1 : 0.05
        case .adminSSH, .bastionSSH:
            // Office hours in the Americas.
            return hour >= 13 && hour < 23 ? 1 : 0.1
        case .scan, .monitoring, .replication:
            return 1
        }
    }

    // cos(2πx) by a short polynomial: the daily curve needs shape, not libm's last bit, and
    // plain arithmetic gives the same bytes on every platform.
    static func cosine(_ turns: Double) -> Double {
        var x = turns - turns.rounded()  // -0.5...0.5
        x *= 2 * Double.pi
        let x2 = x * x
        var term = 1.0
        var sum = 1.0
        for n in stride(from: 2, through: 20, by: 2) {
            term *= -x2 / Double((n - 1) * n)
            sum += term
        }
        return sum
    }
}
