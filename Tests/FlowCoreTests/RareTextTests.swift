import FlowCore
import Testing

@Suite struct RareTextTests {
    /// The layout FlowRecord's doc promises: v2-v5 texts inline, the other 26 texts behind one id.
    @Test func recordsHoldTwelveTextsAndOneIdForTheOthers() {
        #expect(FlowField.inlineTextFields.count == 12)
        #expect(FlowField.rareTextFields.count == 26)
        #expect(Set(FlowField.inlineTextFields + FlowField.rareTextFields) == Set(FlowField.textFields))
        #expect(FlowField.inlineTextFields.allSatisfy { $0.textSlot >= 0 && $0.rareTextSlot < 0 })
        #expect(FlowField.rareTextFields.allSatisfy { $0.textSlot < 0 && $0.rareTextSlot >= 0 })
        #expect(MemoryLayout<FlowRecord>.stride == 208)
    }

    @Test func rareTextsReadBackAndCompareByValue() {
        var a = FlowRecord()
        a[text: .tgwID] = Symbol("tgw-1")
        a[text: .ecsTaskID] = Symbol("task-9")
        a[text: .accountID] = Symbol("123456789012")
        a.present = FlowField.tgwID.bit | FlowField.ecsTaskID.bit | FlowField.accountID.bit
        #expect(a[text: .tgwID].string == "tgw-1")
        #expect(a[text: .ecsTaskID].string == "task-9")
        #expect(a[text: .resourceID] == .empty)
        // Built in the other order, the same combination has the same id, so the records are equal.
        var b = FlowRecord()
        b[text: .ecsTaskID] = Symbol("task-9")
        b[text: .tgwID] = Symbol("tgw-1")
        b[text: .accountID] = Symbol("123456789012")
        b.present = a.present
        #expect(a.rareTexts == b.rareTexts && a == b)
        b[text: .tgwID] = Symbol("tgw-2")
        #expect(a != b)
        #expect(a[text: .tgwID].string == "tgw-1")
    }

    @Test func aBuilderGivesTheTableIdAndZeroForNothing() {
        var builder = RareTextBuilder()
        #expect(builder.finish() == 0)
        builder.set(FlowField.rejectReason.rareTextSlot, Symbol("BPA"))
        let id = builder.finish()
        #expect(id != 0)
        #expect(RareTextTable.shared.texts(id)[FlowField.rejectReason.rareTextSlot].string == "BPA")
        builder.set(FlowField.rejectReason.rareTextSlot, Symbol("BPA"))
        #expect(builder.finish() == id)
        builder.set(FlowField.resourceID.rareTextSlot, Symbol("vpce-1"))
        builder.clear()
        #expect(builder.finish() == 0)
    }
}
