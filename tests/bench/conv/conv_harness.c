/*
 * The conv benchmark's protocol (conv_harness.h). Timing method, the same as the oneDNN,
 * XNNPACK and PyTorch programs use:
 * - warm-up: the operation runs for WARMUP_NS (at least 3 calls), which estimates one call;
 * - REPS = the calls that fill RUN_NS; RUNS runs of REPS back-to-back calls; the median of
 *   (run time / REPS) is reported.
 */
#define _POSIX_C_SOURCE 200809L
#include "conv_harness.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WARMUP_NS 20e6
#define RUN_NS 2e6
#define RUNS 41

static const char *current_label = "?";

void conv_die(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    fprintf(stderr, "bench: ");
    vfprintf(stderr, format, args);
    fprintf(stderr, "\n");
    va_end(args);
    exit(1);
}

void conv_info(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    printf("info %s ", current_label);
    vprintf(format, args);
    printf("\n");
    va_end(args);
}

void *conv_alloc(size_t bytes)
{
    void *p = NULL;
    if (posix_memalign(&p, 64, bytes ? bytes : 1) != 0)
        conv_die("out of memory (%zu bytes)", bytes);
    memset(p, 0, bytes);
    return p;
}

void conv_path(char *path, const char *dir, const char *net, const char *file)
{
    if (snprintf(path, 4096, "%s/%s/%s", dir, net, file) >= 4096)
        conv_die("path too long: %s/%s/%s", dir, net, file);
}

void conv_write_floats(const char *path, const float *data, size_t count)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, sizeof *data, count, f) != count || fclose(f) != 0)
        conv_die("cannot write %s", path);
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
    conv_path(path, dir, net, file);
    FILE *f = fopen(path, "rb");
    if (!f)
        conv_die("cannot open %s (run --prep first)", path);
    float *data = conv_alloc((size_t)count * sizeof *data);
    if (fread(data, sizeof *data, (size_t)count, f) != (size_t)count || fgetc(f) != EOF)
        conv_die("%s: expected exactly %ld floats", path, count);
    fclose(f);
    return data;
}

static void write_doubles(const char *path, const double *data, long count)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, sizeof *data, (size_t)count, f) != (size_t)count || fclose(f) != 0)
        conv_die("cannot write %s", path);
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static volatile double sink;

static void run_op(const conv_adapter *a, void *self, int is_train)
{
    if (is_train)
        sink = a->train_step(self);
    else
        a->forward(self);
}

typedef struct {
    double median_ns;
    long reps;
} timing;

static timing measure(const conv_adapter *a, void *self, int is_train)
{
    long calls = 0;
    double start = now_ns(), elapsed;
    do {
        run_op(a, self, is_train);
        calls++;
        elapsed = now_ns() - start;
    } while (elapsed < WARMUP_NS || calls < 3);
    double per_call = elapsed / (double)calls;

    timing t;
    t.reps = (long)(RUN_NS / per_call) + 1;
    double per_run[RUNS];
    for (int r = 0; r < RUNS; r++) {
        double t0 = now_ns();
        for (long k = 0; k < t.reps; k++)
            run_op(a, self, is_train);
        per_run[r] = (now_ns() - t0) / (double)t.reps;
    }
    qsort(per_run, RUNS, sizeof *per_run, compare_doubles);
    t.median_ns = per_run[RUNS / 2];
    return t;
}

int conv_bench_main(int argc, char **argv, const conv_adapter *a)
{
    if (argc != 4 && argc != 5) {
        fprintf(stderr, "usage: %s DATA_DIR PASS LABEL [NET]\n", argv[0]);
        return 2;
    }
    const char *dir = argv[1], *pass = argv[2], *label = argv[3];
    current_label = label;
    if (argc == 5 && strcmp(argv[4], a->net) != 0)
        conv_die("%s: no such net in this program (it runs %s)", argv[4], a->net);
    const conv_net *net = conv_find_net(a->net);
    if (!net)
        conv_die("%s is not in conv_nets.h", a->net);

    long count = conv_param_count(net);
    int m = net->batch;
    float *params0 = read_floats(dir, net->name, "params0.f32", count);
    float *X = read_floats(dir, net->name, "X.f32", (long)net->inputs * m);
    float *Y = read_floats(dir, net->name, "Y.f32", (long)net->classes * m);
    void *self = a->create(net, params0, X, Y);

    /* The correctness gate's inputs, both from params0: one forward's output and J, and one
     * train step's J and parameters. */
    char path[4096], file[256];
    a->set_params(self, params0);
    a->forward(self);
    double J_forward = a->cost(self);
    snprintf(file, sizeof file, "out.%s.f32", label);
    conv_path(path, dir, net->name, file);
    conv_write_floats(path, a->output(self), (size_t)net->classes * (size_t)m);
    a->set_params(self, params0);
    double J_step = a->train_step(self);
    double *after = conv_alloc((size_t)count * sizeof *after);
    a->get_params(self, after);
    snprintf(file, sizeof file, "after.%s.f64", label);
    conv_path(path, dir, net->name, file);
    write_doubles(path, after, count);
    free(after);
    printf("check %s %s %.9g %.9g\n", label, net->name, J_forward, J_step);
    fflush(stdout);

    a->set_params(self, params0);
    timing f = measure(a, self, 0);
    timing t = measure(a, self, 1);
    printf("result %s %s %s %.1f %.1f %ld %ld\n", label, net->name, pass, f.median_ns,
           t.median_ns, f.reps, t.reps);
    fflush(stdout);
    a->destroy(self);
    free(params0);
    free(X);
    free(Y);
    return 0;
}
