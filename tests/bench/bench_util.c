/* The benchmarks' shared helpers (bench_util.h). */
#define _POSIX_C_SOURCE 200809L
#include "bench_util.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

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

void bench_set_label(const char *label)
{
    current_label = label;
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

int bench_thread_count(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    int threads = 0;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "Threads: %d", &threads) == 1)
            break;
    if (f)
        fclose(f);
    return threads;
}

double bench_now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

void bench_path(char *path, const char *dir, const char *net, const char *file)
{
    int size = file ? snprintf(path, 4096, "%s/%s/%s", dir, net, file)
                    : snprintf(path, 4096, "%s/%s", dir, net);
    if (size >= 4096)
        bench_die("path too long: %s/%s/%s", dir, net, file ? file : "");
}

void bench_make_net_dir(const char *data_dir, const char *net)
{
    char dir[4096];
    bench_path(dir, data_dir, net, NULL);
    mkdir(data_dir, 0777);
    mkdir(dir, 0777);
}

void bench_write_floats(const char *dir, const char *net, const char *file, const float *data,
                        size_t count)
{
    char path[4096];
    bench_path(path, dir, net, file);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, sizeof *data, count, f) != count || fclose(f) != 0)
        bench_die("cannot write %s", path);
}

float *bench_read_floats(const char *dir, const char *net, const char *file, long count)
{
    char path[4096];
    bench_path(path, dir, net, file);
    FILE *f = fopen(path, "rb");
    if (!f)
        bench_die("cannot open %s (run prep first)", path);
    float *data = bench_alloc((size_t)count * sizeof *data);
    if (fread(data, sizeof *data, (size_t)count, f) != (size_t)count || fgetc(f) != EOF)
        bench_die("%s: expected exactly %ld floats", path, count);
    fclose(f);
    return data;
}

void bench_write_doubles(const char *dir, const char *net, const char *file, const double *data,
                         long count)
{
    char path[4096];
    bench_path(path, dir, net, file);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, sizeof *data, (size_t)count, f) != (size_t)count || fclose(f) != 0)
        bench_die("cannot write %s", path);
}

double bench_uniform(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1.0p-53;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

bench_timing bench_time(const bench_plan *plan, void (*run)(void *context),
                        void (*reset)(void *context), void *context)
{
    if (reset)
        reset(context);
    long calls = 0;
    double start = bench_now_ns(), elapsed;
    do {
        run(context);
        calls++;
        elapsed = bench_now_ns() - start;
    } while (elapsed < plan->warmup_ns || calls < 3);
    double per_call = elapsed / (double)calls;

    bench_timing t;
    t.reps = (long)(plan->sample_ns / per_call) + 1;
    if (plan->max_reps > 0 && t.reps > plan->max_reps)
        t.reps = plan->max_reps;
    t.samples = (long)(plan->budget_ns / (per_call * (double)t.reps));
    if (t.samples < plan->min_samples)
        t.samples = plan->min_samples;
    if (t.samples > plan->max_samples)
        t.samples = plan->max_samples;

    double *per_sample = bench_alloc((size_t)t.samples * sizeof *per_sample);
    for (long s = 0; s < t.samples; s++) {
        if (reset)
            reset(context);
        double t0 = bench_now_ns();
        for (long r = 0; r < t.reps; r++)
            run(context);
        per_sample[s] = (bench_now_ns() - t0) / (double)t.reps;
    }
    qsort(per_sample, (size_t)t.samples, sizeof *per_sample, compare_doubles);
    t.median_ns = t.samples % 2 ? per_sample[t.samples / 2]
                                : 0.5 * (per_sample[t.samples / 2 - 1] + per_sample[t.samples / 2]);
    free(per_sample);
    return t;
}

static volatile double sink; /* keeps the train step's J, so that no call is optimized away */

static void run_forward(void *context)
{
    const bench_op *op = context;
    op->forward(op->self);
}

static void run_train_step(void *context)
{
    const bench_op *op = context;
    sink = op->train_step(op->self);
}

static void reset_params(void *context)
{
    const bench_op *op = context;
    op->set_params(op->self, op->params0);
}

bench_timing bench_time_forward(const bench_plan *plan, const bench_op *op, int reset)
{
    return bench_time(plan, run_forward, reset ? reset_params : NULL, (void *)op);
}

bench_timing bench_time_train_step(const bench_plan *plan, const bench_op *op, int reset)
{
    return bench_time(plan, run_train_step, reset ? reset_params : NULL, (void *)op);
}


void bench_cell_take(bench_cell *c, const bench_line *parsed)
{
    if (parsed->kind == BENCH_LINE_RESULT && parsed->a > 0) {
        c->have[parsed->pass - 1] = 1;
        c->forward_ns[parsed->pass - 1] = parsed->a;
        c->train_ns[parsed->pass - 1] = parsed->b;
    } else if (parsed->kind == BENCH_LINE_CHECK) {
        c->checked = 1;
        c->J_forward = parsed->a;
        c->has_step = parsed->b != -1;
        c->J_step = parsed->b;
    }
}

double bench_cell_best(const bench_cell *c, int train)
{
    double t = 0;
    for (int p = 0; p < 2; p++)
        if (c->have[p]) {
            double v = train ? c->train_ns[p] : c->forward_ns[p];
            if (v > 0 && (t == 0 || v < t))
                t = v;
        }
    return t;
}

void bench_cell_passes(const bench_cell *c, int train, char *out, size_t size)
{
    double ns[2];
    for (int k = 0; k < 2; k++)
        ns[k] = !c->have[k] ? -1 : train ? c->train_ns[k] : c->forward_ns[k];
    bench_format_passes(ns, out, size);
}

void bench_read_results(const char *path,
                        bench_cell *(*cell_of)(const char *label, const char *net),
                        void (*keep)(const char *line), void (*other)(const char *line))
{
    FILE *f = fopen(path, "r");
    if (!f)
        bench_die("cannot open %s", path);
    char line[4096], copy[4096];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        snprintf(copy, sizeof copy, "%s", line);
        bench_line parsed = {BENCH_LINE_OTHER, NULL, NULL, 0, 0, 0};
        char *kind = strtok(copy, " ");
        int ok = 1;
        if (kind && (strcmp(kind, "result") == 0 || strcmp(kind, "check") == 0)) {
            int result = strcmp(kind, "result") == 0;
            parsed.label = strtok(NULL, " ");
            parsed.net = strtok(NULL, " ");
            if (result)
                parsed.pass = (int)bench_parse_number(strtok(NULL, " "), &ok);
            parsed.a = bench_parse_number(strtok(NULL, " "), &ok);
            parsed.b = bench_parse_number(strtok(NULL, " "), &ok);
            if (ok && parsed.net && (!result || (parsed.pass >= 1 && parsed.pass <= 2)))
                parsed.kind = result ? BENCH_LINE_RESULT : BENCH_LINE_CHECK;
        } else if (kind && (strcmp(kind, "info") == 0 || strcmp(kind, "machine") == 0 ||
                            strcmp(kind, "note") == 0)) {
            parsed.kind = BENCH_LINE_KEEP;
        }
        bench_cell *c = parsed.kind == BENCH_LINE_RESULT || parsed.kind == BENCH_LINE_CHECK
                            ? cell_of(parsed.label, parsed.net)
                            : NULL;
        if (c)
            bench_cell_take(c, &parsed);
        else if (parsed.kind == BENCH_LINE_KEEP)
            keep(line);
        else if (other && parsed.kind == BENCH_LINE_OTHER)
            other(line);
    }
    fclose(f);
}

int bench_splice_readme(const char *path, const char *begin, const char *end, const char *text)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    char *old = bench_slurp(f);
    fclose(f);
    char *b = strstr(old, begin), *e = b ? strstr(b, end) : NULL;
    char *after_begin = b ? strchr(b, '\n') : NULL;
    int ok = 0;
    if (e && after_begin && after_begin < e) {
        char tmp[4096];
        snprintf(tmp, sizeof tmp, "%s.bench-tmp", path);
        FILE *out = fopen(tmp, "wb");
        if (out) {
            fwrite(old, 1, (size_t)(after_begin + 1 - old), out);
            fputs(text, out);
            fputs(e, out);
            ok = fclose(out) == 0 && rename(tmp, path) == 0;
            if (!ok)
                remove(tmp);
        }
    }
    free(old);
    return ok;
}

char *bench_slurp(FILE *f)
{
    if (fseek(f, 0, SEEK_END) != 0)
        bench_die("cannot read a file back");
    long size = ftell(f);
    rewind(f);
    char *text = malloc((size_t)size + 1);
    if (!text || size < 0 || fread(text, 1, (size_t)size, f) != (size_t)size)
        bench_die("cannot read a file back (%ld bytes)", size);
    text[size] = 0;
    return text;
}

double bench_parse_number(const char *word, int *ok)
{
    if (!word) {
        *ok = 0;
        return 0;
    }
    if (strcmp(word, "-") == 0)
        return -1;
    char *end;
    double v = strtod(word, &end);
    if (end == word || *end != 0)
        *ok = 0;
    return v;
}

void bench_format_passes(const double ns[2], char *out, size_t size)
{
    char p[2][32];
    for (int k = 0; k < 2; k++)
        if (ns[k] > 0)
            snprintf(p[k], sizeof p[k], "%.0f", ns[k]);
        else
            snprintf(p[k], sizeof p[k], "-");
    snprintf(out, size, "%s / %s", p[0], p[1]);
}

void bench_format_ratio(double theirs, double mine, char *out, size_t size)
{
    if (mine > 0 && theirs > 0)
        snprintf(out, size, "%.2fx", theirs / mine);
    else
        snprintf(out, size, "n/a");
}
