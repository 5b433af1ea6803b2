/*
 * Reads what the benchmark programs printed (tests/bench/run.sh collects it) and reports:
 * the correctness gate, one table per net, the speedup of gradc over the best peer, and the same
 * results as markdown between README.md's bench markers.
 *
 *   report RESULTS_FILE DATA_DIR README_PATH MARKDOWN_OUT
 *
 * Every time is a median (see harness.c); each was measured in two passes over everything, and
 * the tables use the BETTER (lower) of the two passes' medians, printing both.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "nets.h"

#define ZEN5_PEAK_GFLOPS 220.0 /* one Zen 5 core, two 512-bit FMA pipes, for comparison */
#define J_TOLERANCE 1e-4  /* relative, J of the batch before the update */
#define P_TOLERANCE 1e-3  /* relative, every parameter after one train step */
#define MAX_LINE 4096
#define MAX_INFO 256

typedef struct {
    const char *key;   /* the LABEL the programs print */
    const char *title; /* what the tables call it */
    int is_peer;       /* counts for "best peer" */
} impl_desc;

/* The peers: every one but gradc and the reference engine; "best peer" is the fastest of them
 * that passed the gate, forward and train step separately (XNNPACK has no train step). */

static const impl_desc IMPLS[] = {
    {"gradc-O3", "gradc -O3 -march=native", 0},
    {"gradc-O2", "gradc -O2", 0},
    {"ref", "tests/ref engine (double)", 0},
    {"eigen-fixed", "Eigen 3.4 fixed-size", 1},
    {"eigen-dynamic", "Eigen 3.4 dynamic", 1},
    {"openblas", "OpenBLAS sgemm (default core)", 1},
    {"openblas-skx", "OpenBLAS sgemm, CORETYPE=SkylakeX", 1},
    {"libxsmm", "LIBXSMM JIT kernels", 1},
    {"dnnl", "oneDNN inner_product", 1},
    {"xnnpack", "XNNPACK (inference only)", 1},
    {"torch", "PyTorch eager", 1},
};
#define IMPL_COUNT ((int)(sizeof IMPLS / sizeof *IMPLS))

typedef bench_cell cell;

static cell cells[BENCH_NET_COUNT][IMPL_COUNT];
static char infos[MAX_INFO][MAX_LINE];
static int info_count;
static int mismatches;

/* "% of peak" is against this core's measured FMA peak (peak.c, the better of the passes); a Zen 5
 * core's 220 GFLOP/s is quoted for comparison, and used instead only when peak.c did not run. */
static double peak_gflops;
static char peak_isa[256];

static int impl_index(const char *key)
{
    for (int i = 0; i < IMPL_COUNT; i++)
        if (strcmp(IMPLS[i].key, key) == 0)
            return i;
    return -1;
}

static int net_index(const char *name)
{
    for (int i = 0; i < BENCH_NET_COUNT; i++)
        if (strcmp(BENCH_NETS[i].name, name) == 0)
            return i;
    return -1;
}

/* Keeps "machine ...", "note ..." and distinct "info ..." lines, in order, for the header. */
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

/* The best "peak PASS GFLOPS ISA" line. */
static void take_peak(const char *line)
{
    int pass, at = 0;
    double gflops;
    if (sscanf(line, "peak %d %lf %n", &pass, &gflops, &at) >= 2 && at > 0 &&
        gflops > peak_gflops) {
        peak_gflops = gflops;
        snprintf(peak_isa, sizeof peak_isa, "%s", line + at);
    }
}

/* The better (lower) of the passes' medians; 0 if none. */
static double best(const cell *c, int train)
{
    return bench_cell_best(c, train);
}

static double read_count(const char *dir, const char *net, const char *key)
{
    char path[4096], line[MAX_LINE], word[64];
    snprintf(path, sizeof path, "%s/%s/net.txt", dir, net);
    FILE *f = fopen(path, "r");
    double value = 0;
    if (!f)
        return 0;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "%63s %lf", word, &value) == 2 && strcmp(word, key) == 0)
            break;
        else
            value = 0;
    fclose(f);
    return value;
}

static double *read_after(const char *dir, const char *net, const char *label, long count)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s/after.%s.f64", dir, net, label);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    double *p = malloc((size_t)count * sizeof *p);
    if (!p || fread(p, sizeof *p, (size_t)count, f) != (size_t)count) {
        free(p);
        p = NULL;
    }
    fclose(f);
    return p;
}

static double rel(double a, double b)
{
    return fabs(a - b) / fmax(fabs(b), 1e-30);
}

/*
 * Parameters after one step, against the reference implementation's:
 * - "params": max over k of |a_k - b_k| / max(|b_k|, 1e-3 max|b| of that W or b). The floor keeps
 *   a bias that is ~0 (biases start at 0, so after one step they are -lr db) from turning
 *   rounding noise into a huge relative error.
 * - "update": max |(a_k - p0_k) - (b_k - p0_k)| / max_k |b_k - p0_k|, the step itself, normwise.
 */
static void compare_params(const bench_net *net, const double *a, const double *b,
                           const double *p0, double *params_err, double *update_err)
{
    double worst = 0, du = 0, du_max = 0;
    for (int l = 1; l <= net->layers; l++) {
        long starts[2] = {bench_weight_offset(net, l), bench_bias_offset(net, l)};
        long ends[2] = {bench_bias_offset(net, l), bench_weight_offset(net, l + 1)};
        for (int t = 0; t < 2; t++) {
            double scale = 0;
            for (long k = starts[t]; k < ends[t]; k++)
                scale = fmax(scale, fabs(b[k]));
            for (long k = starts[t]; k < ends[t]; k++)
                worst = fmax(worst, fabs(a[k] - b[k]) / fmax(fabs(b[k]), 1e-3 * scale + 1e-30));
        }
    }
    for (long k = 0; k < bench_param_count(net); k++) {
        du = fmax(du, fabs((a[k] - p0[k]) - (b[k] - p0[k])));
        du_max = fmax(du_max, fabs(b[k] - p0[k]));
    }
    *params_err = worst;
    *update_err = du / fmax(du_max, 1e-30);
}

static double *read_params0(const char *dir, const bench_net *net)
{
    char path[4096];
    long count = bench_param_count(net);
    snprintf(path, sizeof path, "%s/%s/params0.f32", dir, net->name);
    FILE *f = fopen(path, "rb");
    float *raw = malloc((size_t)count * sizeof *raw);
    double *p = malloc((size_t)count * sizeof *p);
    if (!f || !raw || !p || fread(raw, sizeof *raw, (size_t)count, f) != (size_t)count) {
        fprintf(stderr, "report: cannot read %s\n", path);
        exit(1);
    }
    fclose(f);
    for (long k = 0; k < count; k++)
        p[k] = raw[k];
    free(raw);
    return p;
}

static int mismatch_mark[BENCH_NET_COUNT][IMPL_COUNT];

static void correctness_gate(const char *dir)
{
    printf("\n== Correctness gate, against the reference engine (double) where it ran, else gradc "
           "-O3:\n   J of the batch before the update (forward + cost, and as the train step "
           "returns it): relative %.0e;\n   every parameter after one train step: relative %.0e, "
           "|a - b| / max(|b|, 1e-3 max|b| over its W or b);\n   'update' = the step p1 - p0, "
           "normwise, printed only (float parameters put a floor of ~ulp(p)/|step| under it)\n",
           J_TOLERANCE, P_TOLERANCE);
    for (int n = 0; n < BENCH_NET_COUNT; n++) {
        const bench_net *net = &BENCH_NETS[n];
        int r = cells[n][impl_index("ref")].checked ? impl_index("ref") : impl_index("gradc-O3");
        if (!cells[n][r].checked) {
            printf("  %-6s no reference result: cannot check\n", net->name);
            mismatches++;
            continue;
        }
        long count = bench_param_count(net);
        double *p0 = read_params0(dir, net);
        double *ref_after = read_after(dir, net->name, IMPLS[r].key, count);
        for (int i = 0; i < IMPL_COUNT; i++) {
            const cell *c = &cells[n][i];
            if (!c->checked)
                continue;
            double jf = rel(c->J_forward, cells[n][r].J_forward);
            if (!c->has_step) { /* inference only: J of its forward is all there is to check */
                int ok = jf <= J_TOLERANCE;
                if (!ok) {
                    mismatches++;
                    mismatch_mark[n][i] = 1;
                }
                printf("  %-8s %-6s %-36s J %.9f (rel %.1e)  no train step\n",
                       ok ? "ok" : "MISMATCH", net->name, IMPLS[i].title, c->J_forward, jf);
                continue;
            }
            double js = rel(c->J_step, cells[n][r].J_forward);
            double *after = read_after(dir, net->name, IMPLS[i].key, count);
            double perr = INFINITY, uerr = INFINITY;
            if (after && ref_after)
                compare_params(net, after, ref_after, p0, &perr, &uerr);
            int ok = jf <= J_TOLERANCE && js <= J_TOLERANCE && perr <= P_TOLERANCE;
            if (!ok) {
                mismatches++;
                mismatch_mark[n][i] = 1;
            }
            printf("  %-8s %-6s %-36s J %.9f (rel %.1e, train step's %.1e)  params rel %.1e"
                   "  update rel %.1e%s\n",
                   ok ? "ok" : "MISMATCH", net->name, IMPLS[i].title, c->J_forward, jf, js, perr,
                   uerr, i == r ? "  [reference]" : "");
            free(after);
        }
        free(ref_after);
        free(p0);
    }
    if (mismatches)
        printf("\n!!!!!!!! CORRECTNESS MISMATCH: %d implementation/net pair(s) disagree; their "
               "times are marked with '!' below !!!!!!!!\n",
               mismatches);
}

typedef struct {
    double forward_flops, train_flops;
    int best_peer[2];       /* index into IMPLS, -1 if none: forward, train */
    double best_peer_ns[2];
} net_summary;

static net_summary summarize(int n, const char *dir)
{
    net_summary s;
    const bench_net *net = &BENCH_NETS[n];
    s.forward_flops = read_count(dir, net->name, "forward_flops");
    s.train_flops = read_count(dir, net->name, "train_flops");
    if (s.forward_flops == 0)
        s.forward_flops = bench_forward_flops(net);
    if (s.train_flops == 0)
        s.train_flops = bench_train_flops(net);
    for (int t = 0; t < 2; t++) {
        s.best_peer[t] = -1;
        s.best_peer_ns[t] = 0;
        for (int i = 0; i < IMPL_COUNT; i++) {
            double ns = best(&cells[n][i], t);
            if (IMPLS[i].is_peer && ns > 0 && !mismatch_mark[n][i] &&
                (s.best_peer[t] < 0 || ns < s.best_peer_ns[t])) {
                s.best_peer[t] = i;
                s.best_peer_ns[t] = ns;
            }
        }
    }
    return s;
}

static const char *act_name(bench_act g)
{
    static const char *names[] = {"linear", "sigmoid", "relu", "softmax"};
    return names[g];
}

static void describe(const bench_net *net, char *out, size_t size)
{
    int used = snprintf(out, size, "%d", net->input);
    for (int l = 0; l < net->layers; l++)
        used += snprintf(out + used, size - (size_t)used, "-%d", net->units[l]);
    for (int l = 0; l < net->layers; l++)
        used += snprintf(out + used, size - (size_t)used, "%s%s", l ? "/" : " ",
                         act_name(net->act[l]));
    snprintf(out + used, size - (size_t)used, ", %s, batch %d",
             net->loss == BENCH_BCE ? "bce" : net->loss == BENCH_CE ? "ce" : "mse", net->batch);
}

/* "1234 / 1250" with a missing pass as "-". */
static void pair(const cell *c, int train, char *out, size_t size)
{
    bench_cell_passes(c, train, out, size);
}

/* GFLOP/s ("12.34") and % of peak ("5.6%") of flops in ns, or "-" twice without a time. */
static void rates(double flops, double ns, char out[2][32])
{
    if (ns <= 0) {
        snprintf(out[0], sizeof out[0], "-");
        snprintf(out[1], sizeof out[1], "-");
        return;
    }
    snprintf(out[0], sizeof out[0], "%.2f", flops / ns);
    snprintf(out[1], sizeof out[1], "%.1f%%", 100 * flops / ns / peak_gflops);
}

/* Every peer's own ratio against gradc -O3, one column a peer, and the best of them. */
static void print_peer_columns(const char *dir, FILE *md)
{
    int gi = impl_index("gradc-O3");
    fprintf(md, "\nEach peer against gradc -O3 -march=native (peer ns / gradc ns, above 1: gradc "
                "is faster; MISMATCH: failed the gate, not counted):\n\n| net | |");
    int columns = 2;
    for (int i = 0; i < IMPL_COUNT; i++)
        if (IMPLS[i].is_peer) {
            fprintf(md, " %s |", IMPLS[i].title);
            columns++;
        }
    fprintf(md, " best peer |\n|---|---|");
    for (int k = 2; k < columns; k++)
        fprintf(md, "---:|");
    fprintf(md, "---|\n");
    for (int n = 0; n < BENCH_NET_COUNT; n++) {
        net_summary s = summarize(n, dir);
        for (int t = 0; t < 2; t++) {
            double mine = best(&cells[n][gi], t);
            fprintf(md, "| %s | %s |", BENCH_NETS[n].name, t ? "train step" : "forward");
            for (int i = 0; i < IMPL_COUNT; i++) {
                if (!IMPLS[i].is_peer)
                    continue;
                char ratio[32];
                bench_format_ratio(best(&cells[n][i], t), mine, ratio, sizeof ratio);
                fprintf(md, " %s%s |", ratio,
                        mismatch_mark[n][i] && strcmp(ratio, "n/a") ? " MISMATCH" : "");
            }
            fprintf(md, " %s |\n", s.best_peer[t] < 0 ? "none" : IMPLS[s.best_peer[t]].title);
        }
    }
}

static void print_tables(const char *dir, FILE *md)
{
    fprintf(md, "| net | implementation | forward ns (pass 1 / 2) | GFLOP/s | %% of peak | "
                "train step ns (pass 1 / 2) | GFLOP/s | %% of peak |\n");
    fprintf(md, "|---|---|---:|---:|---:|---:|---:|---:|\n");
    for (int n = 0; n < BENCH_NET_COUNT; n++) {
        const bench_net *net = &BENCH_NETS[n];
        net_summary s = summarize(n, dir);
        char what[256];
        describe(net, what, sizeof what);
        printf("\n== %s: %s\n", net->name, what);
        printf("   FLOPs: forward %.0f, train step %.0f (gradc header NET_FORWARD_FLOPS / "
               "NET_TRAIN_STEP_FLOPS; the brief's formula gives %.0f / %.0f%s)\n",
               s.forward_flops, s.train_flops, bench_forward_flops(net), bench_train_flops(net),
               s.forward_flops == bench_forward_flops(net) &&
                       s.train_flops == bench_train_flops(net) ? ", the same" : ": DIFFERENT");
        printf("   %-36s %21s %8s %6s   %21s %8s %6s\n", "implementation", "forward ns (p1 / p2)",
               "GFLOP/s", "%peak", "train ns (p1 / p2)", "GFLOP/s", "%peak");
        for (int i = 0; i < IMPL_COUNT; i++) {
            const cell *c = &cells[n][i];
            double f = best(c, 0), t = best(c, 1);
            if (f == 0 && t == 0)
                continue;
            char fp[64], tp[64];
            pair(c, 0, fp, sizeof fp);
            pair(c, 1, tp, sizeof tp);
            char fg[2][32], tg[2][32]; /* GFLOP/s and % of peak, "-" without a time */
            rates(s.forward_flops, f, fg);
            rates(s.train_flops, t, tg);
            const char *bang = mismatch_mark[n][i] ? "!" : "";
            printf("   %-36s %21s %8s %6s   %21s %8s %6s %s\n", IMPLS[i].title, fp, fg[0], fg[1],
                   tp, tg[0], tg[1], bang);
            fprintf(md, "| %s | %s%s | %s | %s | %s | %s | %s | %s |\n", net->name,
                    IMPLS[i].title, mismatch_mark[n][i] ? " (MISMATCH)" : "", fp, fg[0], fg[1], tp,
                    tg[0], tg[1]);
        }
        for (int g = 0; g < 2; g++) {
            int gi = impl_index(g ? "gradc-O2" : "gradc-O3");
            const cell *c = &cells[n][gi];
            printf("   speedup of %-24s = best_peer_ns / gradc_ns:", IMPLS[gi].title);
            for (int t = 0; t < 2; t++) {
                double mine = best(c, t);
                if (s.best_peer[t] < 0 || mine == 0)
                    printf("  %s n/a", t ? "train step" : "forward");
                else
                    printf("  %s %.2fx (vs %s)", t ? "train step" : "forward",
                           s.best_peer_ns[t] / mine, IMPLS[s.best_peer[t]].title);
            }
            printf("\n");
        }
    }
    fprintf(md, "\nspeedup = best peer's ns / gradc's ns, the best peer being the fastest that "
                "passed the gate of");
    for (int i = 0, first = 1; i < IMPL_COUNT; i++)
        if (IMPLS[i].is_peer) {
            fprintf(md, "%s %s", first ? "" : ",", IMPLS[i].title);
            first = 0;
        }
    fprintf(md, " (above 1 means gradc is faster):\n\n");
    fprintf(md, "| net | forward, -O3 -march=native | forward, -O2 | train step, -O3 -march=native "
                "| train step, -O2 |\n|---|---:|---:|---:|---:|\n");
    for (int n = 0; n < BENCH_NET_COUNT; n++) {
        net_summary s = summarize(n, dir);
        fprintf(md, "| %s |", BENCH_NETS[n].name);
        for (int t = 0; t < 2; t++)
            for (int g = 0; g < 2; g++) {
                double mine = best(&cells[n][impl_index(g ? "gradc-O2" : "gradc-O3")], t);
                if (s.best_peer[t] < 0 || mine == 0)
                    fprintf(md, " n/a |");
                else
                    fprintf(md, " %.2fx (vs %s) |", s.best_peer_ns[t] / mine,
                            IMPLS[s.best_peer[t]].title);
            }
        fprintf(md, "\n");
    }
    print_peer_columns(dir, md);
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: %s RESULTS DATA_DIR README MARKDOWN_OUT\n", argv[0]);
        return 2;
    }
    bench_read_results(argv[1], cell_of, keep_info, take_peak);
    char peak_text[512];
    if (peak_gflops > 0) {
        snprintf(peak_text, sizeof peak_text,
                 "this core's fp32 FMA peak, measured by tests/bench/peak.c at %.1f GFLOP/s (%s; "
                 "a Zen 5 core's is about %.0f GFLOP/s)",
                 peak_gflops, peak_isa, ZEN5_PEAK_GFLOPS);
    } else {
        peak_gflops = ZEN5_PEAK_GFLOPS;
        snprintf(peak_text, sizeof peak_text,
                 "%.0f GFLOP/s, a Zen 5 core's (tests/bench/peak.c did not run)",
                 ZEN5_PEAK_GFLOPS);
    }

    printf("\n== Machine and implementations\n");
    for (int i = 0; i < info_count; i++)
        printf("  %s\n", infos[i]);
    printf("  Times: median ns per call (warm-up, then many samples of many calls each), measured "
           "in two passes over everything; tables print pass 1 / pass 2 and use the BETTER (lower) "
           "of the two. %% of peak is against %s.\n", peak_text);

    correctness_gate(argv[2]);

    FILE *md = fopen(argv[4], "w+");
    if (!md) {
        fprintf(stderr, "report: cannot write %s\n", argv[4]);
        return 1;
    }
    fprintf(md, "Measured by `make bench` (tests/bench/): the nets in tests/bench/specs/, one "
                "thread, float (the reference engine: double), the same data and initial weights "
                "for every implementation.\n\n");
    /* The README gets each peer's first info line (its version, core and threads); the rest
     * (the kernels each library chose, per net) stay in the printed report. */
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
    fprintf(md, "\nMedian ns per call, measured twice (pass 1 / pass 2); GFLOP/s and %% of peak "
                "use the better pass. %% of peak is against %s.%s\n\n",
            peak_text,
            mismatches ? " **Some implementations FAILED the correctness gate.**" : "");
    print_tables(argv[2], md);
    char *markdown = bench_slurp(md);
    fclose(md);

    if (bench_splice_readme(argv[3], "<!-- bench:begin -->", "<!-- bench:end -->", markdown))
        printf("\nreport: wrote the markdown table into %s between the bench markers\n", argv[3]);
    else
        printf("\nreport: %s has no <!-- bench:begin --> / <!-- bench:end --> lines: README not "
               "updated. The markdown table (also in %s):\n\n%s",
               argv[3], argv[4], markdown);
    free(markdown);
    return 0;
}
