/// `unapproved-dns`: DNS queries to resolvers that are not approved.
enum UnapprovedDNSRule {
    static let yaml = """
        id: unapproved-dns
        title: DNS to an unapproved resolver
        severity: medium
        description: >-
          An internal host sent DNS queries to a server that is not an approved resolver
          (networks.dns_resolvers; when unset, any internal address counts as approved, since queries
          to the VPC's own resolver never appear in flow logs). Malware uses outside resolvers to
          dodge DNS monitoring, and DNS is a common tunnelling channel.
        mitre: [T1071.004, T1568]
        runbook: >-
          Find the process on the host sending the queries; block outbound port 53 except to the
          approved resolvers.
        false_positives:
          - Your own resolvers forwarding to upstream servers (suppress them by source).
        match: >-
          request and service-port = 53 and (protocol = udp or protocol = tcp)
          and initiator in $internal and responder not in $dns_resolvers
          and not (initiator in $nat_gateways and exists pkt-srcaddr)
        aggregate:
          by: [initiator, responder]
          window: 1h
          count: true
          threshold: 1
        dedup: 6h
        tests:
          - name: queries to 8.8.8.8
            records: |
              2 123456789012 eni-0a1 10.20.2.10 8.8.8.8 53000 53 17 2 140 1793577600 1793577660 ACCEPT OK
            expect: 1
            severity: medium
          - name: queries to an internal resolver
            records: |
              2 123456789012 eni-0a1 10.20.2.10 10.20.0.2 53000 53 17 2 140 1793577600 1793577660 ACCEPT OK
            expect: 0
          - name: configured resolvers are approved, others are not
            config: |
              networks:
                dns_resolvers: [10.20.0.2/32]
            records: |
              2 123456789012 eni-0a1 10.20.2.10 10.20.0.2 53000 53 17 2 140 1793577600 1793577660 ACCEPT OK
              2 123456789012 eni-0a1 10.20.2.10 10.20.9.9 53001 53 17 2 140 1793577600 1793577660 ACCEPT OK
            expect: 1
          - name: the resolver's answers are not queries
            records: |
              2 123456789012 eni-0a1 8.8.8.8 10.20.2.10 53 53000 17 2 300 1793577600 1793577660 ACCEPT OK
            expect: 0
        """
}
