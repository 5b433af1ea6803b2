/*
 * dataset.h: a data set for one network, from a CSV file (csv.h) and optionally a separate
 * targets file, checked against the network's shape and task.
 *
 * Layout of DATA (one sample per row):
 * - classification: the network's inputs, then the class index (an integer 0..classes-1) in the
 *   last column; with a TARGETS file, only the inputs, and the class index is TARGETS' one column.
 * - regression: the inputs, then the network's outputs; with a TARGETS file (diabetes ships its
 *   targets separately), only the inputs, and TARGETS has one column per output.
 * Inputs and regression targets are standardized (scaler.h), so each must be below SCALER_MAX_ABS
 * in magnitude.
 */
#ifndef GRADC_HOSTED_DATASET_H
#define GRADC_HOSTED_DATASET_H

#include <stddef.h>

#include "errbuf.h"

/* What the network's outputs mean, which decides the labels' form and the metric. */
typedef enum {
    TASK_ONE_HOT,     /* one output per class (softmax + ce, or sigmoids): Y is one-hot, accuracy by argmax */
    TASK_BINARY,      /* one sigmoid output: Y is the label 0 or 1, accuracy with a 0.5 threshold */
    TASK_REGRESSION   /* Y is the target values, reported as RMSE */
} task_kind;

/* The network's side of the data: sizes from its header, the task from its loss. */
typedef struct {
    task_kind kind;
    size_t inputs;    /* n[0] */
    size_t outputs;   /* n[L] */
} task;

/* Number of classes a classification task has (outputs, or 2 for TASK_BINARY); 0 for regression. */
size_t task_classes(const task *t);

/* Samples in the network's terms; owned by it (dataset_free). */
typedef struct {
    size_t count;     /* samples */
    size_t inputs;    /* features per sample */
    size_t outputs;   /* target values per sample (the network's outputs) */
    double *x;        /* count x inputs, row-major */
    double *y;        /* count x outputs, row-major: one-hot, 0/1, or regression targets */
    size_t *label;    /* count class indices (classification), NULL for regression */
} dataset;

/* Load DATA (and TARGETS unless it is NULL) for task *t into *d. 0 on success, else -1 with *e
 * set to one line naming the file (and line and column where one is to blame) and *d empty. */
int dataset_load(dataset *d, const task *t, const char *data_path, const char *targets_path, errbuf *e);

/* Free what dataset_load allocated; safe on an empty or already freed set. */
void dataset_free(dataset *d);

#endif
