/*
 * The conv benchmark's protocol (conv_harness.h). Timing method, the same as the oneDNN,
 * XNNPACK and PyTorch programs use:
 * - warm-up: the operation runs for WARMUP_NS (at least 3 calls), which estimates one call;
 * - REPS = the calls that fill RUN_NS; RUNS runs of REPS back-to-back calls; the median of
 *   (run time / REPS) is reported.
 */
#define _POSIX_C_SOURCE 200809L
#include "conv_harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WARMUP_NS 20e6
#define RUN_NS 2e6
#define RUNS 41

/* bench_time with a fixed number of runs and no reset: training goes on from run to run. */
static const bench_plan conv_plan = {WARMUP_NS, RUN_NS, 0, RUNS, RUNS, 0};

int conv_bench_main(int argc, char **argv, const conv_adapter *a)
{
    if (argc != 4 && argc != 5) {
        fprintf(stderr, "usage: %s DATA_DIR PASS LABEL [NET]\n", argv[0]);
        return 2;
    }
    const char *dir = argv[1], *pass = argv[2], *label = argv[3];
    bench_set_label(label);
    if (argc == 5 && strcmp(argv[4], a->net) != 0)
        bench_die("%s: no such net in this program (it runs %s)", argv[4], a->net);
    const conv_net *net = conv_find_net(a->net);
    if (!net)
        bench_die("%s is not in conv_nets.h", a->net);

    long count = conv_param_count(net);
    int m = net->batch;
    float *params0 = bench_read_floats(dir, net->name, "params0.f32", count);
    float *X = bench_read_floats(dir, net->name, "X.f32", (long)net->inputs * m);
    float *Y = bench_read_floats(dir, net->name, "Y.f32", (long)net->classes * m);
    void *self = a->create(net, params0, X, Y);

    /* The correctness gate's inputs, both from params0: one forward's output and J, and one
     * train step's J and parameters. */
    char file[256];
    a->set_params(self, params0);
    a->forward(self);
    double J_forward = a->cost(self);
    snprintf(file, sizeof file, "out.%s.f32", label);
    bench_write_floats(dir, net->name, file, a->output(self), (size_t)net->classes * (size_t)m);
    a->set_params(self, params0);
    double J_step = a->train_step(self);
    double *after = bench_alloc((size_t)count * sizeof *after);
    a->get_params(self, after);
    snprintf(file, sizeof file, "after.%s.f64", label);
    bench_write_doubles(dir, net->name, file, after, count);
    free(after);
    printf("check %s %s %.9g %.9g\n", label, net->name, J_forward, J_step);
    fflush(stdout);

    a->set_params(self, params0);
    bench_op op = {self, a->forward, a->train_step, a->set_params, params0};
    bench_timing f = bench_time_forward(&conv_plan, &op, 0);
    bench_timing t = bench_time_train_step(&conv_plan, &op, 0);
    printf("result %s %s %s %.1f %.1f %ld %ld\n", label, net->name, pass, f.median_ns,
           t.median_ns, f.reps, t.reps);
    fflush(stdout);
    a->destroy(self);
    free(params0);
    free(X);
    free(Y);
    return 0;
}
