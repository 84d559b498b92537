import Foundation

/// SplitMix64: a small, fast, fully specified generator, so a seed gives the same shuffles and
/// initial weights on every platform and Swift version (the standard library's generator is
/// neither seedable nor stable). Pure: no I/O, no shared state.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// An independent stream for one purpose (split, initialisation, shuffling) of the same seed,
    /// so changing e.g. the number of epochs never changes the split.
    public init(seed: UInt64, stream: UInt64) {
        var mixer = SeededRandom(seed: seed ^ (stream &* 0xD6E8_FEB8_6659_FD93))
        state = mixer.next()
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform integer in `0..<bound` (bound > 0), by rejection so it is exactly uniform.
    public mutating func below(_ bound: Int) -> Int {
        let b = UInt64(bound)
        let limit = UInt64.max - UInt64.max % b
        while true {
            let r = next()
            if r < limit { return Int(r % b) }
        }
    }

    /// Uniform double in [0, 1) with 53 random bits.
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// A standard normal sample (Box–Muller; one of the pair is used).
    public mutating func normal() -> Double {
        var u = unit()
        while u <= 0 { u = unit() }
        return (-2 * Foundation.log(u)).squareRoot() * Foundation.cos(2 * Double.pi * unit())
    }

    /// Fisher–Yates shuffle with this generator (the same permutation for the same seed everywhere).
    public mutating func shuffle<T>(_ items: inout [T]) {
        guard items.count > 1 else { return }
        for i in stride(from: items.count - 1, to: 0, by: -1) {
            let j = below(i + 1)
            if i != j { items.swapAt(i, j) }
        }
    }
}

/// Stream numbers of `SeededRandom(seed:stream:)` used by training.
enum RandomStream {
    static let split: UInt64 = 1
    static let initialisation: UInt64 = 2
    static let shuffling: UInt64 = 3
}

/// The seeded train/validation split by record id: chunks of one record always land on the same
/// side. Ids are sorted (byte order) before the shuffle, so the split depends only on the set of
/// ids and the seed, never on file order.
public enum ValidationSplit {
    /// The ids that go to validation: `round(fraction × count)` of them, at least one when
    /// `fraction > 0`, and never all of them.
    public static func validationIds(_ ids: Set<String>, fraction: Double, seed: UInt64) -> Set<String> {
        guard fraction > 0, ids.count > 1 else { return [] }
        var sorted = ids.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var rng = SeededRandom(seed: seed, stream: RandomStream.split)
        rng.shuffle(&sorted)
        let count = min(max(Int((fraction * Double(sorted.count)).rounded()), 1), sorted.count - 1)
        return Set(sorted.prefix(count))
    }
}
