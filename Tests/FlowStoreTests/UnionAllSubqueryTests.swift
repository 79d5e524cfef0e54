@testable import FlowStore
import Testing

/// Which subqueries of a statement may run their arms apart, by the text of their arms.
@Suite struct UnionAllSubqueryTests {
    static func arms(_ sql: String) -> [[String]] {
        let bytes = Array(sql.utf8)
        let tokens = SQLTokenizer.tokens(of: bytes)!
        return UnionAllSubquery.find(in: tokens[...], of: bytes).map { subquery in
            subquery.arms.map { String(decoding: bytes[$0], as: UTF8.self) }
        }
    }

    @Test func theTutorialsSecondQueryHasTwoArms() {
        #expect(Self.arms(StoreFixture.athenaTopTenQuery) == [[
            "SELECT destinationaddress as ip, sum(numbytes) as bytes FROM vpc_flow_logs GROUP BY 1",
            "SELECT sourceaddress as ip, sum(numbytes) as bytes FROM vpc_flow_logs GROUP BY 1",
        ]])
    }

    @Test func threeArmsAndATrailingSemicolon() {
        #expect(Self.arms("SELECT x FROM (SELECT a AS x FROM t union all SELECT b FROM u UNION ALL SELECT 3) y;") == [
            ["SELECT a AS x FROM t", "SELECT b FROM u", "SELECT 3"]
        ])
    }

    @Test func unionAllInAStringACommentOrDeeperParenthesesDoesNotSplit() {
        let sql = """
            SELECT * FROM (
              SELECT 'a UNION ALL b' AS x, "UNION ALL" FROM t -- UNION ALL SELECT 1
              UNION ALL /* UNION ALL SELECT 2 */
              SELECT (SELECT 1 UNION ALL SELECT 2 LIMIT 1), [UNION ALL] FROM (SELECT c FROM v UNION ALL SELECT d FROM w))
            GROUP BY 1
            """
        #expect(Self.arms(sql) == [[
            #"SELECT 'a UNION ALL b' AS x, "UNION ALL" FROM t"#,
            "SELECT (SELECT 1 UNION ALL SELECT 2 LIMIT 1), [UNION ALL] FROM (SELECT c FROM v UNION ALL SELECT d FROM w)",
        ]])
    }

    @Test func subqueriesAfterAJoinOrACommaAndInNestedFromClauses() {
        #expect(Self.arms("SELECT * FROM t JOIN (SELECT 1 UNION ALL SELECT 2) USING (x), (SELECT 3 UNION ALL SELECT 4)") == [
            ["SELECT 1", "SELECT 2"], ["SELECT 3", "SELECT 4"],
        ])
        #expect(Self.arms("SELECT * FROM (SELECT x, count(*) FROM (SELECT 1 AS x UNION ALL SELECT 2) GROUP BY x) ORDER BY 2 LIMIT 1") == [
            ["SELECT 1 AS x", "SELECT 2"]
        ])
        #expect(Self.arms("SELECT * FROM (SELECT 1 UNION ALL SELECT 2) UNION ALL SELECT * FROM (SELECT 3 UNION ALL SELECT 4)") == [
            ["SELECT 1", "SELECT 2"], ["SELECT 3", "SELECT 4"],
        ])
    }

    @Test(arguments: [
        // Compounds that are not UNION ALL alone, or have an ORDER BY or LIMIT of their own.
        "SELECT * FROM (SELECT 1 UNION SELECT 2)",
        "SELECT * FROM (SELECT 1 UNION ALL SELECT 2 UNION SELECT 3)",
        "SELECT * FROM (SELECT 1 INTERSECT SELECT 2)",
        "SELECT * FROM (SELECT 1 UNION ALL SELECT 2 EXCEPT SELECT 3)",
        "SELECT * FROM (SELECT 1 AS x UNION ALL SELECT 2 ORDER BY x)",
        "SELECT * FROM (SELECT 1 UNION ALL SELECT 2 LIMIT 1)",
        "SELECT * FROM (SELECT 1 UNION ALL VALUES (2))",
        "SELECT * FROM (SELECT 1)",
        // Statements that are not a plain SELECT, or have a WITH clause.
        "WITH t AS (SELECT 1) SELECT * FROM (SELECT * FROM t UNION ALL SELECT 2)",
        "SELECT * FROM (WITH t AS (SELECT 1) SELECT * FROM t UNION ALL SELECT 2)",
        "EXPLAIN SELECT * FROM (SELECT 1 UNION ALL SELECT 2)",
        "EXPLAIN QUERY PLAN SELECT * FROM (SELECT 1 UNION ALL SELECT 2)",
        "SELECT 1; SELECT * FROM (SELECT 1 UNION ALL SELECT 2)",
        // Not in a FROM clause: an expression's subquery may run once per row.
        "SELECT (SELECT count(*) FROM t) FROM t WHERE x IN (SELECT 1 UNION ALL SELECT 2)",
        "SELECT x IN (SELECT 1 UNION ALL SELECT 2) FROM t",
        "SELECT * FROM t WHERE EXISTS (SELECT * FROM (SELECT 1 UNION ALL SELECT 2))",
        "SELECT * FROM json_each((SELECT 1 UNION ALL SELECT 2))",
        // Around it, what SQLite could push into the arms or stop them with.
        "SELECT * FROM (SELECT 1 AS x UNION ALL SELECT 2) WHERE x = 1",
        "SELECT x, count(*) FROM (SELECT 1 AS x UNION ALL SELECT 2) GROUP BY x HAVING x = 1",
        "SELECT * FROM t JOIN (SELECT 1 AS x UNION ALL SELECT 2) u ON u.x = t.x",
        "SELECT * FROM (SELECT 1 UNION ALL SELECT 2) LIMIT 1",
        "SELECT * FROM (SELECT * FROM (SELECT 1 UNION ALL SELECT 2) LIMIT 1) ORDER BY 1",
        "SELECT * FROM (SELECT * FROM (SELECT 1 AS x UNION ALL SELECT 2)) WHERE x = 2",
        "SELECT count(*) FROM (SELECT 1 UNION ALL SELECT 2) GROUP BY 1 UNION ALL SELECT 3 LIMIT 1",
        // The subquery's rowid, NULL where a table's is not; a collation its columns would carry.
        "SELECT rowid FROM (SELECT 1 UNION ALL SELECT 2)",
        #"SELECT "_ROWID_" FROM (SELECT 1 UNION ALL SELECT 2)"#,
        "SELECT x FROM (SELECT 'a' COLLATE NOCASE AS x UNION ALL SELECT 'A') GROUP BY x",
    ])
    func staysSerial(_ sql: String) {
        #expect(Self.arms(sql).isEmpty)
    }

    @Test func aLimitAfterAnOrderByOrAGroupByWaitsForEveryRow() {
        #expect(Self.arms("SELECT * FROM (SELECT 1 AS x UNION ALL SELECT 2) ORDER BY x LIMIT 1").count == 1)
        #expect(Self.arms("SELECT x FROM (SELECT 1 AS x UNION ALL SELECT 2) GROUP BY x LIMIT 1").count == 1)
        #expect(Self.arms("SELECT x FROM (SELECT 1 AS x UNION ALL SELECT 2) ORDER BY x COLLATE NOCASE").count == 1)
    }
}
