/*
 * metrics.h: what the progress line and the comparison report about a set of samples: the mean
 * loss J per sample, and accuracy (classification) or RMSE in the targets' own units (regression).
 * Padded batch entries are never added (batches.h), so every sample counts exactly once.
 */
#ifndef GRADC_HOSTED_METRICS_H
#define GRADC_HOSTED_METRICS_H

#include <stddef.h>

#include "dataset.h"

/* Running sums over one pass; reset with metrics_init. */
typedef struct {
    task_kind kind;
    size_t outputs;
    const double *target_scale; /* regression: per-output scale to undo standardization, or NULL */
    double loss_sum;            /* J summed over samples */
    size_t loss_count;
    double sq_sum;              /* squared errors in target units (regression) */
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

#endif
