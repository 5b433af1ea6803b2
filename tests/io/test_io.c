/*
 * Weights files (CONTRACT.md section 5): exact round trip, and every truncated, corrupted,
 * foreign-architecture or foreign-dtype file rejected with the parameters left unchanged.
 * Models: xor (float), xor_b1 and xor_b32 (same architecture, batch 1 and 32), xor_f64 (same
 * shapes, double), softmax (another architecture, double).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "softmax.h"
#include "xor.h"
#include "xor_b1.h"
#include "xor_b32.h"
#include "xor_f64.h"

static char path[256];
static char other_path[256];

static int setup(void **state)
{
    (void)state;
    snprintf(path, sizeof path, "tests/build/io/weights-%ld.bin", (long)getpid());
    snprintf(other_path, sizeof other_path, "tests/build/io/other-%ld.bin", (long)getpid());
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    remove(path);
    remove(other_path);
    return 0;
}

static long file_size(const char *name)
{
    FILE *f = fopen(name, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fclose(f);
    return size;
}

static void read_all(const char *name, unsigned char *bytes, long size)
{
    FILE *f = fopen(name, "rb");
    assert_non_null(f);
    assert_int_equal(fread(bytes, 1, (size_t)size, f), (size_t)size);
    fclose(f);
}

static void write_all(const char *name, const unsigned char *bytes, long size)
{
    FILE *f = fopen(name, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, (size_t)size, f), (size_t)size);
    fclose(f);
}

/* A parameter set with every bit pattern class: negative, tiny, subnormal-free randoms. */
static void fill_xor(xor_params *p, uint32_t seed)
{
    xor_init(p, seed);
    p->b1[0] = -0.0f;
    p->b1[1] = 1e-30f;
    p->b2[0] = 3.4e38f;
}

static void test_round_trip_is_exact(void **state)
{
    (void)state;
    xor_params saved, loaded;
    fill_xor(&saved, 11);
    assert_int_equal(xor_save(&saved, path), 0);
    assert_int_equal(file_size(path), 32 + XOR_PARAM_COUNT * 4 + 8);
    memset(&loaded, 0x55, sizeof loaded);
    assert_int_equal(xor_load(&loaded, path), 0);
    assert_memory_equal(&saved, &loaded, sizeof saved);

    softmax_params big, big_loaded;
    softmax_init(&big, 5);
    assert_int_equal(softmax_save(&big, other_path), 0);
    assert_int_equal(softmax_load(&big_loaded, other_path), 0);
    assert_memory_equal(&big, &big_loaded, sizeof big);
}

static void test_every_truncation_is_rejected(void **state)
{
    (void)state;
    xor_params saved, target, before;
    fill_xor(&saved, 12);
    assert_int_equal(xor_save(&saved, path), 0);
    const long size = file_size(path);
    unsigned char bytes[512];
    assert_true(size <= (long)sizeof bytes);
    read_all(path, bytes, size);
    xor_init(&target, 99);
    before = target;
    for (long cut = 0; cut < size; ++cut) {
        write_all(other_path, bytes, cut);
        if (xor_load(&target, other_path) == 0) {
            fail_msg("a file cut to %ld of %ld bytes was accepted", cut, size);
        }
        assert_memory_equal(&target, &before, sizeof before);
    }
    /* one byte too many is rejected as well */
    bytes[size] = 0;
    write_all(other_path, bytes, size + 1);
    assert_int_not_equal(xor_load(&target, other_path), 0);
    assert_memory_equal(&target, &before, sizeof before);
}

static void test_every_corrupted_byte_is_rejected(void **state)
{
    (void)state;
    xor_params saved, target, before;
    fill_xor(&saved, 13);
    assert_int_equal(xor_save(&saved, path), 0);
    const long size = file_size(path);
    unsigned char bytes[512];
    read_all(path, bytes, size);
    xor_init(&target, 98);
    before = target;
    for (long at = 0; at < size; ++at) {
        for (int bit = 0; bit < 8; bit += 3) {
            bytes[at] ^= (unsigned char)(1u << bit);
            write_all(other_path, bytes, size);
            if (xor_load(&target, other_path) == 0) {
                fail_msg("a file with bit %d of byte %ld flipped was accepted", bit, at);
            }
            assert_memory_equal(&target, &before, sizeof before);
            bytes[at] ^= (unsigned char)(1u << bit);
        }
    }
}

static void test_foreign_architecture_and_dtype_are_rejected(void **state)
{
    (void)state;
    softmax_params other;
    softmax_init(&other, 3);
    assert_int_equal(softmax_save(&other, other_path), 0);
    xor_params target, before;
    xor_init(&target, 97);
    before = target;
    assert_int_equal(xor_load(&target, other_path), -2);
    assert_memory_equal(&target, &before, sizeof before);

    xor_f64_params wide;
    xor_f64_init(&wide, 3);
    assert_int_equal(xor_f64_save(&wide, other_path), 0);
    assert_int_equal(xor_load(&target, other_path), -2);
    assert_memory_equal(&target, &before, sizeof before);
    assert_int_not_equal(XOR_ARCH_HASH, XOR_F64_ARCH_HASH);
}

static void test_missing_file_is_an_error(void **state)
{
    (void)state;
    xor_params target, before;
    xor_init(&target, 96);
    before = target;
    assert_int_equal(xor_load(&target, "tests/build/io/no-such-file.bin"), -1);
    assert_memory_equal(&target, &before, sizeof before);
    assert_int_not_equal(xor_save(&target, "tests/build/io/no-such-folder/w.bin"), 0);
}

/* Batch, loss and optimizer are not part of the architecture: a file from the batch-4 training
 * build loads into the batch-1 deployment build and predicts the same. */
static void test_weights_load_across_batch_sizes(void **state)
{
    (void)state;
    xor_params trained;
    fill_xor(&trained, 14);
    trained.b2[0] = 0.25f;
    assert_int_equal(XOR_ARCH_HASH, XOR_B1_ARCH_HASH);
    assert_int_equal(xor_save(&trained, path), 0);
    xor_b1_params deployed;
    assert_int_equal(xor_b1_load(&deployed, path), 0);
    assert_memory_equal(&deployed, &trained, sizeof deployed);
    const xor_real x[2] = {0.5f, -1.0f};
    xor_real y_trained[1];
    xor_b1_real y_deployed[1];
    xor_predict(&trained, x, y_trained);
    xor_b1_predict(&deployed, x, y_deployed);
    assert_memory_equal(y_trained, y_deployed, sizeof y_trained);
}

/* The deployment path: train at batch 32 with train_step, save, load into the batch-1 build. */
static void test_trained_at_batch_32_loads_into_batch_1(void **state)
{
    (void)state;
    static xor_b32_params trained;
    static xor_b32_train_state s;
    xor_b32_real X[2 * 32], Y[32];
    for (int j = 0; j < 32; ++j) {
        X[j] = (xor_b32_real)(j & 1);
        X[32 + j] = (xor_b32_real)((j >> 1) & 1);
        Y[j] = (xor_b32_real)((j & 1) ^ ((j >> 1) & 1));
    }
    xor_b32_init(&trained, XOR_B32_INIT_SEED);
    xor_b32_train_state_init(&s);
    for (int step = 0; step < 200; ++step) {
        xor_b32_train_step(&trained, &s, X, Y);
    }
    assert_int_equal(xor_b32_save(&trained, path), 0);
    xor_b1_params deployed;
    assert_int_equal(xor_b1_load(&deployed, path), 0);
    assert_memory_equal(&deployed, &trained, sizeof deployed);
    for (int j = 0; j < 4; ++j) {
        const xor_b1_real x[2] = {X[j], X[32 + j]};
        xor_b1_real y[1];
        xor_b1_predict(&deployed, x, y);
        assert_true((y[0] > 0.5f) == (Y[j] > 0.5f)); /* and it learned XOR */
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_is_exact),
        cmocka_unit_test(test_every_truncation_is_rejected),
        cmocka_unit_test(test_every_corrupted_byte_is_rejected),
        cmocka_unit_test(test_foreign_architecture_and_dtype_are_rejected),
        cmocka_unit_test(test_missing_file_is_an_error),
        cmocka_unit_test(test_weights_load_across_batch_sizes),
        cmocka_unit_test(test_trained_at_batch_32_loads_into_batch_1),
    };
    return cmocka_run_group_tests_name("weights files", tests, setup, teardown);
}
