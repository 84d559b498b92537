// Self-attention of a few query rows over a whole sequence's keys and values, for one head (16 to 64 wide):
// what int8 refinement runs for the rows it re-scores (tens of rows against hundreds of cached keys).
// Two sgemm calls per head there spent most of their time packing the keys and values for a few rows;
// this kernel reads them in place. Scores are computed transposed, S[key][row], with the rows in the
// 16 lanes of a vector (so no horizontal sums), the softmax runs down each row's lane, and the context
// multiplies the values row by row. The plain C fallback has the same operations in the same order
// (fused multiply-adds as fmaf), so both paths give the same bits.
#ifndef LINGUA_KERNELS_ROWS_H
#define LINGUA_KERNELS_ROWS_H

#include <math.h>
#include <stdint.h>
#include <string.h>
#include "kernels.h"

#pragma STDC FP_CONTRACT OFF

/// Whether `lingua_attend_rows` takes heads `dh` wide: multiples of 16 up to 64.
static inline int lingua_attend_rows_supports(long dh) { return dh > 0 && dh <= 64 && dh % 16 == 0; }

/// Rows rounded up to the 16 lanes of a vector: the row stride of the kernel's transposed buffers.
static inline long lingua_attend_rows_lanes(long rows) { return (rows + 15) & ~15L; }

/// Floats of work space `lingua_attend_rows` needs for `rows` query rows over `n` keys, heads `dh` wide.
static inline long lingua_attend_rows_work(long rows, long n, long dh) {
    return lingua_attend_rows_lanes(rows) * (dh + n + 1);
}

/// Work space layout: qt [dh × lanes] (queries transposed, padded lanes zero), st [n × lanes] (scores,
/// then exponentials), inv [lanes] (1 / Σ exponentials).
static inline void lingua_attend_rows_transpose(const float *q, long rows, long ldq, long dh, long lanes, float *qt) {
    for (long d = 0; d < dh; d++) {
        float *row = qt + d * lanes;
        for (long r = 0; r < rows; r++) row[r] = q[r * ldq + d];
        for (long r = rows; r < lanes; r++) row[r] = 0;
    }
}

/// Plain C: the same operations as `lingua_attend_rows_avx512`, lane by lane.
static inline void lingua_attend_rows_scalar(const float *q, long rows, long ldq, const float *k, const float *v, long n,
                                             long dh, long ldkv, float scale, const float *mask_bias, float *work, float *out, long ldo) {
    long lanes = lingua_attend_rows_lanes(rows);
    float *qt = work, *st = qt + dh * lanes, *inv = st + n * lanes;
    lingua_attend_rows_transpose(q, rows, ldq, dh, lanes, qt);
    for (long r = 0; r < rows; r++) {
        float m = -INFINITY;
        for (long j = 0; j < n; j++) {
            float acc = 0;
            for (long d = 0; d < dh; d++) acc = fmaf(k[j * ldkv + d], qt[d * lanes + r], acc);
            float s = acc * scale;
            if (mask_bias) s = s + mask_bias[j];
            st[j * lanes + r] = s;
            m = s > m ? s : m;
        }
        float total = 0;
        for (long j = 0; j < n; j++) {
            float e = lingua_exp1_nonpositive(st[j * lanes + r] - m);
            st[j * lanes + r] = e;
            total += e;
        }
        inv[r] = 1.0f / total;
        for (long c = 0; c < dh; c++) {
            float acc = 0;
            for (long j = 0; j < n; j++) acc = fmaf(st[j * lanes + r], v[j * ldkv + c], acc);
            out[r * ldo + c] = acc * inv[r];
        }
    }
}

#if defined(__x86_64__)
// The micro-kernels below name every accumulator (no arrays): Swift's C importer compiles these inline
// functions without unrolling loops, and accumulator arrays then live on the stack.

/// st[j + i][lane ..< lane + 16] = scale · (q·k_{j+i}) (+ mask_bias[j + i]) for i < 8.
LINGUA_AVX512 static inline void lingua_attend_scores8(const float *qt, long lanes, long lane, const float *k, long j, long dh,
                                                       long ldkv, __m512 vscale, const float *mask_bias, float *st) {
    const float *k0 = k + j * ldkv, *k1 = k0 + ldkv, *k2 = k1 + ldkv, *k3 = k2 + ldkv;
    const float *k4 = k3 + ldkv, *k5 = k4 + ldkv, *k6 = k5 + ldkv, *k7 = k6 + ldkv;
    __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
    for (long d = 0; d < dh; d++) {
        __m512 qv = _mm512_load_ps(qt + d * lanes + lane);
        a0 = _mm512_fmadd_ps(_mm512_set1_ps(k0[d]), qv, a0);
        a1 = _mm512_fmadd_ps(_mm512_set1_ps(k1[d]), qv, a1);
        a2 = _mm512_fmadd_ps(_mm512_set1_ps(k2[d]), qv, a2);
        a3 = _mm512_fmadd_ps(_mm512_set1_ps(k3[d]), qv, a3);
        a4 = _mm512_fmadd_ps(_mm512_set1_ps(k4[d]), qv, a4);
        a5 = _mm512_fmadd_ps(_mm512_set1_ps(k5[d]), qv, a5);
        a6 = _mm512_fmadd_ps(_mm512_set1_ps(k6[d]), qv, a6);
        a7 = _mm512_fmadd_ps(_mm512_set1_ps(k7[d]), qv, a7);
    }
    __m512 s[8] = {a0, a1, a2, a3, a4, a5, a6, a7};
    for (int i = 0; i < 8; i++) {
        __m512 x = _mm512_mul_ps(s[i], vscale);
        if (mask_bias) x = _mm512_add_ps(x, _mm512_set1_ps(mask_bias[j + i]));
        _mm512_store_ps(st + (j + i) * lanes + lane, x);
    }
}

/// st[j][lane ..< lane + 16] for one key.
LINGUA_AVX512 static inline void lingua_attend_scores1(const float *qt, long lanes, long lane, const float *k, long j, long dh,
                                                       long ldkv, __m512 vscale, const float *mask_bias, float *st) {
    const float *k0 = k + j * ldkv;
    __m512 a0 = _mm512_setzero_ps();
    for (long d = 0; d < dh; d++) a0 = _mm512_fmadd_ps(_mm512_set1_ps(k0[d]), _mm512_load_ps(qt + d * lanes + lane), a0);
    __m512 x = _mm512_mul_ps(a0, vscale);
    if (mask_bias) x = _mm512_add_ps(x, _mm512_set1_ps(mask_bias[j]));
    _mm512_store_ps(st + j * lanes + lane, x);
}

/// Heads 64 wide: out[r + i][0 ..< 64] = (Σ_j st[j][r + i] · v_j) · inv[r + i] for i < 6.
LINGUA_AVX512 static inline void lingua_attend_context6(const float *st, long lanes, const float *inv, long r, const float *v,
                                                        long n, long ldkv, float *out, long ldo) {
    __m512 z = _mm512_setzero_ps();
    __m512 a00 = z, a01 = z, a02 = z, a03 = z, a10 = z, a11 = z, a12 = z, a13 = z, a20 = z, a21 = z, a22 = z, a23 = z;
    __m512 a30 = z, a31 = z, a32 = z, a33 = z, a40 = z, a41 = z, a42 = z, a43 = z, a50 = z, a51 = z, a52 = z, a53 = z;
    for (long j = 0; j < n; j++) {
        const float *vj = v + j * ldkv, *p = st + j * lanes + r;
        __m512 v0 = _mm512_loadu_ps(vj), v1 = _mm512_loadu_ps(vj + 16), v2 = _mm512_loadu_ps(vj + 32), v3 = _mm512_loadu_ps(vj + 48);
        __m512 p0 = _mm512_set1_ps(p[0]), p1 = _mm512_set1_ps(p[1]), p2 = _mm512_set1_ps(p[2]);
        a00 = _mm512_fmadd_ps(p0, v0, a00); a01 = _mm512_fmadd_ps(p0, v1, a01);
        a02 = _mm512_fmadd_ps(p0, v2, a02); a03 = _mm512_fmadd_ps(p0, v3, a03);
        a10 = _mm512_fmadd_ps(p1, v0, a10); a11 = _mm512_fmadd_ps(p1, v1, a11);
        a12 = _mm512_fmadd_ps(p1, v2, a12); a13 = _mm512_fmadd_ps(p1, v3, a13);
        a20 = _mm512_fmadd_ps(p2, v0, a20); a21 = _mm512_fmadd_ps(p2, v1, a21);
        a22 = _mm512_fmadd_ps(p2, v2, a22); a23 = _mm512_fmadd_ps(p2, v3, a23);
        __m512 p3 = _mm512_set1_ps(p[3]), p4 = _mm512_set1_ps(p[4]), p5 = _mm512_set1_ps(p[5]);
        a30 = _mm512_fmadd_ps(p3, v0, a30); a31 = _mm512_fmadd_ps(p3, v1, a31);
        a32 = _mm512_fmadd_ps(p3, v2, a32); a33 = _mm512_fmadd_ps(p3, v3, a33);
        a40 = _mm512_fmadd_ps(p4, v0, a40); a41 = _mm512_fmadd_ps(p4, v1, a41);
        a42 = _mm512_fmadd_ps(p4, v2, a42); a43 = _mm512_fmadd_ps(p4, v3, a43);
        a50 = _mm512_fmadd_ps(p5, v0, a50); a51 = _mm512_fmadd_ps(p5, v1, a51);
        a52 = _mm512_fmadd_ps(p5, v2, a52); a53 = _mm512_fmadd_ps(p5, v3, a53);
    }
    __m512 rows[6][4] = {{a00, a01, a02, a03}, {a10, a11, a12, a13}, {a20, a21, a22, a23},
                         {a30, a31, a32, a33}, {a40, a41, a42, a43}, {a50, a51, a52, a53}};
    for (int i = 0; i < 6; i++) {
        __m512 scale_row = _mm512_set1_ps(inv[r + i]);
        for (int c = 0; c < 4; c++) _mm512_storeu_ps(out + (r + i) * ldo + 16 * c, _mm512_mul_ps(rows[i][c], scale_row));
    }
}

/// Heads 64 wide, one row: out[r][0 ..< 64] = (Σ_j st[j][r] · v_j) · inv[r].
LINGUA_AVX512 static inline void lingua_attend_context1x64(const float *st, long lanes, const float *inv, long r, const float *v,
                                                           long n, long ldkv, float *out, long ldo) {
    __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
    for (long j = 0; j < n; j++) {
        const float *vj = v + j * ldkv;
        __m512 p = _mm512_set1_ps(st[j * lanes + r]);
        a0 = _mm512_fmadd_ps(p, _mm512_loadu_ps(vj), a0);
        a1 = _mm512_fmadd_ps(p, _mm512_loadu_ps(vj + 16), a1);
        a2 = _mm512_fmadd_ps(p, _mm512_loadu_ps(vj + 32), a2);
        a3 = _mm512_fmadd_ps(p, _mm512_loadu_ps(vj + 48), a3);
    }
    __m512 scale_row = _mm512_set1_ps(inv[r]);
    _mm512_storeu_ps(out + r * ldo, _mm512_mul_ps(a0, scale_row));
    _mm512_storeu_ps(out + r * ldo + 16, _mm512_mul_ps(a1, scale_row));
    _mm512_storeu_ps(out + r * ldo + 32, _mm512_mul_ps(a2, scale_row));
    _mm512_storeu_ps(out + r * ldo + 48, _mm512_mul_ps(a3, scale_row));
}

/// Any width up to 64: out[r][16c ..< 16c + 16] = (Σ_j st[j][r] · v_j[16c ...]) · inv[r], one vector at a time.
LINGUA_AVX512 static inline void lingua_attend_context1(const float *st, long lanes, const float *inv, long r, const float *v,
                                                        long n, long dh, long ldkv, float *out, long ldo) {
    for (long c = 0; c < dh; c += 16) {
        __m512 a0 = _mm512_setzero_ps();
        for (long j = 0; j < n; j++) a0 = _mm512_fmadd_ps(_mm512_set1_ps(st[j * lanes + r]), _mm512_loadu_ps(v + j * ldkv + c), a0);
        _mm512_storeu_ps(out + r * ldo + c, _mm512_mul_ps(a0, _mm512_set1_ps(inv[r])));
    }
}

LINGUA_AVX512 static inline void lingua_attend_rows_avx512(const float *q, long rows, long ldq, const float *k, const float *v,
                                                           long n, long dh, long ldkv, float scale, const float *mask_bias,
                                                           float *work, float *out, long ldo) {
    long lanes = lingua_attend_rows_lanes(rows);
    float *qt = work, *st = qt + dh * lanes, *inv = st + n * lanes;
    lingua_attend_rows_transpose(q, rows, ldq, dh, lanes, qt);
    __m512 vscale = _mm512_set1_ps(scale);
    for (long lane = 0; lane < lanes; lane += 16) {
        long j = 0;
        for (; j + 8 <= n; j += 8) lingua_attend_scores8(qt, lanes, lane, k, j, dh, ldkv, vscale, mask_bias, st);
        for (; j < n; j++) lingua_attend_scores1(qt, lanes, lane, k, j, dh, ldkv, vscale, mask_bias, st);
        __m512 m = _mm512_set1_ps(-INFINITY);
        for (j = 0; j < n; j++) m = _mm512_max_ps(_mm512_load_ps(st + j * lanes + lane), m);
        __m512 total = _mm512_setzero_ps();
        for (j = 0; j < n; j++) {
            __m512 e = lingua_exp16_nonpositive(_mm512_sub_ps(_mm512_load_ps(st + j * lanes + lane), m));
            _mm512_store_ps(st + j * lanes + lane, e);
            total = _mm512_add_ps(total, e);
        }
        _mm512_store_ps(inv + lane, _mm512_div_ps(_mm512_set1_ps(1.0f), total));
    }
    long r = 0;
    if (dh == 64) {
        for (; r + 6 <= rows; r += 6) lingua_attend_context6(st, lanes, inv, r, v, n, ldkv, out, ldo);
        for (; r < rows; r++) lingua_attend_context1x64(st, lanes, inv, r, v, n, ldkv, out, ldo);
    }
    for (; r < rows; r++) lingua_attend_context1(st, lanes, inv, r, v, n, dh, ldkv, out, ldo);
}
#endif

/// Self-attention of `rows` query rows (q, row stride ldq) over n keys k and values v (row stride ldkv) of
/// one head `dh` wide (`lingua_attend_rows_supports`): out[r][0..<dh] (row stride ldo) =
/// Σ_j softmax_j(scale · q_r·k_j + mask_bias[j]) v_j (mask_bias NULL: none; −FLT_MAX masks a key).
/// `work`: `lingua_attend_rows_work(rows, n, dh)` floats, 64-byte aligned. Returns 0, having done
/// nothing, for an unsupported width.
static inline int lingua_attend_rows(const float *q, long rows, long ldq, const float *k, const float *v, long n, long dh,
                                     long ldkv, float scale, const float *mask_bias, float *work, float *out, long ldo) {
    if (!lingua_attend_rows_supports(dh)) return 0;
    if (rows <= 0 || n <= 0) return 1;
#if defined(__x86_64__)
    if (LINGUA_HAS_AVX512()) {
        lingua_attend_rows_avx512(q, rows, ldq, k, v, n, dh, ldkv, scale, mask_bias, work, out, ldo);
        return 1;
    }
#endif
    lingua_attend_rows_scalar(q, rows, ldq, k, v, n, dh, ldkv, scale, mask_bias, work, out, ldo);
    return 1;
}

#endif
