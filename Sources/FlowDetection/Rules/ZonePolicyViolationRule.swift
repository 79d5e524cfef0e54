/// `zone-policy-violation`: accepted connections into a protected zone that no allow entry covers.
enum ZonePolicyViolationRule {
    static let yaml = """
        id: zone-policy-violation
        title: Connection into a protected zone outside policy
        severity: high
        description: >-
          A connection into a protected zone (policy.protect) was accepted although no policy.allow
          entry covers its source zone, port and source address. Judged by the initiator: the reply
          half of an allowed connection never counts.
        mitre: [T1021, T1190]
        runbook: >-
          Check the security groups of the destination; if the flow is legitimate, add an allow entry
          to flowlens.yml; otherwise find why the source could reach the zone.
        false_positives:
          - New application paths not yet written into the policy.
        match: request and action = ACCEPT and not (packets <= 2 and bytes <= 160)
        detector: zone-policy
        dedup: 1h
        tests:
          - name: web tier talking straight to the database
            config: |
              zones:
                web: [10.20.1.0/24]
                app: [10.20.2.0/24]
                db: [10.20.5.0/24]
              policy:
                protect: [db]
                allow:
                  - {from: app, to: db, ports: [5432]}
            records: |
              2 123456789012 eni-0a1 10.20.1.10 10.20.5.20 50000 5432 6 10 1000 1793577600 1793577660 ACCEPT OK
            expect: 1
            severity: high
          - name: app to db on 5432 is allowed
            config: |
              zones:
                web: [10.20.1.0/24]
                app: [10.20.2.0/24]
                db: [10.20.5.0/24]
              policy:
                protect: [db]
                allow:
                  - {from: app, to: db, ports: [5432]}
            records: |
              2 123456789012 eni-0a1 10.20.2.10 10.20.5.20 50000 5432 6 10 1000 1793577600 1793577660 ACCEPT OK
            expect: 0
          - name: the database's reply to the app is not a connection into the zone
            config: |
              zones:
                web: [10.20.1.0/24]
                app: [10.20.2.0/24]
                db: [10.20.5.0/24]
              policy:
                protect: [db]
                allow:
                  - {from: app, to: db, ports: [5432]}
            records: |
              2 123456789012 eni-0a1 10.20.5.20 10.20.2.10 5432 50000 6 10 1000 1793577600 1793577660 ACCEPT OK
            expect: 0
          - name: app to db on another port is not allowed
            config: |
              zones:
                web: [10.20.1.0/24]
                app: [10.20.2.0/24]
                db: [10.20.5.0/24]
              policy:
                protect: [db]
                allow:
                  - {from: app, to: db, ports: [5432]}
            records: |
              2 123456789012 eni-0a1 10.20.2.10 10.20.5.20 50000 22 6 10 1000 1793577600 1793577660 ACCEPT OK
            expect: 1
          - name: rejected attempts are not violations
            config: |
              zones:
                web: [10.20.1.0/24]
                app: [10.20.2.0/24]
                db: [10.20.5.0/24]
              policy:
                protect: [db]
                allow:
                  - {from: app, to: db, ports: [5432]}
            records: |
              2 123456789012 eni-0a1 10.20.1.10 10.20.5.20 50000 5432 6 10 1000 1793577600 1793577660 REJECT OK
            expect: 0
          - name: a SYN the database never answered is not a session
            config: |
              zones:
                web: [10.20.1.0/24]
                app: [10.20.2.0/24]
                db: [10.20.5.0/24]
              policy:
                protect: [db]
                allow:
                  - {from: app, to: db, ports: [5432]}
            records: |
              2 123456789012 eni-0a1 10.20.1.10 10.20.5.20 50000 5432 6 1 60 1793577600 1793577660 ACCEPT OK
            expect: 0
        """
}
