/*
 * The reference engine against values worked out by hand from docs/math.md. Finite
 * differences (in every model group) prove the engine's gradient matches the engine's cost; only
 * these tests prove the cost, the activations and the optimizers are the contract's in the first
 * place. Every expected value below is derived in its comment, never taken from the engine.
 */
#include <math.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "ref.h"
#include "ref_cases.h"
#include "testlib.h"

/* Hand values go through libm's exp/log at most: a few ulps. */
static const tolerance exact = {1e-13, 1.0, 1e-300};

#define CHECK_CLOSE(label, got, want, count) \
    assert_true(check_close((label), (got), (want), (count), exact))

/* A dense layer of `units` units, activation g, alpha 0.25. */
static ref_layer dense_layer(int units, ref_activation g)
{
    ref_layer layer;
    memset(&layer, 0, sizeof layer);
    layer.kind = REF_DENSE;
    layer.units = units;
    layer.activation = g;
    layer.alpha = 0.25;
    return layer;
}

/* A net of `count` layers held in `layers` (which must outlive it) on a flat input. */
static ref_net net_of(const ref_layer *layers, int count, int input, ref_loss loss, int m)
{
    ref_net net;
    memset(&net, 0, sizeof net);
    net.name = "hand";
    net.input = input;
    net.batch = m;
    net.layers = count;
    net.layer = layers;
    net.loss = loss;
    return net;
}

/* A one-layer dense net: `input` inputs, `units` outputs, activation g, batch m; its layer is
 * stored in *storage. */
static ref_net one_layer(ref_layer *storage, int input, int units, ref_activation g, ref_loss loss,
                         int m)
{
    *storage = dense_layer(units, g);
    return net_of(storage, 1, input, loss, m);
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
    ref_layer layers[2];
    ref_net net = one_layer(layers, 3, 2, REF_TANH, REF_MSE, 1);
    layers[1] = dense_layer(1, REF_TANH);
    net.layers = 2;
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
        ref_layer layer;
        ref_net net = one_layer(&layer, 1, 1, (ref_activation)g, REF_MSE, 4);
        double output[4];
        run(&net, params, X, Y, output, NULL);
        CHECK_CLOSE("activation", output, want[g], 4);
    }
}

/* W = (1, 2, 3)^T, b = 0, x = 1: z = (1, 2, 3), softmax = e^k / (e + e^2 + e^3). */
static void test_softmax(void **state)
{
    (void)state;
    ref_layer net_layer;
    ref_net net = one_layer(&net_layer, 1, 3, REF_SOFTMAX, REF_MSE, 1);
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
    ref_layer net_layer;
    ref_net net = one_layer(&net_layer, 1, 1, REF_SIGMOID, REF_BCE, 2);
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
    ref_layer net_layer;
    ref_net net = one_layer(&net_layer, 1, 1, REF_LINEAR, REF_MSE, 2);
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
    ref_layer net_layer;
    ref_net net = one_layer(&net_layer, 1, 2, REF_SOFTMAX, REF_CE, 2);
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
    ref_layer net_layer;
    ref_net net = one_layer(&net_layer, 1, 1, REF_SIGMOID, REF_BCE, 2);
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
    ref_layer net_layer;
    ref_net net = one_layer(&net_layer, 1, 2, REF_SOFTMAX, REF_CE, 1);
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
    ref_layer net_layer;
    ref_net net = one_layer(&net_layer, 1, 2, REF_SOFTMAX, REF_MSE, 1);
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
    ref_layer relu_layer;
    ref_net relu = one_layer(&relu_layer, 1, 1, REF_RELU, REF_MSE, 1);
    ref_layer leaky_layer;
    ref_net leaky = one_layer(&leaky_layer, 1, 1, REF_LEAKY_RELU, REF_MSE, 1);
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
    ref_layer net_layer;
    ref_net net = one_layer(&net_layer, 1, 1, REF_LINEAR, REF_MSE, 1);
    ref_layer layers[2] = {net_layer, dense_layer(1, REF_LINEAR)};
    net.layer = layers;
    net.layers = 2;
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
    ref_layer net_layer;
    ref_net net = one_layer(&net_layer, 1, 1, REF_LINEAR, REF_MSE, 1);
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
    ref_optimizer sgd = {REF_SGD, 0.1, 0, 0, 0, 0, 0, REF_SCHEDULE_NONE, 0, 0, 0, 0}, momentum = {REF_MOMENTUM, 0.1, 0.5, 0, 0, 0, 0, REF_SCHEDULE_NONE, 0, 0, 0, 0};
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
    ref_optimizer adam = {REF_ADAM, 0.1, 0, 0.5, 0.96, 0.5, 0, REF_SCHEDULE_NONE, 0, 0, 0, 0};
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
    ref_layer net_layer;
    ref_net net = one_layer(&net_layer, 1, 1, REF_SIGMOID, REF_BCE, 2);
    net.optimizer = (ref_optimizer){REF_SGD, 1.0, 0, 0, 0, 0, 0, REF_SCHEDULE_NONE, 0, 0, 0, 0};
    double params[2] = {0, 0}, X[2] = {1, 2}, Y[2] = {1, 0};
    ref_optimizer_state *opt = ref_optimizer_state_new(&net);
    double J = ref_train_step(&net, opt, params, X, Y), want_J = log(2.0);
    double want_params[2] = {-0.25, 0}; /* p - 1 * grad, grad from test_bce_gradient */
    ref_optimizer_state_free(opt);
    CHECK_CLOSE("J before", &J, &want_J, 1);
    CHECK_CLOSE("params after", params, want_params, 2);
}

/* ---------------------------------------------------------------------------------------------
 * v2 layers: convolution, pooling, batchnorm, flatten, weight decay. */

static ref_layer conv_layer(ref_layer_kind kind, int filters, const int kernel[2], const int stride[2],
                            const int pad_before[2], const int pad_after[2], const int dilation[2],
                            int groups, int bias, ref_activation g)
{
    ref_layer layer;
    memset(&layer, 0, sizeof layer);
    layer.kind = kind;
    layer.filters = filters;
    for (int i = 0; i < 2; i++) {
        layer.kernel[i] = kernel[i];
        layer.stride[i] = stride[i];
        layer.pad_before[i] = pad_before[i];
        layer.pad_after[i] = pad_after[i];
        layer.dilation[i] = dilation[i];
    }
    layer.groups = groups;
    layer.bias = bias;
    layer.activation = g;
    layer.alpha = 0.25;
    return layer;
}

/* conv1d along the length: the {h, w} fields with h the identity. */
static ref_layer conv1d(int filters, int kernel, int stride, int before, int after, int dilation,
                        int groups, int bias, ref_activation g)
{
    const int k[2] = {1, kernel}, s[2] = {1, stride}, pb[2] = {0, before}, pa[2] = {0, after};
    const int d[2] = {1, dilation};
    return conv_layer(REF_CONV1D, filters, k, s, pb, pa, d, groups, bias, g);
}

static ref_layer pool_layer(ref_layer_kind kind, int kh, int kw, int sh, int sw)
{
    ref_layer layer;
    memset(&layer, 0, sizeof layer);
    layer.kind = kind;
    layer.kernel[0] = kh;
    layer.kernel[1] = kw;
    layer.stride[0] = sh;
    layer.stride[1] = sw;
    return layer;
}

static ref_layer plain_layer(ref_layer_kind kind)
{
    ref_layer layer;
    memset(&layer, 0, sizeof layer);
    layer.kind = kind;
    return layer;
}

static ref_layer batchnorm_layer(double eps, double momentum, ref_activation g)
{
    ref_layer layer = plain_layer(REF_BATCHNORM);
    layer.eps = eps;
    layer.momentum = momentum;
    layer.activation = g;
    layer.alpha = 0.25;
    return layer;
}

/* A net on a spatial input: rank 1 {channels, length} (height ignored) or rank 2. */
static ref_net spatial_net(const ref_layer *layers, int count, int rank, int channels, int height,
                           int width, ref_loss loss, int m)
{
    ref_net net = net_of(layers, count, channels * (rank == 1 ? 1 : height) * width, loss, m);
    net.input_rank = rank;
    net.input_channels = channels;
    net.input_size[0] = rank == 1 ? 1 : height;
    net.input_size[1] = width;
    return net;
}

/*
 * Output sizes from the contract's formula, floor((n + 2p - d(k-1) - 1) / s) + 1, worked by hand:
 * conv1d L 7, k 3, s 2, p 1: floor(6/2) + 1 = 4; "same" with k 2 (total 1: 0 before, 1 after) keeps
 * 7; conv2d 5x6, k {2, 3}, s {2, 1}, p {1, 0}, d {1, 2}: h floor((5+2-1-1)/2)+1 = 3, w (6-4-1)+1 = 2.
 * maxpool2d k 2 (stride 2) on 3x2: 1x1. Parameter layout: conv W [3][2][3] = 18 then b 3; conv
 * without bias has no b; batchnorm over 3 channels: gamma, beta, mean, var of 3 each.
 */
static void test_conv_shapes_and_layout(void **state)
{
    (void)state;
    ref_layer one_d[3] = {conv1d(3, 3, 2, 1, 1, 1, 1, 1, REF_RELU), conv1d(2, 2, 1, 0, 1, 1, 1, 0, REF_TANH),
                          batchnorm_layer(1e-5, 0.1, REF_LINEAR)};
    ref_net net1 = spatial_net(one_d, 3, 1, 2, 1, 7, REF_MSE, 2);
    ref_shape shape = ref_shape_of(&net1, 1);
    assert_int_equal(shape.rank, 1);
    assert_int_equal(shape.channels, 3);
    assert_int_equal(shape.size[1], 4);
    assert_int_equal(ref_width(&net1, 2), 2 * 4);
    assert_int_equal(ref_weight_offset(&net1, 1), 0);
    assert_int_equal(ref_bias_offset(&net1, 1), 18);
    assert_int_equal(ref_weight_offset(&net1, 2), 21);
    assert_int_equal(ref_layer_param_count(&net1, 2), 2 * 3 * 2); /* no b */
    assert_int_equal(ref_gamma_offset(&net1, 3), 33);
    assert_int_equal(ref_beta_offset(&net1, 3), 35);
    assert_int_equal(ref_mean_offset(&net1, 3), 37);
    assert_int_equal(ref_var_offset(&net1, 3), 39);
    assert_int_equal(ref_param_count(&net1), 41);

    ref_layer same[1] = {conv1d(1, 2, 1, 0, 1, 1, 1, 1, REF_LINEAR)};
    ref_net net_same = spatial_net(same, 1, 1, 1, 1, 7, REF_MSE, 1);
    assert_int_equal(ref_width(&net_same, 1), 7);

    const int k[2] = {2, 3}, s[2] = {2, 1}, pb[2] = {1, 0}, d[2] = {1, 2};
    ref_layer two_d[3] = {conv_layer(REF_CONV2D, 4, k, s, pb, pb, d, 2, 1, REF_RELU),
                          pool_layer(REF_MAXPOOL2D, 2, 2, 2, 2), plain_layer(REF_FLATTEN)};
    ref_net net2 = spatial_net(two_d, 3, 2, 2, 5, 6, REF_MSE, 1);
    shape = ref_shape_of(&net2, 1);
    assert_int_equal(shape.size[0], 3);
    assert_int_equal(shape.size[1], 2);
    shape = ref_shape_of(&net2, 2);
    assert_int_equal(shape.size[0] * shape.size[1], 1);
    assert_int_equal(ref_shape_of(&net2, 3).rank, 0);
    assert_int_equal(ref_width(&net2, 3), 4);
    /* fans: (C/groups) x kernel positions = 1 x 6, filters x positions = 4 x 6 */
    int fan_in, fan_out;
    ref_fans(&net2, 1, &fan_in, &fan_out);
    assert_int_equal(fan_in, 6);
    assert_int_equal(fan_out, 24);
}

/*
 * A 1x1 conv2d is a dense layer applied at every position: Z[f][y][x] = b[f] + sum_c W[f][c] x[c][y][x].
 * Checked against that sum, written out here, on a 3-channel 2x2 input with 2 samples; the same W
 * and b as a dense layer on a 1x1 input (3 features) give the same output and gradients too.
 */
static void test_conv_1x1_is_dense(void **state)
{
    (void)state;
    const int one[2] = {1, 1}, zero[2] = {0, 0};
    ref_layer conv[1] = {conv_layer(REF_CONV2D, 2, one, one, zero, zero, one, 1, 1, REF_LINEAR)};
    ref_net net = spatial_net(conv, 1, 2, 3, 2, 2, REF_MSE, 2);
    const double params[8] = {0.5, -1, 2, 1.5, 0.25, -0.75, 0.125, -0.5};
    double X[24], Y[16] = {0}, output[16], want[16];
    for (int k = 0; k < 24; k++)
        X[k] = (k % 7) * 0.5 - 1.25;
    run(&net, params, X, Y, output, NULL);
    for (int f = 0; f < 2; f++)
        for (int p = 0; p < 4; p++)
            for (int j = 0; j < 2; j++) {
                double sum = params[6 + f];
                for (int c = 0; c < 3; c++)
                    sum += params[f * 3 + c] * X[(c * 4 + p) * 2 + j];
                want[(f * 4 + p) * 2 + j] = sum;
            }
    CHECK_CLOSE("1x1 conv", output, want, 16);

    ref_layer conv_one[1] = {conv[0]}, dense_one[1] = {dense_layer(2, REF_LINEAR)};
    ref_net as_conv = spatial_net(conv_one, 1, 2, 3, 1, 1, REF_MSE, 2);
    ref_net as_dense = net_of(dense_one, 1, 3, REF_MSE, 2);
    const double x[6] = {1, -2, 0.5, 3, -1, 0.25}, y[4] = {1, 0, -1, 2};
    double out_conv[4], out_dense[4], grad_conv[8], grad_dense[8];
    run(&as_conv, params, x, y, out_conv, grad_conv);
    run(&as_dense, params, x, y, out_dense, grad_dense);
    CHECK_CLOSE("1x1 conv on 1x1 = dense", out_conv, out_dense, 4);
    CHECK_CLOSE("1x1 conv grad = dense grad", grad_conv, grad_dense, 8);
}

/*
 * Cross-correlation with zero padding, stride and dilation by hand: x = (1, 2, 3, 4, 5), W =
 * (1, 10, 100), b = 0.5, dilation 2, stride 2, padding 2 each side: L_out = floor((5 + 4 - 4 - 1)/2)
 * + 1 = 3, out[t] = b + sum_i W[i] xpad[2t + 2i - 2]:
 * t = 0 reads (pad, x0, x2): 0 + 10 + 300; t = 1 reads (x0, x2, x4): 1 + 30 + 500; t = 2 reads
 * (x2, x4, pad): 3 + 50 + 0.
 * Groups: 2 channels, 2 groups, 2 filters, kernel 1x2 on 1x3, no bias: filter 0 = (1, 2) sees only
 * channel 0 = (1, 2, 3): (5, 8); filter 1 = (3, 4) only channel 1 = (10, 20, 30): (110, 180).
 */
static void test_conv_hand_values(void **state)
{
    (void)state;
    ref_layer dilated[1] = {conv1d(1, 3, 2, 2, 2, 2, 1, 1, REF_LINEAR)};
    ref_net net = spatial_net(dilated, 1, 1, 1, 1, 5, REF_MSE, 1);
    const double params[4] = {1, 10, 100, 0.5}, X[5] = {1, 2, 3, 4, 5}, Y[3] = {0};
    const double want[3] = {310.5, 531.5, 53.5};
    double output[3];
    assert_int_equal(ref_width(&net, 1), 3);
    run(&net, params, X, Y, output, NULL);
    CHECK_CLOSE("dilated strided padded conv1d", output, want, 3);

    const int k[2] = {1, 2}, one[2] = {1, 1}, zero[2] = {0, 0};
    ref_layer grouped[1] = {conv_layer(REF_CONV2D, 2, k, one, zero, zero, one, 2, 0, REF_LINEAR)};
    ref_net net2 = spatial_net(grouped, 1, 2, 2, 1, 3, REF_MSE, 1);
    const double params2[4] = {1, 2, 3, 4}, X2[6] = {1, 2, 3, 10, 20, 30}, Y2[4] = {0};
    const double want2[4] = {5, 8, 110, 180};
    double output2[4];
    run(&net2, params2, X2, Y2, output2, NULL);
    CHECK_CLOSE("grouped conv2d", output2, want2, 4);
}

/* dJ/dX of net at (params, X, Y). */
static void input_gradient(const ref_net *net, const double *params, const double *X, const double *Y,
                           double *dX)
{
    ref_cache *cache = ref_cache_new(net);
    double grad[64];
    assert_true(ref_param_count(net) <= 64);
    ref_forward(net, params, X, cache);
    ref_backward_input(net, params, cache, Y, grad, dX);
    ref_cache_free(net, cache);
}

/*
 * Pools on one channel of length 4, one sample, mse against y = 0, so dJ/dA = 2a.
 * A constant 5: avgpool (k 2) gives 5, 5 and sends 2*5/2 = 5 to every element; maxpool ties in
 * every window, and the first element of each window gets all of 2*5 = 10: dX = (10, 0, 10, 0).
 * x = (1, 3, 3, 2) under maxpool k 2 stride 1 (windows (1,3), (3,3), (3,2)): outputs 3, 3, 3; the
 * tie in the middle window goes to its first element, x[1], so x[1] gets 6 + 6 and x[2] gets 6.
 * 2-D, a 2x2 window of equal values sends everything to its top-left element.
 */
static void test_pools(void **state)
{
    (void)state;
    ref_layer avg[1] = {pool_layer(REF_AVGPOOL1D, 1, 2, 1, 2)}, max[1] = {pool_layer(REF_MAXPOOL1D, 1, 2, 1, 2)};
    ref_net avg_net = spatial_net(avg, 1, 1, 1, 1, 4, REF_MSE, 1);
    ref_net max_net = spatial_net(max, 1, 1, 1, 1, 4, REF_MSE, 1);
    const double constant[4] = {5, 5, 5, 5}, Y[3] = {0, 0, 0};
    double output[3], dX[4];
    const double want_avg[2] = {5, 5}, want_avg_dX[4] = {5, 5, 5, 5}, want_max_dX[4] = {10, 0, 10, 0};
    run(&avg_net, NULL, constant, Y, output, NULL);
    CHECK_CLOSE("avgpool of a constant", output, want_avg, 2);
    input_gradient(&avg_net, NULL, constant, Y, dX);
    CHECK_CLOSE("avgpool gradient", dX, want_avg_dX, 4);
    input_gradient(&max_net, NULL, constant, Y, dX);
    CHECK_CLOSE("maxpool tie goes to the first", dX, want_max_dX, 4);

    const double ramp[4] = {1, 2, 3, 4}, want_ramp[2] = {1.5, 3.5};
    run(&avg_net, NULL, ramp, Y, output, NULL);
    CHECK_CLOSE("avgpool (1, 2, 3, 4)", output, want_ramp, 2);

    ref_layer overlap[1] = {pool_layer(REF_MAXPOOL1D, 1, 2, 1, 1)};
    ref_net overlap_net = spatial_net(overlap, 1, 1, 1, 1, 4, REF_MSE, 1);
    const double x[4] = {1, 3, 3, 2}, want_out[3] = {3, 3, 3}, want_dX[4] = {0, 12, 6, 0};
    run(&overlap_net, NULL, x, Y, output, NULL);
    CHECK_CLOSE("overlapping maxpool", output, want_out, 3);
    input_gradient(&overlap_net, NULL, x, Y, dX);
    CHECK_CLOSE("overlapping maxpool gradient", dX, want_dX, 4);

    ref_layer max2[1] = {pool_layer(REF_MAXPOOL2D, 2, 2, 2, 2)};
    ref_net max2_net = spatial_net(max2, 1, 2, 1, 2, 2, REF_MSE, 1);
    const double flat2[4] = {-1, -1, -1, -1}, want2[4] = {-2, 0, 0, 0};
    input_gradient(&max2_net, NULL, flat2, Y, dX);
    CHECK_CLOSE("maxpool2d tie goes to the top-left", dX, want2, 4);
}

/*
 * global_avgpool: the mean of each channel. 2 channels of 3 positions, one sample: (1, 2, 6) -> 3,
 * (0, -3, 0) -> -1; mse against 0 sends 2*mean/3 to every position of the channel.
 */
static void test_global_avgpool(void **state)
{
    (void)state;
    ref_layer gap[1] = {plain_layer(REF_GLOBAL_AVGPOOL)};
    ref_net net = spatial_net(gap, 1, 1, 2, 1, 3, REF_MSE, 1);
    const double X[6] = {1, 2, 6, 0, -3, 0}, Y[2] = {0, 0}, want[2] = {3, -1};
    const double want_dX[6] = {2, 2, 2, -2.0 / 3, -2.0 / 3, -2.0 / 3};
    double output[2], dX[6];
    run(&net, NULL, X, Y, output, NULL);
    CHECK_CLOSE("global_avgpool", output, want, 2);
    input_gradient(&net, NULL, X, Y, dX);
    CHECK_CLOSE("global_avgpool gradient", dX, want_dX, 6);
}

/*
 * Training-mode batchnorm with gamma 1, beta 0 over a 2-channel 2x3 input, 3 samples: per channel
 * (N = 18 values) the output has mean 0 and variance s2 / (s2 + eps), s2 the channel's biased
 * variance computed here from X. Then gamma 2, beta 0.5 scale and shift it.
 */
static void test_batchnorm_normalizes(void **state)
{
    (void)state;
    ref_layer bn[1] = {batchnorm_layer(1e-3, 0.1, REF_LINEAR)};
    ref_net net = spatial_net(bn, 1, 2, 2, 2, 3, REF_MSE, 3);
    double params[8] = {1, 1, 0, 0, 7, 7, 9, 9}; /* mean/var are not used in training mode */
    double X[36], Y[36] = {0}, output[36];
    for (int k = 0; k < 36; k++)
        X[k] = (double)((k * 7) % 11) + (k < 18 ? 0 : 20);
    for (int pass = 0; pass < 2; pass++) {
        run(&net, params, X, Y, output, NULL);
        for (int c = 0; c < 2; c++) {
            double x_mean = 0, x_var = 0, y_mean = 0, y_var = 0;
            for (int k = 0; k < 18; k++)
                x_mean += X[c * 18 + k] / 18;
            for (int k = 0; k < 18; k++)
                x_var += (X[c * 18 + k] - x_mean) * (X[c * 18 + k] - x_mean) / 18;
            for (int k = 0; k < 18; k++)
                y_mean += output[c * 18 + k] / 18;
            for (int k = 0; k < 18; k++)
                y_var += (output[c * 18 + k] - y_mean) * (output[c * 18 + k] - y_mean) / 18;
            double gamma = params[c], beta = params[2 + c];
            double want_mean = beta, want_var = gamma * gamma * x_var / (x_var + 1e-3);
            /* a mean of 0 is 0 up to the rounding of 18 terms of order 1 */
            const tolerance near = {1e-13, 1.0, 1e-13};
            assert_true(check_close("batchnorm mean", &y_mean, &want_mean, 1, near));
            CHECK_CLOSE("batchnorm variance", &y_var, &want_var, 1);
        }
        params[0] = params[1] = 2;
        params[2] = params[3] = 0.5;
    }
}

/*
 * Batchnorm over one flat feature, batch 2, x = (1, 3), eps 0.25, momentum 0.1:
 * mu = 2, s2 = 1 (biased), N/(N-1) s2 = 2 (unbiased).
 * Inference mode first, with gamma 2, beta 0.5, mean 0.5, var 3.75: x = 2.5 gives
 * 2 (2.5 - 0.5) / sqrt(3.75 + 0.25) + 0.5 = 2.5.
 * Then one train step (mse against y = 0, sgd lr 0.5 with weight decay 0.5) from mean 0, var 1:
 * mean = 0.9 * 0 + 0.1 * 2 = 0.2 and var = 0.9 * 1 + 0.1 * 2 = 1.1, untouched by the optimizer and
 * its decay; their gradient entries are exactly 0. gamma and beta do move: xhat = -+1/sqrt(1.25),
 * y = gamma xhat + beta = 0.5 -+ 1/sqrt(1.25) with gamma 1, beta 0.5, dJ/dy = 2y/2 = y:
 * dgamma = sum y xhat = (0.4 + 1.4)/sqrt(1.25), dbeta = 1; gamma -= 0.5 (dgamma + 0.5 * 1),
 * beta -= 0.5 (1 + 0.5 * 0.5).
 */
static void test_batchnorm_running_stats(void **state)
{
    (void)state;
    ref_layer bn[1] = {batchnorm_layer(0.25, 0.1, REF_LINEAR)};
    ref_net net = net_of(bn, 1, 1, REF_MSE, 2);
    const double inference_params[4] = {2, 0.5, 0.5, 3.75}, x[1] = {2.5};
    double y[1], want_y = 2.5;
    ref_predict(&net, inference_params, x, y);
    CHECK_CLOSE("predict uses the running statistics", y, &want_y, 1);

    net.optimizer = (ref_optimizer){REF_SGD, 0.5, 0, 0, 0, 0, 0.5, REF_SCHEDULE_NONE, 0, 0, 0, 0};
    double params[4] = {1, 0.5, 0, 1}, grad[4] = {9, 9, 9, 9}, output[2];
    const double X[2] = {1, 3}, Y[2] = {0, 0};
    run(&net, params, X, Y, output, grad);
    double sqrt125 = sqrt(1.25);
    double want_out[2] = {-1 / sqrt125 + 0.5, 1 / sqrt125 + 0.5};
    double want_grad[4] = {(want_out[0] * -1 + want_out[1] * 1) / sqrt125,
                           (want_out[0] + want_out[1]), 0, 0};
    CHECK_CLOSE("batchnorm training output", output, want_out, 2);
    CHECK_CLOSE("batchnorm grad", grad, want_grad, 4);
    assert_true(grad[2] == 0 && grad[3] == 0);

    ref_optimizer_state *opt = ref_optimizer_state_new(&net);
    ref_train_step(&net, opt, params, X, Y);
    ref_optimizer_state_free(opt);
    double want_params[4] = {1 - 0.5 * (want_grad[0] + 0.5 * 1), 0.5 - 0.5 * (want_grad[1] + 0.5 * 0.5),
                             0.2, 1.1};
    CHECK_CLOSE("after one train step", params, want_params, 4);

    /* Every other optimizer with weight decay leaves mean and var to the running update too. */
    const ref_optimizer others[3] = {{REF_MOMENTUM, 0.5, 0.9, 0, 0, 0, 0.5, REF_SCHEDULE_NONE, 0, 0, 0, 0},
                                     {REF_ADAM, 0.5, 0, 0.9, 0.999, 1e-8, 0.5, REF_SCHEDULE_NONE, 0, 0, 0, 0},
                                     {REF_ADAMW, 0.5, 0, 0.9, 0.999, 1e-8, 0.5, REF_SCHEDULE_NONE, 0, 0, 0, 0}};
    for (int i = 0; i < 3; i++) {
        double start[4] = {1, 0.5, 0, 1}, want_stats[2] = {0.2, 1.1};
        net.optimizer = others[i];
        opt = ref_optimizer_state_new(&net);
        ref_train_step(&net, opt, start, X, Y);
        ref_optimizer_state_free(opt);
        CHECK_CLOSE("mean, var after a step", start + 2, want_stats, 2);
    }
}

/*
 * Weight decay on p = 1 with g = 2, lr 0.1, wd 0.5 (the gradient seen is g + wd p):
 * sgd: p = 1 - 0.1 (2 + 0.5) = 0.75.
 * momentum beta 0.5, two steps of g = 2: v = 2.5, p = 0.75; g' = 2 + 0.5 * 0.75 = 2.375,
 *   v = 1.25 + 2.375 = 3.625, p = 0.75 - 0.3625 = 0.3875.
 * adam (beta1 0.5, beta2 0.96, eps 0.5), one step: m^ = 2.5, v^ = 6.25, p = 1 - 0.1 * 2.5 / 3.
 * adamw, same hyperparameters: p = 1 - 0.1 * 0.5 * 1 = 0.95 first, then Adam on the plain g:
 *   m^ = 2, v^ = 4, p = 0.95 - 0.1 * 2 / 2.5 = 0.87.
 */
/* The schedules' rates at hand-computed points: step decay 0.8 * 0.5^floor(t / 3); cosine from
 * 0.1 to 0.02 over 4 steps, cos(pi t / 4) = 1, sqrt(2)/2, 0, -sqrt(2)/2, -1, then held; and the
 * rates reach the update (sgd, gradient 1: p moves by exactly lr each step). */
static void test_schedules(void **state)
{
    (void)state;
    ref_optimizer step = {REF_SGD, 0.8, 0, 0, 0, 0, 0, REF_SCHEDULE_STEP, 3, 0.5, 0, 0};
    const double step_want[] = {0.8, 0.8, 0.8, 0.4, 0.4, 0.4, 0.2, 0.2};
    double got[8];
    for (long t = 0; t < 8; t++)
        got[t] = ref_scheduled_lr(&step, t);
    CHECK_CLOSE("step schedule", got, step_want, 8);
    ref_optimizer cosine = {REF_ADAM, 0.1, 0, 0.9, 0.999, 1e-8, 0, REF_SCHEDULE_COSINE, 0, 0, 4, 0.02};
    const double h = 0.70710678118654752;
    const double cosine_want[] = {0.1, 0.02 + 0.08 * (1 + h) / 2, 0.06, 0.02 + 0.08 * (1 - h) / 2, 0.02, 0.02, 0.02};
    for (long t = 0; t < 7; t++)
        got[t] = ref_scheduled_lr(&cosine, t);
    CHECK_CLOSE("cosine schedule", got, cosine_want, 7);
    ref_optimizer none = {REF_MOMENTUM, 0.3, 0.9, 0, 0, 0, 0, REF_SCHEDULE_NONE, 0, 0, 0, 0};
    assert_true(ref_scheduled_lr(&none, 12345) == 0.3);

    ref_optimizer_state s = {0};
    unsigned char trainable = 1;
    double p = 0, g = 1;
    s.count = 1;
    s.trainable = &trainable;
    for (int t = 0; t < 4; t++)
        ref_optimizer_step(&step, &s, &p, &g);
    const double p_want = -(0.8 + 0.8 + 0.8 + 0.4);
    CHECK_CLOSE("sgd under the step schedule", &p, &p_want, 1);
}

static void test_weight_decay(void **state)
{
    (void)state;
    const double grads[2] = {2, 2};
    ref_optimizer sgd = {REF_SGD, 0.1, 0, 0, 0, 0, 0.5, REF_SCHEDULE_NONE, 0, 0, 0, 0};
    ref_optimizer momentum = {REF_MOMENTUM, 0.1, 0.5, 0, 0, 0, 0.5, REF_SCHEDULE_NONE, 0, 0, 0, 0};
    ref_optimizer adam = {REF_ADAM, 0.1, 0, 0.5, 0.96, 0.5, 0.5, REF_SCHEDULE_NONE, 0, 0, 0, 0};
    ref_optimizer adamw = {REF_ADAMW, 0.1, 0, 0.5, 0.96, 0.5, 0.5, REF_SCHEDULE_NONE, 0, 0, 0, 0};
    double got = optimize(sgd, grads, 1), want = 0.75;
    CHECK_CLOSE("sgd + weight decay", &got, &want, 1);
    got = optimize(momentum, grads, 2);
    want = 0.3875;
    CHECK_CLOSE("momentum + weight decay", &got, &want, 1);
    got = optimize(adam, grads, 1);
    want = 1 - 0.1 * 2.5 / 3;
    CHECK_CLOSE("adam + weight decay", &got, &want, 1);
    got = optimize(adamw, grads, 1);
    want = 0.87;
    CHECK_CLOSE("adamw", &got, &want, 1);
}

/* ref_init on a conv + batchnorm net: W drawn, b 0, gamma 1, beta 0, mean 0, var 1. A weight's
 * draw depends only on its place in the stream, and its scale on the fans, so a conv2d with 1
 * channel, kernel 2x3 and 4 filters (24 weights, fan_in 1 x 6 = 6, fan_out 4 x 6 = 24) draws what
 * a dense 6 -> 4 layer (24 weights, fans 6 and 4) draws, scaled by the xavier ratio
 * sqrt(6 / (6 + 24)) / sqrt(6 / (6 + 4)) = sqrt(10 / 30). */
static void test_init_conv_batchnorm(void **state)
{
    (void)state;
    const int k[2] = {2, 3}, one[2] = {1, 1}, zero[2] = {0, 0};
    ref_layer layers[2] = {conv_layer(REF_CONV2D, 4, k, one, zero, zero, one, 1, 1, REF_RELU),
                           batchnorm_layer(1e-5, 0.1, REF_LINEAR)};
    ref_net net = spatial_net(layers, 2, 2, 1, 2, 3, REF_MSE, 2);
    ref_layer dense[1] = {dense_layer(4, REF_RELU)};
    ref_net flat = net_of(dense, 1, 6, REF_MSE, 2);
    net.dtype = flat.dtype = REF_DOUBLE;
    double params[44], flat_params[28];
    assert_int_equal(ref_param_count(&net), 24 + 4 + 16);
    ref_init(&net, 7, params);
    ref_init(&flat, 7, flat_params);
    for (int i = 0; i < 24; i++) {
        double want = flat_params[i] * sqrt(10.0 / 30.0);
        CHECK_CLOSE("conv W", &params[i], &want, 1);
    }
    const double want_rest[20] = {0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1};
    CHECK_CLOSE("b, gamma, beta, mean, var", params + 24, want_rest, 20);
}

/* Everything the gradient checks need for one net. */
typedef struct {
    double *params, *X, *Y, *grad, *dX, *fd, *fd_x;
    unsigned char *skip, *skip_x;
} fd_work;

static double *doubles(size_t count)
{
    double *p = test_malloc((count ? count : 1) * sizeof *p);
    memset(p, 0, (count ? count : 1) * sizeof *p);
    return p;
}

/*
 * The engine's analytic gradient (parameters and input) against central differences of its own
 * cost, with testlib's TOL_FD: the differences have truncation error ~h^2/6 |J'''| and rounding
 * error ~eps |J| / h, about 1e-11 here, far inside FD_RTOL = 1e-6 of the tensor's scale, while a
 * wrong derivative is off by O(1). The scale comes from the differences only, and a net whose
 * differences are all ~0 fails (check_gradient_fd, and the same guard for the input), so an
 * all-zero gradient cannot pass. Parameters or inputs whose differences straddle a relu kink or a
 * max window's choice are left out (at most a tenth of them may be).
 */
static int gradient_check(const ref_net *net, uint64_t seed)
{
    size_t count = ref_param_count(net), inputs = (size_t)ref_width(net, 0) * (size_t)net->batch;
    size_t outputs = (size_t)ref_width(net, net->layers) * (size_t)net->batch;
    fd_work w = {doubles(count), doubles(inputs), doubles(outputs), doubles(count), doubles(inputs),
                 doubles(count), doubles(inputs), test_malloc(count + 1), test_malloc(inputs + 1)};
    test_rng rng;
    rng_seed(&rng, seed);
    fill_params(&rng, net, w.params);
    fill_uniform(&rng, w.X, inputs, -1, 1);
    fill_targets(&rng, net, w.Y);
    ref_cache *cache = ref_cache_new(net);
    ref_forward(net, w.params, w.X, cache);
    ref_backward_input(net, w.params, cache, w.Y, w.grad, w.dX);
    ref_cache_free(net, cache);
    for (size_t k = 0; k < count; k++) {
        int crossed;
        w.fd[k] = ref_central_difference(net, w.params, k, w.X, w.Y, &crossed);
        w.skip[k] = (unsigned char)crossed;
    }
    size_t usable = 0;
    for (size_t k = 0; k < inputs; k++) {
        int crossed;
        w.fd_x[k] = ref_central_difference_input(net, w.params, w.X, k, w.Y, &crossed);
        w.skip_x[k] = (unsigned char)crossed;
        usable += !crossed;
    }
    int ok = count == 0 || check_gradient_fd(net, "ref d", w.grad, w.fd, w.skip, count);
    double scale = 0;
    for (size_t k = 0; k < inputs; k++)
        if (!w.skip_x[k])
            scale = fmax(scale, fabs(w.fd_x[k]));
    if (10 * usable < 9 * inputs || !(scale > FD_MIN_SCALE)) {
        printf("    %s: dX: %zu of %zu differences usable, largest %g: nothing to check against\n",
               net->name, usable, inputs, scale);
        ok = 0;
    } else {
        tolerance tol = {FD_RTOL, 1.0, FD_GLOBAL_ATOL * scale};
        ok &= check_close_masked("ref dX", w.dX, w.fd_x, w.skip_x, inputs, tol);
    }
    if (!ok)
        printf("    (net %s)\n", net->name);
    double *all[] = {w.params, w.X, w.Y, w.grad, w.dX, w.fd, w.fd_x};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        test_free(all[i]);
    test_free(w.skip);
    test_free(w.skip_x);
    return ok;
}

/*
 * Gradient checks on small hand-made nets covering every choice: conv1d with padding 1 and
 * stride 2, "same" with dilation 2 (2 before, 2 after) and with k 2 (0 before, 1 after), groups 2,
 * depthwise, no bias; conv2d with {h, w} kernel / stride / padding / dilation all different, valid
 * padding, depthwise; every pool with stride = and != kernel; global_avgpool; batchnorm over a
 * spatial and a flat input with an activation, and as a softmax output; flatten; dense on a
 * spatial input.
 */
static void test_gradients_hand_nets(void **state)
{
    (void)state;
    const int k23[2] = {2, 3}, s21[2] = {2, 1}, p10[2] = {1, 0}, d12[2] = {1, 2}, one[2] = {1, 1};
    const int zero[2] = {0, 0}, k22[2] = {2, 2}, p01[2] = {0, 1};
    ref_layer a[4] = {conv1d(3, 3, 2, 1, 1, 1, 1, 1, REF_TANH), conv1d(3, 3, 1, 2, 2, 2, 3, 0, REF_LEAKY_RELU),
                      plain_layer(REF_FLATTEN), dense_layer(2, REF_SIGMOID)};
    ref_layer b[5] = {conv1d(4, 2, 1, 0, 1, 1, 2, 1, REF_SIGMOID), pool_layer(REF_MAXPOOL1D, 1, 2, 1, 1),
                      batchnorm_layer(1e-3, 0.1, REF_TANH), pool_layer(REF_AVGPOOL1D, 1, 2, 1, 2),
                      dense_layer(3, REF_SOFTMAX)};
    ref_layer c[4] = {conv_layer(REF_CONV2D, 4, k23, s21, p10, p10, d12, 2, 1, REF_RELU),
                      conv_layer(REF_CONV2D, 4, k22, one, zero, p01, one, 4, 0, REF_TANH),
                      plain_layer(REF_GLOBAL_AVGPOOL), dense_layer(2, REF_LINEAR)};
    ref_layer d[6] = {conv_layer(REF_CONV2D, 3, one, one, zero, zero, one, 1, 1, REF_LINEAR),
                      pool_layer(REF_MAXPOOL2D, 2, 2, 1, 1), pool_layer(REF_AVGPOOL2D, 1, 2, 1, 1),
                      batchnorm_layer(1e-5, 0.1, REF_SIGMOID), dense_layer(3, REF_RELU),
                      batchnorm_layer(0.1, 0.3, REF_SOFTMAX)};
    ref_layer e[3] = {dense_layer(4, REF_TANH), batchnorm_layer(1e-3, 0.1, REF_LEAKY_RELU),
                      dense_layer(2, REF_LINEAR)};
    ref_net nets[5] = {spatial_net(a, 4, 1, 2, 1, 8, REF_BCE, 3), spatial_net(b, 5, 1, 2, 1, 7, REF_CE, 3),
                       spatial_net(c, 4, 2, 2, 5, 6, REF_MSE, 2), spatial_net(d, 6, 2, 2, 4, 4, REF_CE, 4),
                       net_of(e, 3, 3, REF_MSE, 4)};
    const char *names[5] = {"conv1d pad/stride/dilation/depthwise", "conv1d groups + pools + bn",
                            "conv2d per-dimension + depthwise + gap", "conv2d pools + bn + bn softmax",
                            "flat batchnorm"};
    int all_ok = 1;
    for (int i = 0; i < 5; i++) {
        nets[i].name = names[i];
        all_ok &= gradient_check(&nets[i], 0x9e37u + (uint64_t)i);
    }
    assert_true(all_ok);
}

/* The guard: a backward that returned all zeros would be caught. The check compares against the
 * differences, whose scale is not 0 here; a zero gradient is off by that scale. */
static void test_gradient_check_rejects_zero(void **state)
{
    (void)state;
    ref_layer layers[1] = {conv1d(2, 2, 1, 0, 0, 1, 1, 1, REF_LINEAR)};
    ref_net net = spatial_net(layers, 1, 1, 1, 1, 3, REF_MSE, 2);
    double params[6] = {0.5, -0.25, 1, 0.75, 0.1, -0.2}, X[6] = {1, -1, 0.5, 2, -0.5, 0.25};
    double Y[8] = {0}, zero[6] = {0}, fd[6];
    unsigned char skip[6] = {0};
    for (size_t k = 0; k < 6; k++) {
        int crossed;
        fd[k] = ref_central_difference(&net, params, k, X, Y, &crossed);
    }
    printf("    (a failure report is expected next)\n");
    assert_false(check_gradient_fd(&net, "zero", zero, fd, skip, 6));
}

/* ---------------------------------------------------------------------------------------------
 * The conv family of tests/cases.lua (whose generated models the suite also runs): the engine itself. */

/* Case i's tensor table (cases.lua's own layout arithmetic) agrees with the engine's offsets. */
static void test_conv_case_layouts(void **state)
{
    (void)state;
    assert_true(ref_conv_case_count > 0);
    for (int i = 0; i < ref_conv_case_count; i++) {
        if (!ref_conv_case_layout_ok[i]()) {
            printf("    %s: the case header's tensor table disagrees with the engine\n",
                   ref_conv_cases[i]->name);
            fail();
        }
    }
}

/* Every random conv case: FD gradient check of the reference engine itself (parameters and
 * input), and predict (one sample, inference mode) against the batch's inference-mode forward. */
static void test_conv_case_gradients(void **state)
{
    (void)state;
    int all_ok = 1;
    for (int i = 0; i < ref_conv_case_count; i++) {
        const ref_net *net = ref_conv_cases[i];
        all_ok &= gradient_check(net, 0xc0de + (uint64_t)i);
        size_t count = ref_param_count(net), n0 = (size_t)ref_width(net, 0);
        size_t nL = (size_t)ref_width(net, net->layers), m = (size_t)net->batch;
        double *params = doubles(count), *X = doubles(n0 * m), *x = doubles(n0), *y = doubles(nL);
        test_rng rng;
        rng_seed(&rng, 0xfeed + (uint64_t)i);
        fill_params(&rng, net, params);
        fill_uniform(&rng, X, n0 * m, -1, 1);
        ref_cache *cache = ref_cache_new(net);
        ref_forward_inference(net, params, X, cache);
        for (size_t j = 0; j < m; j++) {
            double want[64];
            assert_true(nL <= 64);
            for (size_t f = 0; f < n0; f++)
                x[f] = X[f * m + j];
            ref_predict(net, params, x, y);
            for (size_t f = 0; f < nL; f++)
                want[f] = ref_output(net, cache)[f * m + j];
            all_ok &= check_close("predict vs inference column", y, want, nL, exact);
        }
        ref_cache_free(net, cache);
        test_free(params);
        test_free(X);
        test_free(x);
        test_free(y);
    }
    assert_true(all_ok);
}

int ref_conv_case_tests(void);

int ref_conv_case_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conv_case_layouts),
        cmocka_unit_test(test_conv_case_gradients),
    };
    return cmocka_run_group_tests_name("every random conv case: the reference engine itself", tests,
                                       NULL, NULL);
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
        cmocka_unit_test(test_conv_shapes_and_layout),
        cmocka_unit_test(test_conv_1x1_is_dense),
        cmocka_unit_test(test_conv_hand_values),
        cmocka_unit_test(test_pools),
        cmocka_unit_test(test_global_avgpool),
        cmocka_unit_test(test_batchnorm_normalizes),
        cmocka_unit_test(test_batchnorm_running_stats),
        cmocka_unit_test(test_weight_decay),
        cmocka_unit_test(test_schedules),
        cmocka_unit_test(test_init_conv_batchnorm),
        cmocka_unit_test(test_gradients_hand_nets),
        cmocka_unit_test(test_gradient_check_rejects_zero),
    };
    return cmocka_run_group_tests_name("reference engine", tests, NULL, NULL);
}
