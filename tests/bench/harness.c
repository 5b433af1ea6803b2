/*
 * Timing harness (see harness.h). Method, the same for every implementation:
 * - warm-up: the operation runs for WARMUP_NS, which also estimates one call's time;
 * - a sample times REPS back-to-back calls and records their mean; REPS fills SAMPLE_NS
 *   (train steps at most TRAIN_REPS_MAX, and the parameters are reset to the initial ones before
 *   every sample, outside the timed region, so every implementation trains from the same point);
 * - as many samples as fill BUDGET_NS (at least MIN_SAMPLES), and the MEDIAN is reported.
 */
#define _POSIX_C_SOURCE 200809L
#include "harness.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WARMUP_NS 20e6
#define SAMPLE_NS 0.5e6
#define BUDGET_NS 250e6
#define MIN_SAMPLES 41
#define MAX_SAMPLES 4001
#define TRAIN_REPS_MAX 32

static const char *current_label = "?";

void bench_die(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    fprintf(stderr, "bench: ");
    vfprintf(stderr, format, args);
    fprintf(stderr, "\n");
    va_end(args);
    exit(1);
}

void bench_info(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    printf("info %s ", current_label);
    vprintf(format, args);
    printf("\n");
    va_end(args);
}

void *bench_alloc(size_t bytes)
{
    void *p = NULL;
    if (posix_memalign(&p, 64, bytes ? bytes : 1) != 0)
        bench_die("out of memory (%zu bytes)", bytes);
    memset(p, 0, bytes);
    return p;
}

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static float *read_floats(const char *dir, const char *net, const char *file, long count)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s/%s", dir, net, file);
    FILE *f = fopen(path, "rb");
    if (!f)
        bench_die("cannot open %s (run prep first)", path);
    float *data = bench_alloc((size_t)count * sizeof *data);
    if (fread(data, sizeof *data, (size_t)count, f) != (size_t)count || fgetc(f) != EOF)
        bench_die("%s: expected exactly %ld floats", path, count);
    fclose(f);
    return data;
}

static void write_doubles(const char *dir, const char *net, const char *label, const double *data,
                          long count)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s/after.%s.f64", dir, net, label);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, sizeof *data, (size_t)count, f) != (size_t)count || fclose(f) != 0)
        bench_die("cannot write %s", path);
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* What one measurement needs: the operation, and for train steps the reset between samples. */
typedef struct {
    const bench_adapter *adapter;
    void *self;
    const float *params0;
    int is_train;
} timed_op;

static volatile double sink;

static void run_op(const timed_op *op)
{
    if (op->is_train)
        sink = op->adapter->train_step(op->self);
    else
        op->adapter->forward(op->self);
}

typedef struct {
    double median_ns;
    long reps;
    long samples;
} timing;

static timing measure(const timed_op *op)
{
    op->adapter->set_params(op->self, op->params0);
    long calls = 0;
    double start = now_ns(), elapsed;
    do {
        run_op(op);
        calls++;
        elapsed = now_ns() - start;
    } while (elapsed < WARMUP_NS || calls < 3);
    double per_call = elapsed / (double)calls;

    timing t;
    t.reps = (long)(SAMPLE_NS / per_call) + 1;
    if (op->is_train && t.reps > TRAIN_REPS_MAX)
        t.reps = TRAIN_REPS_MAX;
    t.samples = (long)(BUDGET_NS / (per_call * (double)t.reps));
    if (t.samples < MIN_SAMPLES)
        t.samples = MIN_SAMPLES;
    if (t.samples > MAX_SAMPLES)
        t.samples = MAX_SAMPLES;

    double *per_sample = malloc((size_t)t.samples * sizeof *per_sample);
    if (!per_sample)
        bench_die("out of memory");
    for (long s = 0; s < t.samples; s++) {
        if (op->is_train)
            op->adapter->set_params(op->self, op->params0);
        double t0 = now_ns();
        for (long r = 0; r < t.reps; r++)
            run_op(op);
        per_sample[s] = (now_ns() - t0) / (double)t.reps;
    }
    qsort(per_sample, (size_t)t.samples, sizeof *per_sample, compare_doubles);
    t.median_ns = t.samples % 2 ? per_sample[t.samples / 2]
                                : 0.5 * (per_sample[t.samples / 2 - 1] + per_sample[t.samples / 2]);
    free(per_sample);
    return t;
}

static void run_net(const bench_adapter *a, const char *dir, const char *pass, const char *label)
{
    const bench_net *net = bench_find_net(a->net);
    if (!net)
        bench_die("unknown net %s", a->net);
    long count = bench_param_count(net);
    int n0 = net->input, nL = net->units[net->layers - 1], m = net->batch;
    float *params0 = read_floats(dir, net->name, "params0.f32", count);
    float *X = read_floats(dir, net->name, "X.f32", (long)n0 * m);
    float *Y = read_floats(dir, net->name, "Y.f32", (long)nL * m);
    void *self = a->create(net, params0, X, Y);

    /* The correctness gate's inputs: J from forward + cost, J and parameters after one step. */
    a->set_params(self, params0);
    a->forward(self);
    double J_forward = a->cost(self);
    a->set_params(self, params0);
    double J_step = a->train_step(self);
    double *after = malloc((size_t)count * sizeof *after);
    if (!after)
        bench_die("out of memory");
    a->get_params(self, after);
    write_doubles(dir, net->name, label, after, count);
    free(after);
    printf("check %s %s %.9e %.9e\n", label, net->name, J_forward, J_step);
    fflush(stdout);

    timed_op forward = {a, self, params0, 0}, train = {a, self, params0, 1};
    timing f = measure(&forward);
    timing t = measure(&train);
    printf("result %s %s %s %.1f %.1f %ld %ld %ld %ld\n", label, net->name, pass, f.median_ns,
           t.median_ns, f.reps, t.reps, f.samples, t.samples);
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
    current_label = argv[3];
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
