/// `exposed-service`: inbound connections accepted from the internet outside the web ports.
enum ExposedServiceRule {
    static let yaml = """
        id: exposed-service
        title: Service exposed to the internet
        severity: medium
        description: >-
          A connection from the internet was accepted on a port other than 80 and 443 (admin ports
          have their own rule, remote-admin-from-internet). Every exposed service is attack surface;
          databases, caches and dashboards should never be reachable from outside.
        mitre: [T1190]
        runbook: >-
          Check the security group and network ACL of the host; remove the public rule or restrict it
          to known sources.
        false_positives:
          - Services meant to be public on other ports (copy this rule into a --rules folder with your ports).
        match: >-
          request and action = ACCEPT and (protocol = tcp or protocol = udp)
          and initiator not in $internal and responder in $internal
          and service-port not in (80, 443, 22, 23, 3389, 5900-5903, 5985, 5986)
        dedup: 24h
        dedup_by: [responder, service-port]
        tests:
          - name: PostgreSQL reachable from the internet
            records: |
              2 123456789012 eni-0a1 198.51.100.8 10.20.5.20 50000 5432 6 10 1000 1793577600 1793577660 ACCEPT OK
            expect: 1
            severity: medium
          - name: HTTPS is expected
            records: |
              2 123456789012 eni-0a1 198.51.100.8 10.20.1.20 50000 443 6 10 1000 1793577600 1793577660 ACCEPT OK
            expect: 0
          - name: an accepted ping is not a service
            records: |
              2 123456789012 eni-0a1 198.51.100.8 10.20.1.20 0 0 1 4 336 1793577600 1793577660 ACCEPT OK
            expect: 0
          - name: replies to outbound connections are not exposure
            records: |
              2 123456789012 eni-0a1 198.51.100.8 10.20.1.20 5432 50000 6 10 1000 1793577600 1793577660 ACCEPT OK
            expect: 0
        """
}
