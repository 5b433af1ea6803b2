/*
 * load_predict WEIGHTS [RESAVE]: load a weights file with the generated <name>_load, then read
 * samples from stdin (NET_INPUTS numbers each) and print <name>_predict's outputs, one sample per
 * line. With RESAVE, also write the loaded parameters back with <name>_save, so a test can compare
 * the bytes with the file it loaded. A hosted program for test_torch2gradc.py.
 */
#include <stdio.h>

#include "gradc_names.h"

int main(int argc, char **argv)
{
    static M(_params) params;
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: load_predict WEIGHTS [RESAVE] < samples\n");
        return 2;
    }
    const int status = M(_load)(&params, argv[1]);
    if (status != 0) {
        fprintf(stderr, "load_predict: loading %s failed (status %d)\n", argv[1], status);
        return 1;
    }
    if (argc == 3 && M(_save)(&params, argv[2]) != 0) {
        fprintf(stderr, "load_predict: cannot save %s\n", argv[2]);
        return 1;
    }
    real x[U(_INPUTS)], y[U(_OUTPUTS)];
    for (;;) {
        for (size_t i = 0; i < U(_INPUTS); ++i) {
            double value;
            if (scanf("%lf", &value) != 1) {
                return i == 0 ? 0 : 1;
            }
            x[i] = (real)value;
        }
        M(_predict)(&params, x, y);
        for (size_t i = 0; i < U(_OUTPUTS); ++i) {
            printf("%s%.17g", i ? " " : "", (double)y[i]);
        }
        printf("\n");
    }
}
