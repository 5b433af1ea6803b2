/*
 * calib_csv ROWS FILE: a calibration CSV for gradc's QUANT=int8 (make train's format: numbers
 * only, one sample a row, NET_INPUTS columns), drawn like the cross tests' float inputs
 * (probe_input: multiples of 1/8 in [-2, 2]), so the int8 ranges fit what the tests feed. A hosted
 * program.
 */
#include <stdio.h>
#include <stdlib.h>

#include "gradc_names.h"
#include "probe.h"

int main(int argc, char **argv)
{
    if (argc != 3 || atoi(argv[1]) < 2) {
        fprintf(stderr, "usage: calib_csv ROWS FILE (ROWS at least 2)\n");
        return 2;
    }
    FILE *out = fopen(argv[2], "w");
    if (!out) {
        fprintf(stderr, "calib_csv: cannot write %s\n", argv[2]);
        return 1;
    }
    uint32_t rng = 5;
    const int rows = atoi(argv[1]);
    for (int r = 0; r < rows; ++r) {
        for (size_t i = 0; i < U(_INPUTS); ++i) {
            fprintf(out, "%s%g", i ? "," : "", (double)probe_input(&rng));
        }
        fprintf(out, "\n");
    }
    if (fclose(out) != 0) {
        fprintf(stderr, "calib_csv: cannot write %s\n", argv[2]);
        return 1;
    }
    return 0;
}
