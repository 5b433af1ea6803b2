/*
 * Timing harness (see harness.h). Method, the same for every implementation (bench_time):
 * - warm-up: the operation runs for WARMUP_NS, which also estimates one call's time;
 * - a sample times REPS back-to-back calls and records their mean; REPS fills SAMPLE_NS
 *   (train steps at most TRAIN_REPS_MAX, and the parameters are reset to the initial ones before
 *   every sample, outside the timed region, so every implementation trains from the same point);
 * - as many samples as fill BUDGET_NS (at least MIN_SAMPLES), and the MEDIAN is reported.
 */
#define _POSIX_C_SOURCE 200809L
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WARMUP_NS 20e6
#define SAMPLE_NS 0.5e6
#define BUDGET_NS 250e6
#define MIN_SAMPLES 41
#define MAX_SAMPLES 4001
#define TRAIN_REPS_MAX 32

static void run_net(const bench_adapter *a, const char *dir, const char *pass, const char *label)
{
    static const bench_plan forward_plan = {WARMUP_NS, SAMPLE_NS, BUDGET_NS, MIN_SAMPLES,
                                            MAX_SAMPLES, 0};
    static const bench_plan train_plan = {WARMUP_NS, SAMPLE_NS, BUDGET_NS, MIN_SAMPLES,
                                          MAX_SAMPLES, TRAIN_REPS_MAX};
    const bench_net *net = bench_find_net(a->net);
    if (!net)
        bench_die("unknown net %s", a->net);
    long count = bench_param_count(net);
    int n0 = net->input, nL = net->units[net->layers - 1], m = net->batch;
    float *params0 = bench_read_floats(dir, net->name, "params0.f32", count);
    float *X = bench_read_floats(dir, net->name, "X.f32", (long)n0 * m);
    float *Y = bench_read_floats(dir, net->name, "Y.f32", (long)nL * m);
    void *self = a->create(net, params0, X, Y);

    /* The correctness gate's inputs: J from forward + cost, J and parameters after one step. */
    a->set_params(self, params0);
    a->forward(self);
    double J_forward = a->cost(self);
    if (a->train_step) {
        a->set_params(self, params0);
        double J_step = a->train_step(self);
        double *after = bench_alloc((size_t)count * sizeof *after);
        a->get_params(self, after);
        char file[256];
        snprintf(file, sizeof file, "after.%s.f64", label);
        bench_write_doubles(dir, net->name, file, after, count);
        free(after);
        printf("check %s %s %.9e %.9e\n", label, net->name, J_forward, J_step);
    } else {
        printf("check %s %s %.9e -\n", label, net->name, J_forward);
    }
    /* One thread, as every column is measured: checked after the implementation has run, when
     * any pool of its own would exist. */
    int threads = bench_thread_count();
    if (threads > 1)
        bench_die("%s: %d threads are running after the first forward and train step, not 1",
                  net->name, threads);
    fflush(stdout);

    /* Train steps start every sample from params0; forward does not change the parameters. */
    bench_op op = {self, a->forward, a->train_step, a->set_params, params0};
    a->set_params(self, params0);
    bench_timing f = bench_time_forward(&forward_plan, &op, 0);
    if (a->train_step) {
        bench_timing t = bench_time_train_step(&train_plan, &op, 1);
        printf("result %s %s %s %.1f %.1f %ld %ld %ld %ld\n", label, net->name, pass,
               f.median_ns, t.median_ns, f.reps, t.reps, f.samples, t.samples);
    } else {
        printf("result %s %s %s %.1f - %ld - %ld -\n", label, net->name, pass, f.median_ns,
               f.reps, f.samples);
    }
    fflush(stdout);
    a->destroy(self);
    free(params0);
    free(X);
    free(Y);
}

int bench_main(int argc, char **argv, const bench_adapter *adapters, int count)
{
    if (argc != 4 && argc != 5) {
        fprintf(stderr, "usage: %s DATA_DIR PASS LABEL [NET]\n", argv[0]);
        return 2;
    }
    bench_set_label(argv[3]);
    int ran = 0;
    for (int i = 0; i < count; i++)
        if (argc == 4 || strcmp(adapters[i].net, argv[4]) == 0) {
            run_net(&adapters[i], argv[1], argv[2], argv[3]);
            ran++;
        }
    if (ran == 0)
        bench_die("%s: no such net here", argv[4]);
    return 0;
}

int bench_main_all_nets(int argc, char **argv, const bench_adapter *generic)
{
    bench_adapter adapters[BENCH_NET_COUNT];
    for (int i = 0; i < BENCH_NET_COUNT; i++) {
        adapters[i] = *generic;
        adapters[i].net = BENCH_NETS[i].name;
    }
    return bench_main(argc, argv, adapters, BENCH_NET_COUNT);
}
