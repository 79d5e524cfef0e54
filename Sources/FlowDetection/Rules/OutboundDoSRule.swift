/// `outbound-dos`: a very high packet rate from one of your hosts to one external target.
enum OutboundDoSRule {
    static let yaml = """
        id: outbound-dos
        title: Outbound denial-of-service traffic
        severity: high
        description: >-
          An internal host sent packets to one external address at a very high average rate over the
          window (packets per second), and the packets were small (max_mean_packet_bytes): floods are
          many small packets, while bulk uploads such as backups are full-size packets. A compromised instance used in a flood costs money and
          reputation, and AWS may act on it.
        mitre: [T1498]
        runbook: >-
          Isolate the instance and stop the traffic (security group egress rule); find the process
          and the initial compromise.
        false_positives:
          - Load tests you run against your own external endpoints.
        match: request and initiator in $internal and responder not in $internal and not (initiator in $nat_gateways and exists pkt-srcaddr)
        aggregate:
          by: [initiator, responder]
          window: 5m
          rate: packets
          threshold: 2000
        parameters:
          max_mean_packet_bytes: 400
        dedup: 1h
        tests:
          - name: 1 million UDP packets in five minutes
            records: |
              2 123456789012 eni-0a1 10.20.2.10 198.51.100.5 40000 80 17 200000 12000000 1793577600 1793577660 ACCEPT OK
              2 123456789012 eni-0a1 10.20.2.10 198.51.100.5 40001 80 17 200000 12000000 1793577660 1793577720 ACCEPT OK
              2 123456789012 eni-0a1 10.20.2.10 198.51.100.5 40002 80 17 200000 12000000 1793577720 1793577780 ACCEPT OK
              2 123456789012 eni-0a1 10.20.2.10 198.51.100.5 40003 80 17 200000 12000000 1793577780 1793577840 ACCEPT OK
              2 123456789012 eni-0a1 10.20.2.10 198.51.100.5 40004 80 17 200000 12000000 1793577840 1793577900 ACCEPT OK
            expect: 1
            severity: high
          - name: a busy download is far below the rate
            records: |
              2 123456789012 eni-0a1 10.20.2.10 198.51.100.5 40000 443 6 20000 30000000 1793577600 1793577660 ACCEPT OK
              2 123456789012 eni-0a1 10.20.2.10 198.51.100.5 40001 443 6 20000 30000000 1793577660 1793577720 ACCEPT OK
              2 123456789012 eni-0a1 10.20.2.10 198.51.100.5 40002 443 6 20000 30000000 1793577720 1793577780 ACCEPT OK
              2 123456789012 eni-0a1 10.20.2.10 198.51.100.5 40003 443 6 20000 30000000 1793577780 1793577840 ACCEPT OK
              2 123456789012 eni-0a1 10.20.2.10 198.51.100.5 40004 443 6 20000 30000000 1793577840 1793577900 ACCEPT OK
            expect: 0
          - name: a bulk upload of full-size packets is not a flood
            records: |
              2 123456789012 eni-0a1 10.20.2.10 52.216.10.20 40000 443 6 400000 580000000 1793577600 1793577660 ACCEPT OK
              2 123456789012 eni-0a1 10.20.2.10 52.216.10.20 40001 443 6 400000 580000000 1793577660 1793577720 ACCEPT OK
              2 123456789012 eni-0a1 10.20.2.10 52.216.10.20 40002 443 6 400000 580000000 1793577720 1793577780 ACCEPT OK
              2 123456789012 eni-0a1 10.20.2.10 52.216.10.20 40003 443 6 400000 580000000 1793577780 1793577840 ACCEPT OK
              2 123456789012 eni-0a1 10.20.2.10 52.216.10.20 40004 443 6 400000 580000000 1793577840 1793577900 ACCEPT OK
            expect: 0
        """
}
