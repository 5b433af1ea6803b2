/*
 * The int8 comparison's cases as reference-engine nets (<build>/q8_cases.c, written by
 * tests/q8/q8_cases.lua from the specs).
 */
#ifndef GRADC_TESTS_Q8_CASES_H
#define GRADC_TESTS_Q8_CASES_H

#include "ref.h"

/* Every case, then NULL. */
extern const ref_net *const q8_cases[];

#endif
