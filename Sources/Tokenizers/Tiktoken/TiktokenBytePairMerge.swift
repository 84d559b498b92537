/// Receives the token ranks an encode produces (an id array, or just a count).
protocol TiktokenTokenSink {
    mutating func put(_ rank: UInt32)
}

/// Collects ids.
struct TiktokenIDSink: TiktokenTokenSink {
    var ids: [Int] = []
    @inline(__always) mutating func put(_ rank: UInt32) { ids.append(Int(rank)) }
}

/// Counts tokens without storing them.
struct TiktokenCountSink: TiktokenTokenSink {
    var count = 0
    @inline(__always) mutating func put(_ rank: UInt32) { count += 1 }
}

extension TiktokenRankView {
    /// Encodes one pre-split piece exactly as tiktoken's `byte_pair_encode`: the whole piece if it
    /// is a token, otherwise repeated merging of the adjacent pair whose concatenation has the
    /// lowest rank (leftmost on ties) until no adjacent pair is a token.
    @inline(__always) func encodePiece<S: TiktokenTokenSink>(_ p: UnsafePointer<UInt8>, _ n: Int, into sink: inout S) {
        if n == 1 {
            sink.put(byteRanks[Int(p[0])])
            return
        }
        let whole = rank(p, n)
        if whole != TiktokenRankTable.none {
            sink.put(whole)
            return
        }
        if n < Self.heapMergeFrom { merge(p, n, into: &sink) } else { heapMerge(p, n, into: &sink) }
    }

    /// Pieces at least this long (bytes) use the heap merge.
    static let heapMergeFrom = 64

    /// The merge loop of tiktoken's `_byte_pair_merge`. `starts[i]` is where part `i` begins,
    /// `pairRank[i]` the rank of part `i` joined with part `i + 1`, `tokenRank[i]` the rank of part
    /// `i` itself. Quadratic in the piece length, like the reference.
    private func merge<S: TiktokenTokenSink>(_ p: UnsafePointer<UInt8>, _ n: Int, into sink: inout S) {
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: n + 1) { starts in
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: n + 1) { pairRank in
                withUnsafeTemporaryAllocation(of: UInt32.self, capacity: n) { tokenRank in
                    let none = TiktokenRankTable.none
                    for i in 0..<n {
                        starts[i] = Int32(i)
                        tokenRank[i] = byteRanks[Int(p[i])]
                        pairRank[i] = i + 1 < n ? rank(p + i, 2) : none
                    }
                    starts[n] = Int32(n)
                    pairRank[n] = none
                    var parts = n  // number of parts; starts has parts + 1 entries
                    while true {
                        var best = none, at = -1
                        for i in 0..<(parts - 1) where pairRank[i] < best {
                            best = pairRank[i]
                            at = i
                        }
                        if at < 0 { break }
                        tokenRank[at] = best
                        // Rank of the part that would follow a merge of parts i..i+2 (before removal).
                        @inline(__always) func joined(_ i: Int) -> UInt32 {
                            guard i + 3 <= parts else { return none }
                            let s = Int(starts[i])
                            return rank(p + s, Int(starts[i + 3]) - s)
                        }
                        if at > 0 { pairRank[at - 1] = joined(at - 1) }
                        pairRank[at] = joined(at)
                        // Remove part at + 1.
                        var j = at + 1
                        while j < parts {
                            starts[j] = starts[j + 1]
                            pairRank[j] = pairRank[j + 1]
                            if j + 1 < parts { tokenRank[j] = tokenRank[j + 1] }
                            j += 1
                        }
                        parts -= 1
                    }
                    for i in 0..<parts { sink.put(tokenRank[i]) }
                }
            }
        }
    }

    /// The same merge order in O(n log n) for long pieces: a min-heap of `rank << 32 | start`
    /// (lowest rank, then leftmost start — tiktoken's choice) over a linked list of parts, with
    /// stale heap entries skipped when popped.
    private func heapMerge<S: TiktokenTokenSink>(_ p: UnsafePointer<UInt8>, _ n: Int, into sink: inout S) {
        let none = TiktokenRankTable.none
        var next = [Int32](unsafeUninitializedCapacity: n) { b, c in
            for i in 0..<n { b[i] = Int32(i + 1) }
            c = n
        }
        var prev = [Int32](unsafeUninitializedCapacity: n) { b, c in
            for i in 0..<n { b[i] = Int32(i - 1) }
            c = n
        }
        var tokenRank = [UInt32](unsafeUninitializedCapacity: n) { b, c in
            for i in 0..<n { b[i] = byteRanks[Int(p[i])] }
            c = n
        }
        var pairRank = [UInt32](repeating: none, count: n)
        var alive = [Bool](repeating: true, count: n)
        var heap: [UInt64] = []
        heap.reserveCapacity(2 * n)
        for i in 0..<(n - 1) {
            let r = rank(p + i, 2)
            pairRank[i] = r
            if r != none { heap.append(UInt64(r) << 32 | UInt64(i)) }
        }
        heapify(&heap)
        while let top = popMin(&heap) {
            let r = UInt32(top >> 32), s = Int(top & 0xFFFF_FFFF)
            guard alive[s], pairRank[s] == r else { continue }
            let t = Int(next[s])
            let u = Int(next[t])
            alive[t] = false
            tokenRank[s] = r
            next[s] = Int32(u)
            if u < n { prev[u] = Int32(s) }
            if u < n {
                let v = Int(next[u])
                let nr = rank(p + s, v - s)
                pairRank[s] = nr
                if nr != none { push(&heap, UInt64(nr) << 32 | UInt64(s)) }
            } else {
                pairRank[s] = none
            }
            if s > 0 {
                let q = Int(prev[s])
                let nr = rank(p + q, u - q)
                pairRank[q] = nr
                if nr != none { push(&heap, UInt64(nr) << 32 | UInt64(q)) }
            }
        }
        var i = 0
        while i < n {
            sink.put(tokenRank[i])
            i = Int(next[i])
        }
    }

    private func heapify(_ h: inout [UInt64]) {
        var i = h.count / 2 - 1
        while i >= 0 {
            siftDown(&h, i)
            i -= 1
        }
    }

    private func siftDown(_ h: inout [UInt64], _ start: Int) {
        var i = start
        let n = h.count
        while true {
            let l = 2 * i + 1
            if l >= n { return }
            var m = l
            if l + 1 < n && h[l + 1] < h[l] { m = l + 1 }
            if h[m] >= h[i] { return }
            h.swapAt(i, m)
            i = m
        }
    }

    private func push(_ h: inout [UInt64], _ v: UInt64) {
        h.append(v)
        var i = h.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            if h[parent] <= h[i] { return }
            h.swapAt(i, parent)
            i = parent
        }
    }

    private func popMin(_ h: inout [UInt64]) -> UInt64? {
        guard let first = h.first else { return nil }
        let last = h.removeLast()
        if !h.isEmpty {
            h[0] = last
            siftDown(&h, 0)
        }
        return first
    }
}
