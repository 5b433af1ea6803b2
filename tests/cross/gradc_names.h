/*
 * The generated API of any one model under fixed names, so that one test program serves every
 * spec. Compile with -DMODEL=xor -DMODEL_UPPER=XOR -DMODEL_HEADER='"xor.h"': then M(_train_step)
 * is xor_train_step and U(_INPUTS) is XOR_INPUTS.
 */
#ifndef CROSS_GRADC_NAMES_H
#define CROSS_GRADC_NAMES_H

#include MODEL_HEADER

#define CROSS_PASTE_(a, b) a##b
#define CROSS_PASTE(a, b) CROSS_PASTE_(a, b)
#define M(suffix) CROSS_PASTE(MODEL, suffix)
#define U(suffix) CROSS_PASTE(MODEL_UPPER, suffix)

typedef M(_real) real;

#endif
