/*
 * Inference-only build: <name>_weights.c (weights as const data in flash, and <name>_infer) and
 * this file, nothing else. Runs a few fixed samples, prints the outputs as exact bits, then the
 * instructions and stack of one inference.
 */
#include "gradc_names.h"
#include "probe.h"

#define SAMPLES 8

static real x[U(_INPUTS)];
static real y[U(_OUTPUTS)];

static void infer(void)
{
    M(_infer)(x, y);
}

int main(void)
{
    uint32_t rng = 2;
    for (size_t s = 0; s < SAMPLES; ++s) {
        for (size_t i = 0; i < U(_INPUTS); ++i) {
            x[i] = (real)probe_input(&rng);
        }
        M(_infer)(x, y);
        for (size_t i = 0; i < U(_OUTPUTS); ++i) {
            probe_real("infer", s * U(_OUTPUTS) + i, &y[i], sizeof(real));
        }
    }
    size_t stack = 0;
    probe_info("infer_instructions", probe_measure(infer, &stack));
    probe_info("infer_stack_bytes", stack);
    probe_info("infer_stack_header_bytes", U(_INFER_STACK_BYTES));
    probe_done();
    return 0;
}
