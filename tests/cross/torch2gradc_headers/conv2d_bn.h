/*
 * conv2d_bn.h: HAND-WRITTEN stand-in for the header gradc will generate from
 * tests/torch/specs/conv2d_bn.lua, for tests/cross/test_torch2gradc.py, written while the generator
 * cannot generate conv and batchnorm layers yet. It holds only what torch2gradc.py reads: the
 * dtype, the counts, <NAME>_ARCH_HASH (an arbitrary value here: the converter copies it, never
 * derives it) and the <name>_params struct, with the members the spec documentation prescribes.
 * Replace it by the generated header (gradc --out) once the generator supports these specs.
 */
#ifndef CONV2D_BN_H
#define CONV2D_BN_H

#include <stdint.h>

#define CONV2D_BN_INPUTS      72
#define CONV2D_BN_OUTPUTS     2
#define CONV2D_BN_BATCH       4
#define CONV2D_BN_LAYERS      4
#define CONV2D_BN_PARAM_COUNT 125
#define CONV2D_BN_ARCH_HASH   UINT64_C(0x3c2db0000000003) /* what a weights file must match */

typedef float conv2d_bn_real;

typedef struct {
    conv2d_bn_real W1[3][2][3][3];
    conv2d_bn_real b1[3];
    conv2d_bn_real gamma2[3];
    conv2d_bn_real beta2[3];
    conv2d_bn_real mean2[3];
    conv2d_bn_real var2[3];
    conv2d_bn_real W4[2][27];
    conv2d_bn_real b4[2];
} conv2d_bn_params;

#endif
