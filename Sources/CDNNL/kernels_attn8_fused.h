// The int8 self-attention of one head and one sequence in a single pass on AVX-512 VNNI, 16 query rows
// at a time with the rows in the lanes of each vector: the rows' query codes stay in registers while each
// key's codes are broadcast into `vpdpbusd` (scores of 16 rows for one key per vector), so the softmax's
// row maxima and sums are vertical (a key more than 6.5 below all 16 rows' maxima skips the exponential:
// its codes are 0 either way); its codes, four keys interleaved per row, multiply the broadcast value
// codes the same way, and a 16 × 16 transpose writes the context rows. The integer products are exact and
// every float operation is the one `lingua_attention_softmax_codes` and `lingua_scale_products` do on the
// same values, in the same order, so the result is bit for bit that of the oneDNN-matmul path in
// kernels_attn8.h (which remains for CPUs without VNNI).
#ifndef LINGUA_KERNELS_ATTN8_FUSED_H
#define LINGUA_KERNELS_ATTN8_FUSED_H

#include <stdint.h>
#include <string.h>
#include "kernels.h"
#include "kernels_attn8.h"

#pragma STDC FP_CONTRACT OFF

/// Whether `lingua_attention_int8_head` runs here (AVX-512 with VNNI).
static inline int lingua_attention_int8_fused_available(void) {
#if defined(__x86_64__)
    return LINGUA_HAS_AVX512() && __builtin_cpu_supports("avx512vnni");
#else
    return 0;
#endif
}

/// Whether a head of `dh` dimensions fits the fused kernel (whole 16-dimension vectors, at most 64).
static inline int lingua_attention_int8_fused_fits(long dh) { return dh > 0 && dh <= 64 && dh % 16 == 0; }

/// Bytes of the `work` buffer of `lingua_attention_int8_head` for n keys of dh dimensions: packed keys
/// (64 per key), packed values, one group's scores (16 per key) and codes (64 per four keys).
static inline long lingua_attention_int8_work_bytes(long n, long dh) {
    long quads = (n + 3) / 4;
    return 64 * n + 4 * quads * dh + 64 * 4 * quads + 64 * quads;
}

#if defined(__x86_64__)
#define LINGUA_AVX512_VNNI __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx512vnni,fma")))

/// Bytes {r0[i], r1[i], r2[i], r3[i]} as dword i of the result, i = 0 ..< 16.
LINGUA_AVX512_VNNI static inline __m512i lingua_attn8_interleave4(__m128i r0, __m128i r1, __m128i r2, __m128i r3) {
    __m128i a = _mm_unpacklo_epi8(r0, r1), b = _mm_unpackhi_epi8(r0, r1);
    __m128i e = _mm_unpacklo_epi8(r2, r3), f = _mm_unpackhi_epi8(r2, r3);
    __m512i z = _mm512_castsi128_si512(_mm_unpacklo_epi16(a, e));
    z = _mm512_inserti32x4(z, _mm_unpackhi_epi16(a, e), 1);
    z = _mm512_inserti32x4(z, _mm_unpacklo_epi16(b, f), 2);
    return _mm512_inserti32x4(z, _mm_unpackhi_epi16(b, f), 3);
}

/// Keys k[n × dh] (row stride ldk) as kp[key][64] (codes past dh are zero).
LINGUA_AVX512_VNNI static inline void lingua_attn8_pack_keys(const int8_t *k, long ldk, long n, long dh, int8_t *kp) {
    __mmask64 m = dh >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << dh) - 1);
    for (long key = 0; key < n; key++) _mm512_store_si512((void *)(kp + key * 64), _mm512_maskz_loadu_epi8(m, k + key * ldk));
}

/// Values v[n × dh] (row stride ldv) as vp[dh / 16][n / 4 rounded up][16 dimensions][4 keys], zero past n.
LINGUA_AVX512_VNNI static inline void lingua_attn8_pack_values(const int8_t *v, long ldv, long n, long dh, int8_t *vp) {
    long quads = (n + 3) / 4;
    for (long c = 0; c < dh / 16; c++) {
        for (long quad = 0; quad < quads; quad++) {
            long key = 4 * quad;
            __m128i r0 = _mm_loadu_si128((const __m128i *)(v + key * ldv + 16 * c));
            __m128i r1 = key + 1 < n ? _mm_loadu_si128((const __m128i *)(v + (key + 1) * ldv + 16 * c)) : _mm_setzero_si128();
            __m128i r2 = key + 2 < n ? _mm_loadu_si128((const __m128i *)(v + (key + 2) * ldv + 16 * c)) : _mm_setzero_si128();
            __m128i r3 = key + 3 < n ? _mm_loadu_si128((const __m128i *)(v + (key + 3) * ldv + 16 * c)) : _mm_setzero_si128();
            _mm512_store_si512((void *)(vp + (c * quads + quad) * 64), lingua_attn8_interleave4(r0, r1, r2, r3));
        }
    }
}

/// A 16 × 16 float transpose in place: r[i] lane j ↔ r[j] lane i.
LINGUA_AVX512_VNNI static inline void lingua_attn8_transpose16(__m512 *r) {
    __m512 t[16];
    for (int i = 0; i < 8; i++) {
        t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
        t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    }
    for (int i = 0; i < 4; i++) {
        r[4 * i] = _mm512_shuffle_ps(t[4 * i], t[4 * i + 2], 0x44);
        r[4 * i + 1] = _mm512_shuffle_ps(t[4 * i], t[4 * i + 2], 0xEE);
        r[4 * i + 2] = _mm512_shuffle_ps(t[4 * i + 1], t[4 * i + 3], 0x44);
        r[4 * i + 3] = _mm512_shuffle_ps(t[4 * i + 1], t[4 * i + 3], 0xEE);
    }
    for (int half = 0; half < 2; half++) {
        for (int i = 0; i < 4; i++) {
            t[8 * half + i] = _mm512_shuffle_f32x4(r[8 * half + i], r[8 * half + i + 4], 0x88);
            t[8 * half + i + 4] = _mm512_shuffle_f32x4(r[8 * half + i], r[8 * half + i + 4], 0xDD);
        }
    }
    for (int i = 0; i < 8; i++) {
        r[i] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0x88);
        r[i + 8] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0xDD);
    }
}

static inline int32_t lingua_attn8_dword(const void *p) { int32_t w; memcpy(&w, p, 4); return w; }

/// Scores x − max below this give the code 0 for any levels ≤ 255 (255 · e^−6.5 < 0.39), so a key whose
/// 16 rows all lie below it skips the exponential.
#define LINGUA_ATTN8_COLD (-6.5f)

/// One group of up to 16 query rows from q (row stride ldq); lanes past `count` repeat the last row and
/// are dropped. sc: 16 floats per key, pc: 64 bytes per four keys. Formulas: `lingua_attention_int8_head`.
LINGUA_AVX512_VNNI static inline void lingua_attn8_group16(long count, long n, long dh, const uint8_t *q, long ldq,
                                                           const float *rowScale, const int32_t *rowZero, long rowStride,
                                                           float scale, const int8_t *kp, const float *kScale,
                                                           const int32_t *kSum, const float *maskBias, const int8_t *vp,
                                                           const float *vScale, int levels, float *out, long ldo, float *sc,
                                                           uint8_t *pc) {
    long quads = (n + 3) / 4, dq = dh / 4;
    __m512i rows = _mm512_min_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                                    _mm512_set1_epi32((int)(count - 1)));
    __m512i offsets = _mm512_mullo_epi32(rows, _mm512_set1_epi32((int)ldq));
    __m512i strided = _mm512_mullo_epi32(rows, _mm512_set1_epi32((int)rowStride));
    // Per lane (row): its score scale (as the scalar path: rowScale · scale) and its zero point.
    __m512 rowScales = _mm512_mul_ps(_mm512_i32gather_ps(strided, rowScale, 4), _mm512_set1_ps(scale));
    __m512i zeros = _mm512_i32gather_epi32(strided, rowZero, 4);
#define LINGUA_Q(j) __m512i q##j = (j) < dq ? _mm512_i32gather_epi32(offsets, q + 4 * (j), 1) : _mm512_setzero_si512();
    LINGUA_Q(0) LINGUA_Q(1) LINGUA_Q(2) LINGUA_Q(3) LINGUA_Q(4) LINGUA_Q(5) LINGUA_Q(6) LINGUA_Q(7)
    LINGUA_Q(8) LINGUA_Q(9) LINGUA_Q(10) LINGUA_Q(11) LINGUA_Q(12) LINGUA_Q(13) LINGUA_Q(14) LINGUA_Q(15)
#undef LINGUA_Q
    __m512 maxima = _mm512_set1_ps(-INFINITY);
// Products of key `key`'s dword j (in kp) with every row's dword j, into acc.
#define LINGUA_DP(acc, key, j) \
    acc = _mm512_dpbusd_epi32(acc, q##j, _mm512_set1_epi32(lingua_attn8_dword(kp + (key) * 64 + 4 * (j))))
#define LINGUA_SCORE(a, b, key)                                                                                   \
    {                                                                                                             \
        __m512i acc = _mm512_add_epi32(a, b);                                                                     \
        acc = _mm512_sub_epi32(acc, _mm512_mullo_epi32(zeros, _mm512_set1_epi32(kSum[key])));                    \
        __m512 x = _mm512_mul_ps(_mm512_mul_ps(_mm512_cvtepi32_ps(acc), rowScales), _mm512_set1_ps(kScale[key])); \
        if (maskBias) x = _mm512_add_ps(x, _mm512_set1_ps(maskBias[key]));                                         \
        _mm512_store_ps(sc + (key) * 16, x);                                                                      \
        maxima = _mm512_max_ps(maxima, x);                                                                        \
    }
    long key = 0;
    for (; key + 4 <= n; key += 4) {
        // Two accumulators per key (even and odd dwords): eight independent chains.
        __m512i a0 = _mm512_setzero_si512(), b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0, a3 = a0, b3 = a0;
#define LINGUA_STEP(j, k)                                                                                          \
    LINGUA_DP(a0, key, j); LINGUA_DP(b0, key, k); LINGUA_DP(a1, key + 1, j); LINGUA_DP(b1, key + 1, k);            \
    LINGUA_DP(a2, key + 2, j); LINGUA_DP(b2, key + 2, k); LINGUA_DP(a3, key + 3, j); LINGUA_DP(b3, key + 3, k);
        LINGUA_STEP(0, 1) LINGUA_STEP(2, 3) LINGUA_STEP(4, 5) LINGUA_STEP(6, 7)
        if (dq > 8) { LINGUA_STEP(8, 9) LINGUA_STEP(10, 11) LINGUA_STEP(12, 13) LINGUA_STEP(14, 15) }
#undef LINGUA_STEP
        LINGUA_SCORE(a0, b0, key) LINGUA_SCORE(a1, b1, key + 1) LINGUA_SCORE(a2, b2, key + 2) LINGUA_SCORE(a3, b3, key + 3)
    }
    for (; key < n; key++) {
        __m512i a0 = _mm512_setzero_si512(), b0 = a0;
        LINGUA_DP(a0, key, 0); LINGUA_DP(b0, key, 1); LINGUA_DP(a0, key, 2); LINGUA_DP(b0, key, 3);
        LINGUA_DP(a0, key, 4); LINGUA_DP(b0, key, 5); LINGUA_DP(a0, key, 6); LINGUA_DP(b0, key, 7);
        LINGUA_DP(a0, key, 8); LINGUA_DP(b0, key, 9); LINGUA_DP(a0, key, 10); LINGUA_DP(b0, key, 11);
        LINGUA_DP(a0, key, 12); LINGUA_DP(b0, key, 13); LINGUA_DP(a0, key, 14); LINGUA_DP(b0, key, 15);
        LINGUA_SCORE(a0, b0, key)
    }
#undef LINGUA_SCORE
#undef LINGUA_DP
    // Softmax codes, four keys per 64 bytes (row-major dwords of four codes); their sums per row.
    __m512 top = _mm512_set1_ps((float)levels), cold = _mm512_set1_ps(LINGUA_ATTN8_COLD);
    __m512i totals = _mm512_setzero_si512();
    for (long quad = 0; quad < quads; quad++) {
        __m128i c0 = _mm_setzero_si128(), c1 = c0, c2 = c0, c3 = c0;
#define LINGUA_CODES(i)                                                                                 \
    if (4 * quad + (i) < n) {                                                                           \
        __m512 d = _mm512_sub_ps(_mm512_load_ps(sc + (4 * quad + (i)) * 16), maxima);                   \
        if (_mm512_cmp_ps_mask(d, cold, _CMP_NLT_UQ)) {                                                 \
            __m512i code = _mm512_cvtps_epi32(_mm512_mul_ps(lingua_exp16_nonpositive(d), top));         \
            totals = _mm512_add_epi32(totals, code);                                                    \
            c##i = _mm512_cvtepi32_epi8(code);                                                          \
        }                                                                                               \
    }
        LINGUA_CODES(0) LINGUA_CODES(1) LINGUA_CODES(2) LINGUA_CODES(3)
#undef LINGUA_CODES
        _mm512_store_si512((void *)(pc + quad * 64), lingua_attn8_interleave4(c0, c1, c2, c3));
    }
    __m512 codeScales = _mm512_div_ps(_mm512_set1_ps(1.0f), _mm512_cvtepi32_ps(totals));
    // Context: per 16 dimensions, one accumulator per dimension with the rows in its lanes.
    for (long c = 0; c < dh / 16; c++) {
        const int8_t *vc = vp + c * quads * 64;
        __m512i d0 = _mm512_setzero_si512(), d1 = d0, d2 = d0, d3 = d0, d4 = d0, d5 = d0, d6 = d0, d7 = d0;
        __m512i d8 = d0, d9 = d0, d10 = d0, d11 = d0, d12 = d0, d13 = d0, d14 = d0, d15 = d0;
        for (long quad = 0; quad < quads; quad++) {
            __m512i p = _mm512_load_si512((const void *)(pc + quad * 64));
            const int8_t *vq = vc + quad * 64;
#define LINGUA_PV(i) d##i = _mm512_dpbusd_epi32(d##i, p, _mm512_set1_epi32(lingua_attn8_dword(vq + 4 * (i))));
            LINGUA_PV(0) LINGUA_PV(1) LINGUA_PV(2) LINGUA_PV(3) LINGUA_PV(4) LINGUA_PV(5) LINGUA_PV(6) LINGUA_PV(7)
            LINGUA_PV(8) LINGUA_PV(9) LINGUA_PV(10) LINGUA_PV(11) LINGUA_PV(12) LINGUA_PV(13) LINGUA_PV(14) LINGUA_PV(15)
#undef LINGUA_PV
        }
        const float *vs = vScale + 16 * c;
        __m512 o[16];
#define LINGUA_OUT(i) o[i] = _mm512_mul_ps(_mm512_mul_ps(_mm512_cvtepi32_ps(d##i), codeScales), _mm512_set1_ps(vs[i]));
        LINGUA_OUT(0) LINGUA_OUT(1) LINGUA_OUT(2) LINGUA_OUT(3) LINGUA_OUT(4) LINGUA_OUT(5) LINGUA_OUT(6) LINGUA_OUT(7)
        LINGUA_OUT(8) LINGUA_OUT(9) LINGUA_OUT(10) LINGUA_OUT(11) LINGUA_OUT(12) LINGUA_OUT(13) LINGUA_OUT(14) LINGUA_OUT(15)
#undef LINGUA_OUT
        lingua_attn8_transpose16(o);
        for (long i = 0; i < count; i++) _mm512_storeu_ps(out + i * ldo + 16 * c, o[i]);
    }
}

/// See `lingua_attention_int8_head`.
LINGUA_AVX512_VNNI static inline void lingua_attention_int8_head_avx512(long rows, long n, long dh, const uint8_t *q, long ldq,
                                                                         const float *rowScale, const int32_t *rowZero,
                                                                         long rowStride, float scale, const int8_t *k, long ldk,
                                                                         const float *kScale, const int32_t *kSum,
                                                                         const float *maskBias, const int8_t *v, long ldv,
                                                                         const float *vScale, int levels, float *out, long ldo,
                                                                         void *work) {
    long quads = (n + 3) / 4;
    int8_t *kp = (int8_t *)work, *vp = kp + 64 * n;
    float *sc = (float *)(vp + 4 * quads * dh);
    uint8_t *pc = (uint8_t *)(sc + 16 * 4 * quads);
    lingua_attn8_pack_keys(k, ldk, n, dh, kp);
    lingua_attn8_pack_values(v, ldv, n, dh, vp);
    for (long first = 0; first < rows; first += 16) {
        long count = rows - first < 16 ? rows - first : 16;
        lingua_attn8_group16(count, n, dh, q + first * ldq, ldq, rowScale + first * rowStride, rowZero + first * rowStride,
                             rowStride, scale, kp, kScale, kSum, maskBias, vp, vScale, levels, out + first * ldo, ldo, sc, pc);
    }
}
#endif

/// The context out[rows × dh] (row stride ldo) of one head of one sequence of n keys, from u8 query codes
/// q (row stride ldq; scale rowScale[i·rowStride], zero point rowZero[i·rowStride]), s8 key codes k (row
/// stride ldk; kScale[j], Σ codes kSum[j]), s8 value codes v (row stride ldv; column scales vScale[0 ..< dh])
/// and an optional additive mask maskBias[j]: scores, softmax codes (levels ≤ 255) and context exactly as
/// `lingua_attention_softmax_codes` and `lingua_scale_products` make them around two u8·s8 matmuls.
/// `work` holds `lingua_attention_int8_work_bytes(n, dh)` bytes, 64-byte aligned. Requires
/// `lingua_attention_int8_fused_available()` and `lingua_attention_int8_fused_fits(dh)`; does nothing otherwise.
static inline void lingua_attention_int8_head(long rows, long n, long dh, const uint8_t *q, long ldq, const float *rowScale,
                                              const int32_t *rowZero, long rowStride, float scale, const int8_t *k, long ldk,
                                              const float *kScale, const int32_t *kSum, const float *maskBias, const int8_t *v,
                                              long ldv, const float *vScale, int levels, float *out, long ldo, void *work) {
#if defined(__x86_64__)
    if (rows > 0 && n > 0 && levels <= 255 && lingua_attention_int8_fused_available() && lingua_attention_int8_fused_fits(dh)) {
        lingua_attention_int8_head_avx512(rows, n, dh, q, ldq, rowScale, rowZero, rowStride, scale, k, ldk, kScale, kSum,
                                          maskBias, v, ldv, vScale, levels, out, ldo, work);
    }
#endif
}

#endif
