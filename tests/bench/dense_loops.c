/* The dense peers' shared loops (dense_loops.h). */
#include "dense_loops.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "harness.h"

/* Every activation buffer has this many bytes more than it holds: XNNPACK's kernels may read up
 * to XNN_EXTRA_BYTES (16) past the end of an input. */
#define SLACK_BYTES 64

static float *alloc_layer(int n, int m)
{
    return bench_alloc((size_t)n * (size_t)m * sizeof(float) + SLACK_BYTES);
}

/* Where unit i of sample j of an n x m layer lies: i * unit_stride + j * sample_stride(n). */
static long unit_stride(const dense_state *s)
{
    return s->layout == DENSE_BATCH_CONTIGUOUS ? s->net->batch : 1;
}

static long sample_stride(const dense_state *s, int n)
{
    return s->layout == DENSE_BATCH_CONTIGUOUS ? 1 : n;
}

/* Copies an n x m matrix from the contract's layout into s's. */
static float *copy_in(const dense_state *s, const float *from, int n)
{
    int m = s->net->batch;
    float *to = alloc_layer(n, m);
    long us = unit_stride(s), ss = sample_stride(s, n);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < m; j++)
            to[i * us + j * ss] = from[(long)i * m + j];
    return to;
}

dense_state *dense_create(const bench_net *net, dense_layout layout, const float *params,
                          const float *X, const float *Y)
{
    dense_state *s = bench_alloc(sizeof *s);
    int m = net->batch, nL = net->units[net->layers - 1];
    s->net = net;
    s->layout = layout;
    s->count = bench_param_count(net);
    s->params = bench_alloc((size_t)s->count * sizeof(float));
    dense_set_params(s, params);
    s->A[0] = copy_in(s, X, net->input);
    s->Y = copy_in(s, Y, nL);
    for (int l = 1; l <= net->layers; l++) {
        s->A[l] = alloc_layer(bench_width(net, l), m);
        s->dZ[l] = alloc_layer(bench_width(net, l), m);
    }
    s->Z_last = alloc_layer(nL, m);
    s->col_max = bench_alloc((size_t)m * sizeof(float));
    s->col_sum = bench_alloc((size_t)m * sizeof(float));
    s->col_y = bench_alloc((size_t)m * sizeof(float));
    return s;
}

void dense_destroy(dense_state *s)
{
    for (int l = 0; l <= s->net->layers; l++) {
        free(s->A[l]);
        free(s->dZ[l]);
    }
    free(s->params);
    free(s->Y);
    free(s->Z_last);
    free(s->col_max);
    free(s->col_sum);
    free(s->col_y);
    free(s);
}

void dense_set_params(dense_state *s, const float *params)
{
    memcpy(s->params, params, (size_t)s->count * sizeof(float));
}

void dense_get_params(const dense_state *s, double *out)
{
    for (long k = 0; k < s->count; k++)
        out[k] = (double)s->params[k];
}

float *dense_W(dense_state *s, int l)
{
    return s->params + bench_weight_offset(s->net, l);
}

float *dense_b(dense_state *s, int l)
{
    return s->params + bench_bias_offset(s->net, l);
}

static float sigmoidf(float z)
{
    return 1.0f / (1.0f + expf(-z));
}

static void require_batch_contiguous(const dense_state *s, const char *what)
{
    if (s->layout != DENSE_BATCH_CONTIGUOUS)
        bench_die("%s is written for the batch-contiguous layout only", what);
}

void dense_hidden_activation(dense_state *s, int l)
{
    require_batch_contiguous(s, "dense_hidden_activation");
    int rows = bench_width(s->net, l), m = s->net->batch;
    const float *bias = dense_b(s, l);
    bench_act g = s->net->act[l - 1];
    for (int i = 0; i < rows; i++) {
        float *row = s->A[l] + (size_t)i * (size_t)m;
        const float bi = bias[i];
        if (g == BENCH_RELU) {
            for (int j = 0; j < m; j++)
                row[j] = row[j] + bi > 0.0f ? row[j] + bi : 0.0f;
        } else if (g == BENCH_SIGMOID) {
            for (int j = 0; j < m; j++)
                row[j] = sigmoidf(row[j] + bi);
        } else {
            for (int j = 0; j < m; j++)
                row[j] += bi;
        }
    }
}

void dense_output_bias(dense_state *s)
{
    int L = s->net->layers, rows = bench_width(s->net, L), m = s->net->batch;
    long us = unit_stride(s), ss = sample_stride(s, rows);
    const float *bias = dense_b(s, L);
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < m; j++)
            s->Z_last[i * us + j * ss] += bias[i];
}

/* Softmax of every sample's column of Z_last into A[L]. */
static void softmax_columns(dense_state *s, int rows)
{
    int m = s->net->batch;
    long us = unit_stride(s), ss = sample_stride(s, rows);
    const float *z = s->Z_last;
    float *a = s->A[s->net->layers], *top = s->col_max, *sum = s->col_sum;
    for (int j = 0; j < m; j++)
        top[j] = z[j * ss];
    for (int i = 1; i < rows; i++)
        for (int j = 0; j < m; j++)
            top[j] = z[i * us + j * ss] > top[j] ? z[i * us + j * ss] : top[j];
    memset(sum, 0, (size_t)m * sizeof *sum);
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < m; j++) {
            a[i * us + j * ss] = expf(z[i * us + j * ss] - top[j]);
            sum[j] += a[i * us + j * ss];
        }
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < m; j++)
            a[i * us + j * ss] /= sum[j];
}

void dense_output_activation(dense_state *s)
{
    int L = s->net->layers, rows = bench_width(s->net, L), n = rows * s->net->batch;
    const float *z = s->Z_last;
    float *a = s->A[L];
    switch (s->net->act[L - 1]) {
    case BENCH_SOFTMAX:
        softmax_columns(s, rows);
        break;
    case BENCH_SIGMOID:
        for (int k = 0; k < n; k++)
            a[k] = sigmoidf(z[k]);
        break;
    case BENCH_RELU:
        for (int k = 0; k < n; k++)
            a[k] = z[k] > 0.0f ? z[k] : 0.0f;
        break;
    case BENCH_LINEAR:
        memcpy(a, z, (size_t)n * sizeof *a);
        break;
    }
}

double dense_cost(const dense_state *s)
{
    const bench_net *net = s->net;
    int m = net->batch, rows = net->units[net->layers - 1];
    long us = unit_stride(s), ss = sample_stride(s, rows);
    const float *z = s->Z_last, *a = s->A[net->layers], *y = s->Y;
    float total = 0.0f;
    switch (net->loss) {
    case BENCH_BCE:
        for (int k = 0; k < rows * m; k++)
            total += (z[k] > 0.0f ? z[k] : 0.0f) - y[k] * z[k] + log1pf(expf(-fabsf(z[k])));
        break;
    case BENCH_MSE:
        for (int k = 0; k < rows * m; k++)
            total += (a[k] - y[k]) * (a[k] - y[k]);
        break;
    case BENCH_CE: /* sum_j [ (sum_i y_ij) lse_j - sum_i y_ij z_ij ], lse_j from softmax */
        for (int j = 0; j < m; j++) {
            float lse = s->col_max[j] + logf(s->col_sum[j]), y_sum = 0.0f, yz = 0.0f;
            for (int i = 0; i < rows; i++) {
                y_sum += y[i * us + j * ss];
                yz += y[i * us + j * ss] * z[i * us + j * ss];
            }
            total += y_sum * lse - yz;
        }
        break;
    }
    return (double)(total / (float)m);
}

void dense_output_delta(dense_state *s)
{
    const bench_net *net = s->net;
    int L = net->layers, m = net->batch, rows = net->units[L - 1];
    long us = unit_stride(s), ss = sample_stride(s, rows);
    const float *a = s->A[L], *y = s->Y, *z = s->Z_last;
    float *dz = s->dZ[L];
    const float inv_m = 1.0f / (float)m;
    if (net->loss == BENCH_BCE) {
        for (int k = 0; k < rows * m; k++)
            dz[k] = (a[k] - y[k]) * inv_m;
    } else if (net->loss == BENCH_CE) {
        float *y_sum = s->col_y;
        for (int j = 0; j < m; j++)
            y_sum[j] = y[j * ss];
        for (int i = 1; i < rows; i++)
            for (int j = 0; j < m; j++)
                y_sum[j] += y[i * us + j * ss];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < m; j++)
                dz[i * us + j * ss] = (a[i * us + j * ss] * y_sum[j] - y[i * us + j * ss]) * inv_m;
    } else {
        bench_act g = net->act[L - 1];
        if (g == BENCH_SOFTMAX)
            bench_die("mse after softmax is not part of the benchmark");
        for (int k = 0; k < rows * m; k++) {
            float d = g == BENCH_SIGMOID ? a[k] * (1.0f - a[k])
                      : g == BENCH_RELU  ? (z[k] > 0.0f ? 1.0f : 0.0f)
                                         : 1.0f;
            dz[k] = 2.0f * (a[k] - y[k]) * inv_m * d;
        }
    }
}

void dense_hidden_derivative(dense_state *s, int l)
{
    require_batch_contiguous(s, "dense_hidden_derivative");
    int n = bench_width(s->net, l) * s->net->batch;
    const float *a = s->A[l];
    float *dz = s->dZ[l];
    switch (s->net->act[l - 1]) {
    case BENCH_RELU:
        for (int k = 0; k < n; k++)
            dz[k] = a[k] > 0.0f ? dz[k] : 0.0f;
        break;
    case BENCH_SIGMOID:
        for (int k = 0; k < n; k++)
            dz[k] *= a[k] * (1.0f - a[k]);
        break;
    case BENCH_LINEAR:
        break;
    case BENCH_SOFTMAX:
        bench_die("softmax on a hidden layer");
    }
}

void dense_bias_update(dense_state *s, int l)
{
    int rows = bench_width(s->net, l), m = s->net->batch;
    long us = unit_stride(s), ss = sample_stride(s, rows);
    const float lr = (float)s->net->lr, *dz = s->dZ[l];
    float *bias = dense_b(s, l);
    for (int i = 0; i < rows; i++) {
        float sum = 0.0f;
        for (int j = 0; j < m; j++)
            sum += dz[i * us + j * ss];
        bias[i] -= lr * sum;
    }
}

void dense_sgd(float *p, const float *g, long count, float lr)
{
    for (long k = 0; k < count; k++)
        p[k] -= lr * g[k];
}

/* dense_peer_main's peer: the adapter's functions have no other way to reach it. */
static const dense_peer *running_peer;

static dense_state *state_of(void *self)
{
    return *(dense_state **)self;
}

static void peer_set_params(void *self, const float *params)
{
    dense_set_params(state_of(self), params);
}

static double peer_cost(void *self)
{
    return dense_cost(state_of(self));
}

static double peer_train_step(void *self)
{
    running_peer->forward(self);
    double J = dense_cost(state_of(self));
    running_peer->backward_update(self);
    return J;
}

static void peer_get_params(void *self, double *out)
{
    dense_get_params(state_of(self), out);
}

int dense_peer_main(int argc, char **argv, const dense_peer *peer)
{
    running_peer = peer;
    const bench_adapter generic = {NULL,      peer->create,        peer_set_params,
                                   peer->forward, peer_cost,       peer_train_step,
                                   peer_get_params, peer->destroy};
    return bench_main_all_nets(argc, argv, &generic);
}
