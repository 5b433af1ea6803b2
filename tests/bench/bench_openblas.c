/*
 * The four nets with OpenBLAS: cblas_sgemm for every product, plain loops (which the compiler
 * vectorizes) for bias, activations, cost and deltas. Layout: the contract's, [unit][sample] row
 * major, so the batch is the contiguous dimension; the parameters are used in place.
 *
 * The SGD update is folded into the weight-gradient GEMM, W = W - lr dZ A_prev^T (alpha = -lr,
 * beta = 1), after dA_prev = W^T dZ has used the old W: no gradient buffer, one pass over W.
 * Run it with OPENBLAS_NUM_THREADS=1 (and OPENBLAS_CORETYPE to force a kernel set).
 */
#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

typedef struct {
    const bench_net *net;
    long count;
    float *params;
    float *Y;
    float *A[BENCH_MAX_LAYERS + 1];
    float *dZ[BENCH_MAX_LAYERS + 1];
    float *Z_last;               /* pre-activation of layer L (cost and softmax need it) */
    float *col_max, *col_sum;    /* per sample: softmax's max and sum (the cost reuses them) */
    float *col_y;                /* per sample: the column sum of Y (ce's delta) */
} blas_bench;

static float *W_of(blas_bench *b, int l) { return b->params + bench_weight_offset(b->net, l); }
static float *b_of(blas_bench *b, int l) { return b->params + bench_bias_offset(b->net, l); }

static float sigmoidf(float z)
{
    return 1.0f / (1.0f + expf(-z));
}

static void *create(const bench_net *net, const float *params, const float *X, const float *Y)
{
    blas_bench *b = bench_alloc(sizeof *b);
    int m = net->batch, nL = net->units[net->layers - 1];
    b->net = net;
    b->count = bench_param_count(net);
    b->params = bench_alloc((size_t)b->count * sizeof(float));
    memcpy(b->params, params, (size_t)b->count * sizeof(float));
    float *x = bench_alloc((size_t)net->input * (size_t)m * sizeof(float));
    memcpy(x, X, (size_t)net->input * (size_t)m * sizeof(float));
    b->A[0] = x;
    b->Y = bench_alloc((size_t)nL * (size_t)m * sizeof(float));
    memcpy(b->Y, Y, (size_t)nL * (size_t)m * sizeof(float));
    for (int l = 1; l <= net->layers; l++) {
        size_t size = (size_t)bench_width(net, l) * (size_t)m * sizeof(float);
        b->A[l] = bench_alloc(size);
        b->dZ[l] = bench_alloc(size);
    }
    b->Z_last = bench_alloc((size_t)nL * (size_t)m * sizeof(float));
    b->col_max = bench_alloc((size_t)m * sizeof(float));
    b->col_sum = bench_alloc((size_t)m * sizeof(float));
    b->col_y = bench_alloc((size_t)m * sizeof(float));
    bench_info("OpenBLAS core %s, %d thread(s), config: %s", openblas_get_corename(),
               openblas_get_num_threads(), openblas_get_config());
    return b;
}

static void set_params(void *self, const float *params)
{
    blas_bench *b = self;
    memcpy(b->params, params, (size_t)b->count * sizeof(float));
}

/* Softmax of every column of z (rows x m), vectorized across samples. */
static void softmax_columns(blas_bench *b, const float *z, float *a, int rows, int m)
{
    float *top = b->col_max, *sum = b->col_sum;
    memcpy(top, z, (size_t)m * sizeof *top);
    for (int i = 1; i < rows; i++)
        for (int j = 0; j < m; j++)
            top[j] = z[i * m + j] > top[j] ? z[i * m + j] : top[j];
    memset(sum, 0, (size_t)m * sizeof *sum);
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < m; j++) {
            a[i * m + j] = expf(z[i * m + j] - top[j]);
            sum[j] += a[i * m + j];
        }
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < m; j++)
            a[i * m + j] /= sum[j];
}

/* Hidden layer l: A = g(Z + b) in place, Z being what the GEMM left there. */
static void hidden_activation(blas_bench *b, int l)
{
    int rows = bench_width(b->net, l), m = b->net->batch;
    const float *bias = b_of(b, l);
    bench_act g = b->net->act[l - 1];
    for (int i = 0; i < rows; i++) {
        float *row = b->A[l] + (size_t)i * (size_t)m;
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

/* Layer L: Z_last += b, then A[L] = g(Z_last); the cost and the deltas need both. */
static void output_activation(blas_bench *b)
{
    int L = b->net->layers, rows = bench_width(b->net, L), m = b->net->batch, n = rows * m;
    const float *bias = b_of(b, L);
    float *z = b->Z_last, *a = b->A[L];
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < m; j++)
            z[i * m + j] += bias[i];
    switch (b->net->act[L - 1]) {
    case BENCH_SOFTMAX:
        softmax_columns(b, z, a, rows, m);
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

static void forward(void *self)
{
    blas_bench *b = self;
    const bench_net *net = b->net;
    int m = net->batch, L = net->layers;
    for (int l = 1; l <= L; l++) {
        int rows = bench_width(net, l), cols = bench_width(net, l - 1);
        float *out = l == L ? b->Z_last : b->A[l];
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, m, cols, 1.0f, W_of(b, l),
                    cols, b->A[l - 1], m, 0.0f, out, m);
        if (l < L)
            hidden_activation(b, l);
        else
            output_activation(b);
    }
}

static double cost(void *self)
{
    blas_bench *b = self;
    const bench_net *net = b->net;
    int m = net->batch, rows = net->units[net->layers - 1];
    const float *z = b->Z_last, *a = b->A[net->layers], *y = b->Y;
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
            float lse = b->col_max[j] + logf(b->col_sum[j]), y_sum = 0.0f, yz = 0.0f;
            for (int i = 0; i < rows; i++) {
                y_sum += y[i * m + j];
                yz += y[i * m + j] * z[i * m + j];
            }
            total += y_sum * lse - yz;
        }
        break;
    }
    return (double)(total / (float)m);
}

/* dZ[L] = dJ/dZ[L], with the 1/m of J. */
static void output_delta(blas_bench *b)
{
    const bench_net *net = b->net;
    int L = net->layers, m = net->batch, rows = net->units[L - 1];
    const float *a = b->A[L], *y = b->Y, *z = b->Z_last;
    float *dz = b->dZ[L];
    const float inv_m = 1.0f / (float)m;
    if (net->loss == BENCH_BCE) {
        for (int k = 0; k < rows * m; k++)
            dz[k] = (a[k] - y[k]) * inv_m;
    } else if (net->loss == BENCH_CE) {
        float *y_sum = b->col_y;
        memcpy(y_sum, y, (size_t)m * sizeof *y_sum);
        for (int i = 1; i < rows; i++)
            for (int j = 0; j < m; j++)
                y_sum[j] += y[i * m + j];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < m; j++)
                dz[i * m + j] = (a[i * m + j] * y_sum[j] - y[i * m + j]) * inv_m;
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

/* dZ *= g'(Z) of hidden layer l, from A: relu' = A > 0, sigmoid' = A (1 - A). */
static void hidden_derivative(blas_bench *b, int l)
{
    int n = bench_width(b->net, l) * b->net->batch;
    const float *a = b->A[l];
    float *dz = b->dZ[l];
    switch (b->net->act[l - 1]) {
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

static void backward_update(blas_bench *b)
{
    const bench_net *net = b->net;
    int m = net->batch;
    const float lr = (float)net->lr;
    output_delta(b);
    for (int l = net->layers; l >= 1; l--) {
        int rows = bench_width(net, l), cols = bench_width(net, l - 1);
        float *W = W_of(b, l), *bias = b_of(b, l);
        const float *dz = b->dZ[l];
        if (l > 1) {
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, cols, m, rows, 1.0f, W, cols,
                        dz, m, 0.0f, b->dZ[l - 1], m);
            hidden_derivative(b, l - 1);
        }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, cols, m, -lr, dz, m,
                    b->A[l - 1], m, 1.0f, W, cols);
        for (int i = 0; i < rows; i++) {
            float sum = 0.0f;
            for (int j = 0; j < m; j++)
                sum += dz[i * m + j];
            bias[i] -= lr * sum;
        }
    }
}

static double train_step(void *self)
{
    forward(self);
    double J = cost(self);
    backward_update(self);
    return J;
}

static void get_params(void *self, double *out)
{
    blas_bench *b = self;
    for (long k = 0; k < b->count; k++)
        out[k] = (double)b->params[k];
}

static void destroy(void *self)
{
    blas_bench *b = self;
    for (int l = 0; l <= b->net->layers; l++) {
        free(b->A[l]);
        free(b->dZ[l]);
    }
    free(b->params);
    free(b->Y);
    free(b->Z_last);
    free(b->col_max);
    free(b->col_sum);
    free(b->col_y);
    free(b);
}

int main(int argc, char **argv)
{
    const bench_adapter generic = {NULL, create, set_params, forward, cost,
                                   train_step, get_params, destroy};
    return bench_main_all_nets(argc, argv, &generic);
}
