/*
 * Reads what the conv benchmark programs printed (tests/bench/run.sh collects it) and reports:
 * the correctness gate, one table per net, the speedups of gradc over every peer, and the same
 * results as markdown between README.md's <!-- bench-conv:begin --> and <!-- bench-conv:end -->.
 *
 *   report_conv RESULTS_FILE DATA_DIR README_PATH MARKDOWN_OUT
 *
 * Every time is a median (conv_harness.c); each was measured in two passes over everything, and
 * the tables use the BETTER (lower) of the two passes' medians, printing both.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../bench_util.h"
#include "conv_nets.h"

/* The gate's tolerances. Measured between gradc and PyTorch here: outputs 1.2e-7, J 8e-8,
 * parameters 6e-5 (a bias of kws, which starts at 0 so that after one step it is -lr db alone);
 * these leave room for other summation orders and algorithms (Winograd, blocked formats). */
#define OUT_TOLERANCE 1e-5 /* absolute, every softmax output of one forward (probabilities) */
#define J_TOLERANCE 1e-5   /* relative, J of the first forward and the one the step returns */
#define P_TOLERANCE 1e-3   /* relative, every parameter after one train step (floored, below) */
#define MAX_LINE 4096
#define MAX_INFO 64

typedef struct {
    const char *key;   /* the LABEL the programs print */
    const char *title; /* what the tables call it */
    int is_peer;       /* gradc's speedup is measured against it */
    int trains;        /* has a train step (XNNPACK is inference only) */
} impl_desc;

static const impl_desc IMPLS[] = {
    {"gradc-O3", "gradc -O3 -march=native", 0, 1},
    {"gradc-O2", "gradc -O2", 0, 1},
    {"torch", "PyTorch eager", 1, 1},
    {"dnnl", "oneDNN", 1, 1},
    {"xnnpack", "XNNPACK (inference only)", 1, 0},
};
#define IMPL_COUNT ((int)(sizeof IMPLS / sizeof *IMPLS))
#define REFERENCE 0 /* gradc-O3: the gate compares everyone with it, and all pairs */

typedef bench_cell cell;

static cell cells[CONV_NET_COUNT][IMPL_COUNT];
static char infos[MAX_INFO][MAX_LINE];
static int info_count;
static int mismatches;

static int impl_index(const char *key)
{
    for (int i = 0; i < IMPL_COUNT; i++)
        if (strcmp(IMPLS[i].key, key) == 0)
            return i;
    return -1;
}

static int net_index(const char *name)
{
    const conv_net *net = conv_find_net(name);
    return net ? (int)(net - CONV_NETS) : -1;
}

static void keep_info(const char *line)
{
    for (int i = 0; i < info_count; i++)
        if (strcmp(infos[i], line) == 0)
            return;
    if (info_count < MAX_INFO)
        snprintf(infos[info_count++], MAX_LINE, "%s", line);
}

static cell *cell_of(const char *label, const char *net)
{
    int n = net_index(net), i = impl_index(label);
    return n >= 0 && i >= 0 ? &cells[n][i] : NULL;
}

/* The better (lower) of the passes' medians; 0 if none (or inference only). */
static double best(const cell *c, int train)
{
    return bench_cell_best(c, train);
}

/* count values of DIR/NET/FILE, as doubles (floats widened); NULL when missing or short. */
static double *read_values(const char *dir, const char *net, const char *file, long count,
                           int is_float)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s/%s", dir, net, file);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    double *v = malloc((size_t)count * sizeof *v);
    int ok = v != NULL;
    for (long k = 0; ok && k < count; k++) {
        float x;
        ok = is_float ? fread(&x, sizeof x, 1, f) == 1 : fread(&v[k], sizeof *v, 1, f) == 1;
        if (ok && is_float)
            v[k] = x;
    }
    ok = ok && fgetc(f) == EOF;
    fclose(f);
    if (!ok) {
        free(v);
        return NULL;
    }
    return v;
}

static double *read_labelled(const char *dir, const conv_net *net, const char *prefix,
                             const char *label)
{
    char file[256];
    int is_float = strcmp(prefix, "out") == 0;
    snprintf(file, sizeof file, "%s.%s.%s", prefix, label, is_float ? "f32" : "f64");
    return read_values(dir, net->name, file,
                       is_float ? (long)net->classes * net->batch : conv_param_count(net),
                       is_float);
}

static double rel(double a, double b)
{
    return fabs(a - b) / fmax(fabs(b), 1e-30);
}

static double max_abs_diff(const double *a, const double *b, long count)
{
    double worst = 0;
    for (long k = 0; k < count; k++)
        worst = fmax(worst, fabs(a[k] - b[k]));
    return worst;
}

/* Parameters after one step: max over k of |a_k - b_k| / max(|b_k|, 1e-3 max|b| of that
 * tensor). The floor keeps a bias that is ~0 (biases start at 0) from turning rounding noise
 * into a huge relative error. Symmetric use: the caller takes the larger of both directions. */
static double params_diff(const conv_net *net, const double *a, const double *b)
{
    double worst = 0;
    long start = 0;
    for (int t = 0; t < net->tensor_count; t++) {
        long end = start + net->tensor_size[t];
        double scale = 0;
        for (long k = start; k < end; k++)
            scale = fmax(scale, fabs(b[k]));
        for (long k = start; k < end; k++)
            worst = fmax(worst, fabs(a[k] - b[k]) / fmax(fabs(b[k]), 1e-3 * scale + 1e-30));
        start = end;
    }
    return worst;
}

/* The worst of the outputs, J and the parameters after a step between implementations i and j of
 * net n; returns whether all are within the tolerances. Missing files count as failures. */
static int compare(const char *dir, int n, int i, int j, double *out_err, double *J_err,
                   double *params_err)
{
    const conv_net *net = &CONV_NETS[n];
    const cell *a = &cells[n][i], *b = &cells[n][j];
    double *oa = read_labelled(dir, net, "out", IMPLS[i].key);
    double *ob = read_labelled(dir, net, "out", IMPLS[j].key);
    *out_err = oa && ob ? max_abs_diff(oa, ob, (long)net->classes * net->batch) : INFINITY;
    *J_err = rel(a->J_forward, b->J_forward);
    if (a->has_step)
        *J_err = fmax(*J_err, rel(a->J_step, b->J_forward));
    if (b->has_step)
        *J_err = fmax(*J_err, rel(b->J_step, a->J_forward));
    *params_err = -1; /* not applicable: one of them does not train */
    if (IMPLS[i].trains && IMPLS[j].trains) {
        double *pa = read_labelled(dir, net, "after", IMPLS[i].key);
        double *pb = read_labelled(dir, net, "after", IMPLS[j].key);
        *params_err = pa && pb ? fmax(params_diff(net, pa, pb), params_diff(net, pb, pa))
                               : INFINITY;
        free(pa);
        free(pb);
        if (!a->has_step || !b->has_step)
            *params_err = INFINITY;
    }
    free(oa);
    free(ob);
    return *out_err <= OUT_TOLERANCE && *J_err <= J_TOLERANCE && *params_err <= P_TOLERANCE;
}

static void correctness_gate(const char *dir)
{
    printf("\n== Correctness gate: every implementation against gradc -O3, then every pair:\n"
           "   softmax outputs of one forward from params0: max |a - b| <= %.0e;\n"
           "   J (first forward, and as the first train step returns it): relative <= %.0e;\n"
           "   every parameter after one train step from params0: |a - b| / max(|b|, 1e-3 max|b| "
           "over its tensor) <= %.0e\n",
           OUT_TOLERANCE, J_TOLERANCE, P_TOLERANCE);
    for (int n = 0; n < CONV_NET_COUNT; n++) {
        const conv_net *net = &CONV_NETS[n];
        if (!cells[n][REFERENCE].checked) {
            printf("  %-8s %-5s no %s result: cannot check\n", "MISMATCH", net->name,
                   IMPLS[REFERENCE].title);
            mismatches++;
            for (int i = 0; i < IMPL_COUNT; i++)
                cells[n][i].mismatch = 1;
            continue;
        }
        for (int i = 0; i < IMPL_COUNT; i++)
            for (int j = i + 1; j < IMPL_COUNT; j++) {
                if (!cells[n][i].checked || !cells[n][j].checked)
                    continue;
                double out_err, J_err, params_err;
                int ok = compare(dir, n, i, j, &out_err, &J_err, &params_err);
                char params[64];
                if (params_err < 0)
                    snprintf(params, sizeof params, "-");
                else
                    snprintf(params, sizeof params, "%.1e", params_err);
                printf("  %-8s %-5s %-26s vs %-26s out %.1e  J %.1e  params %s\n",
                       ok ? "ok" : "MISMATCH", net->name, IMPLS[j].title, IMPLS[i].title,
                       out_err, J_err, params);
                if (!ok) {
                    mismatches++;
                    /* Against the reference (compared first), the other one is wrong;
                     * between two that both agree with it, both are suspect. */
                    if (i == REFERENCE)
                        cells[n][j].mismatch = 1;
                    else if (!cells[n][i].mismatch && !cells[n][j].mismatch)
                        cells[n][i].mismatch = cells[n][j].mismatch = 1;
                }
            }
        for (int i = 0; i < IMPL_COUNT; i++) {
            if (!cells[n][i].checked)
                continue;
            if (cells[n][i].has_step)
                printf("           %-5s %-26s J %.9g, first train step's J %.9g\n", net->name,
                       IMPLS[i].title, cells[n][i].J_forward, cells[n][i].J_step);
            else
                printf("           %-5s %-26s J %.9g (no train step)\n", net->name,
                       IMPLS[i].title, cells[n][i].J_forward);
        }
    }
    if (mismatches)
        printf("\n!!!!!!!! CORRECTNESS MISMATCH: %d comparison(s) failed; the times of the "
               "implementations involved are marked with '!' below !!!!!!!!\n",
               mismatches);
}

/* "1234 / 1250", a missing pass as "-". */
static void pair(const cell *c, int train, char *out, size_t size)
{
    bench_cell_passes(c, train, out, size);
}

/* "3.21x" for peer / gradc, or "n/a". */
static void speedup(int n, int peer, int gradc, int train, char *out, size_t size)
{
    bench_format_ratio(best(&cells[n][peer], train), best(&cells[n][gradc], train), out, size);
}

static double read_count(const char *dir, const char *net, const char *key)
{
    char path[4096], line[MAX_LINE], word[64];
    snprintf(path, sizeof path, "%s/%s/net.txt", dir, net);
    FILE *f = fopen(path, "r");
    double value = 0, v;
    if (!f)
        return 0;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "%63s %lf", word, &v) == 2 && strcmp(word, key) == 0)
            value = v;
    fclose(f);
    return value;
}

static void print_tables(const char *dir, FILE *md)
{
    int g3 = impl_index("gradc-O3"), g2 = impl_index("gradc-O2");
    for (int n = 0; n < CONV_NET_COUNT; n++) {
        const conv_net *net = &CONV_NETS[n];
        double flops[2] = {read_count(dir, net->name, "forward_flops"),
                           read_count(dir, net->name, "train_flops")};
        printf("\n== %s: %s\n   FLOPs (gradc's count): forward %.0f, train step %.0f\n",
               net->name, net->what, flops[0], flops[1]);
        printf("   %-28s %21s %8s %21s %8s %12s %12s\n", "implementation",
               "forward ns (p1 / p2)", "GFLOP/s", "train ns (p1 / p2)", "GFLOP/s",
               "fwd peer/O3", "train peer/O3");
        fprintf(md, "\n**%s** (%s)\n\n", net->name, net->what);
        fprintf(md, "| implementation | forward ns (pass 1 / 2) | train step ns (pass 1 / 2) | "
                    "forward: peer / gradc -O3 | forward: peer / gradc -O2 | "
                    "train: peer / gradc -O3 | train: peer / gradc -O2 |\n");
        fprintf(md, "|---|---:|---:|---:|---:|---:|---:|\n");
        for (int i = 0; i < IMPL_COUNT; i++) {
            const cell *c = &cells[n][i];
            char fp[96], tp[96], s[4][32];
            pair(c, 0, fp, sizeof fp);
            if (IMPLS[i].trains)
                pair(c, 1, tp, sizeof tp);
            else
                snprintf(tp, sizeof tp, "(inference only)");
            for (int k = 0; k < 4; k++)
                if (IMPLS[i].is_peer)
                    speedup(n, i, k % 2 ? g2 : g3, k / 2, s[k], sizeof s[k]);
                else
                    snprintf(s[k], sizeof s[k], " ");
            double f = best(c, 0), t = best(c, 1);
            char fg[32] = "-", tg[32] = "-";
            if (f > 0 && flops[0] > 0)
                snprintf(fg, sizeof fg, "%.2f", flops[0] / f);
            if (t > 0 && flops[1] > 0)
                snprintf(tg, sizeof tg, "%.2f", flops[1] / t);
            printf("   %-28s %21s %8s %21s %8s %12s %12s%s\n", IMPLS[i].title, fp, fg, tp, tg,
                   s[0], s[2], c->mismatch ? " !" : "");
            fprintf(md, "| %s%s | %s | %s | %s | %s | %s | %s |\n", IMPLS[i].title,
                    c->mismatch ? " (MISMATCH)" : "", fp, tp, s[0], s[1], s[2], s[3]);
        }
    }
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: %s RESULTS DATA_DIR README MARKDOWN_OUT\n", argv[0]);
        return 2;
    }
    bench_read_results(argv[1], cell_of, keep_info, NULL);

    printf("\n== Conv nets: machine and implementations\n");
    for (int i = 0; i < info_count; i++)
        printf("  %s\n", infos[i]);
    printf("  (the README lists each peer's first info line only)\n");
    printf("  Times: median ns per call of 41 runs (each run as many calls as fill 2 ms, after a "
           "20 ms warm-up), measured in two passes; tables print pass 1 / pass 2 and use the "
           "BETTER (lower) of the two. speedup = peer ns / gradc ns (above 1: gradc is faster).\n");

    correctness_gate(argv[2]);

    FILE *md = fopen(argv[4], "w+");
    if (!md) {
        fprintf(stderr, "report_conv: cannot write %s\n", argv[4]);
        return 1;
    }
    fprintf(md, "Measured by `make bench` (tests/bench/conv/): two conv nets, float, one thread "
                "everywhere, every implementation starting from the same initial weights and data "
                "(written by gradc's program from the spec's init seed) and converting them to "
                "its own layout before anything is timed.\n\n");
    /* The README gets each peer's first info line (its version and threads); the rest (the
     * kernels oneDNN chose per primitive, ...) stay in the printed report. */
    int peer_described[IMPL_COUNT] = {0};
    for (int i = 0; i < info_count; i++) {
        char label[128] = "";
        sscanf(infos[i], "info %127s", label);
        int k = impl_index(label);
        if (strncmp(infos[i], "machine ", 8) == 0)
            fprintf(md, "- %s\n", infos[i] + 8);
        else if (strncmp(infos[i], "note ", 5) == 0)
            fprintf(md, "- **%s**\n", infos[i] + 5);
        else if (k >= 0 && IMPLS[k].is_peer && !peer_described[k]++)
            fprintf(md, "- %s: %s\n", IMPLS[k].title, strchr(infos[i] + 5, ' ') + 1);
    }
    fprintf(md, "\nMedian ns per call over 41 runs (a run: as many back-to-back calls as fill "
                "2 ms), measured in two passes (pass 1 / pass 2); the ratios use the better pass. "
                "forward: one batch in inference mode; train step: forward, J, backward and the "
                "sgd update (lr 0.01) of one batch, repeated on the program's own copy of the "
                "weights. speedup = peer ns / gradc ns (above 1: gradc is faster). Correctness "
                "gate, every pair of implementations: softmax outputs within %.0e, J within "
                "%.0e relative, parameters after one step within %.0e relative: %s.\n",
            OUT_TOLERANCE, J_TOLERANCE, P_TOLERANCE,
            mismatches ? "**FAILED, see the rows marked MISMATCH**" : "passed");
    print_tables(argv[2], md);
    char *markdown = bench_slurp(md);
    fclose(md);

    if (bench_splice_readme(argv[3], "<!-- bench-conv:begin -->", "<!-- bench-conv:end -->",
                            markdown))
        printf("\nreport_conv: wrote the conv tables into %s between the bench-conv markers\n",
               argv[3]);
    else
        printf("\nreport_conv: %s has no <!-- bench-conv:begin --> / <!-- bench-conv:end --> "
               "lines: README not updated. The markdown (also in %s):\n\n%s",
               argv[3], argv[4], markdown);
    free(markdown);
    return 0;
}
