/// `remote-admin-from-internet`: SSH, RDP, VNC, WinRM or Telnet accepted from an untrusted public source.
enum RemoteAdminFromInternetRule {
    static let yaml = """
        id: remote-admin-from-internet
        title: Remote administration accepted from the internet
        severity: high
        description: >-
          An address outside your networks opened an accepted connection to an administration
          service (SSH, RDP, VNC, WinRM, Telnet) on one of your hosts. Admin ports should be
          reachable only from bastions or VPN ranges (networks.trusted).
        mitre: [T1133, T1021]
        runbook: >-
          Check the security group and network ACL of the destination; restrict the port to the
          bastion or VPN range; review the host's auth logs for the source address.
        false_positives:
          - An administrator connecting from a home address not yet listed in networks.trusted.
        match: >-
          request and action = ACCEPT and protocol = tcp
          and service-port in (22, 23, 3389, 5900-5903, 5985, 5986)
          and initiator not in $internal and initiator not in $trusted and responder in $internal
        escalate:
          - {when: "service-port = 23", severity: critical}
        dedup: 1h
        dedup_by: [initiator, responder, service-port]
        tests:
          - name: SSH from the internet is accepted
            records: |
              2 123456789012 eni-0a1 198.51.100.7 10.20.1.10 51234 22 6 12 2400 1793577600 1793577660 ACCEPT OK
            expect: 1
            severity: high
          - name: the server's reply alone is not a new connection
            records: |
              2 123456789012 eni-0a1 10.20.1.10 198.51.100.7 22 51234 6 10 4000 1793577600 1793577660 ACCEPT OK
            expect: 0
          - name: rejected attempts are not exposure
            records: |
              2 123456789012 eni-0a1 198.51.100.7 10.20.1.10 51234 22 6 1 60 1793577600 1793577660 REJECT OK
            expect: 0
          - name: the trusted bastion range may use SSH
            config: |
              networks:
                trusted: [198.51.100.0/24]
            records: |
              2 123456789012 eni-0a1 198.51.100.7 10.20.1.10 51234 22 6 12 2400 1793577600 1793577660 ACCEPT OK
            expect: 0
          - name: Telnet is critical
            records: |
              2 123456789012 eni-0a1 203.0.113.9 10.20.1.10 40000 23 6 12 2400 1793577600 1793577660 ACCEPT OK
            expect: 1
            severity: critical
        """
}
