/*
 * The plain loops the C dense peers share (OpenBLAS, LIBXSMM, oneDNN, XNNPACK): everything but the
 * matrix products, so that the peers differ only in the library each one measures. The loops are
 * written so that the compiler vectorizes them.
 *
 * Activations are stored in one of two layouts, chosen by the peer when it creates its buffers:
 * - DENSE_BATCH_CONTIGUOUS: the contract's, [unit][sample] row major (OpenBLAS, LIBXSMM);
 * - DENSE_SAMPLE_CONTIGUOUS: [sample][unit] row major, the "nc" layout of oneDNN's and XNNPACK's
 *   fully-connected operators (X and Y are transposed once, in dense_create).
 * The parameters are always the contract's (W[l] row major n[l] x n[l-1], then b[l]).
 */
#ifndef GRADC_BENCH_DENSE_LOOPS_H
#define GRADC_BENCH_DENSE_LOOPS_H

#include "nets.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { DENSE_BATCH_CONTIGUOUS, DENSE_SAMPLE_CONTIGUOUS } dense_layout;

typedef struct {
    const bench_net *net;
    dense_layout layout;
    long count;                  /* parameters */
    float *params;               /* the contract's flat parameters, updated in place */
    float *Y;
    float *A[BENCH_MAX_LAYERS + 1];  /* A[0] = X */
    float *dZ[BENCH_MAX_LAYERS + 1]; /* dJ/dZ[l]; dJ/dA[l] before the hidden derivative */
    float *Z_last;               /* pre-activation of layer L (cost and deltas need it) */
    float *col_max, *col_sum;    /* per sample: softmax's max and sum (the cost reuses them) */
    float *col_y;                /* per sample: the sum of Y over the classes (ce's delta) */
} dense_state;

dense_state *dense_create(const bench_net *net, dense_layout layout, const float *params,
                          const float *X, const float *Y);
void dense_destroy(dense_state *s);
void dense_set_params(dense_state *s, const float *params);
void dense_get_params(const dense_state *s, double *out);

float *dense_W(dense_state *s, int l);
float *dense_b(dense_state *s, int l);

/* Hidden layer l, batch-contiguous only: A[l] = g(A[l] + b[l]) in place. */
void dense_hidden_activation(dense_state *s, int l);
/* Z_last += b[L] (for peers whose product does not add the bias). */
void dense_output_bias(dense_state *s);
/* A[L] = g(Z_last): softmax, sigmoid, relu or a copy. */
void dense_output_activation(dense_state *s);
/* J of the last forward (needs Z_last, A[L] and the softmax's column max and sum). */
double dense_cost(const dense_state *s);
/* dZ[L] = dJ/dZ[L], with the 1/m of J. */
void dense_output_delta(dense_state *s);
/* Hidden layer l, batch-contiguous only: dZ[l] *= g'(Z[l]), from A[l]. */
void dense_hidden_derivative(dense_state *s, int l);
/* b[l] -= lr sum over the samples of dZ[l]. */
void dense_bias_update(dense_state *s, int l);
/* p -= lr g over count floats: the sgd step for a gradient the library wrote. */
void dense_sgd(float *p, const float *g, long count, float lr);

/* A peer whose train step is its forward, dense_cost and its backward_update: dense_peer_main
 * makes its bench_adapter (set_params, cost, train_step and get_params from these loops) and runs
 * the harness on every net. Its self must start with its dense_state pointer. */
typedef struct {
    void *(*create)(const bench_net *net, const float *params, const float *X, const float *Y);
    void (*forward)(void *self);
    void (*backward_update)(void *self);
    void (*destroy)(void *self);
} dense_peer;

int dense_peer_main(int argc, char **argv, const dense_peer *peer);

#ifdef __cplusplus
}
#endif

#endif
