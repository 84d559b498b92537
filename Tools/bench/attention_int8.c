// int8 self-attention of one layer (every head of one sequence): the fused AVX-512 VNNI kernel
// (`lingua_attention_int8_head`, kernels_attn8_fused.h) against the path it replaces, two oneDNN u8·s8
// matmuls per block of 256 query rows around `lingua_attention_softmax_codes` and `lingua_scale_products`
// (what Lingua runs without VNNI). Same random codes for both, best of R runs each, and a bit-for-bit
// comparison of the two contexts. Issue 9; BENCHMARKS.md "int8 attention in one fused kernel".
//
//   clang -O2 -ISources/CDNNL Tools/bench/attention_int8.c -o /tmp/attention_int8 -ldnnl -lm
//   OMP_NUM_THREADS=1 /tmp/attention_int8 [N HEADS DH [MASKED [R]]]   default 512 16 64 (xlmr-large-size)
// Build it with clang (Swift's C compiler, as the package builds the kernels): gcc allocates the fused
// kernel's registers worse and reads ~15% slower.
#include <dnnl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "bench_common.h"
#include "kernels.h"
#include "kernels_int8.h"
#include "kernels_attn8.h"
#include "kernels_attn8_fused.h"

static float uniform(unsigned long long *state) {
    *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (float)((*state >> 11) % 2000001) / 1000000.0f - 1.0f;
}

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 512, heads = argc > 2 ? atol(argv[2]) : 16, dh = argc > 3 ? atol(argv[3]) : 64;
    int masked = argc > 4 && atoi(argv[4]) != 0, repeats = argc > 5 ? atoi(argv[5]) : 20;
    long h = heads * dh;
    if (n <= 0 || heads <= 0 || !lingua_attention_int8_fused_fits(dh)) { fprintf(stderr, "bad N, HEADS or DH\n"); return 2; }
    if (!lingua_attention_int8_fused_available()) { fprintf(stderr, "this CPU has no AVX-512 VNNI\n"); return 2; }
    unsigned long long seed = 1;
    float *q = malloc(4 * n * h), *k = malloc(4 * n * h), *v = malloc(4 * n * h), *bias = malloc(4 * n);
    for (long i = 0; i < n * h; i++) { q[i] = 2 * uniform(&seed); k[i] = 2 * uniform(&seed); v[i] = uniform(&seed); }
    for (long j = 0; j < n; j++) bias[j] = masked && j % 7 == 3 ? -3.4028235e38f : 0;
    // Codes as the int8 pass makes them.
    uint8_t *qc = aligned_alloc(64, n * h);
    int8_t *kc = aligned_alloc(64, n * h), *vc = aligned_alloc(64, n * h);
    float *qs = malloc(4 * n * heads), *ks = malloc(4 * n * heads), *vs = malloc(4 * h);
    int32_t *qz = malloc(4 * n * heads), *ksum = malloc(4 * n * heads);
    lingua_quantize_rows(q, n * heads, dh, dh, NULL, qc, qs, qz, 255);
    lingua_quantize_heads_s8(k, n, heads, dh, h, kc, ks, ksum, n);
    lingua_quantize_columns_s8(v, n, h, h, vc, h, vs);

    dnnl_engine_t engine;
    dnnl_stream_t stream;
    CHECK(dnnl_engine_create(&engine, dnnl_cpu, 0));
    CHECK(dnnl_stream_create(&stream, engine, dnnl_stream_default_flags));
    long block = n < 256 ? n : 256, tail = n % 256 ? n % 256 : 256;
    lingua_int8_matmul scores[2], context[2];
    CHECK(lingua_attention_matmul_create(engine, block, n, dh, h, 1, h, n, dnnl_u8, dnnl_s8, dnnl_s32, &scores[0]));
    CHECK(lingua_attention_matmul_create(engine, block, dh, n, 4 * n, h, 1, h, dnnl_u8, dnnl_s8, dnnl_s32, &context[0]));
    CHECK(lingua_attention_matmul_create(engine, tail, n, dh, h, 1, h, n, dnnl_u8, dnnl_s8, dnnl_s32, &scores[1]));
    CHECK(lingua_attention_matmul_create(engine, tail, dh, n, 4 * n, h, 1, h, dnnl_u8, dnnl_s8, dnnl_s32, &context[1]));
    void *pad = aligned_alloc(64, 1 << 24), *work = aligned_alloc(64, (lingua_attention_int8_work_bytes(n, dh) + 63) & ~63L);
    float *buffer = aligned_alloc(64, 4 * 256 * n + 64), rowScales[256], scale = 1 / sqrtf((float)dh);
    float *matmulOut = calloc(n * h, 4), *fusedOut = calloc(n * h, 4);
    double matmulBest = 1e9, fusedBest = 1e9;
    for (int r = 0; r < repeats; r++) {
        double t = now();
        for (long head = 0; head < heads; head++) {
            for (long first = 0; first < n; first += 256) {
                long rows = n - first < 256 ? n - first : 256, at = rows == block ? 0 : 1, query = first * h + head * dh;
                CHECK(lingua_int8_matmul_run(&scores[at], engine, stream, qc + query, kc + head * dh, buffer, pad));
                lingua_attention_softmax_codes(buffer, rows, n, n, qs + first * heads + head, qz + first * heads + head, heads, scale,
                                               ks + head * n, ksum + head * n, masked ? bias : NULL, 255, rowScales);
                CHECK(lingua_int8_matmul_run(&context[at], engine, stream, buffer, vc + head * dh, matmulOut + query, pad));
                lingua_scale_products(matmulOut + query, rows, dh, h, rowScales, vs + head * dh);
            }
        }
        t = now() - t;
        if (t < matmulBest) matmulBest = t;
        t = now();
        for (long head = 0; head < heads; head++) {
            lingua_attention_int8_head(n, n, dh, qc + head * dh, h, qs + head, qz + head, heads, scale, kc + head * dh, h,
                                       ks + head * n, ksum + head * n, masked ? bias : NULL, vc + head * dh, h, vs + head * dh,
                                       255, fusedOut + head * dh, h, work);
        }
        t = now() - t;
        if (t < fusedBest) fusedBest = t;
    }
    long differ = 0;
    for (long i = 0; i < n * h; i++) differ += memcmp(matmulOut + i, fusedOut + i, 4) != 0;
    printf("keys | heads × dims | masked | oneDNN matmuls ms | fused kernel ms | × | values differing\n---|---|---|---|---|---|---\n");
    printf("%ld | %ld × %ld | %s | %.3f | %.3f | %.2f | %ld of %ld\n", n, heads, dh, masked ? "yes" : "no", matmulBest * 1e3,
           fusedBest * 1e3, matmulBest / fusedBest, differ, n * h);
    return differ != 0;
}
