/// `threat-intel-match`: traffic with an address from a threat-intelligence list.
enum ThreatIntelMatchRule {
    static let yaml = """
        id: threat-intel-match
        title: Traffic with a threat-intelligence address
        severity: medium
        description: >-
          A flow involved an address from your threat-intelligence lists (the config's intel files).
          Accepted traffic is high: a listed host reached you or you reached it.
        mitre: [T1071]
        runbook: >-
          Check what the listed address is known for; for accepted outbound traffic, investigate the
          internal host; block the address at the network ACL.
        false_positives:
          - Stale list entries (shared hosting, recycled cloud addresses).
        match: >-
          (src in $intel or dst in $intel)
          and not (initiator in $nat_gateways and exists pkt-srcaddr)
        escalate:
          - {when: "action = ACCEPT", severity: high}
        dedup: 1h
        dedup_by: [initiator, responder]
        tests:
          - name: an accepted connection to a listed address
            config: |
              intel: [203.0.113.66/32]
            records: |
              2 123456789012 eni-0a1 10.20.2.10 203.0.113.66 50000 443 6 10 1000 1793577600 1793577660 ACCEPT OK
            expect: 1
            severity: high
          - name: a rejected probe from a listed address
            config: |
              intel: [203.0.113.0/24]
            records: |
              2 123456789012 eni-0a1 203.0.113.66 10.20.2.10 50000 22 6 10 1000 1793577600 1793577660 REJECT OK
            expect: 1
            severity: medium
          - name: both directions of one connection are one alert
            config: |
              intel: [203.0.113.66/32]
            records: |
              2 123456789012 eni-0a1 10.20.2.10 203.0.113.66 50000 443 6 10 1000 1793577600 1793577660 ACCEPT OK
              2 123456789012 eni-0a1 203.0.113.66 10.20.2.10 443 50000 6 10 1000 1793577600 1793577660 ACCEPT OK
            expect: 1
            severity: high
          - name: no intel list, no alert
            records: |
              2 123456789012 eni-0a1 10.20.2.10 203.0.113.66 50000 443 6 10 1000 1793577600 1793577660 ACCEPT OK
            expect: 0
        """
}
