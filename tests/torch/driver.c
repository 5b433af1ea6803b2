/*
 * tests/torch/driver.c: one generated model's public API on given inputs, every result dumped as
 * raw reals, for tests/torch/check.py to compare with PyTorch.
 *
 *     cc -std=c99 -DTM_NAME=net -DTM_UNAME=NET -I OUT/net -I runtime/hosted \
 *        tests/torch/driver.c OUT/net/net.c -o driver -lm
 *     driver DIR
 *
 * Every file is a flat array of the model's real type (float or double, native byte order: the
 * host's, little-endian on the machines the tests run on), with no header. DIR holds the inputs
 *   params.bin   NET_PARAM_COUNT reals, in net_params order (running mean and var included)
 *   X.bin        NET_INPUTS x NET_BATCH reals, feature i of sample j at [i * NET_BATCH + j]
 *   Y.bin        NET_OUTPUTS x NET_BATCH reals, laid out like net_output()
 * and gets the outputs
 *   forward.bin  net_output() after net_forward(params, X): NET_OUTPUTS x NET_BATCH
 *   cost.bin     1 real: net_cost() of that forward pass and Y
 *   grad.bin     NET_PARAM_COUNT: net_backward() of that pass, in net_params order
 *   predict.bin  NET_BATCH x NET_OUTPUTS: net_predict(params, column j of X), sample after sample
 *   steps.bin    3 reals: the J each of 3 net_train_step calls returns (train state from
 *                net_train_state_init, starting at params)
 *   trained.bin  NET_PARAM_COUNT: the params after those 3 steps (running statistics included)
 * An input of the wrong size, or a failed write, is an error: exit status 1 and one line on stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_prefix.h"
#include TM_STR(TM_NAME.h)

#define STEPS 3

typedef TM(real) real;

/* Static: a model's cache and train state can be larger than a default stack. */
static TM(params) params, trained, grad;
static TM(cache) cache;
static TM(train_state) state;
static real X[TMU(INPUTS) * TMU(BATCH)];
static real Y[TMU(OUTPUTS) * TMU(BATCH)];
static real predictions[TMU(BATCH) * TMU(OUTPUTS)];
static real steps[STEPS];

static const char *folder;

static void path_of(char *path, size_t size, const char *file)
{
    (void)snprintf(path, size, "%s/%s", folder, file);
}

/* Exactly `count` reals from DIR/file, or exit. */
static void read_reals(const char *file, void *data, size_t count)
{
    char path[4096];
    path_of(path, sizeof path, file);
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "driver: %s: cannot open\n", path);
        exit(1);
    }
    const size_t got = fread(data, sizeof(real), count, f);
    const int extra = fgetc(f);
    fclose(f);
    if (got != count || extra != EOF) {
        fprintf(stderr, "driver: %s: expected exactly %lu reals of %lu bytes\n", path,
                (unsigned long)count, (unsigned long)sizeof(real));
        exit(1);
    }
}

static void write_reals(const char *file, const void *data, size_t count)
{
    char path[4096];
    path_of(path, sizeof path, file);
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(data, sizeof(real), count, f) != count || fclose(f) != 0) {
        fprintf(stderr, "driver: %s: cannot write\n", path);
        exit(1);
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: driver DIR\n");
        return 1;
    }
    folder = argv[1];
    read_reals("params.bin", &params, TMU(PARAM_COUNT));
    read_reals("X.bin", X, TMU(INPUTS) * TMU(BATCH));
    read_reals("Y.bin", Y, TMU(OUTPUTS) * TMU(BATCH));

    TM(forward)(&params, X, &cache);
    write_reals("forward.bin", TM(output)(&cache), TMU(OUTPUTS) * TMU(BATCH));
    const real J = TM(cost)(&cache, Y);
    write_reals("cost.bin", &J, 1);
    TM(backward)(&params, &cache, X, Y, &grad);
    write_reals("grad.bin", &grad, TMU(PARAM_COUNT));

    for (size_t j = 0; j < TMU(BATCH); ++j) {
        real x[TMU(INPUTS)];
        for (size_t i = 0; i < TMU(INPUTS); ++i) {
            x[i] = X[i * TMU(BATCH) + j];
        }
        TM(predict)(&params, x, &predictions[j * TMU(OUTPUTS)]);
    }
    write_reals("predict.bin", predictions, TMU(BATCH) * TMU(OUTPUTS));

    memcpy(&trained, &params, sizeof trained);
    TM(train_state_init)(&state);
    for (size_t step = 0; step < STEPS; ++step) {
        steps[step] = TM(train_step)(&trained, &state, X, Y);
    }
    write_reals("steps.bin", steps, STEPS);
    write_reals("trained.bin", &trained, TMU(PARAM_COUNT));
    return 0;
}
