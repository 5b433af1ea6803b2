/* The README's example: train XOR with the generated code, then predict. */
#include <stdio.h>
#include "xor.h"

int main(void)
{
    /* samples are columns: feature i of sample j is X[i * XOR_BATCH + j] */
    const xor_real X[XOR_INPUTS * XOR_BATCH] = {0, 0, 1, 1,   0, 1, 0, 1};
    const xor_real Y[XOR_OUTPUTS * XOR_BATCH] = {0, 1, 1, 0};
    static xor_params p;
    static xor_train_state s;
    xor_init(&p, XOR_INIT_SEED);
    xor_train_state_init(&s);
    for (int step = 0; step < 500; ++step) {
        xor_real cost = xor_train_step(&p, &s, X, Y);
        if (step % 100 == 0) printf("step %3d  J = %.4f\n", step, (double)cost);
    }
    for (int j = 0; j < XOR_BATCH; ++j) {
        const xor_real x[XOR_INPUTS] = {X[j], X[XOR_BATCH + j]};
        xor_real y[XOR_OUTPUTS];
        xor_predict(&p, x, y);
        printf("%g xor %g -> %.3f\n", (double)x[0], (double)x[1], (double)y[0]);
    }
    return 0;
}
