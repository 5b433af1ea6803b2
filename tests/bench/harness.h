/*
 * The timing harness every C and C++ implementation links: it loads one net's data, checks the
 * implementation once (J and the parameters after one train step), times forward and the train
 * step, and prints one line per fact for tests/bench/report.c.
 *
 *   PROGRAM DATA_DIR PASS LABEL [NET]
 *
 * reads DATA_DIR/<net>/{params0,X,Y}.f32 (written by prep) for every net the program adapts (or
 * only NET),
 * writes DATA_DIR/<net>/after.<LABEL>.f64, and prints on stdout:
 *
 *   check  LABEL NET J_FORWARD J_STEP
 *   result LABEL NET PASS FORWARD_NS TRAIN_NS FORWARD_REPS TRAIN_REPS FORWARD_SAMPLES TRAIN_SAMPLES
 *   info   LABEL free text
 *
 * (an inference-only implementation prints "-" for J_STEP and the train fields, and writes no
 * after.LABEL.f64); a program running more than one thread after the first forward and train step
 * dies (every implementation is measured on one thread)
 */
#ifndef GRADC_BENCH_HARNESS_H
#define GRADC_BENCH_HARNESS_H

#include <stddef.h>

#include "bench_util.h" /* bench_info, bench_die, bench_alloc */
#include "nets.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One implementation of one net. Data arrive in the contract's layout (samples are columns,
 * parameters flat in net_params order); create copies them into whatever layout the
 * implementation prefers, so no conversion is ever timed. */
typedef struct {
    const char *net;                                /* a name from BENCH_NETS */
    void *(*create)(const bench_net *net, const float *params, const float *X, const float *Y);
    void (*set_params)(void *self, const float *params);
    void (*forward)(void *self);
    double (*cost)(void *self);                     /* J of the last forward */
    double (*train_step)(void *self);               /* forward, cost, backward, sgd; J before;
                                                     * NULL: inference only (XNNPACK) */
    void (*get_params)(void *self, double *out);    /* flat, net_params order */
    void (*destroy)(void *self);
} bench_adapter;

/* Runs the whole protocol for every adapter; returns the process exit status. */
int bench_main(int argc, char **argv, const bench_adapter *adapters, int count);

/* The same for an implementation whose functions handle every net of BENCH_NETS (runtime
 * shapes): `generic`'s net field is ignored. */
int bench_main_all_nets(int argc, char **argv, const bench_adapter *generic);

#ifdef __cplusplus
}
#endif

#endif
