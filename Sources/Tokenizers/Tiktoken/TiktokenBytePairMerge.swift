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
        merge(p, n, into: &sink)
    }

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
}
