/* dataset.c: see dataset.h. */
#include "dataset.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "scaler.h"

size_t task_classes(const task *t)
{
    switch (t->kind) {
    case TASK_ONE_HOT:
        return t->outputs;
    case TASK_BINARY:
        return 2;
    case TASK_REGRESSION:
        break;
    }
    return 0;
}

/* How many columns the target part takes in its file: one class index, or one per output. */
static size_t target_columns(const task *t)
{
    return t->kind == TASK_REGRESSION ? t->outputs : 1;
}

/* The columns DATA must have, and the message when it has not. */
static int check_data_columns(const task *t, const csv_table *data, const char *path, int separate, errbuf *e)
{
    size_t want = t->inputs + (separate ? 0 : target_columns(t));
    if (data->cols == want) {
        return 0;
    }
    if (separate) {
        return errbuf_set(e, "%s: rows have %zu fields, expected %zu (the network's inputs; the targets are in their own file)",
                          path, data->cols, want);
    }
    if (t->kind == TASK_REGRESSION) {
        return errbuf_set(e, "%s: rows have %zu fields, expected %zu (%zu inputs + %zu target%s)", path, data->cols,
                          want, t->inputs, t->outputs, t->outputs == 1 ? "" : "s");
    }
    return errbuf_set(e, "%s: rows have %zu fields, expected %zu (%zu inputs + 1 label)", path, data->cols, want,
                      t->inputs);
}

/* Class index from field `col` of row `r`, checked to be an integer in range. */
static int take_label(const task *t, const csv_table *tab, size_t r, size_t col, const char *path, size_t *label,
                      errbuf *e)
{
    double v = tab->values[r * tab->cols + col];
    size_t classes = task_classes(t);
    unsigned long line = (unsigned long)tab->line[r];
    unsigned long column = (unsigned long)tab->column[r * tab->cols + col];
    if (v != floor(v)) {
        return errbuf_set(e, "%s:%lu:%lu: label %.17g is not an integer (expected a class index 0..%zu)", path, line, column,
                          v, classes - 1);
    }
    if (v < 0 || v >= (double)classes) {
        return errbuf_set(e, "%s:%lu:%lu: label %g out of range (expected a class index 0..%zu: the network has %zu classes)",
                          path, line, column, v, classes - 1, classes);
    }
    *label = (size_t)v;
    return 0;
}

/* Columns first..first+count of every row are standardized (scaler.h): each must be below
 * SCALER_MAX_ABS in magnitude. */
static int check_magnitudes(const csv_table *tab, size_t first, size_t count, const char *path, errbuf *e)
{
    for (size_t r = 0; r < tab->rows; ++r) {
        for (size_t c = first; c < first + count; ++c) {
            double v = tab->values[r * tab->cols + c];
            if (!(fabs(v) < SCALER_MAX_ABS)) {
                return errbuf_set(e, "%s:%lu:%lu: value %g is too large to standardize (expected |x| below %g)", path,
                                  (unsigned long)tab->line[r], (unsigned long)tab->column[r * tab->cols + c], v,
                                  SCALER_MAX_ABS);
            }
        }
    }
    return 0;
}

/* Fill d->y (and d->label) from the target columns, which start at `first` in `tab`. */
static int take_targets(dataset *d, const task *t, const csv_table *tab, size_t first, const char *path, errbuf *e)
{
    if (t->kind == TASK_REGRESSION && check_magnitudes(tab, first, d->outputs, path, e) != 0) {
        return -1;
    }
    for (size_t r = 0; r < d->count; ++r) {
        double *y = d->y + r * d->outputs;
        if (t->kind == TASK_REGRESSION) {
            memcpy(y, tab->values + r * tab->cols + first, d->outputs * sizeof *y);
            continue;
        }
        if (take_label(t, tab, r, first, path, &d->label[r], e) != 0) {
            return -1;
        }
        if (t->kind == TASK_BINARY) {
            y[0] = (double)d->label[r];
        } else {
            memset(y, 0, d->outputs * sizeof *y);
            y[d->label[r]] = 1.0;
        }
    }
    return 0;
}

/* Allocate d's arrays for `count` samples and copy the inputs from the first columns of `data`. */
static int take_inputs(dataset *d, const task *t, const csv_table *data, const char *path, errbuf *e)
{
    if (check_magnitudes(data, 0, t->inputs, path, e) != 0) {
        return -1;
    }
    d->count = data->rows;
    d->inputs = t->inputs;
    d->outputs = t->outputs;
    d->x = malloc(d->count * d->inputs * sizeof *d->x);
    d->y = malloc(d->count * d->outputs * sizeof *d->y);
    d->label = t->kind == TASK_REGRESSION ? NULL : malloc(d->count * sizeof *d->label);
    if (!d->x || !d->y || (t->kind != TASK_REGRESSION && !d->label)) {
        return errbuf_set(e, "%s: out of memory for %zu samples", path, d->count);
    }
    for (size_t r = 0; r < d->count; ++r) {
        memcpy(d->x + r * d->inputs, data->values + r * data->cols, d->inputs * sizeof *d->x);
    }
    return 0;
}

/* The targets file: one column per target, as many rows as DATA. */
static int load_targets(dataset *d, const task *t, const csv_table *data, const char *data_path,
                        const char *targets_path, errbuf *e)
{
    csv_table tab;
    if (csv_read(&tab, targets_path, 0, e) != 0) {
        return -1;
    }
    int status = 0;
    if (tab.cols != target_columns(t)) {
        status = errbuf_set(e, "%s: rows have %zu fields, expected %zu (%s)", targets_path, tab.cols,
                            target_columns(t), t->kind == TASK_REGRESSION ? "one per network output" : "the class index");
    } else if (tab.rows != data->rows) {
        status = errbuf_set(e, "%s: %zu rows, but %s has %zu (one target row per sample)", targets_path, tab.rows,
                            data_path, data->rows);
    } else {
        status = take_targets(d, t, &tab, 0, targets_path, e);
    }
    csv_free(&tab);
    return status;
}

int dataset_load(dataset *d, const task *t, const char *data_path, const char *targets_path, errbuf *e)
{
    csv_table data;
    memset(d, 0, sizeof *d);
    if (csv_read(&data, data_path, 0, e) != 0) {
        return -1;
    }
    int status = check_data_columns(t, &data, data_path, targets_path != NULL, e);
    if (status == 0) {
        status = take_inputs(d, t, &data, data_path, e);
    }
    if (status == 0) {
        status = targets_path ? load_targets(d, t, &data, data_path, targets_path, e)
                              : take_targets(d, t, &data, t->inputs, data_path, e);
    }
    csv_free(&data);
    if (status != 0) {
        dataset_free(d);
    }
    return status;
}

void dataset_free(dataset *d)
{
    free(d->x);
    free(d->y);
    free(d->label);
    memset(d, 0, sizeof *d);
}
