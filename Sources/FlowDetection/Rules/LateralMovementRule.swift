/// `lateral-movement`: an untrusted internal host opening admin sessions to several internal hosts.
enum LateralMovementRule {
    static let yaml = """
        id: lateral-movement
        title: Lateral movement over admin protocols
        severity: high
        description: >-
          An internal host that is not a bastion opened accepted administration sessions (SSH, RDP,
          WinRM, SMB, RPC, VNC) to several other internal hosts within the window. Admin access
          should come from bastions (networks.trusted); a workload doing it suggests stolen
          credentials being used to spread.
        mitre: [T1021, T1570]
        runbook: >-
          Isolate the source host; review authentication logs on each target; rotate credentials used
          from the source.
        false_positives:
          - Configuration management servers (add them to networks.trusted).
        match: >-
          request and action = ACCEPT and protocol = tcp
          and service-port in (22, 135, 445, 3389, 5900-5903, 5985, 5986)
          and initiator in $internal and initiator not in $trusted and responder in $internal
          and not (packets <= 2 and bytes <= 160)
        aggregate:
          by: [initiator]
          window: 30m
          distinct: responder
          threshold: 3
        dedup: 2h
        tests:
          - name: SSH from a web host to four hosts
            records: |
              2 123456789012 eni-0a1 10.20.3.9 10.20.2.10 50000 22 6 30 6000 1793577600 1793577660 ACCEPT OK
              2 123456789012 eni-0a1 10.20.3.9 10.20.2.11 50001 22 6 30 6000 1793577660 1793577720 ACCEPT OK
              2 123456789012 eni-0a1 10.20.3.9 10.20.2.12 50002 22 6 30 6000 1793577720 1793577780 ACCEPT OK
              2 123456789012 eni-0a1 10.20.3.9 10.20.2.13 50003 22 6 30 6000 1793577780 1793577840 ACCEPT OK
            expect: 1
            severity: high
          - name: the bastion's sessions are trusted
            config: |
              networks:
                trusted: [10.20.6.5/32]
            records: |
              2 123456789012 eni-0a1 10.20.6.5 10.20.2.10 50000 22 6 30 6000 1793577600 1793577660 ACCEPT OK
              2 123456789012 eni-0a1 10.20.6.5 10.20.2.11 50001 22 6 30 6000 1793577660 1793577720 ACCEPT OK
              2 123456789012 eni-0a1 10.20.6.5 10.20.2.12 50002 22 6 30 6000 1793577720 1793577780 ACCEPT OK
              2 123456789012 eni-0a1 10.20.6.5 10.20.2.13 50003 22 6 30 6000 1793577780 1793577840 ACCEPT OK
              2 123456789012 eni-0a1 10.20.6.5 10.20.2.14 50004 22 6 30 6000 1793577840 1793577900 ACCEPT OK
              2 123456789012 eni-0a1 10.20.6.5 10.20.2.15 50005 22 6 30 6000 1793577900 1793577960 ACCEPT OK
            expect: 0
          - name: repeated sessions to one host are not spreading
            records: |
              2 123456789012 eni-0a1 10.20.3.9 10.20.2.10 50000 22 6 30 6000 1793577600 1793577660 ACCEPT OK
              2 123456789012 eni-0a1 10.20.3.9 10.20.2.10 50001 22 6 30 6000 1793577660 1793577720 ACCEPT OK
              2 123456789012 eni-0a1 10.20.3.9 10.20.2.10 50002 22 6 30 6000 1793577720 1793577780 ACCEPT OK
              2 123456789012 eni-0a1 10.20.3.9 10.20.2.10 50003 22 6 30 6000 1793577780 1793577840 ACCEPT OK
              2 123456789012 eni-0a1 10.20.3.9 10.20.2.10 50004 22 6 30 6000 1793577840 1793577900 ACCEPT OK
              2 123456789012 eni-0a1 10.20.3.9 10.20.2.10 50005 22 6 30 6000 1793577900 1793577960 ACCEPT OK
            expect: 0
        """
}
