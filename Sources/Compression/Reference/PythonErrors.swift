/// The exceptions llmlingua 0.2.2 raises, as `CompressionError(.referenceCrash)` whose message
/// starts with the Python exception type (`"ZeroDivisionError: ..."`), so a caller can tell exactly
/// which reference failure a request would have hit.
extension CompressionError {
    static func python(_ type: String, _ message: String) -> CompressionError {
        CompressionError(.referenceCrash, "\(type): \(message)")
    }

    /// `target_token / n_original_token` and friends with nothing to divide by (llmlingua issue #144).
    static func zeroDivision(_ context: String) -> CompressionError {
        python("ZeroDivisionError", "division by zero (\(context))")
    }

    /// numpy's percentile of an empty list.
    static func emptyPercentile(_ context: String) -> CompressionError {
        python("IndexError", "index -1 is out of bounds for axis 0 with size 0 (percentile of no words: \(context))")
    }

    static func percentileRange(_ p: Int, _ context: String) -> CompressionError {
        python("ValueError", "Percentiles must be in the range [0, 100] (got \(p) from \(context))")
    }

    static func percentileFailure(_ f: NumpyPercentile.Failure, p: Int, _ context: String) -> CompressionError {
        switch f {
        case .empty: return emptyPercentile(context)
        case .outOfRange: return percentileRange(p, context)
        }
    }
}
