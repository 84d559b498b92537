// fp32 dense layers: dnnl_sgemm on PyTorch-layout weights (what Lingua runs) against a oneDNN matmul
// primitive (brgemm) on weights packed once into its blocked layout, as a forward pass meets them: L
// different weight matrices in turn (so they stream from memory, not from cache), T rows in blocks of B
// through the primitive, all T rows in one sgemm call, best of 5 after a warm-up of each.
// Issue 9 asked whether pre-packed weights would lift the fp32 path; BENCHMARKS.md has the answer.
//
//   cc -O2 Tools/bench/packed_gemm.c -o /tmp/packed_gemm -ldnnl
//   OMP_NUM_THREADS=1 /tmp/packed_gemm B K N L [T]     e.g. 256 768 3072 12 (mbert-size FFN up)
// Run two at once to load both cores as Lingua's two workers do.
#include <dnnl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "bench_common.h"

int main(int argc, char **argv) {
    if (argc < 5) { fprintf(stderr, "usage: %s B K N L [T]\n", argv[0]); return 2; }
    long B = atol(argv[1]), K = atol(argv[2]), N = atol(argv[3]), L = atol(argv[4]), T = argc > 5 ? atol(argv[5]) : 2048;
    if (B <= 0 || T % B) { fprintf(stderr, "T (%ld) must be a multiple of B (%ld)\n", T, B); return 2; }
    float *a = aligned_alloc(64, T * K * 4), *c = aligned_alloc(64, T * N * 4);
    for (long i = 0; i < T * K; i++) a[i] = (float)(i % 97) * 0.01f;

    dnnl_engine_t engine;
    dnnl_stream_t stream;
    CHECK(dnnl_engine_create(&engine, dnnl_cpu, 0));
    CHECK(dnnl_stream_create(&stream, engine, dnnl_stream_default_flags));
    dnnl_memory_desc_t src, weights, dst, user;
    dnnl_dims_t src_dims = {B, K}, weight_dims = {K, N}, dst_dims = {B, N};
    CHECK(dnnl_memory_desc_init_by_tag(&src, 2, src_dims, dnnl_f32, dnnl_ab));
    CHECK(dnnl_memory_desc_init_by_tag(&weights, 2, weight_dims, dnnl_f32, dnnl_format_tag_any));
    CHECK(dnnl_memory_desc_init_by_tag(&dst, 2, dst_dims, dnnl_f32, dnnl_ab));
    CHECK(dnnl_memory_desc_init_by_tag(&user, 2, weight_dims, dnnl_f32, dnnl_ba));  // [N × K] as PyTorch stores it
    dnnl_matmul_desc_t desc;
    CHECK(dnnl_matmul_desc_init(&desc, &src, &weights, NULL, &dst));
    dnnl_primitive_desc_t pd;
    CHECK(dnnl_primitive_desc_create(&pd, &desc, NULL, engine, NULL));
    const char *impl = "?";
    dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &impl);
    const dnnl_memory_desc_t *packed_md = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
    dnnl_primitive_desc_t reorder_pd;
    CHECK(dnnl_reorder_primitive_desc_create(&reorder_pd, &user, engine, packed_md, engine, NULL));
    dnnl_primitive_t reorder, matmul;
    CHECK(dnnl_primitive_create(&reorder, reorder_pd));
    CHECK(dnnl_primitive_create(&matmul, pd));

    float **w = malloc(L * sizeof *w);
    dnnl_memory_t *packed = malloc(L * sizeof *packed);
    for (long l = 0; l < L; l++) {
        w[l] = aligned_alloc(64, N * K * 4);
        for (long i = 0; i < N * K; i++) w[l][i] = (float)((i + l) % 89) * 0.01f;
        dnnl_memory_t from;
        CHECK(dnnl_memory_create(&from, &user, engine, w[l]));
        CHECK(dnnl_memory_create(&packed[l], packed_md, engine, DNNL_MEMORY_ALLOCATE));
        dnnl_exec_arg_t args[2] = {{DNNL_ARG_FROM, from}, {DNNL_ARG_TO, packed[l]}};
        CHECK(dnnl_primitive_execute(reorder, stream, 2, args));
        CHECK(dnnl_stream_wait(stream));
        dnnl_memory_destroy(from);
    }
    dnnl_memory_t src_mem, dst_mem;
    CHECK(dnnl_memory_create(&src_mem, &src, engine, a));
    CHECK(dnnl_memory_create(&dst_mem, &dst, engine, c));

    double best_packed = 1e30, best_sgemm = 1e30;
    for (int round = 0; round < 6; round++) {  // round 0 warms both up
        double t = now();
        for (long l = 0; l < L; l++) {
            for (long r = 0; r < T; r += B) {
                dnnl_memory_set_data_handle(src_mem, a + r * K);
                dnnl_memory_set_data_handle(dst_mem, c + r * N);
                dnnl_exec_arg_t args[3] = {{DNNL_ARG_SRC, src_mem}, {DNNL_ARG_WEIGHTS, packed[l]}, {DNNL_ARG_DST, dst_mem}};
                CHECK(dnnl_primitive_execute(matmul, stream, 3, args));
            }
        }
        CHECK(dnnl_stream_wait(stream));
        double packed_s = now() - t;
        t = now();
        for (long l = 0; l < L; l++) CHECK(dnnl_sgemm('N', 'T', T, N, K, 1, a, K, w[l], K, 0, c, N));
        double sgemm_s = now() - t;
        if (round > 0 && packed_s < best_packed) best_packed = packed_s;
        if (round > 0 && sgemm_s < best_sgemm) best_sgemm = sgemm_s;
    }
    double flop = 2.0 * T * N * K * L;
    printf("T %ld rows, K %ld, N %ld, %ld weights: sgemm %.0f GFLOP/s | packed %s, blocks of %ld rows %.0f GFLOP/s | packed / sgemm %.3f\n",
           T, K, N, L, flop / best_sgemm / 1e9, impl, B, flop / best_packed / 1e9, best_sgemm / best_packed);
    return 0;
}
