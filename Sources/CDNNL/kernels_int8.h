// The int8 encoder's row-block pipeline: oneDNN matmul primitives on pre-packed int8 weights (brgemm,
// VNNI) for a fixed block of rows, and fused epilogues that turn a block of int32 products straight
// into the next layer's input (u8 codes, or the LayerNorm'd fp32 hidden state) while it sits in L2.
// Every epilogue is the composition of kernels.h's entry points on one row held in a small buffer,
// in the same order as the unfused path, so it gives the same bits.
#ifndef LINGUA_KERNELS_INT8_H
#define LINGUA_KERNELS_INT8_H

#include <dnnl.h>
#include <stdint.h>
#include <stdlib.h>
#include "kernels.h"

// MARK: matmul on pre-packed weights

/// A u8[m × k] · s8[k × n] → s32[m × n] matmul primitive for one fixed m (the row block), with the
/// weight layout oneDNN chose for it (pack a PyTorch [n × k] weight with `lingua_int8_matmul_pack`).
/// `lingua_bf16_matmul_create` fills the same struct for the bf16 attention matmuls (plain strided layouts).
typedef struct lingua_int8_matmul {
    dnnl_primitive_t primitive;
    dnnl_memory_desc_t src, weights, dst, scratchpad;
    long m, n, k;
} lingua_int8_matmul;

/// The common end of the matmul constructors: the primitive for mm's src/weights/dst descriptors on
/// `engine` with a user-managed scratchpad; with `query_weights` the weight descriptor becomes the layout
/// the primitive chose (for packing). Fills `out` only on success.
static inline dnnl_status_t lingua_matmul_finish(dnnl_engine_t engine, lingua_int8_matmul mm, int query_weights,
                                                 lingua_int8_matmul *out) {
    dnnl_status_t status;
    dnnl_matmul_desc_t desc;
    if ((status = dnnl_matmul_desc_init(&desc, &mm.src, &mm.weights, NULL, &mm.dst))) return status;
    dnnl_primitive_attr_t attr;
    if ((status = dnnl_primitive_attr_create(&attr))) return status;
    status = dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user);
    dnnl_primitive_desc_t pd = NULL;
    if (!status) status = dnnl_primitive_desc_create(&pd, &desc, attr, engine, NULL);
    dnnl_primitive_attr_destroy(attr);
    if (status) return status;
    if (query_weights) mm.weights = *dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
    mm.scratchpad = *dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0);
    status = dnnl_primitive_create(&mm.primitive, pd);
    dnnl_primitive_desc_destroy(pd);
    if (status) return status;
    *out = mm;
    return dnnl_success;
}

/// Creates the primitive on `engine` (user-managed scratchpad, so concurrent callers never share one).
/// Returns dnnl_success or oneDNN's error; `out` is left untouched on failure.
static inline dnnl_status_t lingua_int8_matmul_create(dnnl_engine_t engine, long m, long n, long k,
                                                      lingua_int8_matmul *out) {
    lingua_int8_matmul mm;
    memset(&mm, 0, sizeof mm);
    mm.m = m; mm.n = n; mm.k = k;
    dnnl_dims_t src_dims = {m, k}, weight_dims = {k, n}, dst_dims = {m, n};
    dnnl_status_t status;
    if ((status = dnnl_memory_desc_init_by_tag(&mm.src, 2, src_dims, dnnl_u8, dnnl_ab))) return status;
    if ((status = dnnl_memory_desc_init_by_tag(&mm.weights, 2, weight_dims, dnnl_s8, dnnl_format_tag_any))) return status;
    if ((status = dnnl_memory_desc_init_by_tag(&mm.dst, 2, dst_dims, dnnl_s32, dnnl_ab))) return status;
    return lingua_matmul_finish(engine, mm, 1, out);
}

static inline void lingua_int8_matmul_destroy(lingua_int8_matmul *mm) {
    if (mm->primitive) dnnl_primitive_destroy(mm->primitive);
    mm->primitive = NULL;
}

/// Bytes of the packed weights and of the scratchpad one call needs.
static inline size_t lingua_int8_matmul_weight_bytes(const lingua_int8_matmul *mm) { return dnnl_memory_desc_get_size(&mm->weights); }
static inline size_t lingua_int8_matmul_scratchpad_bytes(const lingua_int8_matmul *mm) { return dnnl_memory_desc_get_size(&mm->scratchpad); }

/// Reorders the int8 weight w[n × k] (PyTorch `Linear` layout, i.e. the k × n matrix in `ba` order)
/// into `packed` (`lingua_int8_matmul_weight_bytes` bytes, 64-byte aligned).
static inline dnnl_status_t lingua_int8_matmul_pack(dnnl_engine_t engine, dnnl_stream_t stream, const lingua_int8_matmul *mm,
                                                    const int8_t *w, void *packed) {
    dnnl_memory_desc_t user;
    dnnl_dims_t dims = {mm->k, mm->n};
    dnnl_status_t status;
    if ((status = dnnl_memory_desc_init_by_tag(&user, 2, dims, dnnl_s8, dnnl_ba))) return status;
    dnnl_memory_t from = NULL, to = NULL;
    dnnl_primitive_desc_t pd = NULL;
    dnnl_primitive_t reorder = NULL;
    status = dnnl_memory_create(&from, &user, engine, (void *)w);
    if (!status) status = dnnl_memory_create(&to, &mm->weights, engine, packed);
    if (!status) status = dnnl_reorder_primitive_desc_create(&pd, &user, engine, &mm->weights, engine, NULL);
    if (!status) status = dnnl_primitive_create(&reorder, pd);
    if (!status) {
        dnnl_exec_arg_t args[2] = {{DNNL_ARG_FROM, from}, {DNNL_ARG_TO, to}};
        status = dnnl_primitive_execute(reorder, stream, 2, args);
        if (!status) status = dnnl_stream_wait(stream);
    }
    if (reorder) dnnl_primitive_destroy(reorder);
    if (pd) dnnl_primitive_desc_destroy(pd);
    if (to) dnnl_memory_destroy(to);
    if (from) dnnl_memory_destroy(from);
    return status;
}

/// c[m × n] (int32, row stride n) = a[m × k] (u8, row stride k) · packed weights. `scratchpad` holds
/// `lingua_int8_matmul_scratchpad_bytes` bytes (may be NULL when that is 0).
static inline dnnl_status_t lingua_int8_matmul_run(const lingua_int8_matmul *mm, dnnl_engine_t engine, dnnl_stream_t stream,
                                                   const void *a, const void *packed, void *c, void *scratchpad) {
    dnnl_memory_t src = NULL, weights = NULL, dst = NULL, pad = NULL;
    dnnl_status_t status = dnnl_memory_create(&src, &mm->src, engine, (void *)a);
    if (!status) status = dnnl_memory_create(&weights, &mm->weights, engine, (void *)packed);
    if (!status) status = dnnl_memory_create(&dst, &mm->dst, engine, c);
    int has_pad = dnnl_memory_desc_get_size(&mm->scratchpad) > 0;
    if (!status && has_pad) status = dnnl_memory_create(&pad, &mm->scratchpad, engine, scratchpad);
    if (!status) {
        dnnl_exec_arg_t args[4] = {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, weights}, {DNNL_ARG_DST, dst}, {DNNL_ARG_SCRATCHPAD, pad}};
        status = dnnl_primitive_execute(mm->primitive, stream, has_pad ? 4 : 3, args);
        if (!status) status = dnnl_stream_wait(stream);
    }
    if (pad) dnnl_memory_destroy(pad);
    if (dst) dnnl_memory_destroy(dst);
    if (weights) dnnl_memory_destroy(weights);
    if (src) dnnl_memory_destroy(src);
    return status;
}

// MARK: bf16 attention (opt-in)

/// A matmul c[m × n] (row stride ldc) = a[m × k] (row stride lda) · b[k × n], b given by its element strides
/// (kStride, nStride) so that Kᵀ or V of one head is read in place; element types a_type, b_type, c_type
/// (bf16·bf16 → f32 for `attn_bf16`, u8·s8 → s32 for `attn_int8`). Strides count elements of each type.
static inline dnnl_status_t lingua_attention_matmul_create(dnnl_engine_t engine, long m, long n, long k, long lda,
                                                           long kStride, long nStride, long ldc,
                                                           dnnl_data_type_t a_type, dnnl_data_type_t b_type,
                                                           dnnl_data_type_t c_type, lingua_int8_matmul *out) {
    lingua_int8_matmul mm;
    memset(&mm, 0, sizeof mm);
    mm.m = m; mm.n = n; mm.k = k;
    dnnl_dims_t a_dims = {m, k}, b_dims = {k, n}, c_dims = {m, n};
    dnnl_dims_t a_strides = {lda, 1}, b_strides = {kStride, nStride}, c_strides = {ldc, 1};
    dnnl_status_t status;
    if ((status = dnnl_memory_desc_init_by_strides(&mm.src, 2, a_dims, a_type, a_strides))) return status;
    if ((status = dnnl_memory_desc_init_by_strides(&mm.weights, 2, b_dims, b_type, b_strides))) return status;
    if ((status = dnnl_memory_desc_init_by_strides(&mm.dst, 2, c_dims, c_type, c_strides))) return status;
    return lingua_matmul_finish(engine, mm, 0, out);
}

/// The bf16 matmul of `attn_bf16`: c (f32) = a (bf16) · b (bf16), strides as `lingua_attention_matmul_create`.
static inline dnnl_status_t lingua_bf16_matmul_create(dnnl_engine_t engine, long m, long n, long k, long lda,
                                                      long kStride, long nStride, long ldc, lingua_int8_matmul *out) {
    return lingua_attention_matmul_create(engine, m, n, k, lda, kStride, nStride, ldc, dnnl_bf16, dnnl_bf16, dnnl_f32, out);
}

static inline uint16_t lingua_bf16_1(float x) {
    uint32_t bits; memcpy(&bits, &x, 4);
    if ((bits & 0x7FFFFFFFu) > 0x7F800000u) return (uint16_t)((bits >> 16) | 0x40);  // NaN stays NaN
    return (uint16_t)((bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16);                  // round to nearest even
}

#if defined(__x86_64__)
LINGUA_AVX512 static inline void lingua_to_bf16_avx512(const float *p, float *dst, long rows, long n, long ld, float scale) {
    __m512 vs = _mm512_set1_ps(scale);
    __m512i bias = _mm512_set1_epi32(0x7FFF), one = _mm512_set1_epi32(1);
    for (long row = 0; row < rows; row++) {
        const float *pr = p + row * ld;
        uint16_t *out = (uint16_t *)(dst + row * ld);
        long i = 0;
        for (; i + 16 <= n; i += 16) {
            __m512i bits = _mm512_castps_si512(_mm512_mul_ps(_mm512_loadu_ps(pr + i), vs));
            __m512i rounded = _mm512_add_epi32(bits, _mm512_add_epi32(bias, _mm512_and_si512(_mm512_srli_epi32(bits, 16), one)));
            _mm256_storeu_si256((__m256i *)(out + i), _mm512_cvtepi32_epi16(_mm512_srli_epi32(rounded, 16)));
        }
        for (; i < n; i++) {
            float x; memcpy(&x, pr + i, 4);
            uint16_t b = lingua_bf16_1(x * scale); memcpy(out + i, &b, 2);
        }
    }
}
#endif

/// Per row of `rows` rows (row stride `ld` floats): the first n floats of `p` × scale, rounded to bf16
/// (nearest even), written as n bf16 values at the start of the same row of `dst` (row stride 2·ld in
/// bf16). `dst` may be `p` (each row's bf16 values land on floats already read).
static inline void lingua_to_bf16(const float *p, float *dst, long rows, long n, long ld, float scale) {
#if defined(__x86_64__)
    if (LINGUA_HAS_AVX512()) { lingua_to_bf16_avx512(p, dst, rows, n, ld, scale); return; }
#endif
    for (long row = 0; row < rows; row++) {
        const float *pr = p + row * ld;
        uint16_t *out = (uint16_t *)(dst + row * ld);
        for (long i = 0; i < n; i++) {
            float x; memcpy(&x, pr + i, 4);
            uint16_t b = lingua_bf16_1(x * scale); memcpy(out + i, &b, 2);
        }
    }
}

/// `lingua_to_bf16` with `dst` = `p`.
static inline void lingua_to_bf16_in_place(float *p, long rows, long n, long ld, float scale) {
    lingua_to_bf16(p, p, rows, n, ld, scale);
}

// MARK: fused epilogues

/// Whether the fused LayerNorm epilogue is available (it needs kernels.h's AVX-512 LayerNorm).
static inline int lingua_int8_fused_available(void) {
#if defined(__x86_64__)
    return LINGUA_HAS_AVX512();
#else
    return 0;
#endif
}

/// Per row i of the block: x = dequantise(c[i]) + bias (as `lingua_dequantize`), then exact GELU
/// (`lingua_gelu`), then per-token u8 codes of x into q[i] (row stride k = n) with qScales/qZeros
/// (`lingua_quantize_rows`, less qCenter). The fp32 intermediate lives only in `buffer` (n floats).
static inline void lingua_int8_dequantize_gelu_quantize(const int32_t *c, long ldc, long rows, long n,
                                                        const float *rowScale, const int32_t *rowZero,
                                                        const float *colScale, const int32_t *colSum, const float *bias,
                                                        float *buffer, const float *qCenter, uint8_t *q, float *qScales,
                                                        int32_t *qZeros, int levels) {
    for (long row = 0; row < rows; row++) {
        lingua_dequantize(c + row * ldc, ldc, 1, n, rowScale + row, rowZero + row, colScale, colSum, bias, buffer, n);
        lingua_gelu(buffer, n);
        lingua_quantize_rows(buffer, 1, n, n, qCenter, q + row * n, qScales + row, qZeros + row, levels);
    }
}

/// Per row i: LayerNorm(dequantise(c[i]) + bias + hidden[i]) → hidden[i] (as `lingua_dequantize` then
/// `lingua_layer_norm` with the residual), then, when q is not NULL, the per-token u8 codes of the new
/// hidden row less qCenter into q[i] (row stride n). Returns 0 (doing nothing) without AVX-512.
static inline int lingua_int8_dequantize_layer_norm(const int32_t *c, long ldc, long rows, long n,
                                                    const float *rowScale, const int32_t *rowZero,
                                                    const float *colScale, const int32_t *colSum, const float *bias,
                                                    float *hidden, const float *gamma, const float *beta, float eps,
                                                    float *buffer, const float *qCenter, uint8_t *q, float *qScales,
                                                    int32_t *qZeros, int levels) {
    if (!lingua_int8_fused_available()) return 0;
    for (long row = 0; row < rows; row++) {
        float *h = hidden + row * n;
        lingua_dequantize(c + row * ldc, ldc, 1, n, rowScale + row, rowZero + row, colScale, colSum, bias, buffer, n);
        lingua_layer_norm(buffer, NULL, h, 1, n, gamma, beta, eps, h);
        if (q) lingua_quantize_rows(h, 1, n, n, qCenter, q + row * n, qScales + row, qZeros + row, levels);
    }
    return 1;
}

// MARK: two-code ("split") products for refinement

/// The second u8 code of `lingua_quantize_rows` activations: for each element, the residual
/// r = (x − center) − scale·(hi − zero) left by the first code `hi`, as lo = clamp(round(127·r / scale), ±127) + 128
/// (zero point 128). Together hi and lo resolve x to about scale / 254, ~16 bits over the row's range.
LINGUA_AVX512 static inline void lingua_quantize_residual_rows_avx512(const float *x, long rows, long k, long ldx,
                                                                        const float *center, const uint8_t *hi,
                                                                        const float *scales, const int32_t *zeros,
                                                                        uint8_t *lo) {
    __m512i lowest = _mm512_set1_epi32(-127), highest = _mm512_set1_epi32(127), offset = _mm512_set1_epi32(128);
    for (long row = 0; row < rows; row++) {
        const float *px = x + row * ldx;
        const uint8_t *ph = hi + row * k;
        uint8_t *pl = lo + row * k;
        __m512 s = _mm512_set1_ps(scales[row]), inv = _mm512_set1_ps(127.0f / scales[row]);
        __m512i z = _mm512_set1_epi32(zeros[row]);
        for (long i = 0; i < k; i += 16) {
            __mmask16 m = i + 16 <= k ? (__mmask16)0xFFFF : (__mmask16)((1u << (k - i)) - 1);
            __m512 v = _mm512_maskz_loadu_ps(m, px + i);
            if (center) v = _mm512_sub_ps(v, _mm512_maskz_loadu_ps(m, center + i));
            __m512 coarse = _mm512_mul_ps(s, _mm512_cvtepi32_ps(_mm512_sub_epi32(_mm512_cvtepu8_epi32(_mm_maskz_loadu_epi8(m, ph + i)), z)));
            __m512i code = _mm512_cvtps_epi32(_mm512_mul_ps(_mm512_sub_ps(v, coarse), inv));
            code = _mm512_add_epi32(_mm512_min_epi32(_mm512_max_epi32(code, lowest), highest), offset);
            _mm512_mask_cvtepi32_storeu_epi8(pl + i, m, code);
        }
    }
}

static inline void lingua_quantize_residual_rows(const float *x, long rows, long k, long ldx, const float *center,
                                                 const uint8_t *hi, const float *scales, const int32_t *zeros, uint8_t *lo) {
#if defined(__x86_64__)
    if (LINGUA_HAS_AVX512()) { lingua_quantize_residual_rows_avx512(x, rows, k, ldx, center, hi, scales, zeros, lo); return; }
#endif
    for (long row = 0; row < rows; row++) {
        float s = scales[row], inv = 127.0f / scales[row];
        for (long i = 0; i < k; i++) {
            float v = center ? x[row * ldx + i] - center[i] : x[row * ldx + i];
            float coarse = s * (float)((int32_t)hi[row * k + i] - zeros[row]);
            long code = lrintf((v - coarse) * inv);
            code = code < -127 ? -127 : (code > 127 ? 127 : code);
            lo[row * k + i] = (uint8_t)(code + 128);
        }
    }
}

/// The second int8 code of `lingua_quantize_weight_rows` weights w[rows × k] with codes hi and scales:
/// lo = clamp(round(254·(w − scale·hi) / scale), ±127), with the per-row sums of lo.
static inline void lingua_quantize_weight_residual_rows(const float *w, long rows, long k, const int8_t *hi,
                                                        const float *scales, int8_t *lo, int32_t *sums) {
    for (long row = 0; row < rows; row++) {
        float s = scales[row], inv = 254.0f / scales[row];
        int32_t total = 0;
        for (long i = 0; i < k; i++) {
            long code = lrintf((w[row * k + i] - s * (float)hi[row * k + i]) * inv);
            code = code < -127 ? -127 : (code > 127 ? 127 : code);
            lo[row * k + i] = (int8_t)code;
            total += (int32_t)code;
        }
        sums[row] = total;
    }
}

/// out[i][j] = rowScale[i]·colScale[j]·((hh − z_i·hiSum_j) + (lh − 128·hiSum_j) / 127 + (hl − z_i·loSum_j) / 254) + bias[j]:
/// the three products of two-code activations (hi, lo from `lingua_quantize_residual_rows`) and two-code
/// weights (hi, lo from `lingua_quantize_weight_residual_rows`): hh = hi·hi, lh = lo·hi, hl = hi·lo
/// (the lo·lo term is below the codes' resolution). All three at row stride ldc.
LINGUA_AVX512 static inline void lingua_split_dequantize_avx512(const int32_t *hh, const int32_t *lh, const int32_t *hl, long ldc,
                                                                  long rows, long n, const float *rowScale, const int32_t *rowZero,
                                                                  const float *colScale, const int32_t *hiSum, const int32_t *loSum,
                                                                  const float *bias, float *out, long ldo) {
    __m512i lz = _mm512_set1_epi32(128);
    __m512 third = _mm512_set1_ps(1.0f / 127.0f), fourth = _mm512_set1_ps(1.0f / 254.0f);
    for (long row = 0; row < rows; row++) {
        __m512i z = _mm512_set1_epi32(rowZero[row]);
        __m512 s = _mm512_set1_ps(rowScale[row]);
        for (long j = 0; j < n; j += 16) {
            __mmask16 m = j + 16 <= n ? (__mmask16)0xFFFF : (__mmask16)((1u << (n - j)) - 1);
            __m512i hs = _mm512_maskz_loadu_epi32(m, hiSum + j), ls = _mm512_maskz_loadu_epi32(m, loSum + j);
            __m512 a = _mm512_cvtepi32_ps(_mm512_sub_epi32(_mm512_maskz_loadu_epi32(m, hh + row * ldc + j), _mm512_mullo_epi32(z, hs)));
            __m512 b = _mm512_cvtepi32_ps(_mm512_sub_epi32(_mm512_maskz_loadu_epi32(m, lh + row * ldc + j), _mm512_mullo_epi32(lz, hs)));
            __m512 c = _mm512_cvtepi32_ps(_mm512_sub_epi32(_mm512_maskz_loadu_epi32(m, hl + row * ldc + j), _mm512_mullo_epi32(z, ls)));
            __m512 v = _mm512_fmadd_ps(c, fourth, _mm512_fmadd_ps(b, third, a));
            v = _mm512_fmadd_ps(_mm512_mul_ps(v, s), _mm512_maskz_loadu_ps(m, colScale + j), _mm512_maskz_loadu_ps(m, bias + j));
            _mm512_mask_storeu_ps(out + row * ldo + j, m, v);
        }
    }
}

static inline void lingua_split_dequantize(const int32_t *hh, const int32_t *lh, const int32_t *hl, long ldc, long rows, long n,
                                           const float *rowScale, const int32_t *rowZero, const float *colScale,
                                           const int32_t *hiSum, const int32_t *loSum, const float *bias, float *out, long ldo) {
#if defined(__x86_64__)
    if (LINGUA_HAS_AVX512()) {
        lingua_split_dequantize_avx512(hh, lh, hl, ldc, rows, n, rowScale, rowZero, colScale, hiSum, loSum, bias, out, ldo);
        return;
    }
#endif
    for (long i = 0; i < rows; i++)
        for (long j = 0; j < n; j++) {
            float a = (float)(hh[i * ldc + j] - rowZero[i] * hiSum[j]);
            float b = (float)(lh[i * ldc + j] - 128 * hiSum[j]);
            float c = (float)(hl[i * ldc + j] - rowZero[i] * loSum[j]);
            out[i * ldo + j] = rowScale[i] * colScale[j] * (a + b / 127.0f + c / 254.0f) + bias[j];
        }
}

#endif
