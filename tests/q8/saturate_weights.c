/*
 * saturate_weights.c: the weights of tests/q8/ref_specs/q8_saturate.lua (see there), W = (1, -1),
 * b = 0, saved to argv[1]: its one channel's multiplier needs a left shift, so its int8 file holds
 * the general requantization helpers (and the bounded zero-point offset), which the models of
 * check-q8 no longer call (their layers all take the short form), for test_helpers.c.
 * Built with q8_saturate's generated folder on the include path.
 */
#include <stdio.h>

#include "q8_saturate.h"

int main(int argc, char **argv)
{
    static q8_saturate_params p;
    if (argc != 2) {
        fprintf(stderr, "usage: saturate_weights FILE.bin\n");
        return 2;
    }
    p.W1[0][0] = 1.0f;
    p.W1[0][1] = -1.0f;
    p.b1[0] = 0.0f;
    if (q8_saturate_save(&p, argv[1]) != 0) {
        fprintf(stderr, "saturate_weights: cannot save %s\n", argv[1]);
        return 1;
    }
    return 0;
}
