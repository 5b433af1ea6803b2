/*
 * make_bad_weights.c: weights files for tests/q8/specs/q8_tiny.lua that the int8 scheme cannot
 * take: TINY.bin (weights 1e-20, biases 1: the quantized bias b / (s_in s_w) is far outside int32)
 * ZERO.bin (all zeros: with a huge input range, the multiplier s_in s_w / s_out exceeds 2^30) and
 * TWO.bin (weights 2 and -2, biases 0: inputs 1e308 and 1e308 make the sum inf - inf, a NaN) and
 * ONE.bin (weights and biases 1: with inputs up to 1.50807e-5 the bias quantizes to 2147447399, in
 * int32, but 255 * 254 more would not be).
 */
#include <stdio.h>

#include "q8_tiny.h"

static int save(q8_tiny_real first, q8_tiny_real second, q8_tiny_real bias, const char *path)
{
    q8_tiny_params p;
    for (int r = 0; r < 2; ++r) {
        p.b1[r] = bias;
        p.W1[r][0] = first;
        p.W1[r][1] = second;
    }
    if (q8_tiny_save(&p, path) != 0) {
        fprintf(stderr, "make_bad_weights: cannot save %s\n", path);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: make_bad_weights TINY.bin ZERO.bin TWO.bin ONE.bin\n");
        return 2;
    }
    return save(1e-20f, 1e-20f, 1.0f, argv[1]) || save(0.0f, 0.0f, 0.0f, argv[2])
        || save(2.0f, -2.0f, 0.0f, argv[3]) || save(1.0f, 1.0f, 1.0f, argv[4]);
}
