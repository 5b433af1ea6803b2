/*
 * The conv benchmark's timing protocol for programs written in C (the gradc one; the oneDNN and
 * XNNPACK programs carry their own copy of the same protocol, being self-contained):
 *
 *   PROGRAM DATA_DIR PASS LABEL [NET]
 *
 * reads DATA_DIR/<net>/{params0,X,Y}.f32, writes DATA_DIR/<net>/out.LABEL.f32 (the softmax
 * output of one forward from params0, classes x m) and after.LABEL.f64 (the parameters after one
 * train step from params0), and prints on stdout
 *
 *   check  LABEL NET J_FORWARD J_STEP
 *   result LABEL NET PASS FORWARD_NS TRAIN_NS FORWARD_REPS TRAIN_REPS
 *   info   LABEL free text
 *
 * Each time is the median of 41 runs, each run REPS back-to-back calls with REPS chosen so that a
 * run takes at least 2 ms, divided by REPS. The train step is timed on the program's own copy of
 * the parameters, which keeps training from run to run (no reset inside or between runs).
 */
#ifndef GRADC_BENCH_CONV_HARNESS_H
#define GRADC_BENCH_CONV_HARNESS_H

#include <stddef.h>

#include "../bench_util.h" /* bench_die, bench_info, bench_alloc, bench_path ... */
#include "conv_nets.h"

/* One implementation of one net. Data arrive in the interface's layout (batch last, parameters
 * flat in net_params order); create copies them into the implementation's own layout, so no
 * conversion is ever timed. */
typedef struct {
    const char *net; /* a name from CONV_NETS */
    void *(*create)(const conv_net *net, const float *params, const float *X, const float *Y);
    void (*set_params)(void *self, const float *params);
    void (*forward)(void *self);
    const float *(*output)(void *self); /* softmax of the last forward, classes x m */
    double (*cost)(void *self);         /* J of the last forward */
    double (*train_step)(void *self);   /* forward, J, backward, sgd; returns J before */
    void (*get_params)(void *self, double *out); /* flat, net_params order */
    void (*destroy)(void *self);
} conv_adapter;

/* Runs the protocol above for one adapter; returns the process exit status. */
int conv_bench_main(int argc, char **argv, const conv_adapter *adapter);

#endif
