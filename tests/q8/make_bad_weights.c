/*
 * make_bad_weights.c: weights files for tests/q8/specs/q8_tiny.lua that the int8 scheme cannot
 * take: TINY.bin (weights 1e-20, biases 1: the quantized bias b / (s_in s_w) is far outside int32)
 * and ZERO.bin (all zeros: with a huge input range, the multiplier s_in s_w / s_out exceeds 2^30).
 */
#include <stdio.h>

#include "q8_tiny.h"

static int save(q8_tiny_real weight, q8_tiny_real bias, const char *path)
{
    q8_tiny_params p;
    for (int r = 0; r < 2; ++r) {
        p.b1[r] = bias;
        for (int k = 0; k < 2; ++k)
            p.W1[r][k] = weight;
    }
    if (q8_tiny_save(&p, path) != 0) {
        fprintf(stderr, "make_bad_weights: cannot save %s\n", path);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: make_bad_weights TINY.bin ZERO.bin\n");
        return 2;
    }
    return save(1e-20f, 1.0f, argv[1]) || save(0.0f, 0.0f, argv[2]);
}
