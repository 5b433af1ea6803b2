/*
 * train.c: the training driver behind `make train`. Compiled once per generated model:
 *
 *     cc -std=c99 -O2 -DTM_NAME=iris -DTM_UNAME=IRIS -DTM_LOSS=TM_LOSS_CE \
 *        -I OUT/iris -I runtime/hosted templates/train/train.c runtime/hosted/\*.c OUT/iris/\*.c -lm
 *
 * TM_NAME / TM_UNAME select the model by token pasting (TM(train_step) is iris_train_step,
 * TMU(BATCH) is IRIS_BATCH); TM_LOSS is the spec's loss, which the generated header states only in
 * its banner, so templates/train/train.sh reads it from there, and TM_BATCHNORM (1 when a layer of
 * the banner's list is a batchnorm; 0 when not defined) selects inference-mode validation.
 *
 *     train --data FILE [--targets FILE] [--epochs N] [--val PERCENT] [--seed N] [--out DIR]
 *           [--save-init FILE] [--patience N] [--progress]
 *
 * Loads and checks the data (runtime/hosted/dataset.h), splits it (split.h), standardizes with the
 * training split's statistics (scaler.h; for a spec with `standardize = true` the statistics go
 * into the model's input_mean and input_inv_scale instead, and it trains on the raw features),
 * trains with the generated <name>_train_step (the spec's optimizer) on shuffled full batches
 * (batches.h), prints one line per epoch (or, with --progress on a terminal, one line updated in
 * place), and writes into DIR: <name>.bin (the weights, through <name>_save), <name>.scale,
 * loss.csv, split.csv, report.txt and predictions.csv (the validation samples under the saved
 * weights), and for a standardized spec calib.csv (raw training rows for `make gen QUANT=int8
 * CALIB=`). With --patience N, training stops once the validation loss has not improved for N
 * epochs, and the saved weights are the best epoch's.
 * Exit status 0, or 1 with one line on stderr.
 */
#define _POSIX_C_SOURCE 199309L /* clock_gettime */

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h> /* isatty */

#include "batches.h"
#include "dataset.h"
#include "metrics.h"
#include "scaler.h"
#include "split.h"

#include "model_prefix.h"

#include TM_STR(TM_NAME.h)

#define NAME TM_STR(TM_NAME)
#define N_INPUTS ((size_t)TMU(INPUTS))
#define N_OUTPUTS ((size_t)TMU(OUTPUTS))
#define N_BATCH ((size_t)TMU(BATCH))

#if TM_LOSS == TM_LOSS_MSE
#define LOSS_NAME "mse"
#elif TM_LOSS == TM_LOSS_BCE
#define LOSS_NAME "bce"
#elif TM_LOSS == TM_LOSS_CE
#define LOSS_NAME "ce"
#else
#error "TM_LOSS must be TM_LOSS_BCE, TM_LOSS_MSE or TM_LOSS_CE"
#endif

typedef TM(real) real_t;

/* The spec's `standardize = true` (<name>.h defines <NAME>_STANDARDIZE; an undefined name is 0 in
 * #if): the model standardizes its own inputs, so the driver keeps the features raw. */
#if TMU(STANDARDIZE)
#define STANDARDIZED 1
#else
#define STANDARDIZED 0
#endif

/* Rows of calib.csv: enough for int8 calibration ranges, small next to the weights. */
#define CALIB_ROWS 256

/* Command line. */
typedef struct {
    const char *data;
    const char *targets;
    const char *out;
    const char *save_init;
    unsigned long epochs;
    unsigned long val_percent;
    unsigned long seed;
    unsigned long patience; /* 0: every epoch runs and the last one's weights are kept */
    int progress;           /* one line updated in place, where stdout is a terminal */
} options;

/* The model and its working buffers: static, as the generated README advises for large nets. */
static TM(params) params, reloaded, best_params;
static TM(train_state) state;
static TM(cache) cache;
static real_t X[TMU(INPUTS) * TMU(BATCH)];
static real_t Y[TMU(OUTPUTS) * TMU(BATCH)];
static size_t batch_idx[TMU(BATCH)];

/* Everything about the data that the epochs use. */
typedef struct {
    task task;
    dataset data;
    split split;
    scaler features;
    scaler targets;     /* regression only */
    batches train;
    batches val;
} run;

static void die(const char *message)
{
    fprintf(stderr, "%s\n", message);
    exit(1);
}

static void die_errbuf(const errbuf *e)
{
    die(e->text);
}

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* The task follows from the loss: mse is regression; bce with one output is 0/1 labels; otherwise
 * one output per class. */
static task model_task(void)
{
    task t;
    t.inputs = N_INPUTS;
    t.outputs = N_OUTPUTS;
#if TM_LOSS == TM_LOSS_MSE
    t.kind = TASK_REGRESSION;
#else
    t.kind = N_OUTPUTS == 1 ? TASK_BINARY : TASK_ONE_HOT;
#endif
    return t;
}

static unsigned long parse_count(const char *flag, const char *text, unsigned long lo, unsigned long hi)
{
    char *end;
    char message[256];
    errno = 0;
    unsigned long v = text ? strtoul(text, &end, 10) : 0;
    if (!text || end == text || *end != '\0' || errno != 0 || text[0] == '-' || v < lo || v > hi) {
        snprintf(message, sizeof message, "train: %s: expected an integer %lu..%lu (got \"%.40s\")", flag, lo, hi,
                 text ? text : "");
        die(message);
    }
    return v;
}

static void usage(void)
{
    printf("usage: train --data FILE [--targets FILE] [--epochs N] [--val PERCENT] [--seed N] [--out DIR]\n"
           "             [--save-init FILE] [--patience N] [--progress]\n"
           "Trains the %s network (%zu inputs, %zu outputs, batch %zu, loss %s) with its generated train step\n"
           "and writes DIR/%s.bin (weights), DIR/%s.scale (standardization), DIR/loss.csv, DIR/split.csv,\n"
           "DIR/report.txt and DIR/predictions.csv (the validation samples under the saved weights)%s.\n"
           "--patience N: stop when the validation loss has not improved for N epochs, keeping the best\n"
           "epoch's weights. --progress: one line updated in place when stdout is a terminal.\n"
           "Defaults: 100 epochs, %u%% held out for validation, seed 1, DIR \".\", no early stopping.\n",
           NAME, N_INPUTS, N_OUTPUTS, N_BATCH, LOSS_NAME, NAME, NAME,
           STANDARDIZED ? ",\nand DIR/calib.csv (raw training rows for int8 calibration: the model standardizes its inputs)" : "",
           SPLIT_DEFAULT_PERCENT);
}

static options parse_options(int argc, char **argv)
{
    options o = {NULL, NULL, ".", NULL, 100, SPLIT_DEFAULT_PERCENT, 1, 0, 0};
    char message[256];
    for (int i = 1; i < argc; i += 2) {
        const char *flag = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(flag, "--help") == 0) {
            usage();
            exit(0);
        }
        if (strcmp(flag, "--progress") == 0) { /* the one option without a value */
            o.progress = 1;
            i -= 1;
            continue;
        }
        if (!value) {
            snprintf(message, sizeof message, "train: %.40s: needs a value (see --help)", flag);
            die(message);
        }
        if (strcmp(flag, "--data") == 0) {
            o.data = value;
        } else if (strcmp(flag, "--targets") == 0) {
            o.targets = value[0] ? value : NULL;
        } else if (strcmp(flag, "--out") == 0) {
            o.out = value;
        } else if (strcmp(flag, "--save-init") == 0) {
            o.save_init = value;
        } else if (strcmp(flag, "--epochs") == 0) {
            o.epochs = parse_count(flag, value, 1, 1000000);
        } else if (strcmp(flag, "--val") == 0) {
            o.val_percent = parse_count(flag, value, 1, 90);
        } else if (strcmp(flag, "--seed") == 0) {
            o.seed = parse_count(flag, value, 0, 4294967295UL);
        } else if (strcmp(flag, "--patience") == 0) {
            o.patience = parse_count(flag, value, 1, 1000000);
        } else {
            snprintf(message, sizeof message, "train: unknown option %.40s (see --help)", flag);
            die(message);
        }
    }
    if (!o.data || !o.data[0]) {
        die("train: --data FILE is required (see --help)");
    }
    return o;
}

/* Load, split, standardize and set up the batch iterators; any problem ends the program. Problems
 * with the data set as a whole (too few samples) are reported against the data file. */
static void prepare(run *r, const options *o)
{
    errbuf e;
    r->task = model_task();
    if (dataset_load(&r->data, &r->task, o->data, o->targets, &e) != 0) {
        die_errbuf(&e);
    }
    if (split_make(&r->split, r->data.count, (unsigned)o->val_percent, (uint32_t)o->seed, &e) != 0 ||
        scaler_fit(&r->features, r->data.x, N_INPUTS, r->split.train, r->split.n_train, &e) != 0 ||
        (r->task.kind == TASK_REGRESSION &&
         scaler_fit(&r->targets, r->data.y, N_OUTPUTS, r->split.train, r->split.n_train, &e) != 0) ||
        batches_init(&r->train, r->split.train, r->split.n_train, N_BATCH, BATCHES_TRAIN, (uint32_t)o->seed, &e) != 0 ||
        batches_init(&r->val, r->split.val, r->split.n_val, N_BATCH, BATCHES_EVAL, 0, &e) != 0) {
        fprintf(stderr, "%s: %s\n", o->data, e.text);
        exit(1);
    }
    if (!STANDARDIZED) {
        scaler_apply(&r->features, r->data.x, r->data.count);
    }
    if (r->task.kind == TASK_REGRESSION) {
        scaler_apply(&r->targets, r->data.y, r->data.count);
    }
}

/* One batch into X and Y, in the generated code's layout: sample j is column j. */
static void gather(const dataset *d, const size_t *idx)
{
    for (size_t i = 0; i < N_INPUTS; ++i) {
        for (size_t j = 0; j < N_BATCH; ++j) {
            X[i * N_BATCH + j] = (real_t)d->x[idx[j] * N_INPUTS + i];
        }
    }
    for (size_t i = 0; i < N_OUTPUTS; ++i) {
        for (size_t j = 0; j < N_BATCH; ++j) {
            Y[i * N_BATCH + j] = (real_t)d->y[idx[j] * N_OUTPUTS + i];
        }
    }
}

/* The loss of the `real` samples of a padded batch. A batch made of N_BATCH copies of one sample
 * has J equal to that sample's loss, so this uses the generated, numerically stable cost and no
 * padding enters the sum (a few extra forward passes, once per evaluation). */
#if !TM_BATCHNORM
static void add_partial_loss(const TM(params) *p, const run *r, const size_t *idx, size_t real, metrics *m)
{
    size_t copies[TMU(BATCH)];
    for (size_t k = 0; k < real; ++k) {
        for (size_t j = 0; j < N_BATCH; ++j) {
            copies[j] = idx[k];
        }
        gather(&r->data, copies);
        TM(forward)(p, X, &cache);
        metrics_add_loss(m, (double)TM(cost)(&cache, Y), 1);
    }
}
#endif

#if TM_BATCHNORM
/* The loss of one sample from its outputs a (in double): the generated cost's terms, summed over
 * the outputs. A sigmoid or softmax output that rounded to exactly 0 or 1 is held off them by
 * LOSS_FLOOR, so that one saturated sample gives a large loss (at most -log(LOSS_FLOOR) = 27.6 a
 * term), not an infinite one: predict returns activations, not the logits the cost uses. */
#define LOSS_FLOOR 1e-12
static double sample_loss(const double *a, const double *y)
{
    double loss = 0;
    for (size_t i = 0; i < N_OUTPUTS; ++i) {
#if TM_LOSS == TM_LOSS_MSE
        loss += (a[i] - y[i]) * (a[i] - y[i]);
#elif TM_LOSS == TM_LOSS_BCE
        const double p = fmin(fmax(a[i], LOSS_FLOOR), 1 - LOSS_FLOOR);
        loss -= y[i] * log(p) + (1 - y[i]) * log(1 - p);
#else
        loss -= y[i] * log(fmax(a[i], LOSS_FLOOR));
#endif
    }
    return loss;
}

/* Loss and accuracy (or RMSE) of p on the validation set, in inference mode: a batchnorm
 * normalizes with its running statistics, as predict and the saved model do, one sample at a
 * time. (The batch functions use the batch's own statistics, which for a validation batch are
 * not the model's, and for a batch of copies of one sample have no variance at all.) */
static void evaluate(const TM(params) *p, run *r, metrics *m)
{
    real_t x[TMU(INPUTS)], out[TMU(OUTPUTS)];
    double a[TMU(OUTPUTS)];
    size_t real;
    metrics_init(m, r->task.kind, N_OUTPUTS, r->targets.count ? r->targets.scale : NULL);
    batches_begin(&r->val);
    while ((real = batches_next(&r->val, batch_idx)) > 0) {
        for (size_t j = 0; j < real; ++j) {
            const size_t s = batch_idx[j];
            for (size_t i = 0; i < N_INPUTS; ++i) {
                x[i] = (real_t)r->data.x[s * N_INPUTS + i];
            }
            TM(predict)(p, x, out);
            for (size_t i = 0; i < N_OUTPUTS; ++i) {
                a[i] = (double)out[i];
            }
            metrics_add_loss(m, sample_loss(a, &r->data.y[s * N_OUTPUTS]), 1);
            metrics_add(m, a, &r->data.y[s * N_OUTPUTS], r->data.label ? r->data.label[s] : 0);
        }
    }
}
#else
/* Loss and accuracy (or RMSE) of p on the validation set. */
static void evaluate(const TM(params) *p, run *r, metrics *m)
{
    size_t real;
    double a[TMU(OUTPUTS)];
    metrics_init(m, r->task.kind, N_OUTPUTS, r->targets.count ? r->targets.scale : NULL);
    batches_begin(&r->val);
    while ((real = batches_next(&r->val, batch_idx)) > 0) {
        gather(&r->data, batch_idx);
        TM(forward)(p, X, &cache);
        const real_t *out = TM(output)(&cache);
        if (real == N_BATCH) {
            metrics_add_loss(m, (double)TM(cost)(&cache, Y) * (double)N_BATCH, N_BATCH);
        }
        for (size_t j = 0; j < real; ++j) {
            size_t s = batch_idx[j];
            for (size_t i = 0; i < N_OUTPUTS; ++i) {
                a[i] = (double)out[i * N_BATCH + j];
            }
            metrics_add(m, a, &r->data.y[s * N_OUTPUTS], r->data.label ? r->data.label[s] : 0);
        }
        if (real < N_BATCH) {
            add_partial_loss(p, r, batch_idx, real, m);
        }
    }
}
#endif

/* One epoch of train steps; returns the mean J (before each update) and adds the time taken. */
static double train_epoch(run *r, double *seconds)
{
    double sum = 0, start = now_seconds();
    size_t steps = 0;
    batches_begin(&r->train);
    while (batches_next(&r->train, batch_idx) > 0) {
        gather(&r->data, batch_idx);
        sum += (double)TM(train_step)(&params, &state, X, Y);
        steps++;
    }
    *seconds += now_seconds() - start;
    return sum / (double)steps;
}

static double metric_value(const run *r, const metrics *m)
{
    return r->task.kind == TASK_REGRESSION ? metrics_rmse(m) : metrics_accuracy(m);
}

/* The progress line: epoch, mean train J, validation J, accuracy or RMSE, training throughput. */
static void print_epoch(const run *r, const metrics *m, unsigned long epoch, unsigned long epochs, double train_loss,
                        double seconds, int in_place)
{
    char shown[32], rate[32];
    double samples = (double)(batches_per_epoch(&r->train) * N_BATCH) / (seconds > 0 ? seconds : 1e-9);
    if (r->task.kind == TASK_REGRESSION) {
        snprintf(shown, sizeof shown, "val rmse %.3f", metrics_rmse(m));
    } else {
        snprintf(shown, sizeof shown, "val acc %6.2f%%", 100 * metrics_accuracy(m));
    }
    if (samples >= 1e6) {
        snprintf(rate, sizeof rate, "%.2fM", samples / 1e6);
    } else {
        snprintf(rate, sizeof rate, "%.1fk", samples / 1e3);
    }
    /* in place: back to the line's start, and the rest of a longer last line erased (ECMA-48 EL) */
    printf("%sepoch %*lu/%lu  train loss %.4f  val loss %.4f  %s  %s samples/s%s", in_place ? "\r" : "",
           snprintf(NULL, 0, "%lu", epochs), epoch, epochs, train_loss, metrics_loss(m), shown, rate,
           in_place ? "\033[K" : "\n");
}

static FILE *open_output(const char *dir, const char *file, char *path, size_t size)
{
    snprintf(path, size, "%s/%s", dir, file);
    FILE *f = fopen(path, "w");
    if (!f) {
        char message[1200];
        snprintf(message, sizeof message, "%s: cannot write: %s", path, strerror(errno));
        die(message);
    }
    return f;
}

static void close_output(FILE *f, const char *path)
{
    int failed = ferror(f);
    if (fclose(f) != 0 || failed) {
        char message[1200];
        snprintf(message, sizeof message, "%s: write error", path);
        die(message);
    }
}

/* split.csv: which data rows (0-based, header not counted) were held out. */
static void write_split(const run *r, const char *dir)
{
    char path[1024];
    FILE *f = open_output(dir, "split.csv", path, sizeof path);
    size_t v = 0;
    fprintf(f, "row,set\n");
    for (size_t row = 0; row < r->data.count; ++row) {
        int is_val = v < r->split.n_val && r->split.val[v] == row;
        v += (size_t)is_val;
        fprintf(f, "%zu,%s\n", row, is_val ? "val" : "train");
    }
    close_output(f, path);
}

static void describe(const run *r, const options *o)
{
    size_t left = r->split.n_train % N_BATCH;
    printf("%s: %zu samples from %s: %zu training, %zu validation (%lu%%, seed %lu)\n", NAME, r->data.count, o->data,
           r->split.n_train, r->split.n_val, o->val_percent, o->seed);
    printf("%s: %zu inputs -> %zu outputs, loss %s, batch %zu: %zu train steps per epoch", NAME, N_INPUTS, N_OUTPUTS,
           LOSS_NAME, N_BATCH, batches_per_epoch(&r->train));
    if (left) {
        printf(" (the last %zu of each epoch's shuffled order sit that epoch out)", left);
    }
    printf("\n");
    fflush(stdout);
}

#if STANDARDIZED
/* The training split's statistics into the model's own standardization tensors (before the
 * initial weights are saved, so a run from --save-init standardizes the same way). */
static void set_standardization(const run *r)
{
    for (size_t i = 0; i < N_INPUTS; ++i) {
        params.input_mean[i] = (real_t)r->features.mean[i];
        params.input_inv_scale[i] = (real_t)(1.0 / r->features.scale[i]);
    }
}

#if TM_LOSS == TM_LOSS_MSE
#define LAST_W TM_CAT(W, TMU(LAYERS))
#define LAST_B TM_CAT(b, TMU(LAYERS))
/* The network trained on standardized targets; its last layer is linear dense (the spec checks it),
 * so y = y' * scale + mean folds into it, in double: W[r] *= scale[r], b[r] = b[r] * scale[r] + mean[r].
 * The saved model then outputs targets in their own units. */
static void fold_target_standardization(const run *r)
{
    const size_t inputs = sizeof params.LAST_W[0] / sizeof params.LAST_W[0][0];
    for (size_t o = 0; o < N_OUTPUTS; ++o) {
        double scale = r->targets.scale[o];
        for (size_t k = 0; k < inputs; ++k) {
            params.LAST_W[o][k] = (real_t)((double)params.LAST_W[o][k] * scale);
        }
        params.LAST_B[o] = (real_t)((double)params.LAST_B[o] * scale + r->targets.mean[o]);
    }
}
#endif

/* calib.csv: the first CALIB_ROWS training rows (the split's shuffled order), raw, exact. */
static void write_calibration(const run *r, const char *dir)
{
    char path[1024];
    FILE *f = open_output(dir, "calib.csv", path, sizeof path);
    size_t rows = r->split.n_train < CALIB_ROWS ? r->split.n_train : CALIB_ROWS;
    for (size_t k = 0; k < rows; ++k) {
        const double *x = &r->data.x[r->split.train[k] * N_INPUTS];
        for (size_t i = 0; i < N_INPUTS; ++i) {
            fprintf(f, "%s%.17g", i ? "," : "", x[i]);
        }
        fprintf(f, "\n");
    }
    close_output(f, path);
}
#endif

/* Save the weights and the scale file, then read both back: what inference will load must be
 * exactly what was trained. */
static void save_model(const run *r, const options *o)
{
    char bin[1024], scale[1024];
    errbuf e;
    scaler f2, t2;
#if STANDARDIZED
#if TM_LOSS == TM_LOSS_MSE
    fold_target_standardization(r);
#endif
    write_calibration(r, o->out);
#endif
    snprintf(bin, sizeof bin, "%s/%s.bin", o->out, NAME);
    snprintf(scale, sizeof scale, "%s/%s.scale", o->out, NAME);
    if (TM(save)(&params, bin) != 0) {
        errbuf_set(&e, "%s: cannot write the weights", bin);
        die_errbuf(&e);
    }
    if (scaler_save(scale, &r->features, r->targets.count ? &r->targets : NULL, &e) != 0) {
        die_errbuf(&e);
    }
    if (TM(load)(&reloaded, bin) != 0 || memcmp(&reloaded, &params, sizeof params) != 0) {
        errbuf_set(&e, "%s: does not read back as the trained weights", bin);
        die_errbuf(&e);
    }
    if (scaler_load(scale, &f2, &t2, &e) != 0) {
        die_errbuf(&e);
    }
    int same = f2.count == N_INPUTS && t2.count == r->targets.count &&
               memcmp(f2.mean, r->features.mean, N_INPUTS * sizeof(double)) == 0 &&
               memcmp(f2.scale, r->features.scale, N_INPUTS * sizeof(double)) == 0 &&
               (t2.count == 0 || (memcmp(t2.mean, r->targets.mean, t2.count * sizeof(double)) == 0 &&
                                  memcmp(t2.scale, r->targets.scale, t2.count * sizeof(double)) == 0));
    scaler_free(&f2);
    scaler_free(&t2);
    if (!same) {
        errbuf_set(&e, "%s: does not read back as the fitted standardization", scale);
        die_errbuf(&e);
    }
}

/* How training went: the epochs run, and the epoch whose weights are kept. */
typedef struct {
    double seconds; /* in train steps (batch gathering included, evaluation not) */
    unsigned long epochs_run;
    unsigned long kept_epoch;
} outcome;

/* All epochs: train, evaluate, print and log to loss.csv. With a patience, the lowest validation
 * loss so far keeps its weights in best_params, training stops `patience` epochs after it, and
 * params end as that epoch's (m its metrics). The seconds are the time the comparison with
 * PyTorch reports. */
static outcome train_all(run *r, const options *o, metrics *m)
{
    char path[1024];
    double seconds = 0, best_loss = INFINITY;
    unsigned long epoch = 1, best_epoch = 0;
    metrics best = *m;
    int in_place = o->progress && isatty(fileno(stdout));
    FILE *log = open_output(o->out, "loss.csv", path, sizeof path);
    fprintf(log, "epoch,train_loss,val_loss,%s\n", r->task.kind == TASK_REGRESSION ? "val_rmse" : "val_accuracy");
    for (; epoch <= o->epochs; ++epoch) {
        double epoch_seconds = 0;
        double train_loss = train_epoch(r, &epoch_seconds);
        seconds += epoch_seconds;
        if (!isfinite(train_loss)) {
            fprintf(stderr, "train: the training loss is not finite at epoch %lu: the spec's optimizer.lr is "
                            "probably too large\n", epoch);
            exit(1);
        }
        evaluate(&params, r, m);
        print_epoch(r, m, epoch, o->epochs, train_loss, epoch_seconds, in_place);
        fflush(stdout);
        fprintf(log, "%lu,%.9g,%.9g,%.9g\n", epoch, train_loss, metrics_loss(m), metric_value(r, m));
        fflush(log); /* so loss.csv can be watched or plotted while training runs */
        if (o->patience && metrics_loss(m) < best_loss) {
            best_loss = metrics_loss(m);
            best_epoch = epoch;
            best_params = params;
            best = *m;
        } else if (o->patience && epoch - best_epoch >= o->patience) {
            printf("%s%s: early stop after epoch %lu: the validation loss has not improved for %lu epochs\n",
                   in_place ? "\n" : "", NAME, epoch, o->patience);
            in_place = 0;
            break;
        }
    }
    if (in_place) {
        printf("\n");
    }
    close_output(log, path);
    outcome done = {seconds, epoch > o->epochs ? o->epochs : epoch, o->epochs};
    if (o->patience && best_epoch > 0) {
        params = best_params;
        *m = best;
        done.kept_epoch = best_epoch;
        printf("%s: keeping the weights of epoch %lu (validation loss %.4f, the lowest)\n", NAME, best_epoch,
               best_loss);
    } else {
        done.kept_epoch = done.epochs_run;
    }
    return done;
}

/* The network's outputs for validation sample `row` under params, one sample at a time through
 * the generated predict; regression outputs back in the targets' own units. */
static void predict_row(const run *r, size_t row, double *a)
{
    real_t x[TMU(INPUTS)], y[TMU(OUTPUTS)];
    for (size_t i = 0; i < N_INPUTS; ++i) {
        x[i] = (real_t)r->data.x[row * N_INPUTS + i];
    }
    TM(predict)(&params, x, y);
    for (size_t i = 0; i < N_OUTPUTS; ++i) {
        a[i] = (double)y[i];
    }
    /* A standardized model's saved last layer already gives the targets' own units. */
    if (r->task.kind == TASK_REGRESSION && !STANDARDIZED) {
        scaler_undo(&r->targets, a);
    }
}

static void fraction_text(char *text, size_t size, double value)
{
    if (isnan(value)) {
        snprintf(text, size, "-");
    } else {
        snprintf(text, size, "%.6f", value);
    }
}

/* report.txt (a classifier's confusion matrix and per-class precision and recall, or RMSE and MAE)
 * and predictions.csv (each validation row's outputs, and its class or target), from the weights
 * that were saved. Targets and metrics are in the data's own units. */
static void write_report(const run *r, const options *o, unsigned long kept_epoch)
{
    char path[1024], rows_path[1024];
    errbuf e;
    confusion c = {0, NULL};
    metrics m;
    double a[TMU(OUTPUTS)], y[TMU(OUTPUTS)];
    size_t classes = task_classes(&r->task);
    if (classes && confusion_init(&c, classes, &e) != 0) {
        die_errbuf(&e);
    }
    FILE *rows = open_output(o->out, "predictions.csv", rows_path, sizeof rows_path);
    fprintf(rows, "row,%s", classes ? "class,predicted" : "");
    for (size_t i = 0; i < N_OUTPUTS; ++i) {
        fprintf(rows, "%s%s%zu", i || classes ? "," : "", classes ? "output" : "target", i);
    }
    for (size_t i = 0; classes == 0 && i < N_OUTPUTS; ++i) {
        fprintf(rows, ",prediction%zu", i);
    }
    fprintf(rows, "\n");
    metrics_init(&m, r->task.kind, N_OUTPUTS, NULL);
    for (size_t k = 0; k < r->split.n_val; ++k) {
        size_t row = r->split.val[k];
        predict_row(r, row, a);
        fprintf(rows, "%zu", row);
        if (classes) {
            size_t predicted = metrics_predict_class(r->task.kind, a, N_OUTPUTS);
            confusion_add(&c, r->data.label[row], predicted);
            metrics_add(&m, a, NULL, r->data.label[row]);
            fprintf(rows, ",%zu,%zu", r->data.label[row], predicted);
        } else {
            for (size_t i = 0; i < N_OUTPUTS; ++i) {
                y[i] = r->data.y[row * N_OUTPUTS + i];
            }
            scaler_undo(&r->targets, y);
            metrics_add(&m, a, y, 0);
            for (size_t i = 0; i < N_OUTPUTS; ++i) {
                fprintf(rows, ",%.9g", y[i]);
            }
        }
        for (size_t i = 0; i < N_OUTPUTS; ++i) {
            fprintf(rows, ",%.9g", a[i]);
        }
        fprintf(rows, "\n");
    }
    close_output(rows, rows_path);

    FILE *f = open_output(o->out, "report.txt", path, sizeof path);
    fprintf(f, "%s: the %zu validation samples under the weights of epoch %lu\n", NAME, r->split.n_val, kept_epoch);
    if (!classes) {
        fprintf(f, "rmse %.6g\nmae %.6g\n", metrics_rmse(&m), metrics_mae(&m));
    } else {
        fprintf(f, "accuracy %.6g\nconfusion matrix (rows: true class, columns: predicted class)\n",
                metrics_accuracy(&m));
        for (size_t t = 0; t < classes; ++t) {
            fprintf(f, "  %3zu:", t);
            for (size_t p = 0; p < classes; ++p) {
                fprintf(f, " %5zu", c.count[t * classes + p]);
            }
            fprintf(f, "\n");
        }
        fprintf(f, "class  precision     recall  support   (-: no sample predicted, or none of the class)\n");
        for (size_t t = 0; t < classes; ++t) {
            char precision[32], recall[32];
            fraction_text(precision, sizeof precision, confusion_precision(&c, t));
            fraction_text(recall, sizeof recall, confusion_recall(&c, t));
            fprintf(f, "%5zu  %9s  %9s  %7zu\n", t, precision, recall, confusion_support(&c, t));
        }
        confusion_free(&c);
    }
    close_output(f, path);
}

static void release(run *r)
{
    batches_free(&r->train);
    batches_free(&r->val);
    scaler_free(&r->features);
    scaler_free(&r->targets);
    split_free(&r->split);
    dataset_free(&r->data);
}

int main(int argc, char **argv)
{
    options o = parse_options(argc, argv);
    run r;
    metrics m;
    memset(&r, 0, sizeof r);
    prepare(&r, &o);
    describe(&r, &o);

    TM(init)(&params, TMU(INIT_SEED));
#if STANDARDIZED
    set_standardization(&r);
#endif
    TM(train_state_init)(&state);
    if (o.save_init && TM(save)(&params, o.save_init) != 0) {
        fprintf(stderr, "%s: cannot write the initial weights\n", o.save_init);
        return 1;
    }
    write_split(&r, o.out);
    outcome done = train_all(&r, &o, &m);
    save_model(&r, &o);
    write_report(&r, &o, done.kept_epoch);

    /* For scripts (tests/train/check.sh, compare_torch.py). */
    printf("result: epochs=%lu kept_epoch=%lu train_seconds=%.6f val_loss=%.9g %s=%.9g\n", done.epochs_run,
           done.kept_epoch, done.seconds, metrics_loss(&m),
           r.task.kind == TASK_REGRESSION ? "val_rmse" : "val_accuracy", metric_value(&r, &m));
    release(&r);
    return 0;
}
