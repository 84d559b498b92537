// What the standalone C benchmarks in Tools/bench share: a monotonic clock and a oneDNN status check
// that stops the program with the failing line. Included by file name, so each program still builds
// with the one command in its header comment.
#ifndef LINGUA_BENCH_COMMON_H
#define LINGUA_BENCH_COMMON_H

#include <dnnl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

#define CHECK(x)                                                                  \
    do {                                                                          \
        dnnl_status_t s_ = (x);                                                   \
        if (s_) { fprintf(stderr, "oneDNN status %d at line %d\n", s_, __LINE__); exit(1); } \
    } while (0)

#endif
