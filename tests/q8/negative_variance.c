/*
 * negative_variance.c: argv[1] (q8_dense weights) with its first batchnorm's running variance
 * var1[0] set to -1, saved as argv[2] with a valid header and checksum (through q8_dense_save):
 * a file no training writes, which gradc must refuse with one line (it had failed with a
 * traceback in the int8 build, and embedded NaN-making weights in the float one).
 */
#include <stdio.h>

#include "q8_dense.h"

int main(int argc, char **argv)
{
    static q8_dense_params p;
    if (argc != 3 || q8_dense_load(&p, argv[1]) != 0) {
        fprintf(stderr, "usage: negative_variance IN.bin OUT.bin (IN: q8_dense weights)\n");
        return 2;
    }
    p.var1[0] = -1.0f;
    return q8_dense_save(&p, argv[2]) != 0;
}
