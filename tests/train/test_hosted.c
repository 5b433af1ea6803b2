/*
 * CMocka tests of the host-only training helpers (runtime/hosted/): the CSV reader, the data set
 * checks, the seeded split, the batch iterator, standardization and the metrics.
 *
 *     cc ... -Iruntime/hosted tests/train/test_hosted.c runtime/hosted/\*.c $(pkg-config --libs cmocka) -lm
 *
 * Input files are written into TEST_DIR (tests/build/train by default) and removed afterwards.
 * Error messages are compared whole: they are the interface a person reads.
 */
#define _POSIX_C_SOURCE 200809L /* mkfifo, alarm */

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "batches.h"
#include "csv.h"
#include "dataset.h"
#include "metrics.h"
#include "rng.h"
#include "scaler.h"
#include "split.h"

#ifndef TEST_DIR
#define TEST_DIR "tests/build/train"
#endif

static char path[256];
static char path2[256];

static int setup(void **state)
{
    (void)state;
    snprintf(path, sizeof path, TEST_DIR "/hosted-%ld.csv", (long)getpid());
    snprintf(path2, sizeof path2, TEST_DIR "/hosted-%ld.targets", (long)getpid());
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    remove(path);
    remove(path2);
    return 0;
}

/* Write `size` bytes of text (NUL bytes included) to `name`. */
static void write_bytes(const char *name, const char *text, size_t size)
{
    FILE *f = fopen(name, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, size, f), size);
    assert_int_equal(fclose(f), 0);
}

static void write_text(const char *name, const char *text)
{
    write_bytes(name, text, strlen(text));
}

/* Expect csv_read of `text` to fail with exactly `message`, where %s stands for the file name. */
static void expect_csv_error(const char *text, size_t max_line, const char *message)
{
    csv_table t;
    errbuf e;
    char want[600];
    write_text(path, text);
    assert_int_equal(csv_read(&t, path, max_line, &e), -1);
    snprintf(want, sizeof want, message, path);
    assert_string_equal(e.text, want);
    assert_null(t.values);
    assert_int_equal(t.rows, 0);
}

/* ---- CSV ------------------------------------------------------------------------------------ */

static void csv_sklearn_header(void **state)
{
    (void)state;
    csv_table t;
    errbuf e;
    write_text(path, "3,2,no,yes\n1.5,2,0\n3,-4e1,1\n5,6,0\n");
    assert_int_equal(csv_read(&t, path, 0, &e), 0);
    assert_int_equal(t.rows, 3);
    assert_int_equal(t.cols, 3);
    assert_int_equal(t.has_header, 1);
    assert_int_equal(t.header_samples, 3);
    assert_int_equal(t.header_features, 2);
    assert_true(t.values[0] == 1.5 && t.values[4] == -40.0 && t.values[8] == 0.0);
    assert_int_equal(t.line[0], 2);
    assert_int_equal(t.line[2], 4);
    assert_int_equal(t.column[1], 5);
    csv_free(&t);
    assert_null(t.values);
    csv_free(&t); /* twice is harmless */
}

static void csv_blank_separated(void **state)
{
    (void)state;
    csv_table t;
    errbuf e;
    /* diabetes_data.csv's layout: spaces; plus a tab, a blank line, CRLF and no final newline */
    write_text(path, "  1 2\t3\n\n   \n4  5 6\r\n7 8 9");
    assert_int_equal(csv_read(&t, path, 0, &e), 0);
    assert_int_equal(t.rows, 3);
    assert_int_equal(t.cols, 3);
    assert_int_equal(t.has_header, 0);
    assert_int_equal(t.line[1], 4);
    assert_int_equal(t.column[0], 3);
    assert_true(t.values[5] == 6.0 && t.values[8] == 9.0);
    csv_free(&t);
}

static void csv_names_header_and_blanks(void **state)
{
    (void)state;
    csv_table t;
    errbuf e;
    write_text(path, "width, height\n 1 , 2 \n3,4\n");
    assert_int_equal(csv_read(&t, path, 0, &e), 0);
    assert_int_equal(t.has_header, 1);
    assert_int_equal(t.header_samples, -1);
    assert_int_equal(t.rows, 2);
    assert_true(t.values[0] == 1.0 && t.values[1] == 2.0);
    assert_int_equal(t.column[0], 2);
    csv_free(&t);
}

static void csv_many_rows(void **state)
{
    (void)state;
    csv_table t;
    errbuf e;
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    for (int i = 0; i < 5000; ++i) {
        fprintf(f, "%d,%d.5\n", i, -i);
    }
    assert_int_equal(fclose(f), 0);
    assert_int_equal(csv_read(&t, path, 0, &e), 0);
    assert_int_equal(t.rows, 5000);
    assert_true(t.values[2 * 4999] == 4999.0 && t.values[2 * 4999 + 1] == -4999.5);
    assert_int_equal(t.line[4999], 5000);
    csv_free(&t);
}

static void csv_line_length_bound(void **state)
{
    (void)state;
    csv_table t;
    errbuf e;
    write_text(path, "1,2,3,4\n"); /* exactly 7 bytes: fits max_line 7 */
    assert_int_equal(csv_read(&t, path, 7, &e), 0);
    csv_free(&t);
    expect_csv_error("1,2,3,4\n1,2,3,45\n", 7, "%s:2: line longer than 7 characters");
    expect_csv_error("1,2,3,4\r\n", 7, "%s:1: line longer than 7 characters");
}

static void csv_field_errors(void **state)
{
    (void)state;
    expect_csv_error("1,2,3\n4,5\n", 0, "%s:2:4: 2 fields, expected 3 (as on line 1)");
    expect_csv_error("h1,h2\n1,2\n4,5,6\n", 0, "%s:3:5: 3 fields, expected 2 (as on line 2)");
    expect_csv_error("1,2,3\n4,,6\n", 0, "%s:2:3: empty field");
    expect_csv_error("1,2,3\n4,5,\n", 0, "%s:2:5: empty field");
    expect_csv_error("1,2,3\n4,5x,6\n", 0, "%s:2:3: not a number: \"5x\"");
    expect_csv_error("1,2,3\n4,5 6,7\n", 0, "%s:2:3: not a number: \"5 6\"");
    expect_csv_error("1,2\n3,nan\n", 0, "%s:2:3: not a finite number: \"nan\"");
    expect_csv_error("1,2\n-inf,3\n", 0, "%s:2:1: not a finite number: \"-inf\"");
    expect_csv_error("1,2\n1e999,3\n", 0, "%s:2:1: not a finite number: \"1e999\"");
    expect_csv_error("1 2\n3 4,5\n", 0, "%s:2:3: not a number: \"4,5\"");
    expect_csv_error("1,2\n3,\x01\x7f" "0123456789012345678901234567890123456789\n", 0,
                     "%s:2:3: not a number: \"??012345678901234567890123456789...\"");
}

static void csv_file_errors(void **state)
{
    (void)state;
    csv_table t;
    errbuf e;
    expect_csv_error("", 0, "%s: no data rows");
    expect_csv_error("\n  \n\n", 0, "%s: no data rows");
    expect_csv_error("150,4,setosa,versicolor,virginica\n", 0, "%s: no data rows");
    expect_csv_error("3,2,no,yes\n1,2,0\n3,4,1\n", 0, "%s:1: the header says 3 samples, but the file has 2 data rows");
    expect_csv_error("2,4,no,yes\n1,2,0\n3,4,1\n", 0,
                     "%s:1: the header says 4 features, but rows have 3 fields (expected 4, or 5 with a label)");
    expect_csv_error("2,1,no,yes\n1,2,3\n4,5,6\n", 0,
                     "%s:1: the header says 1 features, but rows have 3 fields (expected 1, or 2 with a label)");
    expect_csv_error("a,b,c\n1,2\n", 0, "%s:1: the header has 3 names, but rows have 2 fields");

    write_bytes(path, "1,2\n3,\0" "4\n", 9);
    assert_int_equal(csv_read(&t, path, 0, &e), -1);
    char want[300];
    snprintf(want, sizeof want, "%s:2:3: NUL byte (is this a text file?)", path);
    assert_string_equal(e.text, want);

    assert_int_equal(csv_read(&t, TEST_DIR "/no-such-file.csv", 0, &e), -1);
    assert_string_equal(e.text, TEST_DIR "/no-such-file.csv: cannot open: No such file or directory");
    assert_int_equal(csv_read(&t, TEST_DIR, 0, &e), -1);
    assert_string_equal(e.text, TEST_DIR ": read error: Is a directory");
}

/* A UTF-8 byte order mark (Excel writes one) before a headerless table: skipped, so the first row
 * stays a sample instead of passing for a header. digits' layout: 64 pixels and a label. */
static void csv_byte_order_mark(void **state)
{
    (void)state;
    csv_table t;
    errbuf e;
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs("\xEF\xBB\xBF", f);
    for (int row = 0; row < 3; ++row) {
        for (int pixel = 0; pixel < 64; ++pixel) {
            fprintf(f, "%d,", (row * 7 + pixel) % 17);
        }
        fprintf(f, "%d\r\n", row);
    }
    assert_int_equal(fclose(f), 0);
    assert_int_equal(csv_read(&t, path, 0, &e), 0);
    assert_int_equal(t.has_header, 0);
    assert_int_equal(t.rows, 3);
    assert_int_equal(t.cols, 65);
    assert_true(t.values[0] == 0.0 && t.values[1] == 1.0 && t.values[64] == 0.0 && t.values[65] == 7.0);
    assert_int_equal(t.line[0], 1);
    assert_int_equal(t.column[0], 1); /* counted after the mark, as an editor shows the line */
    assert_int_equal(t.column[1], 3);
    csv_free(&t);

    /* before a header and in a blank-separated file it is skipped just the same */
    write_text(path, "\xEF\xBB\xBFwidth,height\n1,2\n");
    assert_int_equal(csv_read(&t, path, 0, &e), 0);
    assert_int_equal(t.has_header, 1);
    assert_int_equal(t.rows, 1);
    csv_free(&t);
    write_text(path, "\xEF\xBB\xBF" "1 2\n3 4\n");
    assert_int_equal(csv_read(&t, path, 0, &e), 0);
    assert_int_equal(t.rows, 2);
    assert_true(t.values[0] == 1.0);
    csv_free(&t);
    /* only at the start of the file; elsewhere it is not part of any number */
    expect_csv_error("1,2\n\xEF\xBB\xBF" "3,4\n", 0, "%s:2:1: not a number: \"???3\"");
    expect_csv_error("\xEF\xBB\xBF\xEF\xBB\xBF" "1,2\n", 0, "%s: no data rows"); /* a header "???1", 2 */
    expect_csv_error("\xEF\xBB\xBF", 0, "%s: no data rows");
}

/* A FIFO (no writer: opening or reading it would wait forever) and a device are refused before
 * anything is read. The alarm turns a hang into a failure. */
static void csv_not_a_regular_file(void **state)
{
    (void)state;
    csv_table t;
    errbuf e;
    char fifo[300], want[400];
    snprintf(fifo, sizeof fifo, "%s.fifo", path);
    remove(fifo);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    alarm(10);
    int status = csv_read(&t, fifo, 0, &e);
    alarm(0);
    remove(fifo);
    assert_int_equal(status, -1);
    snprintf(want, sizeof want, "%s: is a FIFO, not a regular file", fifo);
    assert_string_equal(e.text, want);
    assert_null(t.values);

    assert_int_equal(csv_read(&t, "/dev/null", 0, &e), -1);
    assert_string_equal(e.text, "/dev/null: is a character device, not a regular file");

    /* TARGETS goes through the same reader */
    dataset d;
    task regression = {TASK_REGRESSION, 2, 1};
    write_text(path, "1,2\n3,4\n");
    assert_int_equal(dataset_load(&d, &regression, path, "/dev/null", &e), -1);
    assert_string_equal(e.text, "/dev/null: is a character device, not a regular file");
    assert_null(d.x);
}

/* ---- data sets ------------------------------------------------------------------------------ */

static void dataset_one_hot(void **state)
{
    (void)state;
    dataset d;
    errbuf e;
    task t = {TASK_ONE_HOT, 2, 3};
    write_text(path, "3,2,a,b,c\n1,2,0\n3,4,2\n5,6,1\n");
    assert_int_equal(dataset_load(&d, &t, path, NULL, &e), 0);
    assert_int_equal(d.count, 3);
    assert_true(d.x[2] == 3.0 && d.x[5] == 6.0);
    const double want_y[9] = {1, 0, 0, 0, 0, 1, 0, 1, 0};
    assert_memory_equal(d.y, want_y, sizeof want_y);
    assert_int_equal(d.label[1], 2);
    dataset_free(&d);
    assert_null(d.x);
}

static void dataset_binary_and_regression(void **state)
{
    (void)state;
    dataset d;
    errbuf e;
    task binary = {TASK_BINARY, 2, 1};
    write_text(path, "1,2,1\n3,4,0\n");
    assert_int_equal(dataset_load(&d, &binary, path, NULL, &e), 0);
    assert_true(d.y[0] == 1.0 && d.y[1] == 0.0);
    assert_int_equal(task_classes(&binary), 2);
    dataset_free(&d);

    task two_targets = {TASK_REGRESSION, 1, 2};
    assert_int_equal(dataset_load(&d, &two_targets, path, NULL, &e), 0);
    assert_null(d.label);
    assert_true(d.x[1] == 3.0 && d.y[0] == 2.0 && d.y[3] == 0.0);
    dataset_free(&d);

    task separate = {TASK_REGRESSION, 3, 1};
    write_text(path2, "151\n75.5\n");
    assert_int_equal(dataset_load(&d, &separate, path, path2, &e), 0);
    assert_true(d.x[3] == 3.0 && d.y[0] == 151.0 && d.y[1] == 75.5);
    dataset_free(&d);
}

/* A message with the test files' names filled in. */
static const char *with_paths(const char *fmt, const char *first, const char *second)
{
    static char text[600];
    snprintf(text, sizeof text, fmt, first, second);
    return text;
}

/* Expect dataset_load to fail with exactly `message`. */
static void expect_dataset_error(const task *t, const char *data, const char *targets, const char *message)
{
    dataset d;
    errbuf e;
    write_text(path, data);
    if (targets) {
        write_text(path2, targets);
    }
    assert_int_equal(dataset_load(&d, t, path, targets ? path2 : NULL, &e), -1);
    assert_string_equal(e.text, message);
    assert_null(d.x);
    assert_null(d.y);
}

static void dataset_errors(void **state)
{
    (void)state;
    task classes = {TASK_ONE_HOT, 2, 3};
    task binary = {TASK_BINARY, 2, 1};
    task regression = {TASK_REGRESSION, 2, 1};
    expect_dataset_error(&classes, "1,2,0\n3,4,3\n", NULL,
                         with_paths("%s:2:5: label 3 out of range (expected a class index 0..2: the network has 3 "
                                    "classes)", path, NULL));
    expect_dataset_error(&classes, "1,2,-1\n", NULL,
                         with_paths("%s:1:5: label -1 out of range (expected a class index 0..2: the network has 3 "
                                    "classes)", path, NULL));
    expect_dataset_error(&binary, "1,2,0\n3,4, 0.5\n", NULL,
                         with_paths("%s:2:6: label 0.5 is not an integer (expected a class index 0..1)", path, NULL));
    expect_dataset_error(&classes, "1,2,3,0\n", NULL,
                         with_paths("%s: rows have 4 fields, expected 3 (2 inputs + 1 label)", path, NULL));
    expect_dataset_error(&regression, "1,2\n", NULL,
                         with_paths("%s: rows have 2 fields, expected 3 (2 inputs + 1 target)", path, NULL));
    expect_dataset_error(&regression, "1,2,3\n", "5\n",
                         with_paths("%s: rows have 3 fields, expected 2 (the network's inputs; the targets are in "
                                    "their own file)", path, NULL));
    expect_dataset_error(&regression, "1 2\n3 4\n", "5\n",
                         with_paths("%s: 1 rows, but %s has 2 (one target row per sample)", path2, path));
    expect_dataset_error(&regression, "1 2\n3 4\n", "5 6\n7 8\n",
                         with_paths("%s: rows have 2 fields, expected 1 (one per network output)", path2, NULL));
    expect_dataset_error(&regression, "1 2\n3 4\n", "5\nx\n", with_paths("%s:2:1: not a number: \"x\"", path2, NULL));
}

/* Inputs and regression targets are standardized: a value whose square would overflow the
 * scaler's sums is refused where it is, in either file. */
static void dataset_values_too_large(void **state)
{
    (void)state;
    task classes = {TASK_ONE_HOT, 2, 3};
    task regression = {TASK_REGRESSION, 2, 1};
    expect_dataset_error(&classes, "1,2,0\n3, 1e200,1\n", NULL,
                         with_paths("%s:2:4: value 1e+200 is too large to standardize (expected |x| below 1e+150)", path,
                                    NULL));
    expect_dataset_error(&regression, "1,2,3\n4,5,-1e150\n", NULL,
                         with_paths("%s:2:5: value -1e+150 is too large to standardize (expected |x| below 1e+150)",
                                    path, NULL));
    expect_dataset_error(&regression, "1 2\n3 4\n", "5\n2.5e307\n",
                         with_paths("%s:2:1: value 2.5e+307 is too large to standardize (expected |x| below 1e+150)",
                                    path2, NULL));
    /* just below the bound is accepted, and standardizes to finite values */
    dataset d;
    errbuf e;
    scaler s;
    const size_t both[2] = {0, 1};
    write_text(path, "9.9e149,-9.9e149,9.9e149\n-9.9e149,9.9e149,-9.9e149\n");
    assert_int_equal(dataset_load(&d, &regression, path, NULL, &e), 0);
    assert_int_equal(scaler_fit(&s, d.x, 2, both, 2, &e), 0);
    assert_true(isfinite(s.scale[0]) && s.scale[0] == 9.9e149 && s.mean[0] == 0.0);
    scaler_free(&s);
    dataset_free(&d);
}

/* ---- rng and split -------------------------------------------------------------------------- */

static void rng_pinned(void **state)
{
    (void)state;
    rng r;
    /* splitmix64's published first output for state 0; compare_torch.py's copy must agree. */
    rng_seed(&r, 0, 0);
    assert_true(rng_next(&r) == UINT64_C(0xe220a8397b1dcdaf));
    rng_seed(&r, 7, RNG_STREAM_BATCHES);
    assert_true(r.state == (UINT64_C(1) << 32 | 7));
    for (int i = 0; i < 1000; ++i) {
        assert_true(rng_below(&r, 3) < 3);
    }
    assert_true(rng_below(&r, 1) == 0);
}

static void split_sizes_and_cover(void **state)
{
    (void)state;
    const size_t counts[] = {150, 569, 1797, 178, 442, 5};
    const size_t want_val[] = {30, 114, 359, 36, 88, 1};
    for (size_t c = 0; c < sizeof counts / sizeof counts[0]; ++c) {
        split s;
        errbuf e;
        assert_int_equal(split_make(&s, counts[c], SPLIT_DEFAULT_PERCENT, 1, &e), 0);
        assert_int_equal(s.n_val, want_val[c]);
        assert_int_equal(s.n_train + s.n_val, counts[c]);
        char *seen = calloc(counts[c], 1);
        assert_non_null(seen);
        for (size_t i = 0; i < s.n_val; ++i) {
            assert_true(i == 0 || s.val[i - 1] < s.val[i]);
            seen[s.val[i]]++;
        }
        for (size_t i = 0; i < s.n_train; ++i) {
            assert_true(i == 0 || s.train[i - 1] < s.train[i]);
            seen[s.train[i]]++;
        }
        for (size_t i = 0; i < counts[c]; ++i) {
            assert_int_equal(seen[i], 1);
        }
        free(seen);
        split_free(&s);
    }
}

static void split_seeded(void **state)
{
    (void)state;
    split a, b, c;
    errbuf e;
    assert_int_equal(split_make(&a, 100, 20, 1, &e), 0);
    assert_int_equal(split_make(&b, 100, 20, 1, &e), 0);
    assert_int_equal(split_make(&c, 100, 20, 2, &e), 0);
    assert_memory_equal(a.val, b.val, a.n_val * sizeof *a.val);
    assert_memory_not_equal(a.val, c.val, a.n_val * sizeof *a.val);
    split_free(&a);
    split_free(&b);
    split_free(&c);
    /* Pinned, so a change of algorithm is a visible decision (compare_torch.py reproduces it). */
    assert_int_equal(split_make(&a, 10, 20, 1, &e), 0);
    rng r;
    size_t order[10] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    rng_seed(&r, 1, RNG_STREAM_SPLIT);
    rng_shuffle(&r, order, 10);
    size_t first_two[2] = {order[0] < order[1] ? order[0] : order[1], order[0] < order[1] ? order[1] : order[0]};
    assert_memory_equal(a.val, first_two, sizeof first_two);
    split_free(&a);
}

static void split_errors(void **state)
{
    (void)state;
    split s;
    errbuf e;
    assert_int_equal(split_make(&s, 100, 0, 1, &e), -1);
    assert_string_equal(e.text, "validation share 0% is out of range (expected 1..90)");
    assert_int_equal(split_make(&s, 2, 20, 1, &e), -1);
    assert_string_equal(e.text, "2 samples are too few to hold out 20% for validation and keep the rest for training");
    assert_int_equal(split_make(&s, 1, 90, 1, &e), -1);
    assert_null(s.val);
}

/* ---- batches -------------------------------------------------------------------------------- */

static void batches_train_drops_remainder(void **state)
{
    (void)state;
    size_t indices[10] = {10, 11, 12, 13, 14, 15, 16, 17, 18, 19};
    size_t idx[4], first_epoch[8];
    batches b;
    errbuf e;
    assert_int_equal(batches_init(&b, indices, 10, 4, BATCHES_TRAIN, 3, &e), 0);
    assert_int_equal(batches_per_epoch(&b), 2);
    int changed = 0;
    for (int epoch = 0; epoch < 6; ++epoch) {
        char seen[10] = {0};
        size_t real, got = 0;
        batches_begin(&b);
        while ((real = batches_next(&b, idx)) > 0) {
            assert_int_equal(real, 4);
            for (size_t j = 0; j < 4; ++j) {
                assert_true(idx[j] >= 10 && idx[j] < 20);
                assert_int_equal(seen[idx[j] - 10]++, 0);
                if (epoch == 0) {
                    first_epoch[got + j] = idx[j];
                } else if (first_epoch[got + j] != idx[j]) {
                    changed = 1;
                }
            }
            got += 4;
        }
        assert_int_equal(got, 8);
        assert_int_equal(batches_next(&b, idx), 0); /* stays over */
    }
    assert_true(changed);
    batches_free(&b);
    assert_int_equal(batches_init(&b, indices, 3, 4, BATCHES_TRAIN, 3, &e), -1);
    assert_string_equal(e.text, "the training set has 3 samples, fewer than one batch of 4 (the spec's batch)");
}

static void batches_train_seeded(void **state)
{
    (void)state;
    size_t indices[7] = {0, 1, 2, 3, 4, 5, 6};
    size_t x[3], y[3];
    batches a, b;
    errbuf e;
    assert_int_equal(batches_init(&a, indices, 7, 3, BATCHES_TRAIN, 9, &e), 0);
    assert_int_equal(batches_init(&b, indices, 7, 3, BATCHES_TRAIN, 9, &e), 0);
    for (int epoch = 0; epoch < 3; ++epoch) {
        batches_begin(&a);
        batches_begin(&b);
        while (batches_next(&a, x) > 0) {
            assert_int_equal(batches_next(&b, y), 3);
            assert_memory_equal(x, y, sizeof x);
        }
    }
    batches_free(&a);
    batches_free(&b);
}

static void batches_eval_pads(void **state)
{
    (void)state;
    size_t indices[7] = {4, 8, 15, 16, 23, 42, 99};
    size_t idx[3];
    batches b;
    errbuf e;
    assert_int_equal(batches_init(&b, indices, 7, 3, BATCHES_EVAL, 0, &e), 0);
    assert_int_equal(batches_per_epoch(&b), 3);
    for (int pass = 0; pass < 2; ++pass) {
        batches_begin(&b);
        assert_int_equal(batches_next(&b, idx), 3);
        assert_true(idx[0] == 4 && idx[1] == 8 && idx[2] == 15);
        assert_int_equal(batches_next(&b, idx), 3);
        assert_int_equal(batches_next(&b, idx), 1);
        assert_true(idx[0] == 99 && idx[1] == 99 && idx[2] == 99);
        assert_int_equal(batches_next(&b, idx), 0);
    }
    batches_free(&b);
    /* fewer samples than a batch is fine for evaluation */
    assert_int_equal(batches_init(&b, indices, 2, 3, BATCHES_EVAL, 0, &e), 0);
    batches_begin(&b);
    assert_int_equal(batches_next(&b, idx), 2);
    assert_true(idx[2] == 8);
    batches_free(&b);
}

/* ---- standardization ------------------------------------------------------------------------ */

static void scaler_fit_on_subset(void **state)
{
    (void)state;
    /* rows 0 and 2 are the training rows; row 1 must not influence anything */
    const double rows[] = {1, 0.1, 5, 1000, -7, 6, 3, 0.1, 5};
    const size_t train[] = {0, 2};
    scaler s;
    errbuf e;
    assert_int_equal(scaler_fit(&s, rows, 3, train, 2, &e), 0);
    assert_int_equal(s.count, 3);
    assert_true(s.mean[0] == 2.0 && s.scale[0] == 1.0);
    assert_true(fabs(s.mean[1] - 0.1) < 1e-15 && s.scale[1] == 1.0); /* constant column */
    assert_true(s.mean[2] == 5.0 && s.scale[2] == 1.0);
    double copy[9];
    memcpy(copy, rows, sizeof copy);
    scaler_apply(&s, copy, 3);
    assert_true(copy[0] == -1.0 && copy[6] == 1.0 && copy[3] == 998.0);
    scaler_undo(&s, copy + 6);
    assert_true(copy[6] == 3.0 && copy[8] == 5.0);
    scaler_free(&s);
    assert_int_equal(scaler_fit(&s, rows, 3, train, 0, &e), -1);
}

/* scaler_fit's own guard, for a caller that did not check: an overflowing standard deviation
 * would make the scale infinite and the whole column 0. */
static void scaler_refuses_overflow(void **state)
{
    (void)state;
    const double rows[] = {1, 1e300, 2, -1e300};
    const size_t all[] = {0, 1};
    scaler s;
    errbuf e;
    assert_int_equal(scaler_fit(&s, rows, 2, all, 2, &e), -1);
    assert_string_equal(e.text, "cannot standardize column 2: its values are too large (expected |x| below 1e+150)");
    assert_null(s.mean);
    assert_int_equal(s.count, 0);
}

static void scaler_constant_column_rounding(void **state)
{
    (void)state;
    /* 0.1 three times: the mean rounds to 0.10000000000000002, so the deviations are not 0 */
    const double rows[] = {0.1, 0.1, 0.1};
    const size_t all[] = {0, 1, 2};
    scaler s;
    errbuf e;
    assert_int_equal(scaler_fit(&s, rows, 1, all, 3, &e), 0);
    assert_true(s.scale[0] == 1.0);
    scaler_free(&s);
}

static void scaler_file_round_trip(void **state)
{
    (void)state;
    const double rows[] = {1.0 / 3, 2e-7, 5, -1e9, 2.0 / 3, 3e-7, 8, 1e9};
    const double targets[] = {151, 75.25};
    const size_t both[] = {0, 1};
    scaler f, t, f2, t2;
    errbuf e;
    assert_int_equal(scaler_fit(&f, rows, 4, both, 2, &e), 0);
    assert_int_equal(scaler_fit(&t, targets, 1, both, 2, &e), 0);
    assert_int_equal(scaler_save(path, &f, &t, &e), 0);
    assert_int_equal(scaler_load(path, &f2, &t2, &e), 0);
    assert_int_equal(f2.count, 4);
    assert_int_equal(t2.count, 1);
    assert_memory_equal(f2.mean, f.mean, 4 * sizeof(double));
    assert_memory_equal(f2.scale, f.scale, 4 * sizeof(double));
    assert_memory_equal(t2.mean, t.mean, sizeof(double));
    assert_memory_equal(t2.scale, t.scale, sizeof(double));
    scaler_free(&f2);
    scaler_free(&t2);
    assert_int_equal(scaler_save(path, &f, NULL, &e), 0);
    assert_int_equal(scaler_load(path, &f2, &t2, &e), 0);
    assert_int_equal(t2.count, 0);
    scaler_free(&f2);
    scaler_free(&f);
    scaler_free(&t);
}

static void expect_scaler_error(const char *text, const char *message)
{
    scaler f, t;
    errbuf e;
    char want[600];
    write_text(path, text);
    assert_int_equal(scaler_load(path, &f, &t, &e), -1);
    snprintf(want, sizeof want, message, path);
    assert_string_equal(e.text, want);
    assert_null(f.mean);
    assert_null(t.mean);
}

static void scaler_file_errors(void **state)
{
    (void)state;
    expect_scaler_error("gradc-scale 2\nfeature 0 0 1\n", "%s:1: not a gradc scale file (expected \"gradc-scale 1\")");
    expect_scaler_error("gradc-scale 1\n", "%s: no feature lines");
    expect_scaler_error("gradc-scale 1\nfeature 1 0 1\n",
                        "%s:2: feature 1 out of order (expected features 0, 1, ... then targets 0, 1, ...)");
    expect_scaler_error("gradc-scale 1\nfeature 0 0 1\ntarget 0 0 1\nfeature 1 0 1\n",
                        "%s:4: feature 1 out of order (expected features 0, 1, ... then targets 0, 1, ...)");
    expect_scaler_error("gradc-scale 1\n# c\nfeature 0 0 0\n", "%s:3: mean must be finite and scale finite and > 0");
    expect_scaler_error("gradc-scale 1\nfeature 0 0 1 2\n", "%s:2: expected `feature|target INDEX MEAN SCALE`");
    expect_scaler_error("gradc-scale 1\nweight 0 0 1\n", "%s:2: unknown kind \"weight\" (expected feature or target)");
}

/* ---- metrics -------------------------------------------------------------------------------- */

static void metrics_classification(void **state)
{
    (void)state;
    metrics m;
    const double a1[3] = {0.2, 0.5, 0.3}, a2[3] = {0.4, 0.4, 0.2};
    metrics_init(&m, TASK_ONE_HOT, 3, NULL);
    metrics_add(&m, a1, NULL, 1);
    metrics_add(&m, a2, NULL, 1); /* a tie goes to the first class: wrong here */
    metrics_add_loss(&m, 3.0, 2);
    assert_true(metrics_accuracy(&m) == 0.5);
    assert_true(metrics_loss(&m) == 1.5);
    const double p[1] = {0.5}, q[1] = {0.49};
    metrics_init(&m, TASK_BINARY, 1, NULL);
    assert_true(isnan(metrics_loss(&m)) && isnan(metrics_accuracy(&m)));
    metrics_add(&m, p, NULL, 1);
    metrics_add(&m, q, NULL, 1);
    assert_true(metrics_accuracy(&m) == 0.5);
}

static void metrics_regression(void **state)
{
    (void)state;
    metrics m;
    const double scale[2] = {10, 1};
    const double a[2] = {1.0, 3.0}, y[2] = {0.5, 1.0};
    metrics_init(&m, TASK_REGRESSION, 2, scale);
    metrics_add(&m, a, y, 0);
    /* errors in target units: 5 and 2 -> sqrt((25 + 4) / 2) */
    assert_true(fabs(metrics_rmse(&m) - sqrt(14.5)) < 1e-15);
    /* and their mean absolute value: (5 + 2) / 2 */
    assert_true(fabs(metrics_mae(&m) - 3.5) < 1e-15);
}

/* A hand-made 3-class case: truths 0 0 0 1 1 2, predictions 0 0 1 1 2 2. Class 0: predicted twice,
 * both right (precision 1), 2 of its 3 found (recall 2/3); class 1: predicted twice, once right
 * (1/2), 1 of 2 found (1/2); class 2: predicted twice, once right (1/2), its 1 found (1). */
static void confusion_hand_case(void **state)
{
    (void)state;
    confusion c;
    errbuf e;
    const size_t truth[6] = {0, 0, 0, 1, 1, 2}, predicted[6] = {0, 0, 1, 1, 2, 2};
    assert_int_equal(confusion_init(&c, 3, &e), 0);
    for (size_t k = 0; k < 6; ++k) {
        confusion_add(&c, truth[k], predicted[k]);
    }
    const size_t want[9] = {2, 1, 0, 0, 1, 1, 0, 0, 1};
    assert_memory_equal(c.count, want, sizeof want);
    assert_true(confusion_precision(&c, 0) == 1.0 && fabs(confusion_recall(&c, 0) - 2.0 / 3.0) < 1e-15);
    assert_true(confusion_precision(&c, 1) == 0.5 && confusion_recall(&c, 1) == 0.5);
    assert_true(confusion_precision(&c, 2) == 0.5 && confusion_recall(&c, 2) == 1.0);
    assert_int_equal(confusion_support(&c, 0), 3);
    confusion_free(&c);
    /* a class never predicted, and one with no samples: precision and recall undefined */
    assert_int_equal(confusion_init(&c, 2, &e), 0);
    confusion_add(&c, 0, 0);
    assert_true(isnan(confusion_precision(&c, 1)) && isnan(confusion_recall(&c, 1)));
    confusion_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(csv_sklearn_header, setup, teardown),
        cmocka_unit_test_setup_teardown(csv_blank_separated, setup, teardown),
        cmocka_unit_test_setup_teardown(csv_names_header_and_blanks, setup, teardown),
        cmocka_unit_test_setup_teardown(csv_many_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(csv_line_length_bound, setup, teardown),
        cmocka_unit_test_setup_teardown(csv_field_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(csv_file_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(csv_byte_order_mark, setup, teardown),
        cmocka_unit_test_setup_teardown(csv_not_a_regular_file, setup, teardown),
        cmocka_unit_test_setup_teardown(dataset_one_hot, setup, teardown),
        cmocka_unit_test_setup_teardown(dataset_binary_and_regression, setup, teardown),
        cmocka_unit_test_setup_teardown(dataset_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(dataset_values_too_large, setup, teardown),
        cmocka_unit_test(rng_pinned),
        cmocka_unit_test(split_sizes_and_cover),
        cmocka_unit_test(split_seeded),
        cmocka_unit_test(split_errors),
        cmocka_unit_test(batches_train_drops_remainder),
        cmocka_unit_test(batches_train_seeded),
        cmocka_unit_test(batches_eval_pads),
        cmocka_unit_test(scaler_fit_on_subset),
        cmocka_unit_test(scaler_refuses_overflow),
        cmocka_unit_test(scaler_constant_column_rounding),
        cmocka_unit_test_setup_teardown(scaler_file_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(scaler_file_errors, setup, teardown),
        cmocka_unit_test(metrics_classification),
        cmocka_unit_test(metrics_regression),
        cmocka_unit_test(confusion_hand_case),
    };
    return cmocka_run_group_tests_name("train: hosted helpers", tests, NULL, NULL);
}
