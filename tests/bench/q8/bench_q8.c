/*
 * bench_q8: one model's int8 inference (<name>_q8_infer, integer only) against its float
 * inference-only build (<name>_infer, const weights), one sample per call, on this machine in one
 * process: after a warm-up, SAMPLES timed samples of each, alternating (float, int8, float, ...)
 * so that both meet the same noise, each sample a batch of calls long enough for the clock
 * (about 20 us); prints the medians in ns per call and their ratio. Compile with the cross
 * tests' -DMODEL=... -DMODEL_UPPER=... -DMODEL_HEADER=... and <name>_weights.c, <name>_q8.c.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "gradc_names.h"

#define SAMPLES 301
#define SAMPLE_NS 20000.0

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static int by_value(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static real x[U(_INPUTS)], y[U(_OUTPUTS)];
static int8_t xq[U(_INPUTS)], yq[U(_OUTPUTS)];

/* Each call's input depends on the last call's output (by a term that is always zero), so no
 * call can be skipped or overlapped with the next. */
static void float_calls(long calls)
{
    for (long k = 0; k < calls; ++k) {
        M(_infer)(x, y);
        x[0] = x[0] + (y[0] - y[0]);
    }
}

static void int8_calls(long calls)
{
    for (long k = 0; k < calls; ++k) {
        M(_q8_infer)(xq, yq);
        xq[0] = (int8_t)(xq[0] ^ (yq[0] & 0));
    }
}

/* The calls that make one sample about SAMPLE_NS long. */
static long calibrate(void (*run)(long))
{
    long calls = 1;
    for (;;) {
        const double start = now_ns();
        run(calls);
        const double elapsed = now_ns() - start;
        if (elapsed >= SAMPLE_NS || calls > (1L << 30))
            return calls;
        calls *= 2;
    }
}

int main(void)
{
    uint32_t state = 7;
    for (size_t i = 0; i < U(_INPUTS); ++i) {
        state = state * 1664525u + 1013904223u;
        xq[i] = (int8_t)(uint8_t)(state >> 24);
        x[i] = (real)((int)(state >> 29) - 4) / (real)4;
    }
    float_calls(1000);
    int8_calls(1000);
    const long float_n = calibrate(float_calls), int8_n = calibrate(int8_calls);
    static double float_ns[SAMPLES], int8_ns[SAMPLES];
    for (int s = 0; s < SAMPLES; ++s) {
        double start = now_ns();
        float_calls(float_n);
        float_ns[s] = (now_ns() - start) / (double)float_n;
        start = now_ns();
        int8_calls(int8_n);
        int8_ns[s] = (now_ns() - start) / (double)int8_n;
    }
    qsort(float_ns, SAMPLES, sizeof float_ns[0], by_value);
    qsort(int8_ns, SAMPLES, sizeof int8_ns[0], by_value);
    const double f = float_ns[SAMPLES / 2], q = int8_ns[SAMPLES / 2];
    printf("%.1f %.1f %.2f\n", f, q, f / q);
    return 0;
}
