import Testing

@testable import FlowAWS

@Suite struct XMLElementTests {
    @Test func readsAnS3Listing() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!-- a comment <with> tags -->
            <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
              <Name>b</Name><IsTruncated>true</IsTruncated>
              <Contents><Key>a&amp;b &lt;c&gt; &#233;&#x4E2D;</Key><ETag>&quot;abc&quot;</ETag></Contents>
              <Contents><Key><![CDATA[x<y]]></Key><Owner/></Contents>
              <s3:Extra xmlns:s3="urn:x">n</s3:Extra>
            </ListBucketResult>
            """
        let root = try XMLElement.parse(Array(xml.utf8))
        #expect(root.name == "ListBucketResult")
        #expect(root.value("IsTruncated") == "true")
        #expect(root.children("Contents").map { $0.value("Key") } == ["a&b <c> é中", "x<y"])
        #expect(root.children("Contents")[0].value("ETag") == "\"abc\"")
        #expect(root.children("Contents")[1].child("Owner") != nil)
        #expect(root.value("Extra") == "n")
        #expect(root.first(named: "ETag")?.text == "\"abc\"")
    }

    @Test func readsErrorShapes() throws {
        let ec2 =
            "<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>no</Message></Error></Errors><RequestID>r1</RequestID></Response>"
        let root = try XMLElement.parse(Array(ec2.utf8))
        #expect(root.first(named: "Error")?.value("Code") == "UnauthorizedOperation")
        #expect(root.value("RequestID") == "r1")
        #expect(throws: XMLElement.ParseError.self) { try XMLElement.parse(Array("just text".utf8)) }
    }
}
