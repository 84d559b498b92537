import Foundation

/// N plain threads (not Swift concurrency's small cooperative pool, which a blocking GEMM call
/// would starve) pulling items from one shared queue. The first error stops the hand-out of new
/// items and raises the stop flag so busy workers return early; every error is collected.
/// `package` access: `lingua distill` runs its teacher requests on it too.
package enum WorkerPool {
    package static func run<Item: Sendable>(workers: Int, items: [Item], stop: StopFlag,
                                    setup: (@Sendable (Int) -> Void)? = nil,
                                    _ body: @escaping @Sendable (Item, Int) throws -> Void) -> [any Error] {
        let queue = WorkQueue(items)
        let errors = ErrorBox()
        let group = DispatchGroup()
        for w in 0..<max(1, min(workers, items.count)) {
            group.enter()
            let t = Thread {
                defer { group.leave() }
                setup?(w)
                while !stop.isSet, let item = queue.next() {
                    do {
                        try body(item, w)
                    } catch {
                        errors.append(error)
                        stop.set()
                    }
                }
            }
            t.stackSize = 16 << 20
            t.name = "lingua-worker-\(w)"
            t.start()
        }
        group.wait()
        return errors.all
    }
}

/// A thread-safe flag that asks workers to stop at the next record.
public final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    public init() {}
    public var isSet: Bool { lock.withLock { value } }
    public func set() { lock.withLock { value = true } }
}

private final class WorkQueue<Item>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Item]
    private var position = 0
    init(_ items: [Item]) { self.items = items }
    func next() -> Item? {
        lock.withLock {
            guard position < items.count else { return nil }
            defer { position += 1 }
            return items[position]
        }
    }
}

private final class ErrorBox: @unchecked Sendable {
    private let lock = NSLock()
    private var errors: [any Error] = []
    func append(_ e: any Error) { lock.withLock { errors.append(e) } }
    var all: [any Error] { lock.withLock { errors } }
}
