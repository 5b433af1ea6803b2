/*
 * Training build: init, a few train steps on a fixed batch, then a forward pass and one-sample
 * predict with the trained parameters, every result printed as exact bits; then the instructions
 * and stack of one train step and of one backward pass (whose scratch is on its stack). Links <name>.c only (not <name>_io.c: no file system here).
 */
#include "gradc_names.h"
#include "probe.h"

#define STEPS 3

static M(_params) params;
static M(_train_state) state;
static real X[U(_INPUTS) * U(_BATCH)];
static real Y[U(_OUTPUTS) * U(_BATCH)];

static void print_params(const char *label)
{
    const real *flat = (const real *)&params; /* the contract: a flat array of PARAM_COUNT reals */
    for (size_t k = 0; k < U(_PARAM_COUNT); ++k) {
        probe_real(label, k, &flat[k], sizeof(real));
    }
}

static void train_step(void)
{
    (void)M(_train_step)(&params, &state, X, Y);
}

static void backward(void)
{
    M(_backward)(&params, &state.cache, X, Y, &state.grad);
}

int main(void)
{
    uint32_t rng = 1;
    for (size_t k = 0; k < U(_INPUTS) * U(_BATCH); ++k) {
        X[k] = (real)probe_input(&rng);
    }
    for (size_t k = 0; k < U(_OUTPUTS) * U(_BATCH); ++k) {
        Y[k] = (real)probe_target(&rng);
    }
    M(_init)(&params, U(_INIT_SEED));
    print_params("init");
    M(_train_state_init)(&state);
    for (size_t step = 0; step < STEPS; ++step) {
        const real J = M(_train_step)(&params, &state, X, Y);
        probe_real("J", step, &J, sizeof J);
    }
    print_params("trained");
    M(_forward)(&params, X, &state.cache);
    const real *A = M(_output)(&state.cache);
    for (size_t k = 0; k < U(_OUTPUTS) * U(_BATCH); ++k) {
        probe_real("forward", k, &A[k], sizeof(real));
    }
    real x[U(_INPUTS)], y[U(_OUTPUTS)];
    for (size_t i = 0; i < U(_INPUTS); ++i) {
        x[i] = X[i * U(_BATCH)];
    }
    M(_predict)(&params, x, y);
    for (size_t i = 0; i < U(_OUTPUTS); ++i) {
        probe_real("predict", i, &y[i], sizeof(real));
    }

    size_t stack = 0;
    probe_info("train_step_instructions", probe_measure(train_step, &stack));
    probe_info("train_step_stack_bytes", stack);
    probe_info("train_step_stack_header_bytes", U(_TRAIN_STEP_STACK_BYTES));
    probe_info("backward_instructions", probe_measure(backward, &stack));
    probe_info("backward_stack_bytes", stack);
    probe_info("backward_stack_header_bytes", U(_BACKWARD_STACK_BYTES));
    probe_done();
    return 0;
}
