import CDNNL
import Foundation

/// A oneDNN CPU engine for the int8 matmul primitives (thread-safe; one per `Int8Weights`).
final class Int8Engine: @unchecked Sendable {
    let engine: dnnl_engine_t

    init() throws {
        var engine: dnnl_engine_t?
        let status = dnnl_engine_create(&engine, dnnl_cpu, 0)
        guard status == dnnl_success, let engine else {
            throw EncoderError(.invalidInput, "dnnl_engine_create failed with status \(status.rawValue)")
        }
        self.engine = engine
    }

    /// A new stream on this engine (streams are not shared between threads).
    func makeStream() throws -> dnnl_stream_t {
        var stream: dnnl_stream_t?
        let status = dnnl_stream_create(&stream, engine, dnnl_stream_default_flags.rawValue)
        guard status == dnnl_success, let stream else {
            throw EncoderError(.invalidInput, "dnnl_stream_create failed with status \(status.rawValue)")
        }
        return stream
    }

    deinit { dnnl_engine_destroy(engine) }
}

/// oneDNN matmul primitives u8[rowBlock × k] · s8[k × n] → s32 (brgemm on VNNI) for one shape, shared by
/// every layer with that shape; executing one from several threads at once is safe (user scratchpad).
/// oneDNN fixes a primitive's thread count when it is made (the calling thread's OpenMP setting), so
/// there is one per thread count (and per row count where a caller asks for fewer rows than `rows`), made on
/// first use by a thread with that setting; all read the same packed weight layout.
final class Int8Matmul: @unchecked Sendable {
    let engine: Int8Engine
    let rows, n, k: Int
    /// The primitive made at load (its weight layout is the one weights are packed in).
    let descriptor: UnsafeMutablePointer<lingua_int8_matmul>
    let weightBytes: Int
    private let byThreads = MatmulPrimitives<[Int]>()
    /// Keys ([rows, threads]) whose primitive wanted another weight layout: never made a second time
    /// (`Int8Workspace.run` asks on every call and falls back to whole blocks).
    private let layoutLock = NSLock()
    private var otherLayouts: Set<[Int]> = []

    init(engine: Int8Engine, rows: Int, n: Int, k: Int) throws {
        self.engine = engine
        (self.rows, self.n, self.k) = (rows, n, k)
        descriptor = try Self.make(engine: engine, rows: rows, n: n, k: k)
        weightBytes = lingua_int8_matmul_weight_bytes(descriptor)
        _ = byThreads.keep(descriptor, for: [rows, GEMM.threadsForCurrentThread() ?? 1])
    }

    private static func make(engine: Int8Engine, rows: Int, n: Int, k: Int) throws -> UnsafeMutablePointer<lingua_int8_matmul> {
        let descriptor = UnsafeMutablePointer<lingua_int8_matmul>.allocate(capacity: 1)
        let status = lingua_int8_matmul_create(engine.engine, rows, n, k, descriptor)
        guard status == dnnl_success else {
            descriptor.deallocate()
            throw EncoderError(.invalidInput, "int8 matmul primitive \(rows)×\(k)·\(k)×\(n) failed with status \(status.rawValue)")
        }
        return descriptor
    }

    /// The primitive for the calling thread's OpenMP thread count, computing `rows` rows (default: all of a block).
    func forCurrentThread(rows m: Int? = nil) throws -> UnsafeMutablePointer<lingua_int8_matmul> {
        let threads = GEMM.threadsForCurrentThread() ?? 1, m = m ?? rows, key = [m, threads]
        if let found = byThreads.find(key) { return found }
        let otherLayout = EncoderError(.invalidInput, "int8 matmul for \(threads) threads and \(m) rows wants another weight layout (n=\(n) k=\(k))")
        if layoutLock.withLock({ otherLayouts.contains(key) }) { throw otherLayout }
        let made = try Self.make(engine: engine, rows: m, n: n, k: k)
        guard dnnl_memory_desc_equal(&made.pointee.weights, &descriptor.pointee.weights) != 0 else {
            MatmulPrimitives<[Int]>.destroy(made)
            layoutLock.withLock { _ = otherLayouts.insert(key) }
            throw otherLayout
        }
        return byThreads.keep(made, for: key)
    }

    /// Scratchpad bytes of the primitive made at load.
    var scratchpadBytes: Int { lingua_int8_matmul_scratchpad_bytes(descriptor) }
}

/// oneDNN matmul primitives made on first use per key (thread count, shape, …) and destroyed with their
/// owner. When two threads make the same one at once, the first kept wins and the other is destroyed.
final class MatmulPrimitives<Key: Hashable & Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var made: [Key: UnsafeMutablePointer<lingua_int8_matmul>] = [:]

    func find(_ key: Key) -> UnsafeMutablePointer<lingua_int8_matmul>? { lock.withLock { made[key] } }

    /// `primitive` under `key`, or the one another thread kept there first (then `primitive` is destroyed).
    func keep(_ primitive: UnsafeMutablePointer<lingua_int8_matmul>, for key: Key) -> UnsafeMutablePointer<lingua_int8_matmul> {
        lock.withLock {
            if let raced = made[key] {
                Self.destroy(primitive)
                return raced
            }
            made[key] = primitive
            return primitive
        }
    }

    static func destroy(_ primitive: UnsafeMutablePointer<lingua_int8_matmul>) {
        lingua_int8_matmul_destroy(primitive)
        primitive.deallocate()
    }

    deinit { made.values.forEach(Self.destroy) }
}

/// An int8 weight [n × k] reordered once into the layout its `Int8Matmul` reads.
final class PackedInt8Weight: @unchecked Sendable {
    let matmul: Int8Matmul
    let bytes: UnsafeMutableRawPointer

    init(_ values: UnsafePointer<Int8>, matmul: Int8Matmul, stream: dnnl_stream_t) throws {
        self.matmul = matmul
        bytes = .allocate(byteCount: max(matmul.weightBytes, 64), alignment: 64)
        let status = lingua_int8_matmul_pack(matmul.engine.engine, stream, matmul.descriptor, values, bytes)
        guard status == dnnl_success else {
            bytes.deallocate()
            throw EncoderError(.invalidInput, "int8 weight reorder failed with status \(status.rawValue)")
        }
    }

    deinit { bytes.deallocate() }
}

/// Makes the packed weights of one `Int8Weights`: one engine, one primitive per (n, k) shape.
/// Used only while the weights are being built (not shared between threads).
final class Int8Packer {
    let engine: Int8Engine
    let rows: Int
    private let stream: dnnl_stream_t
    private(set) var matmuls: [[Int]: Int8Matmul] = [:]

    init(rows: Int) throws {
        engine = try Int8Engine()
        stream = try engine.makeStream()
        self.rows = rows
    }

    deinit { dnnl_stream_destroy(stream) }

    func pack(_ values: UnsafePointer<Int8>, n: Int, k: Int) throws -> PackedInt8Weight {
        let matmul = try matmuls[[n, k]] ?? Int8Matmul(engine: engine, rows: rows, n: n, k: k)
        matmuls[[n, k]] = matmul
        return try PackedInt8Weight(values, matmul: matmul, stream: stream)
    }
}

/// Working memory of the int8 row-block pipeline for one thread: u8 input codes of a block, the block's
/// int32 products, per-row scales and zero points, one fp32 row, the matmul scratchpad and a stream.
final class Int8Workspace {
    let rows: Int
    let codes, codes2: UnsafeMutablePointer<UInt8>
    let accumulators: UnsafeMutablePointer<Int32>
    let scales, scales2, row: UnsafeMutablePointer<Float>
    let zeros, zeros2: UnsafeMutablePointer<Int32>
    /// The matmul scratchpad; grows when a primitive made later (another thread count) needs more.
    private var scratchpad: UnsafeMutableRawPointer
    private var scratchpadBytes: Int
    let stream: dnnl_stream_t
    let engine: Int8Engine
    private let base: UnsafeMutableRawPointer

    /// `widest`: the largest n or k of any matmul; `scratchpadBytes`: the largest scratchpad.
    init(engine: Int8Engine, rows: Int, widest: Int, scratchpadBytes: Int) throws {
        self.engine = engine
        self.rows = rows
        self.scratchpadBytes = max(scratchpadBytes, 64)
        scratchpad = .allocate(byteCount: self.scratchpadBytes, alignment: 64)
        stream = try engine.makeStream()
        let sizes = [rows * widest, rows * widest, 4 * rows * widest, 4 * rows, 4 * rows, 4 * widest, 4 * rows, 4 * rows].map { ($0 + 63) & ~63 }
        let base = UnsafeMutableRawPointer.allocate(byteCount: sizes.reduce(0, +), alignment: 64)
        self.base = base
        var offset = 0
        let starts = sizes.map { size -> UnsafeMutableRawPointer in
            defer { offset += size }
            return base + offset
        }
        codes = starts[0].bindMemory(to: UInt8.self, capacity: rows * widest)
        codes2 = starts[1].bindMemory(to: UInt8.self, capacity: rows * widest)
        accumulators = starts[2].bindMemory(to: Int32.self, capacity: rows * widest)
        scales = starts[3].bindMemory(to: Float.self, capacity: rows)
        scales2 = starts[4].bindMemory(to: Float.self, capacity: rows)
        row = starts[5].bindMemory(to: Float.self, capacity: widest)
        zeros = starts[6].bindMemory(to: Int32.self, capacity: rows)
        zeros2 = starts[7].bindMemory(to: Int32.self, capacity: rows)
        // Rows past the last token of a pack are computed too (the primitive has a fixed row count):
        // start them as zero codes so they never hold uninitialised memory.
        base.initializeMemory(as: UInt8.self, repeating: 0, count: sizes.reduce(0, +))
    }

    deinit {
        dnnl_stream_destroy(stream)
        base.deallocate()
        scratchpad.deallocate()
    }

    /// c[m × n] = codes[m × k] · weight (m: a whole block by default; c: the block's `accumulators` by
    /// default) in one call of the packed primitive made for m rows rounded up to 8, so few rows (refinement's,
    /// a pack's last block) cost few and each call reads the weight once; integer products, so the same values
    /// as the block primitive. Where oneDNN would want another weight layout for that row count, block by block.
    func run(_ weight: PackedInt8Weight, input: UnsafePointer<UInt8>, rows m: Int? = nil,
             into c: UnsafeMutablePointer<Int32>? = nil) throws {
        let m = m ?? rows, c = c ?? accumulators
        if let primitive = try? weight.matmul.forCurrentThread(rows: (m + 7) / 8 * 8) {
            return try run(primitive, a: input, b: weight.bytes, c: c)
        }
        for start in stride(from: 0, to: m, by: rows) {
            try run(weight.matmul.forCurrentThread(), a: input + start * weight.matmul.k, b: weight.bytes,
                    c: c + start * weight.matmul.n)
        }
    }

    /// c = a · b through any primitive made by kernels_int8.h (growing the scratchpad when needed).
    func run(_ descriptor: UnsafeMutablePointer<lingua_int8_matmul>, a: UnsafeRawPointer, b: UnsafeRawPointer,
             c: UnsafeMutableRawPointer) throws {
        let needed = lingua_int8_matmul_scratchpad_bytes(descriptor)
        if needed > scratchpadBytes {
            scratchpad.deallocate()
            scratchpad = .allocate(byteCount: needed, alignment: 64)
            scratchpadBytes = needed
        }
        let status = lingua_int8_matmul_run(descriptor, engine.engine, stream, a, b, c, scratchpad)
        guard status == dnnl_success else {
            let d = descriptor.pointee
            throw EncoderError(.invalidInput, "matmul failed with status \(status.rawValue) (m=\(d.m) n=\(d.n) k=\(d.k))")
        }
    }
}

/// Idle workspaces of one `Int8Weights`, reused between calls (at most a few are kept).
final class Int8WorkspacePool: @unchecked Sendable {
    let engine: Int8Engine
    let rows, widest, scratchpadBytes: Int
    private let lock = NSLock()
    private var idle: [Int8Workspace] = []

    init(engine: Int8Engine, rows: Int, widest: Int, scratchpadBytes: Int) {
        (self.engine, self.rows, self.widest, self.scratchpadBytes) = (engine, rows, widest, scratchpadBytes)
    }

    func take() throws -> Int8Workspace {
        try lock.withLock { idle.popLast() }
            ?? Int8Workspace(engine: engine, rows: rows, widest: widest, scratchpadBytes: scratchpadBytes)
    }

    func give(_ workspace: Int8Workspace) {
        lock.withLock { if idle.count < 4 { idle.append(workspace) } }
    }
}

/// The attention matmuls of an `attn_bf16` or `attn_int8` plan (oneDNN, made on first use per shape,
/// strides, element types and thread count; executing one from several threads at once is safe).
final class AttentionMatmuls: @unchecked Sendable {
    let engine: Int8Engine
    private let made = MatmulPrimitives<[Int]>()

    init(engine: Int8Engine) { self.engine = engine }

    /// c[m × n] (row stride ldc) = a[m × k] (row stride lda) · b, b[k × n] at element strides (kStride, nStride):
    /// bf16 · bf16 → f32, or with `int8` u8 · s8 → s32.
    func matmul(m: Int, n: Int, k: Int, lda: Int, kStride: Int, nStride: Int, ldc: Int, int8: Bool = false) throws
        -> UnsafeMutablePointer<lingua_int8_matmul> {
        let key = [m, n, k, lda, kStride, nStride, ldc, int8 ? 1 : 0, GEMM.threadsForCurrentThread() ?? 1]
        if let found = made.find(key) { return found }
        let descriptor = UnsafeMutablePointer<lingua_int8_matmul>.allocate(capacity: 1)
        let status = int8
            ? lingua_attention_matmul_create(engine.engine, m, n, k, lda, kStride, nStride, ldc, dnnl_u8, dnnl_s8, dnnl_s32, descriptor)
            : lingua_bf16_matmul_create(engine.engine, m, n, k, lda, kStride, nStride, ldc, descriptor)
        guard status == dnnl_success else {
            descriptor.deallocate()
            throw EncoderError(.invalidInput, "\(int8 ? "int8" : "bf16") matmul primitive m=\(m) n=\(n) k=\(k) failed with status \(status.rawValue)")
        }
        return made.keep(descriptor, for: key)
    }
}
