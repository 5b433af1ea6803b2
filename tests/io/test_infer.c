/*
 * Const-weights builds: <name>_weights holds exactly the bits of the weights file, and
 * <name>_infer(x, y) is bit-identical to <name>_predict(&loaded, x, y).
 * Models: xor (float, unrolled), softmax (double), reg and digits (float, loops), digits_cnn
 * (convolutions, max pooling; float); see
 * tests/checks.mk, which builds this test under each set of flags a user might build with (gcc and
 * clang; -O2, -O3 -march=native, -std=c99), since contraction of a * b + c into fused multiply-adds
 * depends on them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "digits.h"
#include "digits_cnn.h"
#include "reg.h"
#include "softmax.h"
#include "xor.h"

#define SAMPLES 2000

#ifndef INFER_FLAGS
#define INFER_FLAGS "default flags"
#endif

static double draw(unsigned *state)
{
    *state = *state * 1103515245u + 12345u;
    return (double)((*state >> 8) & 0xFFFFu) / 8192.0 - 4.0; /* [-4, 4) */
}

#define CHECK_MODEL(net, NET)                                                          \
    do {                                                                               \
        static net##_params loaded;                                                    \
        assert_int_equal(net##_load(&loaded, "tests/build/weights/" #net ".bin"), 0);  \
        assert_memory_equal(&loaded, &net##_weights, sizeof loaded);                   \
        unsigned seed = 17;                                                            \
        for (int sample = 0; sample < SAMPLES; ++sample) {                             \
            net##_real x[NET##_INPUTS], y_predict[NET##_OUTPUTS], y_infer[NET##_OUTPUTS]; \
            for (int i = 0; i < NET##_INPUTS; ++i)                                     \
                x[i] = (net##_real)draw(&seed);                                        \
            net##_predict(&loaded, x, y_predict);                                      \
            net##_infer(x, y_infer);                                                   \
            if (memcmp(y_predict, y_infer, sizeof y_infer) != 0) {                     \
                fail_msg(#net " (" INFER_FLAGS "): sample %d: infer %.17g differs from predict %.17g",  \
                         sample, (double)y_infer[0], (double)y_predict[0]);          \
            }                                                                          \
        }                                                                              \
    } while (0)

static void test_xor_infer_matches_predict_bit_for_bit(void **state)
{
    (void)state;
    CHECK_MODEL(xor, XOR);
}

static void test_softmax_infer_matches_predict_bit_for_bit(void **state)
{
    (void)state;
    CHECK_MODEL(softmax, SOFTMAX);
}

static void test_reg_infer_matches_predict_bit_for_bit(void **state)
{
    (void)state;
    CHECK_MODEL(reg, REG);
}

static void test_digits_infer_matches_predict_bit_for_bit(void **state)
{
    (void)state;
    CHECK_MODEL(digits, DIGITS);
}

static void test_digits_cnn_infer_matches_predict_bit_for_bit(void **state)
{
    (void)state;
    CHECK_MODEL(digits_cnn, DIGITS_CNN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xor_infer_matches_predict_bit_for_bit),
        cmocka_unit_test(test_softmax_infer_matches_predict_bit_for_bit),
        cmocka_unit_test(test_reg_infer_matches_predict_bit_for_bit),
        cmocka_unit_test(test_digits_infer_matches_predict_bit_for_bit),
        cmocka_unit_test(test_digits_cnn_infer_matches_predict_bit_for_bit),
    };
    return cmocka_run_group_tests_name("const-weights builds", tests, NULL, NULL);
}
