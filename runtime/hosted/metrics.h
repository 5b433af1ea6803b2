/*
 * metrics.h: what the progress line and the comparison report about a set of samples: the mean
 * loss J per sample, and accuracy (classification) or RMSE in the targets' own units (regression).
 * Padded batch entries are never added (batches.h), so every sample counts exactly once.
 */
#ifndef GRADC_HOSTED_METRICS_H
#define GRADC_HOSTED_METRICS_H

#include <stddef.h>

#include "dataset.h"
#include "errbuf.h"

/* Running sums over one pass; reset with metrics_init. */
typedef struct {
    task_kind kind;
    size_t outputs;
    const double *target_scale; /* regression: per-output scale to undo standardization, or NULL */
    double loss_sum;            /* J summed over samples */
    size_t loss_count;
    double sq_sum;              /* squared errors in target units (regression) */
    double abs_sum;             /* absolute errors in target units (regression) */
    size_t correct;             /* right predictions (classification) */
    size_t count;               /* samples added with metrics_add */
} metrics;

/* Start a pass; target_scale (regression) may be NULL for unscaled targets. */
void metrics_init(metrics *m, task_kind kind, size_t outputs, const double *target_scale);

/* Add the loss of `count` samples, `loss_sum` = their J times count. */
void metrics_add_loss(metrics *m, double loss_sum, size_t count);

/* Add one sample: a[outputs] the network's output, y[outputs] the target, label its class. */
void metrics_add(metrics *m, const double *a, const double *y, size_t label);

/* The predicted class of one output vector: argmax (first on ties), or a[0] >= 0.5 for TASK_BINARY. */
size_t metrics_predict_class(task_kind kind, const double *a, size_t outputs);

/* Mean loss per sample (NaN before any loss was added). */
double metrics_loss(const metrics *m);

/* Fraction of samples classified right, 0..1 (classification). */
double metrics_accuracy(const metrics *m);

/* Root mean squared error over samples and outputs, in target units (regression). */
double metrics_rmse(const metrics *m);

/* Mean absolute error over samples and outputs, in target units (regression). */
double metrics_mae(const metrics *m);

/* A classifier's confusion matrix: count[truth * classes + predicted]. */
typedef struct {
    size_t classes;
    size_t *count;
} confusion;

/* An all-zero matrix of `classes` x `classes`; -1 (with e set) when out of memory. */
int confusion_init(confusion *c, size_t classes, errbuf *e);

void confusion_add(confusion *c, size_t truth, size_t predicted);

/* Of the samples predicted `k`, the fraction that are k (NaN when none was predicted k). */
double confusion_precision(const confusion *c, size_t k);

/* Of the samples that are `k`, the fraction predicted k (NaN when there is none). */
double confusion_recall(const confusion *c, size_t k);

/* Samples whose true class is k. */
size_t confusion_support(const confusion *c, size_t k);

void confusion_free(confusion *c);

#endif
