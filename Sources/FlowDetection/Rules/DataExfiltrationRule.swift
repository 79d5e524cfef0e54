/// `data-exfiltration`: outbound volume far above the host's own baseline.
enum DataExfiltrationRule {
    static let yaml = """
        id: data-exfiltration
        title: Outbound data far above the host's baseline
        severity: high
        description: >-
          An internal host sent far more data to external addresses in one hour than it usually does:
          above an absolute floor (floor_bytes) and ratio times its own hourly baseline, once the host
          has min_history_hours of history (cold_factor > 0 also judges newer hosts, against
          floor_bytes * cold_factor). Hosts that always send a lot, such as backup servers, have a high
          baseline and stay quiet.
        mitre: [T1048, T1567]
        runbook: >-
          Identify the destination (evidence.top_destinations) and the process on the host that sent
          the data; check whether the destination is a sanctioned service.
        false_positives:
          - A first full backup or a data migration to a new destination.
        match: request and initiator in $internal and responder not in $internal and not (initiator in $nat_gateways and exists pkt-srcaddr)
        detector: exfiltration
        parameters:
          floor_bytes: 1000000000
          ratio: 10
          min_history_hours: 3
          cold_factor: 0
        dedup: 6h
        tests:
          - name: 3 GB in one hour after five hours of 2 MB
            records: |
              2 123456789012 eni-0a1 10.20.2.30 198.51.100.80 50000 443 6 1000 2000000 1793577600 1793577660 ACCEPT OK
              2 123456789012 eni-0a1 10.20.2.30 198.51.100.80 50001 443 6 1000 2000000 1793581200 1793581260 ACCEPT OK
              2 123456789012 eni-0a1 10.20.2.30 198.51.100.80 50002 443 6 1000 2000000 1793584800 1793584860 ACCEPT OK
              2 123456789012 eni-0a1 10.20.2.30 198.51.100.80 50003 443 6 1000 2000000 1793588400 1793588460 ACCEPT OK
              2 123456789012 eni-0a1 10.20.2.30 198.51.100.80 50004 443 6 1000 2000000 1793592000 1793592060 ACCEPT OK
              2 123456789012 eni-0a1 10.20.2.30 198.51.100.80 51000 443 6 900000 3000000000 1793595600 1793595660 ACCEPT OK
            expect: 1
            severity: high
          - name: five quiet hours alone raise nothing
            records: |
              2 123456789012 eni-0a1 10.20.2.30 198.51.100.80 50000 443 6 1000 2000000 1793577600 1793577660 ACCEPT OK
              2 123456789012 eni-0a1 10.20.2.30 198.51.100.80 50001 443 6 1000 2000000 1793581200 1793581260 ACCEPT OK
              2 123456789012 eni-0a1 10.20.2.30 198.51.100.80 50002 443 6 1000 2000000 1793584800 1793584860 ACCEPT OK
              2 123456789012 eni-0a1 10.20.2.30 198.51.100.80 50003 443 6 1000 2000000 1793588400 1793588460 ACCEPT OK
              2 123456789012 eni-0a1 10.20.2.30 198.51.100.80 50004 443 6 1000 2000000 1793592000 1793592060 ACCEPT OK
            expect: 0
          - name: a steady 4 GB-an-hour backup is its own baseline
            records: |
              2 123456789012 eni-0a1 10.20.7.5 52.216.10.20 50000 443 6 3000000 4000000000 1793577600 1793577660 ACCEPT OK
              2 123456789012 eni-0a1 10.20.7.5 52.216.10.20 50001 443 6 3000000 4000000000 1793581200 1793581260 ACCEPT OK
              2 123456789012 eni-0a1 10.20.7.5 52.216.10.20 50002 443 6 3000000 4000000000 1793584800 1793584860 ACCEPT OK
              2 123456789012 eni-0a1 10.20.7.5 52.216.10.20 50003 443 6 3000000 4000000000 1793588400 1793588460 ACCEPT OK
              2 123456789012 eni-0a1 10.20.7.5 52.216.10.20 50004 443 6 3000000 4000000000 1793592000 1793592060 ACCEPT OK
              2 123456789012 eni-0a1 10.20.7.5 52.216.10.20 50005 443 6 3000000 4000000000 1793595600 1793595660 ACCEPT OK
              2 123456789012 eni-0a1 10.20.7.5 52.216.10.20 50006 443 6 3000000 4000000000 1793599200 1793599260 ACCEPT OK
              2 123456789012 eni-0a1 10.20.7.5 52.216.10.20 50007 443 6 3000000 4000000000 1793602800 1793602860 ACCEPT OK
            expect: 0
        """
}
