/*
 * scaler.h: feature (and regression target) standardization, x' = (x - mean) / scale.
 *
 * mean and scale come from the TRAINING split only, so no validation statistic leaks into
 * training; scale is the population standard deviation (as sklearn's StandardScaler), or 1 for a
 * constant column (digits has pixels that are always 0). The values are saved next to the
 * model, because inference must apply exactly the same transform to its inputs (and undo the
 * targets' one on its outputs).
 *
 * The .scale file is text, one value pair per line, exact (%.17g reads back bit for bit):
 *
 *     gradc-scale 1
 *     # x' = (x - mean) / scale, fitted on the training split; lines: kind index mean scale
 *     feature 0 5.8433333333333337 0.82530129908785025
 *     ...                                  (one line per network input, index 0, 1, ...)
 *     target 0 152.13314447592068 77.006... (regression only: one line per network output)
 *
 * Lines starting with '#' and blank lines are ignored.
 */
#ifndef GRADC_HOSTED_SCALER_H
#define GRADC_HOSTED_SCALER_H

#include <stddef.h>

#include "errbuf.h"

/* The magnitude every value scaler_fit is given must stay below. Its sum of squared deviations
 * must not overflow: a deviation is then below 2e150, its square below 4e300, and a double holds
 * the sum of 4.4e7 of them. dataset_load refuses larger inputs and targets with their line and
 * column; scaler_fit still refuses a column whose standard deviation overflows. */
#define SCALER_MAX_ABS 1e150

/* Per-column mean and scale; owned (scaler_free). count 0 means none. */
typedef struct {
    size_t count;
    double *mean;
    double *scale;
} scaler;

/* Fit on the rows idx[0..n) of a row-major table with `cols` columns. 0, or -1 with *e set (no
 * rows, or a column whose mean or standard deviation is not finite: values of SCALER_MAX_ABS or
 * more). */
int scaler_fit(scaler *s, const double *rows, size_t cols, const size_t *idx, size_t n, errbuf *e);

/* Standardize n rows of s->count columns in place. */
void scaler_apply(const scaler *s, double *rows, size_t n);

/* Undo the standardization of one row in place (x = x' * scale + mean). */
void scaler_undo(const scaler *s, double *row);

/* Write features (and targets unless NULL or empty) to path. 0, or -1 with *e set. */
int scaler_save(const char *path, const scaler *features, const scaler *targets, errbuf *e);

/* Read a .scale file; targets->count is 0 if it has none. 0, or -1 with *e set and both empty. */
int scaler_load(const char *path, scaler *features, scaler *targets, errbuf *e);

/* Free and empty; safe on an empty or already freed scaler. */
void scaler_free(scaler *s);

#endif
