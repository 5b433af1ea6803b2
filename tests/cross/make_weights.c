/*
 * make_weights FILE: a weights file for the inference-only build when make cross is given no
 * WEIGHTS: the spec's own initialization (net_init with the spec's seed), saved with the generated
 * net_save. A hosted program: it links <name>_io.c, which the target builds leave out.
 */
#include <stdio.h>

#include "gradc_names.h"

int main(int argc, char **argv)
{
    static M(_params) params;
    if (argc != 2) {
        fprintf(stderr, "usage: make_weights FILE\n");
        return 2;
    }
    M(_init)(&params, U(_INIT_SEED));
    if (M(_save)(&params, argv[1]) != 0) {
        fprintf(stderr, "make_weights: cannot write %s\n", argv[1]);
        return 1;
    }
    return 0;
}
