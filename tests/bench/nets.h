/*
 * The four benchmark nets as every peer implementation sees them: the same networks as the specs
 * in tests/bench/specs/ (prep checks the sizes against the generated headers, and the correctness
 * gate catches any other disagreement).
 */
#ifndef GRADC_BENCH_NETS_H
#define GRADC_BENCH_NETS_H

#include <string.h>

#define BENCH_MAX_LAYERS 4
#define BENCH_NET_COUNT 4

typedef enum { BENCH_LINEAR, BENCH_SIGMOID, BENCH_RELU, BENCH_SOFTMAX } bench_act;
typedef enum { BENCH_BCE, BENCH_MSE, BENCH_CE } bench_loss;

typedef struct {
    const char *name;
    int input;                      /* n[0] */
    int batch;                      /* m */
    int layers;                     /* L */
    int units[BENCH_MAX_LAYERS];    /* n[1..L] */
    bench_act act[BENCH_MAX_LAYERS];
    bench_loss loss;
    double lr;                      /* sgd */
} bench_net;

static const bench_net BENCH_NETS[BENCH_NET_COUNT] = {
    {"xor", 2, 4, 2, {4, 1}, {BENCH_SIGMOID, BENCH_SIGMOID}, BENCH_BCE, 0.01},
    {"seed3", 16, 64, 3, {32, 16, 1}, {BENCH_RELU, BENCH_RELU, BENCH_SIGMOID}, BENCH_BCE, 0.01},
    {"mlp", 784, 32, 3, {128, 64, 10}, {BENCH_RELU, BENCH_RELU, BENCH_SOFTMAX}, BENCH_CE, 0.01},
    {"reg", 8, 32, 3, {64, 64, 1}, {BENCH_RELU, BENCH_RELU, BENCH_LINEAR}, BENCH_MSE, 0.01},
};

/* n[l] for l = 0..L. */
static inline int bench_width(const bench_net *net, int l)
{
    return l == 0 ? net->input : net->units[l - 1];
}

/* Index of W[l][0][0] in the flat parameters (W1, b1, W2, b2, ...); b[l] follows W[l]. */
static inline long bench_weight_offset(const bench_net *net, int l)
{
    long offset = 0;
    for (int k = 1; k < l; k++)
        offset += (long)bench_width(net, k) * (bench_width(net, k - 1) + 1);
    return offset;
}

static inline long bench_bias_offset(const bench_net *net, int l)
{
    return bench_weight_offset(net, l) + (long)bench_width(net, l) * bench_width(net, l - 1);
}

static inline long bench_param_count(const bench_net *net)
{
    return bench_weight_offset(net, net->layers + 1);
}

/* FLOPs as the brief counts them: forward 2 sum(n_in n_out) m; the train step adds dW for every
 * layer, dA for every layer but the first, and 2 per parameter for the update. */
static inline double bench_forward_flops(const bench_net *net)
{
    double macs = 0;
    for (int l = 1; l <= net->layers; l++)
        macs += (double)bench_width(net, l) * bench_width(net, l - 1);
    return 2.0 * macs * net->batch;
}

static inline double bench_train_flops(const bench_net *net)
{
    double backward = 0;
    for (int l = 1; l <= net->layers; l++) {
        double macs = (double)bench_width(net, l) * bench_width(net, l - 1) * net->batch;
        backward += 2.0 * macs * (l == 1 ? 1 : 2);
    }
    return bench_forward_flops(net) + backward + 2.0 * (double)bench_param_count(net);
}

static inline const bench_net *bench_find_net(const char *name)
{
    for (int i = 0; i < BENCH_NET_COUNT; i++)
        if (strcmp(BENCH_NETS[i].name, name) == 0)
            return &BENCH_NETS[i];
    return NULL;
}

#endif
