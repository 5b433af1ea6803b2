/* scaler.c: see scaler.h. */
#include "scaler.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SCALER_MAGIC "gradc-scale 1"

static int scaler_alloc(scaler *s, size_t count)
{
    s->mean = malloc(count * sizeof *s->mean);
    s->scale = malloc(count * sizeof *s->scale);
    s->count = count;
    if (!s->mean || !s->scale) {
        scaler_free(s);
        return -1;
    }
    return 0;
}

int scaler_fit(scaler *s, const double *rows, size_t cols, const size_t *idx, size_t n, errbuf *e)
{
    memset(s, 0, sizeof *s);
    if (n == 0 || cols == 0) {
        return errbuf_set(e, "cannot standardize: no training rows");
    }
    if (scaler_alloc(s, cols) != 0) {
        return errbuf_set(e, "out of memory");
    }
    for (size_t c = 0; c < cols; ++c) {
        /* Two passes (mean, then squared deviations): one-pass sums of squares cancel badly. */
        double sum = 0, sq = 0;
        for (size_t k = 0; k < n; ++k) {
            sum += rows[idx[k] * cols + c];
        }
        double mean = sum / (double)n;
        for (size_t k = 0; k < n; ++k) {
            double d = rows[idx[k] * cols + c] - mean;
            sq += d * d;
        }
        double sd = sqrt(sq / (double)n);
        if (!isfinite(mean) || !isfinite(sd)) {
            /* an infinite scale would map the whole column to 0, and training would go on */
            scaler_free(s);
            return errbuf_set(e, "cannot standardize column %zu: its values are too large (expected |x| below %g)",
                              c + 1, SCALER_MAX_ABS);
        }
        /* A constant column's mean can be off by rounding, leaving a tiny nonzero sd that would
         * blow the column up; treat sd at rounding level as zero. */
        s->mean[c] = mean;
        s->scale[c] = (sd > 1e-12 * fabs(mean) && sd > 0) ? sd : 1.0;
    }
    return 0;
}

void scaler_apply(const scaler *s, double *rows, size_t n)
{
    for (size_t r = 0; r < n; ++r) {
        for (size_t c = 0; c < s->count; ++c) {
            double *x = &rows[r * s->count + c];
            *x = (*x - s->mean[c]) / s->scale[c];
        }
    }
}

void scaler_undo(const scaler *s, double *row)
{
    for (size_t c = 0; c < s->count; ++c) {
        row[c] = row[c] * s->scale[c] + s->mean[c];
    }
}

static void write_lines(FILE *f, const char *kind, const scaler *s)
{
    for (size_t c = 0; s && c < s->count; ++c) {
        fprintf(f, "%s %zu %.17g %.17g\n", kind, c, s->mean[c], s->scale[c]);
    }
}

int scaler_save(const char *path, const scaler *features, const scaler *targets, errbuf *e)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        return errbuf_set(e, "%s: cannot write: %s", path, strerror(errno));
    }
    fprintf(f, "%s\n# x' = (x - mean) / scale, fitted on the training split; lines: kind index mean scale\n",
            SCALER_MAGIC);
    write_lines(f, "feature", features);
    write_lines(f, "target", targets);
    int failed = ferror(f);
    if (fclose(f) != 0 || failed) {
        return errbuf_set(e, "%s: write error", path);
    }
    return 0;
}

/* Append one (mean, scale) pair to s, growing its arrays. */
static int push_pair(scaler *s, size_t *cap, double mean, double scale)
{
    if (s->count == *cap) {
        size_t grown = *cap ? 2 * *cap : 16;
        double *m = realloc(s->mean, grown * sizeof *m);
        if (m) {
            s->mean = m;
        }
        double *sc = realloc(s->scale, grown * sizeof *sc);
        if (sc) {
            s->scale = sc;
        }
        if (!m || !sc) {
            return -1;
        }
        *cap = grown;
    }
    s->mean[s->count] = mean;
    s->scale[s->count] = scale;
    s->count++;
    return 0;
}

/* One `kind index mean scale` line into features or targets, in index order. */
static int parse_pair(const char *path, unsigned long line, const char *text, scaler *features, scaler *targets,
                      size_t caps[2], errbuf *e)
{
    char kind[16], extra[2];
    unsigned long index;
    double mean, scale;
    if (sscanf(text, "%15s %lu %lf %lf %1s", kind, &index, &mean, &scale, extra) != 4) {
        return errbuf_set(e, "%s:%lu: expected `feature|target INDEX MEAN SCALE`", path, line);
    }
    int is_target = strcmp(kind, "target") == 0;
    if (!is_target && strcmp(kind, "feature") != 0) {
        return errbuf_set(e, "%s:%lu: unknown kind \"%s\" (expected feature or target)", path, line, kind);
    }
    scaler *s = is_target ? targets : features;
    if (index != s->count || (!is_target && targets->count > 0)) {
        return errbuf_set(e, "%s:%lu: %s %lu out of order (expected features 0, 1, ... then targets 0, 1, ...)", path,
                          line, kind, index);
    }
    if (!isfinite(mean) || !isfinite(scale) || !(scale > 0)) {
        return errbuf_set(e, "%s:%lu: mean must be finite and scale finite and > 0", path, line);
    }
    if (push_pair(s, &caps[is_target], mean, scale) != 0) {
        return errbuf_set(e, "%s:%lu: out of memory", path, line);
    }
    return 0;
}

static int read_pairs(FILE *f, const char *path, scaler *features, scaler *targets, errbuf *e)
{
    char text[256];
    unsigned long line = 0;
    size_t caps[2] = {0, 0};
    int seen_magic = 0;
    while (fgets(text, sizeof text, f)) {
        line++;
        size_t len = strlen(text);
        if (len + 1 == sizeof text && text[len - 1] != '\n') {
            return errbuf_set(e, "%s:%lu: line too long", path, line);
        }
        text[strcspn(text, "\r\n")] = '\0';
        if (text[0] == '#' || text[strspn(text, " \t")] == '\0') {
            continue;
        }
        if (!seen_magic) {
            if (strcmp(text, SCALER_MAGIC) != 0) {
                return errbuf_set(e, "%s:%lu: not a gradc scale file (expected \"%s\")", path, line, SCALER_MAGIC);
            }
            seen_magic = 1;
        } else if (parse_pair(path, line, text, features, targets, caps, e) != 0) {
            return -1;
        }
    }
    if (ferror(f)) {
        return errbuf_set(e, "%s: read error", path);
    }
    if (!seen_magic || features->count == 0) {
        return errbuf_set(e, "%s: no feature lines", path);
    }
    return 0;
}

int scaler_load(const char *path, scaler *features, scaler *targets, errbuf *e)
{
    memset(features, 0, sizeof *features);
    memset(targets, 0, sizeof *targets);
    FILE *f = fopen(path, "r");
    if (!f) {
        return errbuf_set(e, "%s: cannot open: %s", path, strerror(errno));
    }
    int status = read_pairs(f, path, features, targets, e);
    fclose(f);
    if (status != 0) {
        scaler_free(features);
        scaler_free(targets);
    }
    return status;
}

void scaler_free(scaler *s)
{
    free(s->mean);
    free(s->scale);
    memset(s, 0, sizeof *s);
}
