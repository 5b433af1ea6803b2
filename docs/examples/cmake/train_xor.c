/* Train the XOR net with the generated train step until it classifies all four points with a
 * margin (every output within 0.25 of its label, so rounding in another build cannot flip one),
 * then save the weights to the file named on the command line. */
#include <stdio.h>

#include "xor.h"

/* The four points as columns: feature i of sample j at X[i * XOR_BATCH + j]. */
static const xor_real X[XOR_INPUTS * XOR_BATCH] = {
    0, 0, 1, 1, /* x1 */
    0, 1, 0, 1, /* x2 */
};
static const xor_real Y[XOR_OUTPUTS * XOR_BATCH] = {0, 1, 1, 0};

/* Adam at the spec's rate learns XOR in a few hundred steps; this is a bound, not a target. */
#define MAX_STEPS 5000

static int learned(const xor_params *p)
{
    for (int j = 0; j < XOR_BATCH; ++j) {
        const xor_real x[XOR_INPUTS] = {X[j], X[XOR_BATCH + j]};
        xor_real y[XOR_OUTPUTS];
        xor_predict(p, x, y);
        const double error = (double)y[0] - (double)Y[j];
        if (error > 0.25 || error < -0.25)
            return 0;
    }
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: train_xor WEIGHTS_FILE\n");
        return 2;
    }
    static xor_params params;
    static xor_train_state state;
    xor_init(&params, XOR_INIT_SEED);
    xor_train_state_init(&state);
    int steps = 0;
    while (!learned(&params) && steps < MAX_STEPS) {
        xor_train_step(&params, &state, X, Y);
        ++steps;
    }
    if (!learned(&params)) {
        fprintf(stderr, "train_xor: not learned after %d steps\n", steps);
        return 1;
    }
    if (xor_save(&params, argv[1]) != 0) {
        fprintf(stderr, "train_xor: cannot write %s\n", argv[1]);
        return 1;
    }
    printf("train_xor: learned in %d steps, saved %s\n", steps, argv[1]);
    return 0;
}
