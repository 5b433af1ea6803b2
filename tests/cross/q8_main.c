/*
 * Int8 inference build: <name>_q8.c (integer code and its const data, from gradc's QUANT=int8) and
 * this file, nothing else. Runs net_q8_infer on Q8_SAMPLES inputs drawn uniformly from all 256
 * int8 values (so saturating and extreme codes are exercised, not only typical ones), prints every
 * output byte, then the instructions and stack of one inference. No floating point anywhere: the
 * Cortex-M0 image is checked to hold no soft-float or libm routine.
 */
#include "gradc_names.h"
#include "probe.h"

#define Q8_SAMPLES 300

static int8_t xq[U(_INPUTS)];
static int8_t yq[U(_OUTPUTS)];

static void q8_infer(void)
{
    M(_q8_infer)(xq, yq);
}

/* 32-bit LCG (Numerical Recipes constants), its high byte: every int8 value equally often. */
static int8_t next_code(uint32_t *state)
{
    *state = *state * 1664525u + 1013904223u;
    return (int8_t)(uint8_t)(*state >> 24);
}

int main(void)
{
    uint32_t rng = 8;
    for (size_t s = 0; s < Q8_SAMPLES; ++s) {
        for (size_t i = 0; i < U(_INPUTS); ++i) {
            xq[i] = next_code(&rng);
        }
        M(_q8_infer)(xq, yq);
        for (size_t i = 0; i < U(_OUTPUTS); ++i) {
            probe_int8("q8_infer", s * U(_OUTPUTS) + i, yq[i]);
        }
    }
    size_t stack = 0;
    probe_info("q8_infer_instructions", probe_measure(q8_infer, &stack));
    probe_info("q8_infer_stack_bytes", stack);
    probe_info("q8_infer_header_bytes", U(_Q8_INFER_BYTES));
    /* the stack the header promises, on other cores and on ARMv7E-M DSP ones (cross.sh holds each
     * core's measurement against its figure) */
    probe_info("q8_infer_stack_header_bytes", U(_Q8_INFER_STACK_BYTES));
    probe_info("q8_infer_dsp_stack_header_bytes", U(_Q8_DSP_INFER_STACK_BYTES));
    probe_done();
    return 0;
}
