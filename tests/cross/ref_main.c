/*
 * The generic reference engine (tests/ref/ref.c: double precision, shapes at run time, malloc) on
 * the same network, for comparison with the generated code: the spec's init, forward of single
 * samples and a few train steps, printed as exact bits, then the instructions, stack and heap of
 * one forward (batch 1) and one train step (the spec's batch). REF_NET_HEADER is written by
 * refnet.lua from the spec.
 */
#include <stdlib.h>

#include "probe.h"
#include "ref.h"
#include REF_NET_HEADER

#define SAMPLES 8
#define STEPS 3

static ref_net one;            /* the spec's network at batch 1 */
static double *params;
static double *X, *Y, *x;
static ref_cache *one_cache;
static ref_optimizer_state *optimizer;

static void *allocate(size_t count)
{
    void *p = calloc(count, sizeof(double));
    if (!p) {
        platform_write("ref_main: out of memory\n");
        platform_exit(1);
    }
    return p;
}

static void forward_one(void)
{
    ref_forward(&one, params, x, one_cache);
}

static void train_step(void)
{
    (void)ref_train_step(&cross_ref_net, optimizer, params, X, Y);
}

int main(void)
{
    const ref_net *net = &cross_ref_net;
    const size_t count = ref_param_count(net);
    const size_t m = (size_t)net->batch, n0 = (size_t)net->input;
    const size_t nL = (size_t)ref_width(net, net->layers);
    one = *net;
    one.batch = 1;
    params = allocate(count);
    X = allocate(n0 * m);
    Y = allocate(nL * m);
    x = allocate(n0);
    one_cache = ref_cache_new(&one);
    optimizer = ref_optimizer_state_new(net);

    /* The spec's init, printed in the model's real type: it must equal the model's bit for bit. */
    ref_init(net, net->init_seed, params);
    for (size_t k = 0; k < count; ++k) {
        if (net->dtype == REF_FLOAT) {
            const float value = (float)params[k];
            probe_real("init", k, &value, sizeof value);
        } else {
            probe_real("init", k, &params[k], sizeof params[k]);
        }
    }

    uint32_t rng = 3;
    for (size_t k = 0; k < count; ++k) {
        params[k] = probe_input(&rng) / 8.0;
    }
    for (size_t s = 0; s < SAMPLES; ++s) {
        for (size_t i = 0; i < n0; ++i) {
            x[i] = probe_input(&rng);
        }
        forward_one();
        const double *y = ref_output(&one, one_cache);
        for (size_t i = 0; i < nL; ++i) {
            probe_real("forward", s * nL + i, &y[i], sizeof *y);
        }
    }
    for (size_t k = 0; k < n0 * m; ++k) {
        X[k] = probe_input(&rng);
    }
    for (size_t k = 0; k < nL * m; ++k) {
        Y[k] = probe_target(&rng);
    }
    for (size_t step = 0; step < STEPS; ++step) {
        const double J = ref_train_step(net, optimizer, params, X, Y);
        probe_real("J", step, &J, sizeof J);
    }
    for (size_t k = 0; k < count; ++k) {
        probe_real("trained", k, &params[k], sizeof *params);
    }

    size_t stack = 0;
    probe_info("forward_instructions", probe_measure(forward_one, &stack));
    probe_info("forward_stack_bytes", stack);
    probe_info("train_step_instructions", probe_measure(train_step, &stack));
    probe_info("train_step_stack_bytes", stack);
    probe_info("heap_bytes", platform_heap_used());
    probe_done();
    return 0;
}
