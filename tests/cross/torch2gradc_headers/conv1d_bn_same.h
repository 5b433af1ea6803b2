/*
 * conv1d_bn_same.h: HAND-WRITTEN stand-in for the header gradc will generate from
 * tests/torch/specs/conv1d_bn_same.lua, for tests/cross/test_torch2gradc.py, written while the generator
 * cannot generate conv and batchnorm layers yet. It holds only what torch2gradc.py reads: the
 * dtype, the counts, <NAME>_ARCH_HASH (an arbitrary value here: the converter copies it, never
 * derives it) and the <name>_params struct, with the members the spec documentation prescribes.
 * Replace it by the generated header (gradc --out) once the generator supports these specs.
 */
#ifndef CONV1D_BN_SAME_H
#define CONV1D_BN_SAME_H

#include <stdint.h>

#define CONV1D_BN_SAME_INPUTS      30
#define CONV1D_BN_SAME_OUTPUTS     3
#define CONV1D_BN_SAME_BATCH       6
#define CONV1D_BN_SAME_LAYERS      4
#define CONV1D_BN_SAME_PARAM_COUNT 115
#define CONV1D_BN_SAME_ARCH_HASH   UINT64_C(0x3c1d5a3e00000001) /* what a weights file must match */

typedef float conv1d_bn_same_real;

typedef struct {
    conv1d_bn_same_real W1[4][3][3];
    conv1d_bn_same_real gamma2[4];
    conv1d_bn_same_real beta2[4];
    conv1d_bn_same_real mean2[4];
    conv1d_bn_same_real var2[4];
    conv1d_bn_same_real W4[3][20];
    conv1d_bn_same_real b4[3];
} conv1d_bn_same_params;

#endif
