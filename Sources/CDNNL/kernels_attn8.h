// The int8 self-attention of an `attn_int8` plan (opt-in): quantisers for Q (u8 per token and head,
// asymmetric), K (s8 per token and head, symmetric) and V (s8 per column of one sequence, symmetric),
// the dequantisation of u8·s8 → s32 scores into fp32, a softmax whose unnormalised exponentials become
// u8 codes in place, and the dequantisation of the context. The matmuls themselves are oneDNN's
// (`lingua_attention_matmul_create` in kernels_int8.h). Every kernel has an AVX-512 body and a plain C
// fallback with the same formulas.
#ifndef LINGUA_KERNELS_ATTN8_H
#define LINGUA_KERNELS_ATTN8_H

#include <math.h>
#include <stdint.h>
#include <string.h>
#include "kernels.h"

#pragma STDC FP_CONTRACT OFF

/// Keys: per token t and head, symmetric s8 codes of x[t][head·dh ..< (head+1)·dh] (row stride ld) into
/// q[t][head·dh ...] (row stride heads·dh), scale = max|x| / 127 and Σ codes stored head-major:
/// scales[head·stride + t], sums[head·stride + t] (a head's keys are then one contiguous column vector).
#if defined(__x86_64__)
LINGUA_AVX512 static inline void lingua_quantize_heads_s8_avx512(const float *x, long tokens, long heads, long dh, long ld,
                                                                 int8_t *q, float *scales, int32_t *sums, long stride) {
    for (long t = 0; t < tokens; t++) {
        for (long head = 0; head < heads; head++) {
            lingua_quantize_row_s8_avx512(x + t * ld + head * dh, dh, q + (t * heads + head) * dh,
                                          scales + head * stride + t, sums + head * stride + t);
        }
    }
}
#endif

static inline void lingua_quantize_heads_s8(const float *x, long tokens, long heads, long dh, long ld,
                                            int8_t *q, float *scales, int32_t *sums, long stride) {
#if defined(__x86_64__)
    if (LINGUA_HAS_AVX512()) { lingua_quantize_heads_s8_avx512(x, tokens, heads, dh, ld, q, scales, sums, stride); return; }
#endif
    for (long t = 0; t < tokens; t++) {
        for (long head = 0; head < heads; head++) {
            float scale; int32_t sum;
            lingua_quantize_weight_rows(x + t * ld + head * dh, 1, dh, q + (t * heads + head) * dh, &scale, &sum);
            scales[head * stride + t] = scale;
            sums[head * stride + t] = sum;
        }
    }
}

#if defined(__x86_64__)
LINGUA_AVX512 static inline void lingua_column_abs_max_avx512(const float *x, long rows, long n, long ld, float *maxima) {
    for (long i = 0; i < rows; i++) {
        for (long j = 0; j < n; j += 16) {
            __mmask16 m = j + 16 <= n ? (__mmask16)0xFFFF : (__mmask16)((1u << (n - j)) - 1);
            __m512 big = _mm512_max_ps(_mm512_maskz_loadu_ps(m, maxima + j), _mm512_abs_ps(_mm512_maskz_loadu_ps(m, x + i * ld + j)));
            _mm512_mask_storeu_ps(maxima + j, m, big);
        }
    }
}

LINGUA_AVX512 static inline void lingua_quantize_columns_s8_from_max_avx512(const float *x, long rows, long n, long ld,
                                                                            const float *maxima, int8_t *q, long ldq,
                                                                            float *scales) {
    for (long j = 0; j < n; j += 16) {
        __mmask16 m = j + 16 <= n ? (__mmask16)0xFFFF : (__mmask16)((1u << (n - j)) - 1);
        __m512 big = _mm512_maskz_loadu_ps(m, maxima + j);
        __m512 scale = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(big, _mm512_setzero_ps(), _CMP_GT_OQ), _mm512_set1_ps(1.0f),
                                            _mm512_div_ps(big, _mm512_set1_ps(127.0f)));
        _mm512_mask_storeu_ps(scales + j, m, scale);
    }
    __m512i lo = _mm512_set1_epi32(-127), hi = _mm512_set1_epi32(127);
    for (long i = 0; i < rows; i++) {
        for (long j = 0; j < n; j += 16) {
            __mmask16 m = j + 16 <= n ? (__mmask16)0xFFFF : (__mmask16)((1u << (n - j)) - 1);
            __m512 inv = _mm512_div_ps(_mm512_set1_ps(1.0f), _mm512_maskz_loadu_ps(m, scales + j));
            __m512i v = _mm512_cvtps_epi32(_mm512_mul_ps(_mm512_maskz_loadu_ps(m, x + i * ld + j), inv));
            v = _mm512_min_epi32(_mm512_max_epi32(v, lo), hi);
            _mm512_mask_cvtepi32_storeu_epi8(q + i * ldq + j, m, v);
        }
    }
}
#endif

/// maxima[j] = max(maxima[j], |x[i][j]|) over the rows i of x[rows × n] (row stride ld), read row by row: the
/// value codes' column maxima, gathered block by block while the QKV matmul's output sits in cache.
static inline void lingua_column_abs_max(const float *x, long rows, long n, long ld, float *maxima) {
#if defined(__x86_64__)
    if (LINGUA_HAS_AVX512()) { lingua_column_abs_max_avx512(x, rows, n, ld, maxima); return; }
#endif
    for (long i = 0; i < rows; i++) {
        for (long j = 0; j < n; j++) { float a = fabsf(x[i * ld + j]); if (a > maxima[j]) maxima[j] = a; }
    }
}

/// `lingua_quantize_columns_s8` with the column maxima max_i |x[i][j]| already known (`maxima`).
static inline void lingua_quantize_columns_s8_from_max(const float *x, long rows, long n, long ld, const float *maxima, int8_t *q,
                                                       long ldq, float *scales) {
#if defined(__x86_64__)
    if (LINGUA_HAS_AVX512()) { lingua_quantize_columns_s8_from_max_avx512(x, rows, n, ld, maxima, q, ldq, scales); return; }
#endif
    for (long j = 0; j < n; j++) scales[j] = maxima[j] > 0 ? maxima[j] / 127.0f : 1.0f;
    for (long i = 0; i < rows; i++) {
        for (long j = 0; j < n; j++) {
            long v = lrintf(x[i * ld + j] * (1.0f / scales[j]));
            q[i * ldq + j] = (int8_t)(v < -127 ? -127 : (v > 127 ? 127 : v));
        }
    }
}

/// Values: per column j of x[rows × n] (row stride ld), symmetric s8 codes q[i][j] (row stride ldq) =
/// clamp(round(x[i][j] / scales[j]), -127, 127) with scales[j] = max_i |x[i][j]| / 127 (1 for a zero column).
/// `scales` also holds the maxima on the way.
static inline void lingua_quantize_columns_s8(const float *x, long rows, long n, long ld, int8_t *q, long ldq, float *scales) {
    memset(scales, 0, (size_t)n * sizeof(float));
    lingua_column_abs_max(x, rows, n, ld, scales);
    lingua_quantize_columns_s8_from_max(x, rows, n, ld, scales, q, ldq, scales);
}

#if defined(__x86_64__)
LINGUA_AVX512 static inline void lingua_attention_softmax_codes_avx512(void *c, long rows, long n, long ld, const float *rowScale,
                                                                       const int32_t *rowZero, long rowStride, float scale,
                                                                       const float *colScale, const int32_t *colSum,
                                                                       const float *colBias, int levels, float *codeScale) {
    __m512 top = _mm512_set1_ps((float)levels);
    for (long row = 0; row < rows; row++) {
        int32_t *pc = (int32_t *)c + row * ld;
        float *pf = (float *)c + row * ld;
        uint8_t *out = (uint8_t *)pf;
        __m512i z = _mm512_set1_epi32(rowZero[row * rowStride]);
        __m512 s = _mm512_set1_ps(rowScale[row * rowStride] * scale);
        __m512 vm = _mm512_set1_ps(-INFINITY);
        for (long j = 0; j < n; j += 16) {
            __mmask16 m = j + 16 <= n ? (__mmask16)0xFFFF : (__mmask16)((1u << (n - j)) - 1);
            __m512i acc = _mm512_sub_epi32(_mm512_maskz_loadu_epi32(m, pc + j), _mm512_mullo_epi32(z, _mm512_maskz_loadu_epi32(m, colSum + j)));
            __m512 x = _mm512_mul_ps(_mm512_mul_ps(_mm512_cvtepi32_ps(acc), s), _mm512_maskz_loadu_ps(m, colScale + j));
            if (colBias) x = _mm512_add_ps(x, _mm512_maskz_loadu_ps(m, colBias + j));
            _mm512_mask_storeu_ps(pf + j, m, x);
            vm = _mm512_mask_max_ps(vm, m, vm, x);
        }
        __m512 vmax = _mm512_set1_ps(_mm512_reduce_max_ps(vm));
        __m512i total = _mm512_setzero_si512();
        // The codes of floats j..j+15 land on bytes j..j+15, i.e. on floats ≤ j+3 already read.
        for (long j = 0; j < n; j += 16) {
            __mmask16 m = j + 16 <= n ? (__mmask16)0xFFFF : (__mmask16)((1u << (n - j)) - 1);
            __m512 e = lingua_exp16_nonpositive(_mm512_sub_ps(_mm512_maskz_loadu_ps(m, pf + j), vmax));
            __m512i code = _mm512_maskz_mov_epi32(m, _mm512_cvtps_epi32(_mm512_mul_ps(e, top)));
            total = _mm512_add_epi32(total, code);
            _mm512_mask_cvtepi32_storeu_epi8(out + j, m, code);
        }
        codeScale[row] = 1.0f / (float)_mm512_reduce_add_epi32(total);
    }
}
#endif

/// Scores and softmax codes of one block, in place. Per row i of the int32 products c[rows × n] (row stride
/// ld) of u8 query codes and s8 key codes: the score x[j] = (c[i][j] − rowZero[i·rowStride]·colSum[j]) ·
/// (rowScale[i·rowStride] · scale) · colScale[j] (+ colBias[j] when not NULL: −FLT_MAX masks a key, as
/// `Kernels.maskColumns` adds it), then code[j] = round(levels · exp(x[j] − max x)) (the largest is `levels`)
/// written as n bytes at the start of the row, and codeScale[i] = 1 / Σ codes, so that the dequantised
/// probabilities code · codeScale sum to 1.
static inline void lingua_attention_softmax_codes(void *c, long rows, long n, long ld, const float *rowScale,
                                                  const int32_t *rowZero, long rowStride, float scale, const float *colScale,
                                                  const int32_t *colSum, const float *colBias, int levels, float *codeScale) {
    if (n <= 0) return;
#if defined(__x86_64__)
    if (LINGUA_HAS_AVX512()) {
        lingua_attention_softmax_codes_avx512(c, rows, n, ld, rowScale, rowZero, rowStride, scale, colScale, colSum, colBias,
                                              levels, codeScale);
        return;
    }
#endif
    for (long row = 0; row < rows; row++) {
        int32_t *pc = (int32_t *)c + row * ld;
        float *pf = (float *)c + row * ld;
        uint8_t *out = (uint8_t *)pf;
        float s = rowScale[row * rowStride] * scale, m = -INFINITY;
        int32_t z = rowZero[row * rowStride];
        for (long j = 0; j < n; j++) {
            int32_t v; memcpy(&v, pc + j, 4);
            float x = (float)(v - z * colSum[j]) * s * colScale[j];
            if (colBias) x += colBias[j];
            memcpy(pf + j, &x, 4);
            if (x > m) m = x;
        }
        long total = 0;
        for (long j = 0; j < n; j++) {
            float x; memcpy(&x, pf + j, 4);
            long code = lrintf(lingua_exp1_nonpositive(x - m) * (float)levels);
            total += code;
            out[j] = (uint8_t)code;
        }
        codeScale[row] = 1.0f / (float)total;
    }
}

#if defined(__x86_64__)
LINGUA_AVX512 static inline void lingua_scale_products_avx512(void *c, long rows, long n, long ld, const float *rowScale,
                                                              const float *colScale) {
    for (long row = 0; row < rows; row++) {
        int32_t *pc = (int32_t *)c + row * ld;
        float *po = (float *)c + row * ld;
        __m512 s = _mm512_set1_ps(rowScale[row]);
        for (long j = 0; j < n; j += 16) {
            __mmask16 m = j + 16 <= n ? (__mmask16)0xFFFF : (__mmask16)((1u << (n - j)) - 1);
            __m512 v = _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_maskz_loadu_epi32(m, pc + j)), s);
            _mm512_mask_storeu_ps(po + j, m, _mm512_mul_ps(v, _mm512_maskz_loadu_ps(m, colScale + j)));
        }
    }
}
#endif

/// Context in place: the int32 products c[i][j] (row stride ld) of probability codes and value codes
/// become floats c[i][j] · rowScale[i] · colScale[j].
static inline void lingua_scale_products(void *c, long rows, long n, long ld, const float *rowScale, const float *colScale) {
#if defined(__x86_64__)
    if (LINGUA_HAS_AVX512()) { lingua_scale_products_avx512(c, rows, n, ld, rowScale, colScale); return; }
#endif
    for (long row = 0; row < rows; row++) {
        int32_t *pc = (int32_t *)c + row * ld;
        float *po = (float *)c + row * ld;
        for (long j = 0; j < n; j++) {
            int32_t v; memcpy(&v, pc + j, 4);
            float f = (float)v * rowScale[row] * colScale[j];
            memcpy(po + j, &f, 4);
        }
    }
}

#endif
