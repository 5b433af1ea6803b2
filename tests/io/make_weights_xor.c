/* A weights file for the C++ check: xor initialized from its spec's seed, saved. */
#include <stdio.h>

#include "xor.h"

int main(int argc, char **argv)
{
    static xor_params p;
    if (argc != 2) {
        fprintf(stderr, "usage: make_weights_xor OUT.bin\n");
        return 2;
    }
    xor_init(&p, XOR_INIT_SEED);
    return xor_save(&p, argv[1]) == 0 ? 0 : 1;
}
