/// jieba's `finalseg`: the B/M/E/S hidden Markov model that splits runs of characters the
/// dictionary route left as single characters (new words, names). Non-Han parts of a run are split
/// by finalseg's `[a-zA-Z0-9]+(?:\.\d+)?%?` pattern, as `re.split` with a group does.
enum JiebaHMM {
    static func cut(_ s: [Unicode.Scalar], _ data: JiebaData, into out: inout [[Unicode.Scalar]]) {
        var i = 0
        while i < s.count {
            var j = i
            if isHan(s[i]) {
                while j < s.count && isHan(s[j]) { j += 1 }
                cutHan(Array(s[i..<j]), data, into: &out)
            } else {
                while j < s.count && !isHan(s[j]) { j += 1 }
                splitOther(Array(s[i..<j]), into: &out)
            }
            i = j
        }
    }

    static func isHan(_ c: Unicode.Scalar) -> Bool { (0x4E00...0x9FD5).contains(c.value) }

    static func isASCIIAlnum(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        default: return false
        }
    }

    /// `re.split("([a-zA-Z0-9]+(?:\.\d+)?%?)", s)` without its empty pieces.
    static func splitOther(_ s: [Unicode.Scalar], into out: inout [[Unicode.Scalar]]) {
        var gapStart = 0, i = 0
        while i < s.count {
            guard isASCIIAlnum(s[i]) else { i += 1; continue }
            var j = i
            while j < s.count && isASCIIAlnum(s[j]) { j += 1 }
            if j + 1 < s.count && s[j] == "." && PyText.isDecimal(s[j + 1]) {
                j += 2
                while j < s.count && PyText.isDecimal(s[j]) { j += 1 }
            }
            if j < s.count && s[j] == "%" { j += 1 }
            if gapStart < i { out.append(Array(s[gapStart..<i])) }
            out.append(Array(s[i..<j]))
            i = j
            gapStart = j
        }
        if gapStart < s.count { out.append(Array(s[gapStart..<s.count])) }
    }

    /// `viterbi` + `__cut` on a run of Han characters.
    static func cutHan(_ s: [Unicode.Scalar], _ data: JiebaData, into out: inout [[Unicode.Scalar]]) {
        let names = JiebaData.stateNames
        // Predecessors of B, M, E, S (finalseg's PrevStatus).
        let prev: [[Int]] = [[2, 3], [1, 0], [0, 1], [3, 2]]
        let n = s.count
        var v = (0..<4).map { y in data.start[y] + (data.emit[y][s[0].value] ?? JiebaData.minFloat) }
        var back = [[Int]](repeating: [0, 0, 0, 0], count: n)
        for t in 1..<max(n, 1) {
            var nv = [Double](repeating: 0, count: 4)
            for y in 0..<4 {
                let em = data.emit[y][s[t].value] ?? JiebaData.minFloat
                var best = -Double.infinity, bestState = -1
                for y0 in prev[y] {
                    let p = v[y0] + (data.trans[y0][y] ?? JiebaData.minFloat) + em
                    // max over (prob, state name) tuples: ties go to the later letter.
                    if bestState < 0 || p > best || (p == best && names[y0].value > names[bestState].value) {
                        best = p
                        bestState = y0
                    }
                }
                nv[y] = best
                back[t][y] = bestState
            }
            v = nv
        }
        // Final state: E or S, ties to S.
        var state = v[3] >= v[2] ? 3 : 2
        var path = [Int](repeating: 0, count: n)
        for t in stride(from: n - 1, through: 0, by: -1) {
            path[t] = state
            state = back[t][state]
        }
        var begin = 0, nexti = 0
        for i in 0..<n {
            switch path[i] {
            case 0: begin = i
            case 2:
                out.append(Array(s[begin...i]))
                nexti = i + 1
            case 3:
                out.append([s[i]])
                nexti = i + 1
            default: break
            }
        }
        if nexti < n { out.append(Array(s[nexti..<n])) }
    }
}
