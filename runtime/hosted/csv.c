/* csv.c: see csv.h. */
#define _POSIX_C_SOURCE 200809L /* open, fstat and fdopen: the file's kind is checked before reading */

#include "csv.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The UTF-8 byte order mark some programs (Excel, Notepad) write at the start of a CSV file. */
static const char utf8_bom[3] = {'\xEF', '\xBB', '\xBF'};

/* Where one field lies in the line buffer. */
typedef struct {
    size_t start;
    size_t len;
} span;

/* Everything that lives for one csv_read call. */
typedef struct {
    FILE *f;
    const char *path;
    char *buf;          /* max + 1 bytes: a line and its terminating NUL */
    size_t max;
    size_t lineno;
    int comma;          /* 1: comma separated, 0: blank separated, -1: not known yet */
    span *fields;
    size_t nfields;
    size_t fields_cap;
    size_t values_cap;  /* rows the table's arrays have room for */
    size_t first_line;  /* line of the first data row, named in field-count messages */
    int bom_checked;    /* the file's first bytes have been compared with utf8_bom */
} reader;

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* A field as it can be shown inside a one-line message: at most 32 printable bytes. */
static const char *shown(const reader *r, span s, char out[48])
{
    size_t n = s.len < 32 ? s.len : 32;
    for (size_t i = 0; i < n; ++i) {
        char c = r->buf[s.start + i];
        out[i] = (c >= 0x20 && c < 0x7f) ? c : '?';
    }
    strcpy(out + n, s.len > 32 ? "..." : "");
    return out;
}

/* Read the next line into r->buf without its newline (or a CR before it).
 * 1: a line, 0: end of file, -1: error (NUL byte, too long, read error). */
static int read_line(reader *r, size_t *len, errbuf *e)
{
    size_t n = 0;
    int c;
    r->lineno++;
    while ((c = getc(r->f)) != EOF && c != '\n') {
        if (c == '\0') {
            return errbuf_set(e, "%s:%zu:%zu: NUL byte (is this a text file?)", r->path, r->lineno, n + 1);
        }
        if (n == r->max) {
            return errbuf_set(e, "%s:%zu: line longer than %zu characters", r->path, r->lineno, r->max);
        }
        r->buf[n++] = (char)c;
        if (r->lineno == 1 && n == sizeof utf8_bom && !r->bom_checked) {
            r->bom_checked = 1;
            if (memcmp(r->buf, utf8_bom, n) == 0) {
                n = 0; /* not part of the first field: with it, a first row of numbers would
                          not parse and would pass for a header, losing the first sample */
            }
        }
    }
    if (ferror(r->f)) {
        return errbuf_set(e, "%s: read error: %s", r->path, strerror(errno));
    }
    if (c == EOF && n == 0) {
        return 0;
    }
    if (n > 0 && r->buf[n - 1] == '\r') {
        n--;
    }
    r->buf[n] = '\0';
    *len = n;
    return 1;
}

static int push_field(reader *r, size_t start, size_t len, errbuf *e)
{
    if (r->nfields == r->fields_cap) {
        size_t cap = r->fields_cap ? 2 * r->fields_cap : 64;
        span *grown = realloc(r->fields, cap * sizeof *grown);
        if (!grown) {
            return errbuf_set(e, "%s:%zu: out of memory", r->path, r->lineno);
        }
        r->fields = grown;
        r->fields_cap = cap;
    }
    r->fields[r->nfields].start = start;
    r->fields[r->nfields].len = len;
    r->nfields++;
    return 0;
}

/* Split a comma-separated line; blanks around a field are not part of it, and an empty field is
 * an error (a missing value must not become 0). */
static int split_commas(reader *r, size_t len, errbuf *e)
{
    size_t pos = 0;
    for (;;) {
        size_t start = pos, end;
        while (start < len && is_blank(r->buf[start])) {
            start++;
        }
        end = start;
        while (end < len && r->buf[end] != ',') {
            end++;
        }
        size_t next = end;
        while (end > start && is_blank(r->buf[end - 1])) {
            end--;
        }
        if (end == start) {
            return errbuf_set(e, "%s:%zu:%zu: empty field", r->path, r->lineno, start + 1);
        }
        if (push_field(r, start, end - start, e) != 0) {
            return -1;
        }
        if (next == len) {
            return 0;
        }
        pos = next + 1;
    }
}

/* Split a blank-separated line. */
static int split_blanks(reader *r, size_t len, errbuf *e)
{
    size_t pos = 0;
    while (pos < len) {
        while (pos < len && is_blank(r->buf[pos])) {
            pos++;
        }
        size_t start = pos;
        while (pos < len && !is_blank(r->buf[pos])) {
            pos++;
        }
        if (pos > start && push_field(r, start, pos - start, e) != 0) {
            return -1;
        }
    }
    return 0;
}

/* Fields of the line in r->buf into r->fields; a blank line has none. The first non-blank line
 * decides the separator for the whole file. */
static int split_line(reader *r, size_t len, errbuf *e)
{
    size_t i = 0;
    r->nfields = 0;
    while (i < len && is_blank(r->buf[i])) {
        i++;
    }
    if (i == len) {
        return 0;
    }
    if (r->comma < 0) {
        r->comma = memchr(r->buf, ',', len) != NULL;
    }
    return r->comma ? split_commas(r, len, e) : split_blanks(r, len, e);
}

/* Parse field s as a number: 1 if it is one (finite or not), 0 if it is not a number at all.
 * Decimal only: strtod's hexadecimal form ("0x10") is not a number here, as for the generator's
 * calibration reader. */
static int parse_number(reader *r, span s, double *value)
{
    char *text = r->buf + s.start;
    char saved = text[s.len]; /* inside the buffer: a field ends at most at the line's NUL */
    char *end;
    text[s.len] = '\0';
    const char *digits = text + (text[0] == '+' || text[0] == '-');
    const int hexadecimal = digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X');
    /* strtod skips leading white space, which the field trimming leaves where it is not a blank
     * or a tab (\v, \f, \r): a field must start with its number, or "\v0x1p2" would read as 4 */
    const int leading_space = isspace((unsigned char)text[0]) != 0;
    *value = strtod(text, &end);
    int ok = end != text && *end == '\0' && !hexadecimal && !leading_space;
    text[s.len] = saved;
    return ok;
}

/* A non-negative integer field, as sklearn's header counts are. */
static int parse_count(reader *r, span s, long *count)
{
    double v;
    if (!parse_number(r, s, &v) || !(v >= 0 && v <= 2147483647.0) || v != floor(v)) {
        return 0;
    }
    *count = (long)v;
    return 1;
}

/* Decide whether the first non-blank line is a header; 1 if it is (and record it), 0 if it is data. */
static int take_header(reader *r, csv_table *t)
{
    double v;
    long samples, features;
    if (!parse_number(r, r->fields[0], &v)) {
        t->has_header = 1; /* column names */
        return 1;
    }
    if (r->nfields < 3 || !parse_count(r, r->fields[0], &samples) || !parse_count(r, r->fields[1], &features)) {
        return 0;
    }
    for (size_t i = 2; i < r->nfields; ++i) {
        if (!parse_number(r, r->fields[i], &v)) {
            t->has_header = 1;
            t->header_samples = samples;
            t->header_features = features;
            return 1;
        }
    }
    return 0;
}

/* Make room for one more row in the table's arrays. */
static int grow(reader *r, csv_table *t, errbuf *e)
{
    if (t->rows < r->values_cap) {
        return 0;
    }
    size_t cap = r->values_cap ? 2 * r->values_cap : 256;
    if (cap > ((size_t)-1 / sizeof(double)) / t->cols) {
        return errbuf_set(e, "%s:%zu: too many rows", r->path, r->lineno);
    }
    double *values = realloc(t->values, cap * t->cols * sizeof *values);
    if (values) {
        t->values = values;
    }
    uint32_t *column = realloc(t->column, cap * t->cols * sizeof *column);
    if (column) {
        t->column = column;
    }
    size_t *line = realloc(t->line, cap * sizeof *line);
    if (line) {
        t->line = line;
    }
    if (!values || !column || !line) {
        return errbuf_set(e, "%s:%zu: out of memory", r->path, r->lineno);
    }
    r->values_cap = cap;
    return 0;
}

/* Store the fields of the current line as row t->rows. */
static int add_row(reader *r, csv_table *t, errbuf *e)
{
    char text[48];
    if (t->rows == 0 && r->values_cap == 0) {
        t->cols = r->nfields;
        r->first_line = r->lineno;
    }
    if (r->nfields != t->cols) {
        const span *at = &r->fields[r->nfields < t->cols ? r->nfields - 1 : t->cols];
        size_t col = r->nfields < t->cols ? at->start + at->len + 1 : at->start + 1;
        return errbuf_set(e, "%s:%zu:%zu: %zu fields, expected %zu (as on line %zu)", r->path, r->lineno,
                          col, r->nfields, t->cols, r->first_line);
    }
    if (grow(r, t, e) != 0) {
        return -1;
    }
    for (size_t c = 0; c < t->cols; ++c) {
        span s = r->fields[c];
        double v;
        if (!parse_number(r, s, &v)) {
            return errbuf_set(e, "%s:%zu:%zu: not a number: \"%s\"", r->path, r->lineno, s.start + 1,
                              shown(r, s, text));
        }
        if (!isfinite(v)) {
            return errbuf_set(e, "%s:%zu:%zu: not a finite number: \"%s\"", r->path, r->lineno, s.start + 1,
                              shown(r, s, text));
        }
        t->values[t->rows * t->cols + c] = v;
        t->column[t->rows * t->cols + c] = (uint32_t)(s.start + 1 < UINT32_MAX ? s.start + 1 : UINT32_MAX);
    }
    t->line[t->rows++] = r->lineno;
    return 0;
}

/* After the last row: the header, if any, must agree with the data. */
static int check_header(const reader *r, const csv_table *t, size_t header_line, size_t header_fields, errbuf *e)
{
    if (t->rows == 0) {
        return errbuf_set(e, "%s: no data rows", r->path);
    }
    if (t->header_samples >= 0) {
        size_t features = (size_t)t->header_features;
        if ((size_t)t->header_samples != t->rows) {
            return errbuf_set(e, "%s:%zu: the header says %ld samples, but the file has %zu data rows", r->path,
                              header_line, t->header_samples, t->rows);
        }
        if (t->cols != features && t->cols != features + 1) {
            return errbuf_set(e, "%s:%zu: the header says %zu features, but rows have %zu fields (expected %zu, or %zu with a label)",
                              r->path, header_line, features, t->cols, features, features + 1);
        }
    } else if (t->has_header && header_fields != t->cols) {
        return errbuf_set(e, "%s:%zu: the header has %zu names, but rows have %zu fields", r->path, header_line,
                          header_fields, t->cols);
    }
    return 0;
}

/* The reading loop, once the file is open and the buffer allocated. */
static int read_rows(reader *r, csv_table *t, errbuf *e)
{
    size_t len = 0, header_line = 0, header_fields = 0;
    int first = 1, got;
    while ((got = read_line(r, &len, e)) == 1) {
        if (split_line(r, len, e) != 0) {
            return -1;
        }
        if (r->nfields == 0) {
            continue;
        }
        if (first) {
            first = 0;
            if (take_header(r, t)) {
                header_line = r->lineno;
                header_fields = r->nfields;
                continue;
            }
        }
        if (add_row(r, t, e) != 0) {
            return -1;
        }
    }
    return got < 0 ? -1 : check_header(r, t, header_line, header_fields, e);
}

/* What a file that is neither a regular file nor a folder is, for the message. */
static const char *special_kind(mode_t mode)
{
    if (S_ISFIFO(mode)) {
        return "a FIFO";
    }
    if (S_ISCHR(mode)) {
        return "a character device";
    }
    if (S_ISBLK(mode)) {
        return "a block device";
    }
    if (S_ISSOCK(mode)) {
        return "a socket";
    }
    return "a special file";
}

static int is_readable_kind(mode_t mode)
{
    /* a folder opens, and its first read fails with a message of its own */
    return S_ISREG(mode) || S_ISDIR(mode);
}

/* Open `path` for reading, refusing a FIFO, a device or a socket: reading one can block forever
 * (a FIFO without a writer, a terminal) or never end. stat decides before anything is opened (a
 * device may act on being opened); the open itself does not block (O_NONBLOCK, which regular
 * files ignore), and fstat checks that what was opened is still what stat saw. */
static FILE *open_regular(const char *path, errbuf *e)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        errbuf_set(e, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    if (!is_readable_kind(st.st_mode)) {
        errbuf_set(e, "%s: is %s, not a regular file", path, special_kind(st.st_mode));
        return NULL;
    }
    int fd = open(path, O_RDONLY | O_NONBLOCK);
    if (fd < 0) {
        errbuf_set(e, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    if (fstat(fd, &st) != 0) {
        errbuf_set(e, "%s: cannot open: %s", path, strerror(errno));
        close(fd);
        return NULL;
    }
    if (!is_readable_kind(st.st_mode)) {
        errbuf_set(e, "%s: is %s, not a regular file", path, special_kind(st.st_mode));
        close(fd);
        return NULL;
    }
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        errbuf_set(e, "%s: cannot open: %s", path, strerror(errno));
        close(fd);
    }
    return f;
}

int csv_read(csv_table *t, const char *path, size_t max_line, errbuf *e)
{
    reader r;
    memset(t, 0, sizeof *t);
    t->header_samples = t->header_features = -1;
    memset(&r, 0, sizeof r);
    r.path = path;
    r.comma = -1;
    r.max = max_line ? max_line : CSV_MAX_LINE;
    r.f = open_regular(path, e);
    if (!r.f) {
        return -1;
    }
    r.buf = malloc(r.max + 1);
    int status = r.buf ? read_rows(&r, t, e) : errbuf_set(e, "%s: out of memory", path);
    fclose(r.f);
    free(r.buf);
    free(r.fields);
    if (status != 0) {
        csv_free(t);
    }
    return status;
}

void csv_free(csv_table *t)
{
    free(t->values);
    free(t->line);
    free(t->column);
    memset(t, 0, sizeof *t);
    t->header_samples = t->header_features = -1;
}
