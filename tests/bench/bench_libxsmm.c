/*
 * The four nets with LIBXSMM 1.17: every product is a small-matrix kernel that LIBXSMM
 * JIT-generates for its exact shape (libxsmm_smmdispatch), dispatched once in create, so that the
 * timed code only calls the kernels; bias, activations, cost, deltas and the sgd update are the
 * shared plain loops (dense_loops.c). One thread: the kernels run in the calling thread.
 *
 * Layout: the contract's, [unit][sample] row major (= LIBXSMM's column major m x n), parameters
 * in place. LIBXSMM 1.17's JIT takes alpha = 1, beta in {0, 1} and transposes B only, so:
 *   forward      Z^T  (m x n_l)      = A_prev^T (m x n_{l-1}) W^T (n_{l-1} x n_l)      NN
 *   dA_prev      dA^T (m x n_{l-1})  = dZ^T (m x n_l) W (n_l x n_{l-1})                NT
 *   dW           dW^T (n_{l-1} x n_l) = A_prev (n_{l-1} x m) dZ^T (m x n_l)            NN
 * the last one reading A_prev sample-major: X's transpose is made once in create (X does not
 * change), the hidden activations' by libxsmm_otrans in the train step. dW goes to a gradient
 * buffer (beta = 0, alpha cannot be -lr) and the update is W -= lr dW.
 */
#include <libxsmm.h>

#include <stdio.h>
#include <stdlib.h>

#include "dense_loops.h"
#include "harness.h"

typedef struct {
    dense_state *s; /* first: dense_peer_main's functions find it there */
    libxsmm_smmfunction forward_mm[BENCH_MAX_LAYERS + 1];
    libxsmm_smmfunction data_mm[BENCH_MAX_LAYERS + 1];    /* dA_prev, layers 2..L */
    libxsmm_smmfunction weight_mm[BENCH_MAX_LAYERS + 1];
    float *A_t[BENCH_MAX_LAYERS + 1];                     /* A[l] sample-major, l < L */
    float *dW;                                            /* the largest layer's */
} xsmm_bench;

/* Which kernels create dispatched, for the info line: "fwd1 32x128x784 2.1 KB, ...". */
typedef struct {
    char text[1024];
    size_t used;
} kernel_list;

static libxsmm_smmfunction dispatch(const char *net, kernel_list *list, const char *what, int l,
                                    int M, int N, int K, int lda, int ldb, int flags)
{
    const libxsmm_blasint m = M, n = N, k = K, a = lda, b = ldb, c = M;
    const float alpha = 1.0f, beta = 0.0f;
    const int prefetch = LIBXSMM_PREFETCH_NONE;
    libxsmm_smmfunction kernel =
        libxsmm_smmdispatch(m, n, k, &a, &b, &c, &alpha, &beta, &flags, &prefetch);
    if (!kernel)
        bench_die("%s: LIBXSMM did not generate the %s%d kernel %d x %d x %d", net, what, l, M, N,
                  K);
    /* What LIBXSMM's registry says it generated: the shape must be the one asked for. */
    libxsmm_mmkernel_info shape;
    libxsmm_kernel_info code;
    union { /* libxsmm_get_kernel_info takes the kernel's code address as a data pointer */
        libxsmm_xmmfunction function;
        const void *code;
    } x;
    x.function.smm = kernel;
    if (libxsmm_get_mmkernel_info(x.function, &shape) != EXIT_SUCCESS ||
        libxsmm_get_kernel_info(x.code, &code) != EXIT_SUCCESS ||
        shape.m != (unsigned)M || shape.n != (unsigned)N || shape.k != (unsigned)K)
        bench_die("%s: LIBXSMM's %s%d kernel is not %d x %d x %d", net, what, l, M, N, K);
    if (list->used < sizeof list->text)
        list->used += (size_t)snprintf(list->text + list->used, sizeof list->text - list->used,
                                       "%s%s%d %ux%ux%u%s %zu B", list->used ? ", " : "", what, l,
                                       shape.m, shape.n, shape.k,
                                       shape.flags & LIBXSMM_GEMM_FLAG_TRANS_B ? " (B^T)" : "",
                                       code.code_size);
    return kernel;
}

static void *create(const bench_net *net, const float *params, const float *X, const float *Y)
{
    xsmm_bench *b = bench_alloc(sizeof *b);
    dense_state *s = b->s = dense_create(net, DENSE_BATCH_CONTIGUOUS, params, X, Y);
    int m = net->batch, L = net->layers;
    long largest = 0;
    kernel_list kernels = {"", 0};
    libxsmm_init();
    for (int l = 1; l <= L; l++) {
        int n_out = bench_width(net, l), n_in = bench_width(net, l - 1);
        b->forward_mm[l] = dispatch(net->name, &kernels, "fwd", l, m, n_out, n_in, m, n_in,
                                    LIBXSMM_GEMM_FLAG_NONE);
        if (l > 1)
            b->data_mm[l] = dispatch(net->name, &kernels, "bwd_data", l, m, n_in, n_out, m, n_in,
                                     LIBXSMM_GEMM_FLAG_TRANS_B);
        b->weight_mm[l] = dispatch(net->name, &kernels, "bwd_weights", l, n_in, n_out, m, n_in,
                                   m, LIBXSMM_GEMM_FLAG_NONE);
        b->A_t[l - 1] = bench_alloc((size_t)n_in * (size_t)m * sizeof(float));
        if ((long)n_in * n_out > largest)
            largest = (long)n_in * n_out;
    }
    b->dW = bench_alloc((size_t)largest * sizeof(float));
    libxsmm_otrans(b->A_t[0], s->A[0], sizeof(float), m, net->input, m, net->input);
    bench_info("LIBXSMM %d.%d.%d, JIT target %s, 1 thread (the caller's)", LIBXSMM_VERSION_MAJOR,
               LIBXSMM_VERSION_MINOR, LIBXSMM_VERSION_UPDATE, libxsmm_get_target_arch());
    bench_info("%s: JIT kernels (M x N x K, column major, code size): %s", net->name,
               kernels.text);
    return b;
}

static void forward(void *self)
{
    xsmm_bench *b = self;
    dense_state *s = b->s;
    int L = s->net->layers;
    for (int l = 1; l <= L; l++) {
        b->forward_mm[l](s->A[l - 1], dense_W(s, l), l == L ? s->Z_last : s->A[l]);
        if (l < L)
            dense_hidden_activation(s, l);
    }
    dense_output_bias(s);
    dense_output_activation(s);
}

static void backward_update(void *self)
{
    xsmm_bench *b = self;
    dense_state *s = b->s;
    const bench_net *net = s->net;
    int m = net->batch;
    const float lr = (float)net->lr;
    dense_output_delta(s);
    for (int l = net->layers; l >= 1; l--) {
        int n_out = bench_width(net, l), n_in = bench_width(net, l - 1);
        float *W = dense_W(s, l);
        if (l > 1) {
            b->data_mm[l](s->dZ[l], W, s->dZ[l - 1]);
            libxsmm_otrans(b->A_t[l - 1], s->A[l - 1], sizeof(float), m, n_in, m, n_in);
        }
        b->weight_mm[l](b->A_t[l - 1], s->dZ[l], b->dW);
        dense_sgd(W, b->dW, (long)n_out * n_in, lr);
        dense_bias_update(s, l);
        if (l > 1)
            dense_hidden_derivative(s, l - 1);
    }
}

static void destroy(void *self)
{
    xsmm_bench *b = self;
    for (int l = 0; l < b->s->net->layers; l++)
        free(b->A_t[l]);
    free(b->dW);
    dense_destroy(b->s);
    free(b);
}

int main(int argc, char **argv)
{
    const dense_peer peer = {create, forward, backward_update, destroy};
    return dense_peer_main(argc, argv, &peer);
}
