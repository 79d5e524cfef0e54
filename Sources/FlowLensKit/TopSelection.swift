/// The `n` first elements of `elements` in the order `before` (a strict order, first is best),
/// without sorting them all: a sorted list of at most `n` that an element enters only when it comes
/// before the list's last. Address and pair tables hold hundreds of thousands of entries, and
/// sorting them all for a top 10 was a serial step at the end of every scan.
func selectTop<Elements: Sequence>(
    _ n: Int, of elements: Elements, by before: (Elements.Element, Elements.Element) -> Bool
) -> [Elements.Element] {
    guard n > 0 else { return [] }
    var best: [Elements.Element] = []
    best.reserveCapacity(n + 1)
    for element in elements {
        if best.count == n, let last = best.last, !before(element, last) { continue }
        let position = best.firstIndex { before(element, $0) } ?? best.count
        best.insert(element, at: position)
        if best.count > n { best.removeLast() }
    }
    return best
}
