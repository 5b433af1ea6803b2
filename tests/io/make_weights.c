/* Stage 1 of the const-weights test: train each model a little and save its weights files. */
#include <stdio.h>
#include <stdlib.h>

#include "digits.h"
#include "digits_cnn.h"
#include "reg.h"
#include "softmax.h"
#include "xor.h"

/* A deterministic pseudo-random value in [-1, 1). */
static double draw(unsigned *state)
{
    *state = *state * 1103515245u + 12345u;
    return (double)((*state >> 8) & 0xFFFFu) / 32768.0 - 1.0;
}

#define TRAIN_AND_SAVE(net, NET, path)                                        \
    do {                                                                      \
        static net##_params p;                                                \
        static net##_train_state s;                                           \
        static net##_real X[NET##_INPUTS * NET##_BATCH];                      \
        static net##_real Y[NET##_OUTPUTS * NET##_BATCH];                     \
        unsigned seed = 5;                                                    \
        for (int i = 0; i < NET##_INPUTS * NET##_BATCH; ++i)                  \
            X[i] = (net##_real)draw(&seed);                                   \
        for (int i = 0; i < NET##_OUTPUTS * NET##_BATCH; ++i)                 \
            Y[i] = (net##_real)(0.5 + 0.5 * draw(&seed));                     \
        net##_init(&p, NET##_INIT_SEED);                                      \
        net##_train_state_init(&s);                                           \
        for (int step = 0; step < 20; ++step)                                 \
            net##_train_step(&p, &s, X, Y);                                   \
        if (net##_save(&p, path) != 0) {                                      \
            fprintf(stderr, "make_weights: cannot save %s\n", path);         \
            return 1;                                                         \
        }                                                                     \
    } while (0)

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: make_weights XOR.bin SOFTMAX.bin REG.bin DIGITS.bin DIGITS_CNN.bin\n");
        return 2;
    }
    TRAIN_AND_SAVE(xor, XOR, argv[1]);
    TRAIN_AND_SAVE(softmax, SOFTMAX, argv[2]);
    TRAIN_AND_SAVE(reg, REG, argv[3]);
    TRAIN_AND_SAVE(digits, DIGITS, argv[4]);
    TRAIN_AND_SAVE(digits_cnn, DIGITS_CNN, argv[5]);
    return 0;
}
