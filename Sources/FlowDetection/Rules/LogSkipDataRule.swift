/// `log-skipdata`: flow log records lost (SKIPDATA) on an interface.
enum LogSkipDataRule {
    static let yaml = """
        id: log-skipdata
        title: Flow log records were skipped
        severity: low
        description: >-
          An interface reported SKIPDATA: AWS could not capture some of its flow records during the
          aggregation interval (an internal capacity constraint or error). Detections may miss traffic
          from that interface for that time.
        mitre: [T1562.008]
        runbook: >-
          Note the gap in any investigation covering the interface and time; if it recurs, open a case
          with AWS support.
        false_positives:
          - Occasional SKIPDATA under very high traffic is expected; alert on repeats.
        match: log-status = SKIPDATA
        aggregate:
          by: [interface-id]
          window: 1h
          count: true
          threshold: 1
        dedup: 6h
        tests:
          - name: one SKIPDATA record
            records: |
              2 123456789012 eni-0a1 - - - - - - - 1793577600 1793577660 - SKIPDATA
            expect: 1
            severity: low
          - name: NODATA is normal idleness
            records: |
              2 123456789012 eni-0a1 - - - - - - - 1793577600 1793577660 - NODATA
            expect: 0
        """
}
