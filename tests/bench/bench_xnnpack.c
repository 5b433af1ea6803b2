/*
 * The four nets with XNNPACK's operator API (Debian's libxnnpack 0.0~git20220216), inference
 * only: forward is one fully-connected operator per layer (the bias added and a hidden relu
 * clamped by the operator itself), a sigmoid operator after a sigmoid layer and a softmax
 * operator after mlp's output layer. XNNPACK has no training: the train step is left out ("-").
 *
 * Every operator is created (which packs the weights) and set up once, in create, on buffers in
 * XNNPACK's "nc" layout ([sample][unit], dense_loops.h's DENSE_SAMPLE_CONTIGUOUS), so the timed
 * forward is only the xnn_run_operator calls; the threadpool is NULL, which runs every operator
 * in the calling thread. The correctness gate gets J of that forward: cost recomputes the output
 * activation from XNNPACK's pre-activations with the shared loops (which J needs: the softmax's
 * max and sum, bce's logits), and returns NaN, failing the gate, if XNNPACK's own sigmoid or
 * softmax outputs differ from those by more than OUTPUT_TOLERANCE.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <xnnpack.h>

#include "dense_loops.h"
#include "harness.h"

#define OUTPUT_TOLERANCE 1e-5 /* absolute, on sigmoid and softmax outputs (in [0, 1]) */
#define MAX_OPERATORS (2 * BENCH_MAX_LAYERS)

typedef struct {
    dense_state *s;
    float *packed_from;      /* the parameters the operators were created with */
    float *out;              /* XNNPACK's output activation, [sample][unit] */
    int op_count;
    xnn_operator_t ops[MAX_OPERATORS];
} xnn_bench;

static void check(enum xnn_status status, const char *net, const char *what)
{
    if (status != xnn_status_success)
        bench_die("%s: %s failed (xnn_status %d)", net, what, (int)status);
}

static void add(xnn_bench *b, xnn_operator_t op)
{
    b->ops[b->op_count++] = op;
}

/* Sigmoid or softmax operator of `channels` from in to out, for m samples. */
static void add_activation(xnn_bench *b, bench_act g, size_t channels, const float *in,
                           float *out)
{
    const char *net = b->s->net->name;
    size_t m = (size_t)b->s->net->batch;
    xnn_operator_t op = NULL;
    if (g == BENCH_SIGMOID) {
        check(xnn_create_sigmoid_nc_f32(channels, channels, channels, 0, &op), net,
              "xnn_create_sigmoid_nc_f32");
        check(xnn_setup_sigmoid_nc_f32(op, m, in, out, NULL), net, "xnn_setup_sigmoid_nc_f32");
    } else {
        check(xnn_create_softmax_nc_f32(channels, channels, channels, 0, &op), net,
              "xnn_create_softmax_nc_f32");
        check(xnn_setup_softmax_nc_f32(op, m, in, out, NULL), net, "xnn_setup_softmax_nc_f32");
    }
    add(b, op);
}

static void delete_operators(xnn_bench *b)
{
    for (int i = 0; i < b->op_count; i++)
        xnn_delete_operator(b->ops[i]);
    b->op_count = 0;
}

/* The operators for the parameters in b->s (the contract's W[out][in] is XNNPACK's layout
 * without XNN_FLAG_TRANSPOSE_WEIGHTS). */
static void build_operators(xnn_bench *b)
{
    dense_state *s = b->s;
    const bench_net *net = s->net;
    size_t m = (size_t)net->batch;
    int L = net->layers;
    delete_operators(b);
    for (int l = 1; l <= L; l++) {
        size_t n_out = (size_t)bench_width(net, l), n_in = (size_t)bench_width(net, l - 1);
        bench_act g = net->act[l - 1];
        float low = l < L && g == BENCH_RELU ? 0.0f : -INFINITY;
        float *z = l == L ? s->Z_last : s->A[l];
        xnn_operator_t op = NULL;
        check(xnn_create_fully_connected_nc_f32(n_in, n_out, n_in, n_out, dense_W(s, l),
                                                dense_b(s, l), low, INFINITY, 0, &op),
              net->name, "xnn_create_fully_connected_nc_f32");
        check(xnn_setup_fully_connected_nc_f32(op, m, s->A[l - 1], z, NULL), net->name,
              "xnn_setup_fully_connected_nc_f32");
        add(b, op);
        if (l < L && g == BENCH_SIGMOID)
            add_activation(b, g, n_out, z, z);
        else if (l < L && g != BENCH_RELU && g != BENCH_LINEAR)
            bench_die("%s: XNNPACK peer: no such hidden activation", net->name);
    }
    bench_act g = net->act[L - 1];
    size_t classes = (size_t)net->units[L - 1];
    if (g == BENCH_SIGMOID || g == BENCH_SOFTMAX)
        add_activation(b, g, classes, s->Z_last, b->out);
    else if (g != BENCH_LINEAR)
        bench_die("%s: XNNPACK peer: no such output activation", net->name);
    memcpy(b->packed_from, s->params, (size_t)s->count * sizeof(float));
}

static void *create(const bench_net *net, const float *params, const float *X, const float *Y)
{
    check(xnn_initialize(NULL), net->name, "xnn_initialize");
    xnn_bench *b = bench_alloc(sizeof *b);
    b->s = dense_create(net, DENSE_SAMPLE_CONTIGUOUS, params, X, Y);
    b->packed_from = bench_alloc((size_t)b->s->count * sizeof(float));
    b->out = bench_alloc((size_t)net->units[net->layers - 1] * (size_t)net->batch * sizeof(float) +
                         64);
    build_operators(b);
    bench_info("XNNPACK (Debian libxnnpack 0.0~git20220216, which reports no version), "
               "operators: fully-connected x%d%s%s, threadpool NULL (the calling thread only), "
               "inference only",
               net->layers, net->act[0] == BENCH_SIGMOID ? " + sigmoid" : "",
               net->act[net->layers - 1] == BENCH_SOFTMAX   ? " + softmax"
               : net->act[net->layers - 1] == BENCH_SIGMOID ? " + sigmoid"
                                                            : "");
    return b;
}

/* The operators hold packed copies of the weights: new parameters mean new operators. */
static void set_params(void *self, const float *params)
{
    xnn_bench *b = self;
    dense_set_params(b->s, params);
    if (memcmp(b->packed_from, params, (size_t)b->s->count * sizeof(float)) != 0)
        build_operators(b);
}

static void forward(void *self)
{
    xnn_bench *b = self;
    for (int i = 0; i < b->op_count; i++)
        xnn_run_operator(b->ops[i], NULL);
}

static double cost(void *self)
{
    xnn_bench *b = self;
    dense_state *s = b->s;
    const bench_net *net = s->net;
    dense_output_activation(s);
    bench_act g = net->act[net->layers - 1];
    if (g == BENCH_SIGMOID || g == BENCH_SOFTMAX) {
        long n = (long)net->units[net->layers - 1] * net->batch;
        const float *loops = s->A[net->layers];
        for (long k = 0; k < n; k++)
            if (!(fabsf(b->out[k] - loops[k]) <= OUTPUT_TOLERANCE))
                return NAN;
    }
    return dense_cost(s);
}

static void get_params(void *self, double *out)
{
    dense_get_params(((xnn_bench *)self)->s, out);
}

static void destroy(void *self)
{
    xnn_bench *b = self;
    delete_operators(b);
    dense_destroy(b->s);
    free(b->packed_from);
    free(b->out);
    free(b);
}

int main(int argc, char **argv)
{
    const bench_adapter generic = {NULL, create, set_params, forward, cost,
                                   NULL, get_params, destroy};
    return bench_main_all_nets(argc, argv, &generic);
}
