/*
 * The four nets with OpenBLAS: cblas_sgemm for every product, the shared plain loops
 * (dense_loops.c) for bias, activations, cost and deltas. Layout: the contract's, [unit][sample]
 * row major, so the batch is the contiguous dimension; the parameters are used in place.
 *
 * The SGD update is folded into the weight-gradient GEMM, W = W - lr dZ A_prev^T (alpha = -lr,
 * beta = 1), after dA_prev = W^T dZ has used the old W: no gradient buffer, one pass over W.
 * Run it with OPENBLAS_NUM_THREADS=1 (and OPENBLAS_CORETYPE to force a kernel set).
 */
#include <cblas.h>
#include <stdlib.h>

#include "dense_loops.h"
#include "harness.h"

typedef struct {
    dense_state *s; /* all of it: the products need nothing the shared loops do not hold */
} blas_bench;

static void *create(const bench_net *net, const float *params, const float *X, const float *Y)
{
    blas_bench *b = bench_alloc(sizeof *b);
    b->s = dense_create(net, DENSE_BATCH_CONTIGUOUS, params, X, Y);
    bench_info("OpenBLAS core %s, %d thread(s), config: %s", openblas_get_corename(),
               openblas_get_num_threads(), openblas_get_config());
    return b;
}

static void forward(void *self)
{
    dense_state *s = ((blas_bench *)self)->s;
    const bench_net *net = s->net;
    int m = net->batch, L = net->layers;
    for (int l = 1; l <= L; l++) {
        int rows = bench_width(net, l), cols = bench_width(net, l - 1);
        float *out = l == L ? s->Z_last : s->A[l];
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, m, cols, 1.0f, dense_W(s, l),
                    cols, s->A[l - 1], m, 0.0f, out, m);
        if (l < L)
            dense_hidden_activation(s, l);
    }
    dense_output_bias(s);
    dense_output_activation(s);
}

static void backward_update(void *self)
{
    dense_state *s = ((blas_bench *)self)->s;
    const bench_net *net = s->net;
    int m = net->batch;
    const float lr = (float)net->lr;
    dense_output_delta(s);
    for (int l = net->layers; l >= 1; l--) {
        int rows = bench_width(net, l), cols = bench_width(net, l - 1);
        float *W = dense_W(s, l);
        const float *dz = s->dZ[l];
        if (l > 1) {
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, cols, m, rows, 1.0f, W, cols,
                        dz, m, 0.0f, s->dZ[l - 1], m);
            dense_hidden_derivative(s, l - 1);
        }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, cols, m, -lr, dz, m,
                    s->A[l - 1], m, 1.0f, W, cols);
        dense_bias_update(s, l);
    }
}

static void destroy(void *self)
{
    dense_destroy(((blas_bench *)self)->s);
    free(self);
}

int main(int argc, char **argv)
{
    const dense_peer peer = {create, forward, backward_update, destroy};
    return dense_peer_main(argc, argv, &peer);
}
