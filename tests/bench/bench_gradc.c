/*
 * gradc's generated code for ONE net, chosen at compile time:
 *   -DNET=xor -DNET_UPPER=XOR -DNET_HEADER='"xor.h"' -DBENCH_FLAGS='"-O3 -march=native"'
 *
 *   bench_gradc_NET DATA_DIR PASS LABEL   time it (harness.h)
 *   bench_gradc_NET DATA_DIR --prep       write DATA_DIR/NET/: params0.f32 from NET_init with the
 *                                         spec's seed, X.f32 and Y.f32 (deterministic), net.txt
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include NET_HEADER

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define FN(suffix) CAT(NET, suffix)        /* FN(_forward) is xor_forward */
#define MACRO(suffix) CAT(NET_UPPER, suffix) /* MACRO(_BATCH) is XOR_BATCH */
#define STR_(x) #x
#define STR(x) STR_(x)

typedef FN(_real) real;
typedef FN(_params) params_t;
typedef FN(_train_state) train_state_t;
typedef FN(_cache) cache_t;

typedef struct {
    params_t p;
    train_state_t s;
    cache_t c;
    real X[MACRO(_INPUTS) * MACRO(_BATCH)];
    real Y[MACRO(_OUTPUTS) * MACRO(_BATCH)];
} gradc_bench;

static void *create(const bench_net *net, const float *params, const float *X, const float *Y)
{
    (void)net;
    gradc_bench *b = bench_alloc(sizeof *b);
    memcpy(b->X, X, sizeof b->X);
    memcpy(b->Y, Y, sizeof b->Y);
    memcpy(&b->p, params, sizeof b->p);
    FN(_train_state_init)(&b->s);
    bench_info("%s: %d-layer net, forward %ld FLOP, train step %ld FLOP (from %s), built with %s",
               STR(NET), MACRO(_LAYERS), (long)MACRO(_FORWARD_FLOPS),
               (long)MACRO(_TRAIN_STEP_FLOPS), NET_HEADER, BENCH_FLAGS);
    return b;
}

static void set_params(void *self, const float *params)
{
    memcpy(&((gradc_bench *)self)->p, params, sizeof(params_t));
}

static void forward(void *self)
{
    gradc_bench *b = self;
    FN(_forward)(&b->p, b->X, &b->c);
}

static double cost(void *self)
{
    gradc_bench *b = self;
    return (double)FN(_cost)(&b->c, b->Y);
}

static double train_step(void *self)
{
    gradc_bench *b = self;
    return (double)FN(_train_step)(&b->p, &b->s, b->X, b->Y);
}

static void get_params(void *self, double *out)
{
    const real *flat = (const real *)&((gradc_bench *)self)->p;
    for (long k = 0; k < MACRO(_PARAM_COUNT); k++)
        out[k] = (double)flat[k];
}

static void destroy(void *self)
{
    free(self);
}

static const char *act_name(bench_act g)
{
    static const char *names[] = {"linear", "sigmoid", "relu", "softmax"};
    return names[g];
}

/* X uniform in [-1, 1); Y: bce 0/1, ce one-hot columns, mse uniform in [-1, 1). */
static void make_data(const bench_net *net, float *X, float *Y)
{
    uint64_t state = 0x6772616463ULL ^ (uint64_t)net->input * 1000003u ^ (uint64_t)net->batch;
    int n0 = net->input, nL = net->units[net->layers - 1], m = net->batch;
    for (int k = 0; k < n0 * m; k++)
        X[k] = (float)(2.0 * bench_uniform(&state) - 1.0);
    for (int j = 0; j < m; j++) {
        int hot = (int)(bench_uniform(&state) * nL);
        for (int i = 0; i < nL; i++) {
            double u = bench_uniform(&state);
            float y = net->loss == BENCH_BCE ? (u < 0.5 ? 0.0f : 1.0f)
                      : net->loss == BENCH_CE ? (i == hot ? 1.0f : 0.0f)
                                              : (float)(2.0 * u - 1.0);
            Y[i * m + j] = y;
        }
    }
}

static int prep(const char *data_dir)
{
    const bench_net *net = bench_find_net(STR(NET));
    if (!net)
        bench_die("%s is not in nets.h", STR(NET));
    if (net->input != MACRO(_INPUTS) || net->batch != MACRO(_BATCH) ||
        net->layers != MACRO(_LAYERS) || net->units[net->layers - 1] != MACRO(_OUTPUTS) ||
        bench_param_count(net) != MACRO(_PARAM_COUNT) || sizeof(real) != sizeof(float))
        bench_die("%s: nets.h does not match the generated %s", net->name, NET_HEADER);

    bench_make_net_dir(data_dir, net->name);

    static params_t p;
    static float X[MACRO(_INPUTS) * MACRO(_BATCH)], Y[MACRO(_OUTPUTS) * MACRO(_BATCH)];
    FN(_init)(&p, MACRO(_INIT_SEED));
    make_data(net, X, Y);
    bench_write_floats(data_dir, net->name, "params0.f32", (const float *)&p,
                       MACRO(_PARAM_COUNT));
    bench_write_floats(data_dir, net->name, "X.f32", X, sizeof X / sizeof *X);
    bench_write_floats(data_dir, net->name, "Y.f32", Y, sizeof Y / sizeof *Y);

    char path[4096];
    bench_path(path, data_dir, net->name, "net.txt");
    FILE *f = fopen(path, "w");
    if (!f)
        bench_die("cannot write %s", path);
    fprintf(f, "name %s\ninput %d\nbatch %d\nunits", net->name, net->input, net->batch);
    for (int l = 0; l < net->layers; l++)
        fprintf(f, " %d", net->units[l]);
    fprintf(f, "\nact");
    for (int l = 0; l < net->layers; l++)
        fprintf(f, " %s", act_name(net->act[l]));
    fprintf(f, "\nloss %s\nlr %.9g\nparams %ld\nseed %lu\n",
            net->loss == BENCH_BCE ? "bce" : net->loss == BENCH_CE ? "ce" : "mse", net->lr,
            (long)MACRO(_PARAM_COUNT), (unsigned long)MACRO(_INIT_SEED));
    fprintf(f, "forward_flops %ld\ntrain_flops %ld\n", (long)MACRO(_FORWARD_FLOPS),
            (long)MACRO(_TRAIN_STEP_FLOPS));
    if (fclose(f) != 0)
        bench_die("cannot write %s", path);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[2], "--prep") == 0)
        return prep(argv[1]);
    const bench_adapter adapter = {STR(NET), create, set_params, forward, cost,
                                   train_step, get_params, destroy};
    return bench_main(argc, argv, &adapter, 1);
}
