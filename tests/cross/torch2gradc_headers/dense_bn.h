/*
 * dense_bn.h: HAND-WRITTEN stand-in for the header gradc will generate from
 * tests/torch/specs/dense_bn.lua, for tests/cross/test_torch2gradc.py, written while the generator
 * cannot generate conv and batchnorm layers yet. It holds only what torch2gradc.py reads: the
 * dtype, the counts, <NAME>_ARCH_HASH (an arbitrary value here: the converter copies it, never
 * derives it) and the <name>_params struct, with the members the spec documentation prescribes.
 * Replace it by the generated header (gradc --out) once the generator supports these specs.
 */
#ifndef DENSE_BN_H
#define DENSE_BN_H

#include <stdint.h>

#define DENSE_BN_INPUTS      5
#define DENSE_BN_OUTPUTS     1
#define DENSE_BN_BATCH       8
#define DENSE_BN_LAYERS      3
#define DENSE_BN_PARAM_COUNT 67
#define DENSE_BN_ARCH_HASH   UINT64_C(0xde05b00000000004) /* what a weights file must match */

typedef double dense_bn_real;

typedef struct {
    dense_bn_real W1[6][5];
    dense_bn_real b1[6];
    dense_bn_real gamma2[6];
    dense_bn_real beta2[6];
    dense_bn_real mean2[6];
    dense_bn_real var2[6];
    dense_bn_real W3[1][6];
    dense_bn_real b3[1];
} dense_bn_params;

#endif
