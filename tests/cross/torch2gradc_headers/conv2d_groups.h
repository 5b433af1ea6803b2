/*
 * conv2d_groups.h: HAND-WRITTEN stand-in for the header gradc will generate from
 * tests/torch/specs/conv2d_groups.lua, for tests/cross/test_torch2gradc.py, written while the generator
 * cannot generate conv and batchnorm layers yet. It holds only what torch2gradc.py reads: the
 * dtype, the counts, <NAME>_ARCH_HASH (an arbitrary value here: the converter copies it, never
 * derives it) and the <name>_params struct, with the members the spec documentation prescribes.
 * Replace it by the generated header (gradc --out) once the generator supports these specs.
 */
#ifndef CONV2D_GROUPS_H
#define CONV2D_GROUPS_H

#include <stdint.h>

#define CONV2D_GROUPS_INPUTS      100
#define CONV2D_GROUPS_OUTPUTS     2
#define CONV2D_GROUPS_BATCH       4
#define CONV2D_GROUPS_LAYERS      4
#define CONV2D_GROUPS_PARAM_COUNT 66
#define CONV2D_GROUPS_ARCH_HASH   UINT64_C(0x3c2d96000000002) /* what a weights file must match */

typedef double conv2d_groups_real;

typedef struct {
    conv2d_groups_real W1[4][2][3][2];
    conv2d_groups_real b1[4];
    conv2d_groups_real W2[4][1][1][1];
    conv2d_groups_real W4[2][4];
    conv2d_groups_real b4[2];
} conv2d_groups_params;

#endif
