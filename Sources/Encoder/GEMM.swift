import CDNNL
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Row-major single-precision GEMM through oneDNN's `dnnl_sgemm` (it picks its AVX-512 kernels
/// by itself), plus control of the OpenMP team size that oneDNN uses on the calling thread.
public enum GEMM {
    /// C[m×n] = alpha · A[m×k] · op(B) + beta · C, where op(B) = Bᵀ for a PyTorch `Linear` weight
    /// stored [n×k] (`transposeB`), or B[k×n] otherwise.
    @inline(__always)
    public static func sgemm(m: Int, n: Int, k: Int, alpha: Float = 1,
                      a: UnsafePointer<Float>, lda: Int,
                      b: UnsafePointer<Float>, ldb: Int, transposeB: Bool,
                      beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) throws {
        guard m > 0, n > 0 else { return }
        let status = dnnl_sgemm(CChar(UInt8(ascii: "N")), CChar(UInt8(ascii: transposeB ? "T" : "N")),
                                dnnl_dim_t(m), dnnl_dim_t(n), dnnl_dim_t(k), alpha,
                                a, dnnl_dim_t(lda), b, dnnl_dim_t(ldb), beta, c, dnnl_dim_t(ldc))
        guard status == dnnl_success else {
            throw EncoderError(.invalidInput, "dnnl_sgemm failed with status \(status.rawValue) for m=\(m) n=\(n) k=\(k)")
        }
    }

    /// C[m×n] (int32) = A[m×k] (u8, row-major) · Bᵀ, with B an int8 [n×k] matrix (a quantised
    /// PyTorch `Linear` weight): oneDNN's `dnnl_gemm_u8s8s32` (AVX-512 VNNI here), no offsets.
    @inline(__always)
    static func gemmU8S8(m: Int, n: Int, k: Int, a: UnsafePointer<UInt8>, b: UnsafePointer<Int8>,
                         c: UnsafeMutablePointer<Int32>) throws {
        guard m > 0, n > 0 else { return }
        var zero: Int32 = 0
        let status = dnnl_gemm_u8s8s32(CChar(UInt8(ascii: "N")), CChar(UInt8(ascii: "T")), CChar(UInt8(ascii: "F")),
                                       dnnl_dim_t(m), dnnl_dim_t(n), dnnl_dim_t(k), 1, a, dnnl_dim_t(k), 0,
                                       b, dnnl_dim_t(k), 0, 0, c, dnnl_dim_t(n), &zero)
        guard status == dnnl_success else {
            throw EncoderError(.invalidInput, "dnnl_gemm_u8s8s32 failed with status \(status.rawValue) for m=\(m) n=\(n) k=\(k)")
        }
    }

    private typealias SetThreads = @convention(c) (Int32) -> Void
    private typealias GetThreads = @convention(c) () -> Int32

    /// Sets how many OpenMP threads oneDNN's GEMM uses when called from the *current* thread
    /// (OpenMP keeps this per thread). Returns false if the OpenMP runtime could not be found.
    /// Use 1 when several workers each run their own sequences; 2 for one worker on 2 cores.
    @discardableResult
    public static func setThreadsForCurrentThread(_ count: Int) -> Bool {
        guard let symbol = dlsym(openMPHandle(), "omp_set_num_threads") else { return false }
        unsafeBitCast(symbol, to: SetThreads.self)(Int32(max(1, count)))
        return true
    }

    /// The OpenMP team size GEMM calls from this thread will use (nil without an OpenMP runtime).
    public static func threadsForCurrentThread() -> Int? {
        guard let symbol = dlsym(openMPHandle(), "omp_get_max_threads") else { return nil }
        return Int(unsafeBitCast(symbol, to: GetThreads.self)())
    }

    private static func openMPHandle() -> UnsafeMutableRawPointer? {
        // libgomp is loaded as a dependency of libdnnl; RTLD_NOLOAD only finds it, never loads it.
        dlopen("libgomp.so.1", RTLD_LAZY | RTLD_NOLOAD)
    }
}
