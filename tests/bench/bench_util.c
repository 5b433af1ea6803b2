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
