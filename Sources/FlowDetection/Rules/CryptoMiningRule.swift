/// `crypto-mining`: connections to mining-pool (stratum) ports.
enum CryptoMiningRule {
    static let yaml = """
        id: crypto-mining
        title: Connection to a crypto-mining pool
        severity: high
        description: >-
          An internal host kept an accepted connection to an external address on a port used by
          mining pools' stratum protocol. Stolen compute for mining is one of the most common results
          of a cloud compromise.
        mitre: [T1496]
        runbook: >-
          Isolate the instance; look for unknown processes with high CPU; find the initial access
          (exposed service, leaked keys) before rebuilding it.
        false_positives:
          - Unrelated services that happen to use the same ports (check the destination).
        match: >-
          request and action = ACCEPT and protocol = tcp and initiator in $internal and responder not in $internal
          and service-port in (3333, 3334, 4444, 5555, 7777, 14433, 14444, 45560, 45700)
          and not (initiator in $nat_gateways and exists pkt-srcaddr)
        dedup: 6h
        dedup_by: [initiator, responder, service-port]
        tests:
          - name: a host talking stratum to the internet
            records: |
              2 123456789012 eni-0a1 10.20.2.10 198.51.100.99 50000 3333 6 40 9000 1793577600 1793577660 ACCEPT OK
            expect: 1
            severity: high
          - name: HTTPS to the same address is not mining
            records: |
              2 123456789012 eni-0a1 10.20.2.10 198.51.100.99 50000 443 6 40 9000 1793577600 1793577660 ACCEPT OK
            expect: 0
          - name: rejected attempts are not mining
            records: |
              2 123456789012 eni-0a1 10.20.2.10 198.51.100.99 50000 3333 6 10 1000 1793577600 1793577660 REJECT OK
            expect: 0
          - name: the NAT gateway leg is not blamed on the gateway
            config: |
              networks:
                nat_gateways: [10.20.0.10/32]
            records: |
              version interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status pkt-srcaddr pkt-dstaddr
              5 eni-nat 10.20.2.10 10.20.0.10 50000 3333 6 40 9000 1793577600 1793577660 ACCEPT OK 10.20.2.10 198.51.100.99
              5 eni-nat 10.20.0.10 198.51.100.99 61000 3333 6 40 9000 1793577600 1793577660 ACCEPT OK 10.20.0.10 198.51.100.99
            expect: 1
            severity: high
        """
}
