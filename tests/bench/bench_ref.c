/*
 * The project's reference engine (tests/ref/: double precision, shapes at run time, plain loops)
 * on the four nets. It is written to be obviously right, not fast: ref_train_step allocates its
 * cache and gradient on every call, and that is timed too, as the engine is.
 */
#include <stdlib.h>
#include <string.h>

#include "../ref/ref.h"
#include "harness.h"

typedef struct {
    ref_net net;
    ref_layer *layers;          /* net.layer */
    long count;
    double *params;
    double *X, *Y;
    ref_cache *cache;
    ref_optimizer_state *state;
} ref_bench;

static ref_activation ref_act(bench_act g)
{
    switch (g) {
    case BENCH_LINEAR: return REF_LINEAR;
    case BENCH_SIGMOID: return REF_SIGMOID;
    case BENCH_RELU: return REF_RELU;
    case BENCH_SOFTMAX: return REF_SOFTMAX;
    }
    bench_die("unknown activation");
}

static double *to_doubles(const float *data, long count)
{
    double *out = bench_alloc((size_t)count * sizeof *out);
    for (long k = 0; k < count; k++)
        out[k] = (double)data[k];
    return out;
}

static void *create(const bench_net *net, const float *params, const float *X, const float *Y)
{
    ref_bench *b = bench_alloc(sizeof *b);
    memset(&b->net, 0, sizeof b->net);
    b->net.name = net->name;
    b->net.input = net->input;
    b->net.batch = net->batch;
    b->net.layers = net->layers;
    b->layers = bench_alloc((size_t)net->layers * sizeof *b->layers);
    memset(b->layers, 0, (size_t)net->layers * sizeof *b->layers);
    for (int l = 0; l < net->layers; l++) {
        b->layers[l].kind = REF_DENSE;
        b->layers[l].units = net->units[l];
        b->layers[l].activation = ref_act(net->act[l]);
        b->layers[l].alpha = 0.01;
    }
    b->net.layer = b->layers;
    b->net.loss = net->loss == BENCH_BCE ? REF_BCE : net->loss == BENCH_CE ? REF_CE : REF_MSE;
    b->net.optimizer.kind = REF_SGD;
    b->net.optimizer.lr = net->lr;
    b->net.dtype = REF_DOUBLE;
    b->net.init = REF_XAVIER;
    b->net.unroll = "auto";
    b->count = bench_param_count(net);
    if ((long)ref_param_count(&b->net) != b->count)
        bench_die("%s: ref_param_count disagrees with nets.h", net->name);
    b->params = to_doubles(params, b->count);
    b->X = to_doubles(X, (long)net->input * net->batch);
    b->Y = to_doubles(Y, (long)net->units[net->layers - 1] * net->batch);
    b->cache = ref_cache_new(&b->net);
    b->state = ref_optimizer_state_new(&b->net);
    bench_info("tests/ref engine, double precision, runtime shapes");
    return b;
}

static void set_params(void *self, const float *params)
{
    ref_bench *b = self;
    for (long k = 0; k < b->count; k++)
        b->params[k] = (double)params[k];
}

static void forward(void *self)
{
    ref_bench *b = self;
    ref_forward(&b->net, b->params, b->X, b->cache);
}

static double cost(void *self)
{
    ref_bench *b = self;
    return ref_cost(&b->net, b->cache, b->Y);
}

static double train_step(void *self)
{
    ref_bench *b = self;
    return ref_train_step(&b->net, b->state, b->params, b->X, b->Y);
}

static void get_params(void *self, double *out)
{
    ref_bench *b = self;
    memcpy(out, b->params, (size_t)b->count * sizeof *out);
}

static void destroy(void *self)
{
    ref_bench *b = self;
    ref_cache_free(&b->net, b->cache);
    ref_optimizer_state_free(b->state);
    free(b->params);
    free(b->X);
    free(b->Y);
    free(b->layers);
    free(b);
}

int main(int argc, char **argv)
{
    const bench_adapter generic = {NULL, create, set_params, forward, cost,
                                   train_step, get_params, destroy};
    return bench_main_all_nets(argc, argv, &generic);
}
