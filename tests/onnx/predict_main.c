/*
 * predict_main < samples: for a model generated with its weights embedded (make gen WEIGHTS=...),
 * read samples from stdin (<NAME>_INPUTS numbers each) and print, per sample, one line with
 * <name>_predict's outputs on the embedded <name>_weights, then one with <name>_infer's. A hosted
 * program for test_onnx2gradc.py, which compares both with PyTorch.
 */
#include <stdio.h>

#include "gradc_names.h"

static void print_outputs(const real *y)
{
    for (size_t i = 0; i < U(_OUTPUTS); ++i) {
        printf("%s%.17g", i ? " " : "", (double)y[i]);
    }
    printf("\n");
}

int main(void)
{
    static real x[U(_INPUTS)], y[U(_OUTPUTS)];
    for (;;) {
        for (size_t i = 0; i < U(_INPUTS); ++i) {
            double value;
            if (scanf("%lf", &value) != 1) {
                return i == 0 ? 0 : 1;
            }
            x[i] = (real)value;
        }
        M(_predict)(&M(_weights), x, y);
        print_outputs(y);
        M(_infer)(x, y);
        print_outputs(y);
    }
}
