/*
 * What the dense and the conv benchmarks share: messages, aligned memory, the median timing loop
 * (tests/bench/harness.c and conv/conv_harness.c each set its own plan), and for the reports the
 * README marker splice and the number formatting.
 */
#ifndef GRADC_BENCH_UTIL_H
#define GRADC_BENCH_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One line on stderr ("bench: ..."), exit status 1: for impossible states in benchmark code. */
void bench_die(const char *format, ...)
#ifdef __GNUC__
    __attribute__((format(printf, 1, 2), noreturn))
#endif
    ;

/* The running program's LABEL, which bench_info prints ("?" until set). */
void bench_set_label(const char *label);

/* Prints "info LABEL ..." on stdout. */
void bench_info(const char *format, ...)
#ifdef __GNUC__
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* 64-byte aligned, zeroed memory (release it with free); dies when out of memory. */
void *bench_alloc(size_t bytes);

/* The threads this process runs (Linux: /proc/self/status), 0 when that cannot be read. */
int bench_thread_count(void);

/* CLOCK_MONOTONIC in ns. */
double bench_now_ns(void);

/* DIR/NET/FILE into path (4096 bytes; FILE NULL: DIR/NET); dies when it does not fit. */
void bench_path(char *path, const char *dir, const char *net, const char *file);

/* Makes DATA_DIR and DATA_DIR/NET (where prep writes a net's data) when they are missing. */
void bench_make_net_dir(const char *data_dir, const char *net);

/* Writes count floats to DIR/NET/FILE, or dies naming it. */
void bench_write_floats(const char *dir, const char *net, const char *file, const float *data,
                        size_t count);

/* Reads DIR/NET/FILE, exactly count floats (64-byte aligned, release with free), or dies. */
float *bench_read_floats(const char *dir, const char *net, const char *file, long count);

/* Writes count doubles to DIR/NET/FILE, or dies naming it. */
void bench_write_doubles(const char *dir, const char *net, const char *file, const double *data,
                         long count);

/* splitmix64's next number in [0, 1): the benchmark data are the same on every machine. */
double bench_uniform(uint64_t *state);

/* How one operation is timed: a warm-up of warmup_ns (at least 3 calls), which estimates one
 * call; a sample = reps back-to-back calls, reps filling sample_ns (at most max_reps, when not 0);
 * as many samples as fill budget_ns, clamped to [min_samples, max_samples]; the median sample's
 * per-call time. */
typedef struct {
    double warmup_ns, sample_ns, budget_ns;
    long min_samples, max_samples, max_reps;
} bench_plan;

typedef struct {
    double median_ns;
    long reps, samples;
} bench_timing;

/* Times run(context); reset(context), when not NULL, runs before the warm-up and before every
 * sample, outside the timed region. */
bench_timing bench_time(const bench_plan *plan, void (*run)(void *context),
                        void (*reset)(void *context), void *context);

/* One implementation's operations, as both harnesses time them. */
typedef struct {
    void *self;
    void (*forward)(void *self);
    double (*train_step)(void *self);
    void (*set_params)(void *self, const float *params);
    const float *params0; /* with reset: set before the warm-up and before every sample */
} bench_op;

bench_timing bench_time_forward(const bench_plan *plan, const bench_op *op, int reset);
bench_timing bench_time_train_step(const bench_plan *plan, const bench_op *op, int reset);

/* One line of a results file as the programs print them (harness.h, conv/conv_harness.h). */
typedef enum {
    BENCH_LINE_OTHER,  /* anything else (peak lines, ...) */
    BENCH_LINE_RESULT, /* result LABEL NET PASS FORWARD_NS TRAIN_NS ... */
    BENCH_LINE_CHECK,  /* check LABEL NET J_FORWARD J_STEP */
    BENCH_LINE_KEEP    /* info, machine and note lines: the report's header */
} bench_line_kind;

typedef struct {
    bench_line_kind kind;
    const char *label, *net; /* result and check lines */
    int pass;                /* result lines: 1 or 2 */
    double a, b;             /* result: forward and train ns; check: J forward and J step;
                              * -1 where the program printed "-" */
} bench_line;


/* What a report knows of one implementation on one net. */
typedef struct {
    int have[2];                       /* a result line of pass 1, 2 */
    double forward_ns[2], train_ns[2]; /* train_ns <= 0: inference only */
    int checked, has_step;             /* a check line; with a J_STEP */
    double J_forward, J_step;
    int mismatch;                      /* the report's gate failed it */
} bench_cell;

/* Takes a result or check line (parsed) into c. */
void bench_cell_take(bench_cell *c, const bench_line *parsed);

/* The better (lower) of the passes' medians; 0 if none. */
double bench_cell_best(const bench_cell *c, int train);

/* "1234 / 1250" of c's passes, a missing one as "-". */
void bench_cell_passes(const bench_cell *c, int train, char *out, size_t size);

/* Reads the results file at path (dies when it cannot be opened): a result or check line goes
 * into cell_of(label, net) unless that is NULL (an implementation or net the report does not
 * know), an info, machine or note line to keep(line), anything else (peak lines, malformed
 * lines) to other(line) when it is not NULL. */
void bench_read_results(const char *path,
                        bench_cell *(*cell_of)(const char *label, const char *net),
                        void (*keep)(const char *line), void (*other)(const char *line));

/* Replaces what lies between the line holding `begin` and the line starting with `end` in the
 * file at path (through a temporary file and a rename); returns 0 and leaves the file alone when
 * either marker is missing or anything fails. */
int bench_splice_readme(const char *path, const char *begin, const char *end, const char *text);

/* The whole of f (from its start) as a string to free; dies when it cannot be read. */
char *bench_slurp(FILE *f);

/* A number the programs printed, or "-" (not applicable) as -1; anything else (or NULL) is 0 with
 * *ok cleared. */
double bench_parse_number(const char *word, int *ok);

/* "1234 / 1250": two passes' ns, a missing (<= 0) one as "-". */
void bench_format_passes(const double ns[2], char *out, size_t size);

/* "3.21x" for theirs / mine, or "n/a" when either is missing (<= 0). */
void bench_format_ratio(double theirs, double mine, char *out, size_t size);

#ifdef __cplusplus
}
#endif

#endif
