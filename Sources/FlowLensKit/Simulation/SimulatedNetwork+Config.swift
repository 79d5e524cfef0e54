import FlowCore

extension SimulatedNetwork {
    /// The text of a `flowlens.yml` that describes this network, so that a scan of the generated
    /// logs sees the VPC as its owner would.
    ///
    /// It names the VPC as internal, the bastion and the administrators' office addresses as
    /// trusted, the VPC resolver as the approved DNS server, one zone per tier, a policy that
    /// protects the database zone with the flows the simulation produces, and a suppression for
    /// the monitoring host's health checks (which look like a port sweep). Built as plain text,
    /// in the layout of DESIGN.md, so no YAML library is needed.
    public func flowLensConfigYAML() -> String {
        func list(_ items: [String]) -> String { "[" + items.joined(separator: ", ") + "]" }
        func host(_ address: IPAddress) -> String { "\(address)/32" }
        let bastion = host(self.bastion.address)
        let monitor = host(self.monitor.address)
        var lines: [String] = []
        lines.append("# flowlens.yml for the network simulated by `flowlens generate --seed \(seed)`.")
        lines.append("networks:")
        lines.append("  internal: \(list([vpcCIDR.description]))")
        lines.append("  trusted: \(list([bastion] + adminSources.map(host)))   # bastion and admin offices")
        lines.append("  dns_resolvers: \(list([host(resolver)]))")
        lines.append("  nat_gateways: \(list([host(natGateway.address)]))")
        lines.append("zones:")
        for tier in SimulatedTier.allCases {
            lines.append("  \(tier.zoneName): \(list(cidrs(of: tier).map(\.description)))")
        }
        lines.append("policy:")
        lines.append("  protect: [db]")
        lines.append("  allow:")
        lines.append("    - {from: app, to: db, ports: [5432]}")
        lines.append("    - {from: batch, to: db, ports: [5432]}")
        lines.append("    - {from: db, to: db, ports: [5432]}")
        lines.append("    - {from: ops, to: db, ports: [22], sources: [\(bastion)]}")
        lines.append("    - {from: ops, to: db, ports: [5432, 9100], sources: [\(monitor)]}")
        lines.append("suppress:")
        lines.append("  - {rule: port-sweep, src: \(monitor)}")
        return lines.joined(separator: "\n") + "\n"
    }
}
