/*
 * End to end: specs/xor.lua (2-4-1 tanh/sigmoid, bce, batch 4, adam lr 0.05) initialized with its
 * own seed and trained with xor_train_step must classify all four XOR points correctly within a
 * bounded number of steps. The other tests check each piece against a reference; this one checks
 * that the pieces together learn.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <cmocka.h>

#include "xor.h"

/* Adam at lr 0.05 solves XOR in a few hundred steps; 5000 is a generous bound, not a target. */
#define MAX_STEPS 5000

/* The four points as columns: feature i of sample j at X[i * XOR_BATCH + j]. */
static const xor_real X[XOR_INPUTS * XOR_BATCH] = {
    0, 0, 1, 1, /* x1 */
    0, 1, 0, 1, /* x2 */
};
static const xor_real Y[XOR_OUTPUTS * XOR_BATCH] = {0, 1, 1, 0};

static int correct_predictions(const xor_params *p)
{
    int correct = 0;
    for (int j = 0; j < XOR_BATCH; j++) {
        xor_real x[XOR_INPUTS] = {X[j], X[XOR_BATCH + j]}, y[XOR_OUTPUTS];
        xor_predict(p, x, y);
        correct += (y[0] > (xor_real)0.5) == (Y[j] > (xor_real)0.5);
    }
    return correct;
}

static void test_xor_learns(void **state)
{
    (void)state;
    static xor_params p;
    static xor_train_state s;
    static xor_cache c;
    xor_init(&p, XOR_INIT_SEED);
    xor_train_state_init(&s);
    double first_cost = (double)xor_train_step(&p, &s, X, Y);
    int steps = 1;
    while (correct_predictions(&p) < XOR_BATCH && steps < MAX_STEPS) {
        xor_train_step(&p, &s, X, Y);
        steps++;
    }
    xor_forward(&p, X, &c);
    double last_cost = (double)xor_cost(&c, Y);
    printf("    xor: %d/%d correct after %d steps, J %.4f -> %.4f\n", correct_predictions(&p),
           XOR_BATCH, steps, first_cost, last_cost);
    assert_int_equal(correct_predictions(&p), XOR_BATCH);
    assert_true(last_cost < first_cost);
}

int xor_training_tests(void);

int xor_training_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xor_learns),
    };
    return cmocka_run_group_tests_name("xor training", tests, NULL, NULL);
}
