/*
 * The conv family of tests/cases.lua as reference-engine nets, compiled from its case headers into
 * one table (<cases>/ref_conv_cases.c, written by tests/cases.lua), so that the reference engine
 * checks its own gradients on every case whether or not the generator can build them yet.
 */
#ifndef GRADC_TESTS_REF_CASES_H
#define GRADC_TESTS_REF_CASES_H

#include "ref.h"

extern const int ref_conv_case_count;
/* ref_conv_case_count nets, then NULL. */
extern const ref_net *const ref_conv_cases[];
/* ref_conv_case_layout_ok[i]() is 1 when case i's tensor table (cases.lua's own layout: offset
 * and size of every W, b, gamma, beta, mean, var) agrees with the engine's offsets; then NULL. */
extern int (*const ref_conv_case_layout_ok[])(void);

#endif
