/*
 * gradc's generated code for ONE conv benchmark net, chosen at compile time:
 *   -DNET=cnn8 -DNET_UPPER=CNN8 -DNET_HEADER='"cnn8.h"' -DBENCH_FLAGS='"-O3 -march=native"'
 *
 *   PROGRAM DATA_DIR PASS LABEL [NET]  time it (conv_harness.h)
 *   PROGRAM DATA_DIR --prep            write DATA_DIR/NET/: params0.f32 from NET_init with the
 *                                      spec's seed, X.f32 uniform in [0, 1), Y.f32 one-hot of
 *                                      uniformly drawn classes (both deterministic), net.txt
 *
 * gradc's layouts are the interface's (X and Y batch last, parameters flat in PyTorch's order),
 * so create only copies.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conv_harness.h"
#include NET_HEADER

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define FN(suffix) CAT(NET, suffix)          /* FN(_forward) is cnn8_forward */
#define MACRO(suffix) CAT(NET_UPPER, suffix) /* MACRO(_BATCH) is CNN8_BATCH */
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

/* The generated header must describe the net conv_nets.h describes, in float. */
static const conv_net *checked_net(void)
{
    const conv_net *net = conv_find_net(STR(NET));
    if (!net)
        bench_die("%s is not in conv_nets.h", STR(NET));
    if (net->inputs != MACRO(_INPUTS) || net->batch != MACRO(_BATCH) ||
        net->classes != MACRO(_OUTPUTS) || conv_param_count(net) != MACRO(_PARAM_COUNT) ||
        sizeof(real) != sizeof(float) || sizeof(params_t) != MACRO(_PARAM_COUNT) * sizeof(real))
        bench_die("%s: conv_nets.h does not match the generated %s", net->name, NET_HEADER);
    return net;
}

static void *create(const conv_net *net, const float *params, const float *X, const float *Y)
{
    (void)net;
    gradc_bench *b = bench_alloc(sizeof *b);
    memcpy(b->X, X, sizeof b->X);
    memcpy(b->Y, Y, sizeof b->Y);
    memcpy(&b->p, params, sizeof b->p);
    FN(_train_state_init)(&b->s);
    bench_info("gradc %s: forward %ld FLOP, train step %ld FLOP (from %s), built with %s, 1 thread",
              STR(NET), (long)MACRO(_FORWARD_FLOPS), (long)MACRO(_TRAIN_STEP_FLOPS), NET_HEADER,
              BENCH_FLAGS);
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

static const float *output(void *self)
{
    return FN(_output)(&((gradc_bench *)self)->c);
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

static int prep(const char *data_dir)
{
    const conv_net *net = checked_net();
    char path[4096];
    bench_make_net_dir(data_dir, net->name);

    static params_t p;
    static float X[MACRO(_INPUTS) * MACRO(_BATCH)], Y[MACRO(_OUTPUTS) * MACRO(_BATCH)];
    FN(_init)(&p, MACRO(_INIT_SEED));
    uint64_t state = UINT64_C(0x636f6e76) ^ (uint64_t)net->inputs * 1000003u ^ (uint64_t)net->batch;
    for (size_t k = 0; k < sizeof X / sizeof *X; k++)
        X[k] = (float)bench_uniform(&state);
    for (int j = 0; j < net->batch; j++) {
        int hot = (int)(bench_uniform(&state) * net->classes);
        for (int i = 0; i < net->classes; i++)
            Y[i * net->batch + j] = i == hot ? 1.0f : 0.0f;
    }
    bench_write_floats(data_dir, net->name, "params0.f32", (const float *)&p,
                       MACRO(_PARAM_COUNT));
    bench_write_floats(data_dir, net->name, "X.f32", X, sizeof X / sizeof *X);
    bench_write_floats(data_dir, net->name, "Y.f32", Y, sizeof Y / sizeof *Y);

    /* What the report prints next to the times: FLOPs as gradc's header counts them. */
    bench_path(path, data_dir, net->name, "net.txt");
    FILE *f = fopen(path, "w");
    if (!f)
        bench_die("cannot write %s", path);
    fprintf(f, "name %s\nbatch %d\ninputs %d\nclasses %d\nparams %ld\nseed %lu\n", net->name,
            net->batch, net->inputs, net->classes, (long)MACRO(_PARAM_COUNT),
            (unsigned long)MACRO(_INIT_SEED));
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
    checked_net();
    const conv_adapter adapter = {STR(NET), create, set_params, forward, output,
                                  cost, train_step, get_params, destroy};
    return conv_bench_main(argc, argv, &adapter);
}
