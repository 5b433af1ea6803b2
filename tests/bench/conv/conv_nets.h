/*
 * The two conv benchmark nets, as every program of tests/bench/conv/ builds them (the fixed
 * interface is described in run.sh and the README's conv bench section). The gradc program
 * checks its generated header against this table at --prep; the report uses it to split the
 * parameters into tensors and to read the data files.
 */
#ifndef GRADC_BENCH_CONV_NETS_H
#define GRADC_BENCH_CONV_NETS_H

#include <stddef.h>
#include <string.h>

#define CONV_MAX_TENSORS 8

typedef struct {
    const char *name;
    const char *what;              /* the layers, for the report */
    int batch, inputs, classes;    /* inputs = features per sample (channels x spatial) */
    int tensor_count;
    long tensor_size[CONV_MAX_TENSORS]; /* net_params order: W1, b1, ... (PyTorch layouts) */
    const char *tensor_name[CONV_MAX_TENSORS];
} conv_net;

static const conv_net CONV_NETS[] = {
    {"cnn8",
     "1x8x8 input; conv2d 8 3x3 pad 1 relu, maxpool 2, conv2d 16 3x3 relu, global avgpool, "
     "dense 10 softmax; ce; batch 32",
     32, 1 * 8 * 8, 10, 6,
     {8 * 1 * 3 * 3, 8, 16 * 8 * 3 * 3, 16, 10 * 16, 10},
     {"W1", "b1", "W3", "b3", "W5", "b5"}},
    {"kws",
     "40x49 input; conv1d 64 k3 pad 1 relu, conv1d 64 k3 stride 2 pad 1 relu, conv1d 64 k3 pad "
     "1 relu, global avgpool, dense 12 softmax; ce; batch 16",
     16, 40 * 49, 12, 8,
     {64 * 40 * 3, 64, 64 * 64 * 3, 64, 64 * 64 * 3, 64, 12 * 64, 12},
     {"W1", "b1", "W2", "b2", "W3", "b3", "W5", "b5"}},
};
#define CONV_NET_COUNT ((int)(sizeof CONV_NETS / sizeof *CONV_NETS))

static inline long conv_param_count(const conv_net *net)
{
    long count = 0;
    for (int t = 0; t < net->tensor_count; t++)
        count += net->tensor_size[t];
    return count;
}

static inline const conv_net *conv_find_net(const char *name)
{
    for (int i = 0; i < CONV_NET_COUNT; i++)
        if (strcmp(CONV_NETS[i].name, name) == 0)
            return &CONV_NETS[i];
    return NULL;
}

#endif
