/// `cleartext-protocol`: Telnet, FTP and other unencrypted protocols across the internet boundary.
enum CleartextProtocolRule {
    static let yaml = """
        id: cleartext-protocol
        title: Cleartext protocol across the internet boundary
        severity: medium
        description: >-
          An accepted connection used a protocol that sends credentials or data unencrypted (FTP,
          Telnet, TFTP, POP3, IMAP, SNMP, LDAP, rsh/rlogin) between your network and the internet.
        mitre: [T1040, T1552]
        runbook: >-
          Replace the protocol with its encrypted form (SFTP, SSH, IMAPS, LDAPS); rotate credentials
          that crossed it.
        false_positives:
          - Legacy partners integrations over FTP (move them to SFTP).
        match: >-
          request and action = ACCEPT and not (initiator in $nat_gateways and exists pkt-srcaddr)
          and service-port in (20, 21, 23, 69, 110, 143, 161, 389, 512-514)
          and ((initiator in $internal and responder not in $internal)
               or (initiator not in $internal and responder in $internal))
        dedup: 6h
        dedup_by: [initiator, responder, service-port]
        tests:
          - name: FTP to an outside server
            records: |
              2 123456789012 eni-0a1 10.20.2.10 198.51.100.21 50000 21 6 10 1000 1793577600 1793577660 ACCEPT OK
            expect: 1
            severity: medium
          - name: FTP inside the VPC does not cross the boundary
            records: |
              2 123456789012 eni-0a1 10.20.2.10 10.20.5.21 50000 21 6 10 1000 1793577600 1793577660 ACCEPT OK
            expect: 0
        """
}
