/*
 * The reference engine against values worked out by hand from docs/math.md. Finite
 * differences (in every model group) prove the engine's gradient matches the engine's cost; only
 * these tests prove the cost, the activations and the optimizers are the contract's in the first
 * place. Every expected value below is derived in its comment, never taken from the engine.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "ref.h"
#include "testlib.h"

/* Hand values go through libm's exp/log at most: a few ulps. */
static const tolerance exact = {1e-13, 1.0, 1e-300};

#define CHECK_CLOSE(label, got, want, count) \
    assert_true(check_close((label), (got), (want), (count), exact))

/* A one-layer net: `input` inputs, `units` outputs, activation g, batch m. */
static ref_net one_layer(int input, int units, ref_activation g, ref_loss loss, int m)
{
    ref_net net;
    memset(&net, 0, sizeof net);
    net.name = "hand";
    net.input = input;
    net.batch = m;
    net.layers = 1;
    net.units[0] = units;
    net.activation[0] = g;
    net.alpha[0] = 0.25;
    net.loss = loss;
    return net;
}

/* Forward and backward of `net` at params; output, J and gradient into the caller's arrays. */
static double run(const ref_net *net, const double *params, const double *X, const double *Y,
                  double *output, double *grad)
{
    ref_cache *cache = ref_cache_new(net);
    ref_forward(net, params, X, cache);
    size_t outputs = (size_t)ref_width(net, net->layers) * (size_t)net->batch;
    memcpy(output, ref_output(net, cache), outputs * sizeof *output);
    double J = ref_cost(net, cache, Y);
    if (grad)
        ref_backward(net, params, cache, Y, grad);
    ref_cache_free(net, cache);
    return J;
}

/* 3 -> 2 -> 1: W1 [2][3] at 0, b1 at 6, W2 [1][2] at 8, b2 at 10, 11 in all. */
static void test_layout(void **state)
{
    (void)state;
    ref_net net = one_layer(3, 2, REF_TANH, REF_MSE, 1);
    net.layers = 2;
    net.units[1] = 1;
    assert_int_equal(ref_weight_offset(&net, 1), 0);
    assert_int_equal(ref_bias_offset(&net, 1), 6);
    assert_int_equal(ref_weight_offset(&net, 2), 8);
    assert_int_equal(ref_bias_offset(&net, 2), 10);
    assert_int_equal(ref_param_count(&net), 11);
}

/* W = 1, b = 0 on one input: the output is g(x) for x in {-2, -0.5, 0, 3}. */
static void test_elementwise_activations(void **state)
{
    (void)state;
    const double params[2] = {1, 0}, X[4] = {-2, -0.5, 0, 3}, Y[4] = {0};
    const double want[][4] = {
        {-2, -0.5, 0, 3},                                              /* linear */
        {1 / (1 + exp(2)), 1 / (1 + exp(0.5)), 0.5, 1 / (1 + exp(-3))}, /* sigmoid */
        {tanh(-2), tanh(-0.5), 0, tanh(3)},                             /* tanh */
        {0, 0, 0, 3},                                                   /* relu */
        {-0.5, -0.125, 0, 3},                                           /* leaky_relu, alpha 0.25 */
    };
    for (int g = REF_LINEAR; g <= REF_LEAKY_RELU; g++) {
        ref_net net = one_layer(1, 1, (ref_activation)g, REF_MSE, 4);
        double output[4];
        run(&net, params, X, Y, output, NULL);
        CHECK_CLOSE("activation", output, want[g], 4);
    }
}

/* W = (1, 2, 3)^T, b = 0, x = 1: z = (1, 2, 3), softmax = e^k / (e + e^2 + e^3). */
static void test_softmax(void **state)
{
    (void)state;
    ref_net net = one_layer(1, 3, REF_SOFTMAX, REF_MSE, 1);
    const double params[6] = {1, 2, 3, 0, 0, 0}, X[1] = {1}, Y[3] = {0};
    double sum = exp(1) + exp(2) + exp(3);
    double want[3] = {exp(1) / sum, exp(2) / sum, exp(3) / sum}, output[3];
    run(&net, params, X, Y, output, NULL);
    CHECK_CLOSE("softmax", output, want, 3);
}

/*
 * bce, one sigmoid unit, W = 0: a = s(b).
 * b = 0: every term is log 2 whatever y is, so J = log 2 (m = 2, two terms, divided by m).
 * b = 50: y = 1 costs log(1 + e^-50); y = 0 costs 50 + log(1 + e^-50). Both finite, though
 * s(50) rounds to exactly 1 in double.
 */
static void test_bce_cost(void **state)
{
    (void)state;
    ref_net net = one_layer(1, 1, REF_SIGMOID, REF_BCE, 2);
    double params[2] = {0, 0}, X[2] = {1, -1}, Y[2] = {0.3, 1}, output[2];
    double J = run(&net, params, X, Y, output, NULL), want = log(2.0);
    CHECK_CLOSE("bce at z = 0", &J, &want, 1);
    params[1] = 50;
    Y[0] = 1;
    Y[1] = 0;
    J = run(&net, params, X, Y, output, NULL);
    want = (log1p(exp(-50.0)) + 50 + log1p(exp(-50.0))) / 2;
    CHECK_CLOSE("bce at z = 50", &J, &want, 1);
}

/* mse, linear, W = 0, b = 0.5, y = (1, -1): J = ((0.5 - 1)^2 + (0.5 + 1)^2) / 2 = 1.25. */
static void test_mse_cost(void **state)
{
    (void)state;
    ref_net net = one_layer(1, 1, REF_LINEAR, REF_MSE, 2);
    const double params[2] = {0, 0.5}, X[2] = {3, 4}, Y[2] = {1, -1};
    double output[2], J = run(&net, params, X, Y, output, NULL), want = 1.25;
    CHECK_CLOSE("mse", &J, &want, 1);
}

/*
 * ce, 2 softmax units, W = 0, b = 0: a = (1/2, 1/2) in both columns.
 * Column 0, y = (1, 0): -log(1/2) = log 2. Column 1, y = (2, 1): -(2 + 1) log(1/2) = 3 log 2.
 * J = (log 2 + 3 log 2) / 2 = 2 log 2. Then z = (1000, 0), y = (0, 1): -log a_2 = 1000, finite
 * although a_2 rounds to 0.
 */
static void test_ce_cost(void **state)
{
    (void)state;
    ref_net net = one_layer(1, 2, REF_SOFTMAX, REF_CE, 2);
    double params[4] = {0, 0, 0, 0}, X[2] = {1, 1}, Y[4] = {1, 2, 0, 1}, output[4];
    double J = run(&net, params, X, Y, output, NULL), want = 2 * log(2.0);
    CHECK_CLOSE("ce", &J, &want, 1);
    net.batch = 1;
    params[2] = 1000;
    Y[0] = 0;
    Y[1] = 1;
    J = run(&net, params, X, Y, output, NULL);
    want = 1000;
    CHECK_CLOSE("ce at z = (1000, 0)", &J, &want, 1);
}

/* Logistic regression, W = 0, b = 0, x = (1, 2), y = (1, 0): a = 1/2, dZ = (a - y)/m =
 * (-1/4, 1/4), dW = sum dZ x = -1/4 + 1/2 = 1/4, db = sum dZ = 0. */
static void test_bce_gradient(void **state)
{
    (void)state;
    ref_net net = one_layer(1, 1, REF_SIGMOID, REF_BCE, 2);
    const double params[2] = {0, 0}, X[2] = {1, 2}, Y[2] = {1, 0};
    double output[2], grad[2], want[2] = {0.25, 0};
    run(&net, params, X, Y, output, grad);
    CHECK_CLOSE("bce grad", grad, want, 2);
}

/* ce with a column summing to 3: a = (1/2, 1/2), y = (2, 1), x = 1:
 * dZ = 3 a - y = (-1/2, 1/2) (not a - y = (-3/2, -1/2)); dW = dZ x, db = dZ. */
static void test_ce_gradient_unnormalized(void **state)
{
    (void)state;
    ref_net net = one_layer(1, 2, REF_SOFTMAX, REF_CE, 1);
    const double params[4] = {0, 0, 0, 0}, X[1] = {1}, Y[2] = {2, 1};
    double output[2], grad[4], want[4] = {-0.5, 0.5, -0.5, 0.5};
    run(&net, params, X, Y, output, grad);
    CHECK_CLOSE("ce grad", grad, want, 4);
}

/* mse through softmax, b = (log 3, 0): a = (3/4, 1/4), y = 0. J = a1^2 + a2^2 with a1 = s(z1 - z2):
 * dJ/dz1 = (2 a1 - 2 a2) a1 a2 = (1)(3/16) = 3/16 and dJ/dz2 = -3/16; x = 1 so dW = db = dZ. */
static void test_softmax_mse_gradient(void **state)
{
    (void)state;
    ref_net net = one_layer(1, 2, REF_SOFTMAX, REF_MSE, 1);
    const double params[4] = {0, 0, log(3.0), 0}, X[1] = {1}, Y[2] = {0, 0};
    double output[2], grad[4], want[4] = {0.1875, -0.1875, 0.1875, -0.1875};
    run(&net, params, X, Y, output, grad);
    CHECK_CLOSE("softmax mse grad", grad, want, 4);
}

/* At z = 0 exactly: relu' = 0 and leaky_relu' = alpha (0.25). W = 1, b = 0, x = 0, y = 1, mse:
 * a = 0, dA = 2 (0 - 1) = -2, so relu gives dW = db = 0; leaky gives db = -2 * 0.25 = -0.5 and
 * dW = db * x = 0. */
static void test_kinks(void **state)
{
    (void)state;
    const double params[2] = {1, 0}, X[1] = {0}, Y[1] = {1};
    double output[1], grad[2];
    double want_relu[2] = {0, 0}, want_leaky[2] = {0, -0.5};
    ref_net relu = one_layer(1, 1, REF_RELU, REF_MSE, 1);
    ref_net leaky = one_layer(1, 1, REF_LEAKY_RELU, REF_MSE, 1);
    run(&relu, params, X, Y, output, grad);
    CHECK_CLOSE("relu'(0)", grad, want_relu, 2);
    run(&leaky, params, X, Y, output, grad);
    CHECK_CLOSE("leaky_relu'(0)", grad, want_leaky, 2);
}

/* 1 -> 1 -> 1 linear, mse, W1 = 2, b1 = 1, W2 = 3, b2 = -1, x = 1, y = 0:
 * z1 = 3, z2 = 8, J = 64; dz2 = 16, dW2 = 16 * 3 = 48, db2 = 16, dz1 = 3 * 16 = 48, dW1 = 48,
 * db1 = 48. Layout: W1, b1, W2, b2. */
static void test_chain_rule(void **state)
{
    (void)state;
    ref_net net = one_layer(1, 1, REF_LINEAR, REF_MSE, 1);
    net.layers = 2;
    net.units[1] = 1;
    net.activation[1] = REF_LINEAR;
    const double params[4] = {2, 1, 3, -1}, X[1] = {1}, Y[1] = {0};
    double output[1], grad[4], want[4] = {48, 48, 48, 16}, want_J = 64;
    double J = run(&net, params, X, Y, output, grad);
    CHECK_CLOSE("chain J", &J, &want_J, 1);
    CHECK_CLOSE("chain grad", grad, want, 4);
}

/* `steps` optimizer steps on a 1 -> 1 net (parameters W and b, both starting at 1 and given the
 * same gradients); returns W. */
static double optimize(ref_optimizer opt, const double *grads, int steps)
{
    ref_net net = one_layer(1, 1, REF_LINEAR, REF_MSE, 1);
    ref_optimizer_state *state = ref_optimizer_state_new(&net);
    double params[2] = {1, 1};
    for (int t = 0; t < steps; t++) {
        double grad[2] = {grads[t], grads[t]};
        ref_optimizer_step(&opt, state, params, grad);
    }
    ref_optimizer_state_free(state);
    return params[0];
}

/* sgd: 1 - 0.1 * 2 = 0.8. momentum (beta 0.5, lr 0.1), g = 2, 2: v = 2, p = 0.8; v = 3, p = 0.5. */
static void test_sgd_momentum(void **state)
{
    (void)state;
    const double grads[2] = {2, 2};
    ref_optimizer sgd = {REF_SGD, 0.1, 0, 0, 0, 0}, momentum = {REF_MOMENTUM, 0.1, 0.5, 0, 0, 0};
    double got = optimize(sgd, grads, 1), want = 0.8;
    CHECK_CLOSE("sgd", &got, &want, 1);
    got = optimize(momentum, grads, 2);
    want = 0.5;
    CHECK_CLOSE("momentum", &got, &want, 1);
}

/*
 * adam, lr 0.1, beta1 0.5, beta2 0.96, eps 0.5 (large, so its place in the formula shows), g = 2, -1, 1:
 * t=1: m = 1, v = 0.16; m^ = 1/0.5 = 2, v^ = 0.16/0.04 = 4; p = 1 - 0.1 * 2 / (2 + 0.5) = 0.92.
 * t=2: m = 0.5 - 0.5 = 0, so p stays 0.92; v = 0.96 * 0.16 + 0.04 = 0.1936.
 * t=3: m = 0.5; v = 0.96 * 0.1936 + 0.04 = 0.225856; m^ = 0.5 / (1 - 0.125),
 *      v^ = 0.225856 / (1 - 0.96^3 = 0.115264); p = 0.92 - 0.1 m^ / (sqrt(v^) + 0.5).
 */
static void test_adam(void **state)
{
    (void)state;
    const double grads[3] = {2, -1, 1};
    ref_optimizer adam = {REF_ADAM, 0.1, 0, 0.5, 0.96, 0.5};
    double got = optimize(adam, grads, 1), want = 0.92;
    CHECK_CLOSE("adam t=1", &got, &want, 1);
    got = optimize(adam, grads, 2);
    CHECK_CLOSE("adam t=2", &got, &want, 1);
    got = optimize(adam, grads, 3);
    want = 0.92 - 0.1 * (0.5 / 0.875) / (sqrt(0.225856 / 0.115264) + 0.5);
    CHECK_CLOSE("adam t=3", &got, &want, 1);
}

/* ref_train_step returns J before the update: the logistic example above costs log 2. */
static void test_train_step_returns_cost_before(void **state)
{
    (void)state;
    ref_net net = one_layer(1, 1, REF_SIGMOID, REF_BCE, 2);
    net.optimizer = (ref_optimizer){REF_SGD, 1.0, 0, 0, 0, 0};
    double params[2] = {0, 0}, X[2] = {1, 2}, Y[2] = {1, 0};
    ref_optimizer_state *opt = ref_optimizer_state_new(&net);
    double J = ref_train_step(&net, opt, params, X, Y), want_J = log(2.0);
    double want_params[2] = {-0.25, 0}; /* p - 1 * grad, grad from test_bce_gradient */
    ref_optimizer_state_free(opt);
    CHECK_CLOSE("J before", &J, &want_J, 1);
    CHECK_CLOSE("params after", params, want_params, 2);
}

int ref_engine_tests(void);

int ref_engine_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout),
        cmocka_unit_test(test_elementwise_activations),
        cmocka_unit_test(test_softmax),
        cmocka_unit_test(test_bce_cost),
        cmocka_unit_test(test_mse_cost),
        cmocka_unit_test(test_ce_cost),
        cmocka_unit_test(test_bce_gradient),
        cmocka_unit_test(test_ce_gradient_unnormalized),
        cmocka_unit_test(test_softmax_mse_gradient),
        cmocka_unit_test(test_kinks),
        cmocka_unit_test(test_chain_rule),
        cmocka_unit_test(test_sgd_momentum),
        cmocka_unit_test(test_adam),
        cmocka_unit_test(test_train_step_returns_cost_before),
    };
    return cmocka_run_group_tests_name("reference engine", tests, NULL, NULL);
}
