import Foundation

/// Parses an HTTP `Retry-After` value: either delta-seconds ("120", decimals accepted) or an
/// HTTP-date (IMF-fixdate, RFC 850 or asctime), turned into seconds from `now` (never negative).
public enum RetryAfter {
    public static func seconds(_ value: String, now: Date) -> TimeInterval? {
        let v = value.trimmingCharacters(in: .whitespaces)
        if v.isEmpty { return nil }
        if let s = Double(v), s.isFinite { return max(0, s) }
        for format in formats {
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX")
            f.timeZone = TimeZone(identifier: "GMT")
            f.dateFormat = format
            if let date = f.date(from: v) { return max(0, date.timeIntervalSince(now)) }
        }
        return nil
    }

    private static let formats = [
        "EEE, dd MMM yyyy HH:mm:ss zzz",   // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
        "EEEE, dd-MMM-yy HH:mm:ss zzz",    // RFC 850
        "EEE MMM d HH:mm:ss yyyy",         // asctime
    ]
}
