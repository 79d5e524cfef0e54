/// `unusual-port`: a remote port a host never used in its baseline.
enum UnusualPortRule {
    static let yaml = """
        id: unusual-port
        title: Connection on a port the host never used
        severity: low
        description: >-
          After a learning period (baseline_hours from when the host is first seen), an internal host
          opened an accepted connection to an external address on a service port it had not used
          before. Common web and DNS ports are ignored.
        mitre: [T1571]
        runbook: >-
          Check what listens on that port at the destination and which process on the host opened the
          connection.
        false_positives:
          - New software or a changed dependency on the host.
        match: >-
          request and action = ACCEPT and initiator in $internal and responder not in $internal
          and service-port not in (53, 80, 123, 443)
        detector: unusual-port
        parameters:
          baseline_hours: 6
        dedup: 24h
        tests:
          - name: IRC port after six hours of 8080 only
            records: |
              2 123456789012 eni-0a1 10.20.2.10 198.51.100.1 50000 8080 6 10 2000 1793577600 1793577660 ACCEPT OK
              2 123456789012 eni-0a1 10.20.2.10 198.51.100.2 50001 8080 6 10 2000 1793579400 1793579460 ACCEPT OK
              2 123456789012 eni-0a1 10.20.2.10 198.51.100.3 50002 8080 6 10 2000 1793581200 1793581260 ACCEPT OK
              2 123456789012 eni-0a1 10.20.2.10 198.51.100.4 50003 8080 6 10 2000 1793583000 1793583060 ACCEPT OK
              2 123456789012 eni-0a1 10.20.2.10 198.51.100.5 50004 8080 6 10 2000 1793584800 1793584860 ACCEPT OK
              2 123456789012 eni-0a1 10.20.2.10 198.51.100.1 50005 8080 6 10 2000 1793586600 1793586660 ACCEPT OK
              2 123456789012 eni-0a1 10.20.2.10 198.51.100.2 50006 8080 6 10 2000 1793588400 1793588460 ACCEPT OK
              2 123456789012 eni-0a1 10.20.2.10 198.51.100.3 50007 8080 6 10 2000 1793590200 1793590260 ACCEPT OK
              2 123456789012 eni-0a1 10.20.2.10 198.51.100.4 50008 8080 6 10 2000 1793592000 1793592060 ACCEPT OK
              2 123456789012 eni-0a1 10.20.2.10 198.51.100.5 50009 8080 6 10 2000 1793593800 1793593860 ACCEPT OK
              2 123456789012 eni-0a1 10.20.2.10 198.51.100.1 50010 8080 6 10 2000 1793595600 1793595660 ACCEPT OK
              2 123456789012 eni-0a1 10.20.2.10 198.51.100.2 50011 8080 6 10 2000 1793597400 1793597460 ACCEPT OK
              2 123456789012 eni-0a1 10.20.2.10 198.51.100.3 50012 8080 6 10 2000 1793599200 1793599260 ACCEPT OK
              2 123456789012 eni-0a1 10.20.2.10 198.51.100.4 50013 8080 6 10 2000 1793601000 1793601060 ACCEPT OK
              2 123456789012 eni-0a1 10.20.2.10 203.0.113.44 52000 6667 6 30 5000 1793606400 1793606460 ACCEPT OK
            expect: 1
            severity: low
          - name: ports seen during the baseline are learned
            records: |
              2 123456789012 eni-0a1 10.20.2.10 203.0.113.44 52000 6667 6 30 5000 1793577600 1793577660 ACCEPT OK
              2 123456789012 eni-0a1 10.20.2.10 198.51.100.1 50000 8080 6 10 2000 1793577600 1793577660 ACCEPT OK
              2 123456789012 eni-0a1 10.20.2.10 198.51.100.2 50001 8080 6 10 2000 1793579400 1793579460 ACCEPT OK
              2 123456789012 eni-0a1 10.20.2.10 198.51.100.3 50002 8080 6 10 2000 1793581200 1793581260 ACCEPT OK
              2 123456789012 eni-0a1 10.20.2.10 198.51.100.4 50003 8080 6 10 2000 1793583000 1793583060 ACCEPT OK
              2 123456789012 eni-0a1 10.20.2.10 198.51.100.5 50004 8080 6 10 2000 1793584800 1793584860 ACCEPT OK
              2 123456789012 eni-0a1 10.20.2.10 198.51.100.1 50005 8080 6 10 2000 1793586600 1793586660 ACCEPT OK
              2 123456789012 eni-0a1 10.20.2.10 198.51.100.2 50006 8080 6 10 2000 1793588400 1793588460 ACCEPT OK
              2 123456789012 eni-0a1 10.20.2.10 198.51.100.3 50007 8080 6 10 2000 1793590200 1793590260 ACCEPT OK
              2 123456789012 eni-0a1 10.20.2.10 198.51.100.4 50008 8080 6 10 2000 1793592000 1793592060 ACCEPT OK
              2 123456789012 eni-0a1 10.20.2.10 198.51.100.5 50009 8080 6 10 2000 1793593800 1793593860 ACCEPT OK
              2 123456789012 eni-0a1 10.20.2.10 198.51.100.1 50010 8080 6 10 2000 1793595600 1793595660 ACCEPT OK
              2 123456789012 eni-0a1 10.20.2.10 198.51.100.2 50011 8080 6 10 2000 1793597400 1793597460 ACCEPT OK
              2 123456789012 eni-0a1 10.20.2.10 198.51.100.3 50012 8080 6 10 2000 1793599200 1793599260 ACCEPT OK
              2 123456789012 eni-0a1 10.20.2.10 198.51.100.4 50013 8080 6 10 2000 1793601000 1793601060 ACCEPT OK
            expect: 0
        """
}
