// Element-wise and row-wise kernels of the encoder's forward pass, written with AVX-512 intrinsics
// (the Swift package builds for the baseline x86-64 target, so Swift SIMD code stays 4-wide SSE).
// Each kernel checks the CPU once per call and falls back to plain C with the same formulas.
// Formulas: Cephes expf and ATen's A&S erf with explicit fused multiply-adds (fmaf in the scalar
// paths), no implicit FMA contraction, so the AVX-512 and the scalar paths give the same bits.
#ifndef LINGUA_KERNELS_H
#define LINGUA_KERNELS_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#define LINGUA_AVX512 __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,fma")))
#define LINGUA_HAS_AVX512() (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw"))
#endif

#pragma STDC FP_CONTRACT OFF

// MARK: scalar reference formulas (fallback path and row tails)

static inline float lingua_exp1(float input) {
    float x = input < -87.33654f ? -87.33654f : (input > 88.37626f ? 88.37626f : input);
    const float magic = 12582912.0f;
    float shifted = x * 1.44269504088896341f + magic;
    float n = shifted - magic;
    float r = x - n * 0.693359375f;
    r = r - n * -2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * (r * r) + r + 1.0f;
    uint32_t sbits; memcpy(&sbits, &shifted, 4);
    int32_t e = (int32_t)sbits - 0x4B400000;
    uint32_t bits = (uint32_t)(e + 127) << 23;
    float scale; memcpy(&scale, &bits, 4);
    return input < -87.33654f ? 0.0f : p * scale;
}

/// `lingua_exp1` for inputs ≤ 0 with the fused multiply-adds of `lingua_exp16_nonpositive` (same bits).
static inline float lingua_exp1_nonpositive(float input) {
    float x = input < -87.33654f ? -87.33654f : input;
    const float magic = 12582912.0f;
    float shifted = fmaf(x, 1.44269504088896341f, magic);
    float n = shifted - magic;
    float r = fmaf(-n, 0.693359375f, x);
    r = fmaf(-n, -2.12194440e-4f, r);
    float p = 1.9875691500e-4f;
    p = fmaf(p, r, 1.3981999507e-3f);
    p = fmaf(p, r, 8.3334519073e-3f);
    p = fmaf(p, r, 4.1665795894e-2f);
    p = fmaf(p, r, 1.6666665459e-1f);
    p = fmaf(p, r, 5.0000001201e-1f);
    p = fmaf(p, r * r, r) + 1.0f;
    return input < -87.33654f ? 0.0f : ldexpf(p, (int)n);
}

/// Exact GELU, 0.5·x·(1 + erf(x/√2)), with ATen's erf (A&S 7.1.26, fused multiply-adds as in its
/// AVX-512 Vectorized<float>::erf); same bits as `lingua_gelu16`.
static inline float lingua_gelu1(float x) {
    float z = x * 0.70710678118654752440f;
    float a = z < 0 ? -z : z;
    float t = 1.0f / fmaf(0.3275911f, a, 1.0f);
    float r = fmaf(1.061405429f, t, -1.453152027f);
    r = fmaf(r, t, 1.421413741f);
    r = fmaf(r, t, -0.284496736f);
    r = fmaf(r, t, 0.254829592f);
    float y = fmaf(-(lingua_exp1_nonpositive(-(z * z)) * t), r, 1.0f);
    float erf = z < 0 ? -y : y;
    return (x * 0.5f) * (1.0f + erf);
}

#if defined(__x86_64__)
// MARK: AVX-512 building blocks

LINGUA_AVX512 static inline __m512 lingua_exp16(__m512 input) {
    __m512 x = _mm512_min_ps(_mm512_set1_ps(88.37626f), _mm512_max_ps(_mm512_set1_ps(-87.33654f), input));
    __m512 magic = _mm512_set1_ps(12582912.0f);
    __m512 shifted = _mm512_add_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)), magic);
    __m512 n = _mm512_sub_ps(shifted, magic);
    __m512 r = _mm512_sub_ps(x, _mm512_mul_ps(n, _mm512_set1_ps(0.693359375f)));
    r = _mm512_sub_ps(r, _mm512_mul_ps(n, _mm512_set1_ps(-2.12194440e-4f)));
    __m512 p = _mm512_set1_ps(1.9875691500e-4f);
    p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(1.3981999507e-3f));
    p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(8.3334519073e-3f));
    p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(4.1665795894e-2f));
    p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(1.6666665459e-1f));
    p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(5.0000001201e-1f));
    p = _mm512_add_ps(_mm512_add_ps(_mm512_mul_ps(p, _mm512_mul_ps(r, r)), r), _mm512_set1_ps(1.0f));
    __m512i e = _mm512_sub_epi32(_mm512_castps_si512(shifted), _mm512_set1_epi32(0x4B400000));
    __m512 scale = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(e, _mm512_set1_epi32(127)), 23));
    __mmask16 under = _mm512_cmp_ps_mask(input, _mm512_set1_ps(-87.33654f), _CMP_LT_OQ);
    return _mm512_mask_blend_ps(under, _mm512_mul_ps(p, scale), _mm512_setzero_ps());
}

/// Cephes expf for inputs ≤ 0 (or NaN), the only ones softmax (x - max) and GELU (-z²) pass, with
/// fused multiply-adds (as ATen's own vectorised erf uses them): no upper clamp, and `scalef` multiplies
/// by 2^n and zeroes the underflow lanes in one step. Same as `lingua_exp1_nonpositive` bit for bit.
LINGUA_AVX512 static inline __m512 lingua_exp16_nonpositive(__m512 input) {
    __m512 x = _mm512_max_ps(_mm512_set1_ps(-87.33654f), input);
    __m512 magic = _mm512_set1_ps(12582912.0f);
    __m512 shifted = _mm512_fmadd_ps(x, _mm512_set1_ps(1.44269504088896341f), magic);
    __m512 n = _mm512_sub_ps(shifted, magic);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
    __m512 p = _mm512_set1_ps(1.9875691500e-4f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
    p = _mm512_add_ps(_mm512_fmadd_ps(p, _mm512_mul_ps(r, r), r), _mm512_set1_ps(1.0f));
    __mmask16 kept = _mm512_cmp_ps_mask(input, _mm512_set1_ps(-87.33654f), _CMP_NLT_UQ);
    return _mm512_maskz_scalef_ps(kept, p, n);
}

LINGUA_AVX512 static inline __m512 lingua_gelu16(__m512 x) {
    __m512 z = _mm512_mul_ps(x, _mm512_set1_ps(0.70710678118654752440f));
    __m512 a = _mm512_abs_ps(z);
    __m512 one = _mm512_set1_ps(1.0f);
    __m512 t = _mm512_div_ps(one, _mm512_fmadd_ps(_mm512_set1_ps(0.3275911f), a, one));
    __m512 r = _mm512_fmadd_ps(_mm512_set1_ps(1.061405429f), t, _mm512_set1_ps(-1.453152027f));
    r = _mm512_fmadd_ps(r, t, _mm512_set1_ps(1.421413741f));
    r = _mm512_fmadd_ps(r, t, _mm512_set1_ps(-0.284496736f));
    r = _mm512_fmadd_ps(r, t, _mm512_set1_ps(0.254829592f));
    __m512 nz2 = _mm512_sub_ps(_mm512_setzero_ps(), _mm512_mul_ps(z, z));
    __m512 y = _mm512_fnmadd_ps(_mm512_mul_ps(lingua_exp16_nonpositive(nz2), t), r, one);
    __mmask16 negative = _mm512_cmp_ps_mask(z, _mm512_setzero_ps(), _CMP_LT_OQ);
    __m512 erf = _mm512_mask_sub_ps(y, negative, _mm512_setzero_ps(), y);
    return _mm512_mul_ps(_mm512_mul_ps(x, _mm512_set1_ps(0.5f)), _mm512_add_ps(one, erf));
}

LINGUA_AVX512 static inline void lingua_gelu_avx512(float *p, long count) {
    long i = 0;
    for (; i + 16 <= count; i += 16) _mm512_storeu_ps(p + i, lingua_gelu16(_mm512_loadu_ps(p + i)));
    if (i < count) {
        __mmask16 m = (__mmask16)((1u << (count - i)) - 1);
        _mm512_mask_storeu_ps(p + i, m, lingua_gelu16(_mm512_maskz_loadu_ps(m, p + i)));
    }
}

LINGUA_AVX512 static inline void lingua_bias_gelu_avx512(float *p, long rows, long n, const float *bias) {
    long full = n & ~15L;
    __mmask16 tail = (__mmask16)((1u << (n - full)) - 1);
    for (long row = 0; row < rows; row++) {
        float *pr = p + row * n;
        for (long i = 0; i < full; i += 16)
            _mm512_storeu_ps(pr + i, lingua_gelu16(_mm512_add_ps(_mm512_loadu_ps(pr + i), _mm512_loadu_ps(bias + i))));
        if (tail) {
            __m512 x = _mm512_add_ps(_mm512_maskz_loadu_ps(tail, pr + full), _mm512_maskz_loadu_ps(tail, bias + full));
            _mm512_mask_storeu_ps(pr + full, tail, lingua_gelu16(x));
        }
    }
}

/// Sum of the 16 lanes in lane order from -0, as Swift's `SIMD16<Float>.sum()` does.
LINGUA_AVX512 static inline float lingua_lane_sum16(__m512 v) {
    float lanes[16];
    _mm512_storeu_ps(lanes, v);
    float total = -0.0f;
    for (int i = 0; i < 16; i++) total += lanes[i];
    return total;
}

LINGUA_AVX512 static inline void lingua_layer_norm_avx512(float *x, const float *bias, const float *residual, long rows,
                                                          long n, const float *gamma, const float *beta, float eps,
                                                          float *out) {
    long full = n & ~15L;
    for (long row = 0; row < rows; row++) {
        float *px = x + row * n;
        if (residual) {
            const float *pr = residual + row * n;
            long i = 0;
            if (bias) {
                for (; i < full; i += 16) {
                    __m512 v = _mm512_add_ps(_mm512_loadu_ps(px + i), _mm512_loadu_ps(bias + i));
                    _mm512_storeu_ps(px + i, _mm512_add_ps(v, _mm512_loadu_ps(pr + i)));
                }
                for (; i < n; i++) px[i] = (px[i] + bias[i]) + pr[i];
            } else {
                for (; i < full; i += 16) _mm512_storeu_ps(px + i, _mm512_add_ps(_mm512_loadu_ps(px + i), _mm512_loadu_ps(pr + i)));
                for (; i < n; i++) px[i] += pr[i];
            }
        }
        __m512 acc = _mm512_setzero_ps();
        long i = 0;
        for (; i < full; i += 16) acc = _mm512_add_ps(acc, _mm512_loadu_ps(px + i));
        float total = lingua_lane_sum16(acc);
        for (; i < n; i++) total += px[i];
        float mean = total / (float)n;
        __m512 vm = _mm512_set1_ps(mean);
        acc = _mm512_setzero_ps();
        for (i = 0; i < full; i += 16) {
            __m512 d = _mm512_sub_ps(_mm512_loadu_ps(px + i), vm);
            acc = _mm512_add_ps(acc, _mm512_mul_ps(d, d));
        }
        float variance = lingua_lane_sum16(acc);
        for (; i < n; i++) { float d = px[i] - mean; variance += d * d; }
        variance /= (float)n;
        float rstd = 1.0f / sqrtf(variance + eps);
        __m512 vr = _mm512_set1_ps(rstd);
        float *po = out + row * n;
        for (i = 0; i < full; i += 16) {
            __m512 y = _mm512_mul_ps(_mm512_mul_ps(_mm512_sub_ps(_mm512_loadu_ps(px + i), vm), vr), _mm512_loadu_ps(gamma + i));
            _mm512_storeu_ps(po + i, _mm512_add_ps(y, _mm512_loadu_ps(beta + i)));
        }
        for (; i < n; i++) po[i] = (px[i] - mean) * rstd * gamma[i] + beta[i];
    }
}

LINGUA_AVX512 static inline void lingua_softmax_avx512(float *p, long rows, long n) {
    long full = n & ~15L;
    __mmask16 tail = (__mmask16)((1u << (n - full)) - 1);
    for (long row = 0; row < rows; row++) {
        float *pr = p + row * n;
        __m512 vm = _mm512_set1_ps(-INFINITY);
        for (long i = 0; i < full; i += 16) vm = _mm512_max_ps(vm, _mm512_loadu_ps(pr + i));
        if (tail) vm = _mm512_mask_max_ps(vm, tail, vm, _mm512_maskz_loadu_ps(tail, pr + full));
        __m512 m = _mm512_set1_ps(_mm512_reduce_max_ps(vm));
        __m512 acc = _mm512_setzero_ps();
        for (long i = 0; i < full; i += 16) {
            __m512 e = lingua_exp16_nonpositive(_mm512_sub_ps(_mm512_loadu_ps(pr + i), m));
            _mm512_storeu_ps(pr + i, e);
            acc = _mm512_add_ps(acc, e);
        }
        if (tail) {
            __m512 e = lingua_exp16_nonpositive(_mm512_sub_ps(_mm512_maskz_loadu_ps(tail, pr + full), m));
            e = _mm512_maskz_mov_ps(tail, e);
            _mm512_mask_storeu_ps(pr + full, tail, e);
            acc = _mm512_add_ps(acc, e);
        }
        __m512 inv = _mm512_set1_ps(1.0f / _mm512_reduce_add_ps(acc));
        for (long i = 0; i < full; i += 16) _mm512_storeu_ps(pr + i, _mm512_mul_ps(_mm512_loadu_ps(pr + i), inv));
        if (tail) _mm512_mask_storeu_ps(pr + full, tail, _mm512_mul_ps(_mm512_maskz_loadu_ps(tail, pr + full), inv));
    }
}

/// Per row: asymmetric u8 of x - center (center NULL: of x) with the range widened to include 0 (so 0 is exact).
LINGUA_AVX512 static inline void lingua_quantize_rows_avx512(const float *x, long rows, long k, long ldx, const float *center,
                                                               uint8_t *q, float *scales, int32_t *zeros, int levels) {
    long full = k & ~15L;
    __mmask16 tail = (__mmask16)((1u << (k - full)) - 1);
#define LINGUA_CENTERED(m, i) (center ? _mm512_sub_ps(_mm512_maskz_loadu_ps(m, px + (i)), _mm512_maskz_loadu_ps(m, center + (i))) \
                                      : _mm512_maskz_loadu_ps(m, px + (i)))
    for (long row = 0; row < rows; row++) {
        const float *px = x + row * ldx;
        uint8_t *pq = q + row * k;
        __m512 lo = _mm512_setzero_ps(), hi = _mm512_setzero_ps();
        for (long i = 0; i < full; i += 16) {
            __m512 v = LINGUA_CENTERED((__mmask16)0xFFFF, i);
            lo = _mm512_min_ps(lo, v); hi = _mm512_max_ps(hi, v);
        }
        if (tail) {
            __m512 v = LINGUA_CENTERED(tail, full);
            lo = _mm512_min_ps(lo, v); hi = _mm512_max_ps(hi, v);
        }
        float mn = _mm512_reduce_min_ps(lo), mx = _mm512_reduce_max_ps(hi);
        float scale = (mx - mn) / (float)levels;
        if (!(scale > 0)) scale = 1.0f;
        int32_t zero = (int32_t)lrintf(-mn / scale);
        scales[row] = scale;
        zeros[row] = zero;
        __m512 inv = _mm512_set1_ps(1.0f / scale);
        __m512i vz = _mm512_set1_epi32(zero);
        __m512i top = _mm512_set1_epi32(levels), bottom = _mm512_setzero_si512();
        for (long i = 0; i < k; i += 16) {
            __mmask16 m = i + 16 <= k ? (__mmask16)0xFFFF : tail;
            __m512 v = LINGUA_CENTERED(m, i);
            __m512i qi = _mm512_add_epi32(_mm512_cvtps_epi32(_mm512_mul_ps(v, inv)), vz);
            qi = _mm512_min_epi32(_mm512_max_epi32(qi, bottom), top);
            _mm512_mask_cvtepi32_storeu_epi8(pq + i, m, qi);
        }
    }
#undef LINGUA_CENTERED
}

/// out[i][j] = (c[i][j] - zero[i]·colSum[j]) · rowScale[i] · colScale[j] + bias[j].
LINGUA_AVX512 static inline void lingua_dequantize_avx512(const int32_t *c, long ldc, long rows, long n, const float *rowScale,
                                                            const int32_t *rowZero, const float *colScale,
                                                            const int32_t *colSum, const float *bias, float *out, long ldo) {
    for (long row = 0; row < rows; row++) {
        const int32_t *pc = c + row * ldc;
        float *po = out + row * ldo;
        __m512i z = _mm512_set1_epi32(rowZero[row]);
        __m512 s = _mm512_set1_ps(rowScale[row]);
        for (long j = 0; j < n; j += 16) {
            __mmask16 m = j + 16 <= n ? (__mmask16)0xFFFF : (__mmask16)((1u << (n - j)) - 1);
            __m512i acc = _mm512_sub_epi32(_mm512_maskz_loadu_epi32(m, pc + j),
                                           _mm512_mullo_epi32(z, _mm512_maskz_loadu_epi32(m, colSum + j)));
            __m512 v = _mm512_mul_ps(_mm512_mul_ps(_mm512_cvtepi32_ps(acc), s), _mm512_maskz_loadu_ps(m, colScale + j));
            _mm512_mask_storeu_ps(po + j, m, _mm512_add_ps(v, _mm512_maskz_loadu_ps(m, bias + j)));
        }
    }
}

/// One row of k floats as symmetric int8 codes round(x / scale) in -127...127, scale = max|x| / 127
/// (1 for an all-zero row); the row's code sum goes to *sum (for an activation zero point).
LINGUA_AVX512 static inline void lingua_quantize_row_s8_avx512(const float *px, long k, int8_t *pq, float *scale_out,
                                                                 int32_t *sum) {
    __m512 big = _mm512_setzero_ps();
    for (long i = 0; i < k; i += 16) {
        __mmask16 m = i + 16 <= k ? (__mmask16)0xFFFF : (__mmask16)((1u << (k - i)) - 1);
        big = _mm512_max_ps(big, _mm512_abs_ps(_mm512_maskz_loadu_ps(m, px + i)));
    }
    float largest = _mm512_reduce_max_ps(big);
    float scale = largest > 0 ? largest / 127.0f : 1.0f;
    __m512 inv = _mm512_set1_ps(1.0f / scale);
    __m512i total = _mm512_setzero_si512();
    __m512i lo = _mm512_set1_epi32(-127), hi = _mm512_set1_epi32(127);
    for (long i = 0; i < k; i += 16) {
        __mmask16 m = i + 16 <= k ? (__mmask16)0xFFFF : (__mmask16)((1u << (k - i)) - 1);
        __m512i v = _mm512_cvtps_epi32(_mm512_mul_ps(_mm512_maskz_loadu_ps(m, px + i), inv));
        v = _mm512_maskz_mov_epi32(m, _mm512_min_epi32(_mm512_max_epi32(v, lo), hi));
        total = _mm512_add_epi32(total, v);
        _mm512_mask_cvtepi32_storeu_epi8(pq + i, m, v);
    }
    *scale_out = scale;
    *sum = _mm512_reduce_add_epi32(total);
}

/// Symmetric per-row int8 weights (see lingua_quantize_weight_rows).
LINGUA_AVX512 static inline void lingua_quantize_weight_rows_avx512(const float *w, long rows, long k, int8_t *q,
                                                                      float *scales, int32_t *sums) {
    for (long row = 0; row < rows; row++) lingua_quantize_row_s8_avx512(w + row * k, k, q + row * k, scales + row, sums + row);
}
#endif

// MARK: entry points

/// Activation levels for u8·s8 GEMM: 255 with AVX-512 VNNI (exact 32-bit accumulation); 127 without,
/// where oneDNN's vpmaddubsw path would saturate pairs of 255·127 products in 16 bits.
static inline int lingua_activation_levels(void) {
#if defined(__x86_64__)
    return __builtin_cpu_supports("avx512vnni") ? 255 : 127;
#else
    return 127;
#endif
}

/// Exact (erf) GELU in place.
static inline void lingua_gelu(float *p, long count) {
#if defined(__x86_64__)
    if (LINGUA_HAS_AVX512()) { lingua_gelu_avx512(p, count); return; }
#endif
    for (long i = 0; i < count; i++) p[i] = lingua_gelu1(p[i]);
}

/// Adds `bias` to each of `rows` rows of length `n` (stride `n`), then exact GELU, in one pass.
static inline void lingua_bias_gelu(float *p, long rows, long n, const float *bias) {
#if defined(__x86_64__)
    if (LINGUA_HAS_AVX512()) { lingua_bias_gelu_avx512(p, rows, n, bias); return; }
#endif
    for (long row = 0; row < rows; row++)
        for (long i = 0; i < n; i++) p[row * n + i] = lingua_gelu1(p[row * n + i] + bias[i]);
}

/// Row-wise LayerNorm of `(x + bias) + residual` (bias and residual may be NULL) into `out` (may alias `x`),
/// in Encoder/Kernels.swift's order (16-lane partial sums, summed lane by lane). Returns 0 without
/// AVX-512, where the caller runs its Swift version instead.
static inline int lingua_layer_norm(float *x, const float *bias, const float *residual, long rows, long n,
                                    const float *gamma, const float *beta, float eps, float *out) {
#if defined(__x86_64__)
    if (LINGUA_HAS_AVX512()) { lingua_layer_norm_avx512(x, bias, residual, rows, n, gamma, beta, eps, out); return 1; }
#endif
    return 0;
}

/// Row-wise softmax in place over `rows` rows of length `n` (stride `n`): max, exp(x - max), sum, scale.
static inline void lingua_softmax_rows(float *p, long rows, long n) {
    if (n <= 0) return;
#if defined(__x86_64__)
    if (LINGUA_HAS_AVX512()) { lingua_softmax_avx512(p, rows, n); return; }
#endif
    for (long row = 0; row < rows; row++) {
        float *pr = p + row * n;
        float m = -INFINITY, total = 0;
        for (long i = 0; i < n; i++) if (pr[i] > m) m = pr[i];
        for (long i = 0; i < n; i++) { pr[i] = lingua_exp1_nonpositive(pr[i] - m); total += pr[i]; }
        float inv = 1.0f / total;
        for (long i = 0; i < n; i++) pr[i] *= inv;
    }
}

/// Dynamic per-row asymmetric quantisation of x[rows × k] (row stride ldx), less `center` (k values,
/// the same for every row; NULL: none), to u8 q[rows × k]: q = clamp(round((x - center) / scale) + zero,
/// 0, levels), range [min(x - center, 0), max(x - center, 0)] mapped onto 0...levels (`lingua_activation_levels()`).
static inline void lingua_quantize_rows(const float *x, long rows, long k, long ldx, const float *center,
                                        uint8_t *q, float *scales, int32_t *zeros, int levels) {
#if defined(__x86_64__)
    if (LINGUA_HAS_AVX512()) { lingua_quantize_rows_avx512(x, rows, k, ldx, center, q, scales, zeros, levels); return; }
#endif
    for (long row = 0; row < rows; row++) {
        const float *px = x + row * ldx;
        float mn = 0, mx = 0;
        for (long i = 0; i < k; i++) {
            float v = center ? px[i] - center[i] : px[i];
            if (v < mn) mn = v;
            if (v > mx) mx = v;
        }
        float scale = (mx - mn) / (float)levels;
        if (!(scale > 0)) scale = 1.0f;
        int32_t zero = (int32_t)lrintf(-mn / scale);
        float inv = 1.0f / scale;
        scales[row] = scale;
        zeros[row] = zero;
        for (long i = 0; i < k; i++) {
            long v = lrintf((center ? px[i] - center[i] : px[i]) * inv) + zero;
            q[row * k + i] = (uint8_t)(v < 0 ? 0 : (v > levels ? levels : v));
        }
    }
}

/// Dequantises the int32 product of `lingua_quantize_rows` activations and per-column int8 weights:
/// out[i][j] (row stride ldo) = (c[i][j] (row stride ldc) - rowZero[i]·colSum[j]) · rowScale[i] · colScale[j] + bias[j].
static inline void lingua_dequantize(const int32_t *c, long ldc, long rows, long n, const float *rowScale, const int32_t *rowZero,
                                     const float *colScale, const int32_t *colSum, const float *bias,
                                     float *out, long ldo) {
#if defined(__x86_64__)
    if (LINGUA_HAS_AVX512()) {
        lingua_dequantize_avx512(c, ldc, rows, n, rowScale, rowZero, colScale, colSum, bias, out, ldo);
        return;
    }
#endif
    for (long i = 0; i < rows; i++)
        for (long j = 0; j < n; j++)
            out[i * ldo + j] = (float)(c[i * ldc + j] - rowZero[i] * colSum[j]) * rowScale[i] * colScale[j] + bias[j];
}

/// Symmetric per-row int8 quantisation of weights w[rows × k]: scale = max|w| / 127 (1 for a zero row),
/// q = clamp(round(w / scale), -127, 127), sums[row] = Σ q (for the activation zero points).
static inline void lingua_quantize_weight_rows(const float *w, long rows, long k, int8_t *q, float *scales, int32_t *sums) {
#if defined(__x86_64__)
    if (LINGUA_HAS_AVX512()) { lingua_quantize_weight_rows_avx512(w, rows, k, q, scales, sums); return; }
#endif
    for (long row = 0; row < rows; row++) {
        const float *pw = w + row * k;
        float largest = 0;
        for (long i = 0; i < k; i++) { float a = fabsf(pw[i]); if (a > largest) largest = a; }
        float scale = largest > 0 ? largest / 127.0f : 1.0f;
        float inv = 1.0f / scale;
        int32_t total = 0;
        for (long i = 0; i < k; i++) {
            long v = lrintf(pw[i] * inv);
            v = v < -127 ? -127 : (v > 127 ? 127 : v);
            q[row * k + i] = (int8_t)v;
            total += (int32_t)v;
        }
        scales[row] = scale;
        sums[row] = total;
    }
}

#endif
