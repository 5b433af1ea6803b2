/* The deployed side: inference with the weights compiled in (xor_infer, from xor_weights.c). */
#include <stdio.h>

#include "xor.h"

int main(void)
{
    static const xor_real points[4][XOR_INPUTS] = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};
    int wrong = 0;
    for (int i = 0; i < 4; ++i) {
        xor_real y[XOR_OUTPUTS];
        xor_infer(points[i], y);
        const int predicted = y[0] > 0.5f;
        const int expected = (points[i][0] > 0.5f) != (points[i][1] > 0.5f);
        printf("%g xor %g -> %d (%.3f)\n", (double)points[i][0], (double)points[i][1], predicted,
               (double)y[0]);
        wrong += predicted != expected;
    }
    return wrong == 0 ? 0 : 1;
}
