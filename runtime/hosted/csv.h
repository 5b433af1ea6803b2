/*
 * csv.h: a strict reader for numeric tables, so that bad data stops training with a message that
 * points at the problem instead of turning into NaNs or a crash.
 *
 * Format:
 * - One row per line. Fields are separated by commas (blanks around a field are ignored) or, in
 *   a file whose first non-blank line has no comma, by runs of blanks (spaces, tabs). Blank lines
 *   are skipped; CRLF line ends are accepted, and so is a UTF-8 byte order mark at the start of
 *   the file (columns on line 1 are counted after it).
 * - Every field is a finite decimal number (strtod in the C locale). Every row has as many fields
 *   as the first one.
 * - An optional header on the first non-blank line: either column names (its first field is not a
 *   number; it must have one name per column), or sklearn's `n_samples,n_features,name,...`
 *   (two integers, then at least one non-number, e.g. `569,30,malignant,benign`), whose counts
 *   are checked: n_samples rows, and n_features fields per row or n_features + 1 with a label.
 * - A line is at most max_line bytes (CSV_MAX_LINE by default) without its newline.
 * - The file is a regular file: a FIFO, a device or a socket is refused before it is read (or,
 *   where stat can see it, opened), as reading one may block forever.
 *
 * Errors are one line, `file:line:column: problem` (or `file:line:` / `file:` where there is no
 * column); the reader never reads or writes past its buffers, whatever the input.
 */
#ifndef GRADC_HOSTED_CSV_H
#define GRADC_HOSTED_CSV_H

#include <stddef.h>
#include <stdint.h>

#include "errbuf.h"

/* Default bound on a line's length in bytes (digits' 64 pixels take about 200). */
#define CSV_MAX_LINE 65536u

/* A table read from a file; all arrays are owned by it (csv_free). */
typedef struct {
    size_t rows;           /* data rows: the header and blank lines are not counted */
    size_t cols;           /* fields per row, the same for every row */
    double *values;        /* rows x cols, row-major: field c of row r at values[r * cols + c] */
    size_t *line;          /* 1-based line number of each row, for messages */
    uint32_t *column;      /* 1-based byte column where each field starts, rows x cols */
    int has_header;        /* 1 if the first non-blank line was a header */
    long header_samples;   /* n_samples of a sklearn-style header, else -1 */
    long header_features;  /* n_features of a sklearn-style header, else -1 */
} csv_table;

/* Read `path` into *t (zeroed first); max_line 0 means CSV_MAX_LINE. 0 on success, else -1 with
 * *e set and *t empty. A file without data rows is an error. */
int csv_read(csv_table *t, const char *path, size_t max_line, errbuf *e);

/* Free what csv_read allocated and empty *t; safe on an empty or already freed table. */
void csv_free(csv_table *t);

#endif
