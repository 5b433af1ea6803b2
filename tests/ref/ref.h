/*
 * Reference engine for gradc's tests: the same networks as the generator describes, computed the
 * plainest possible way (double precision, shapes known only at run time, one code path for every
 * net). It shares no code with the generator, so agreeing with it means something.
 *
 * Conventions are docs/math.md's: samples are columns (feature i of sample j is X[i*m + j]),
 * parameters are one flat array in net_params order (W1 row-major [n1][n0], b1, W2, b2, ...).
 */
#ifndef GRADC_TESTS_REF_H
#define GRADC_TESTS_REF_H

#include <stddef.h>

/* As many layers as a spec may have (gen/spec.lua's MAX_LAYERS), so that every valid spec, however
 * deep, can be checked against the engine, in the model suite and by make cross. */
#define REF_MAX_LAYERS 1000

typedef enum { REF_LINEAR, REF_SIGMOID, REF_TANH, REF_RELU, REF_LEAKY_RELU, REF_SOFTMAX } ref_activation;
typedef enum { REF_BCE, REF_MSE, REF_CE } ref_loss;
typedef enum { REF_SGD, REF_MOMENTUM, REF_ADAM } ref_optimizer_kind;
typedef enum { REF_XAVIER, REF_HE, REF_UNIFORM } ref_init_scheme;
typedef enum { REF_FLOAT, REF_DOUBLE } ref_dtype;

/* Optimizer hyperparameters; fields the kind does not use are ignored. */
typedef struct {
    ref_optimizer_kind kind;
    double lr;
    double beta;                /* momentum */
    double beta1, beta2, eps;   /* adam */
} ref_optimizer;

/* One network as a spec describes it, with every default already applied. */
typedef struct {
    const char *name;
    int input;                              /* n[0] */
    int batch;                              /* m */
    int layers;                             /* L */
    int units[REF_MAX_LAYERS];              /* units[l-1] = n[l] */
    ref_activation activation[REF_MAX_LAYERS];
    double alpha[REF_MAX_LAYERS];           /* leaky_relu slope per layer */
    ref_loss loss;
    ref_optimizer optimizer;
    ref_dtype dtype;
    ref_init_scheme init;
    unsigned long init_seed;
    const char *unroll;                     /* code shape only: kept for messages */
} ref_net;

/* What forward keeps: A[0] is a copy of X, Z[l] and A[l] are n[l] x m for l = 1..L. */
typedef struct {
    double *Z[REF_MAX_LAYERS + 1];
    double *A[REF_MAX_LAYERS + 1];
} ref_cache;

/* Optimizer memory: momentum uses v; adam uses m, v, the step counter t and the bias corrections
 * 1 - beta1^t, 1 - beta2^t. */
typedef struct {
    size_t count;
    long t;
    double correction1, correction2;
    double *m;
    double *v;
} ref_optimizer_state;

int ref_width(const ref_net *net, int l);                     /* n[l] for l = 0..L */
size_t ref_param_count(const ref_net *net);                   /* NET_PARAM_COUNT */
size_t ref_weight_offset(const ref_net *net, int l);          /* index of W[l][0][0] in the flat params */
size_t ref_bias_offset(const ref_net *net, int l);            /* index of b[l][0] in the flat params */

/* The init of docs/math.md drawn the way the generated <name>_init draws it, so
 * that the values agree exactly: splitmix64 from `seed`, one weight after another in parameter
 * order, biases 0. A double net draws in double (53-bit uniforms, Box-Muller with libm); a float
 * net in integers and exact float steps (24-bit uniforms; a fixed-point Box-Muller from one
 * 64-bit draw), scaled by the float nearest the scheme's r or std. Written from that description,
 * not from the runtime's code. */
void ref_init(const ref_net *net, unsigned long seed, double *params);

ref_cache *ref_cache_new(const ref_net *net);
void ref_cache_free(const ref_net *net, ref_cache *cache);

void ref_forward(const ref_net *net, const double *params, const double *X, ref_cache *cache);
const double *ref_output(const ref_net *net, const ref_cache *cache);       /* A[L], n[L] x m */
double ref_cost(const ref_net *net, const ref_cache *cache, const double *Y);
double ref_cost_at(const ref_net *net, const double *params, const double *X, const double *Y);
void ref_backward(const ref_net *net, const double *params, const ref_cache *cache,
                  const double *Y, double *grad);

ref_optimizer_state *ref_optimizer_state_new(const ref_net *net);
void ref_optimizer_state_free(ref_optimizer_state *state);
void ref_sgd_step(size_t count, double *params, const double *grad, double lr);
void ref_optimizer_step(const ref_optimizer *opt, ref_optimizer_state *state,
                        double *params, const double *grad);
double ref_train_step(const ref_net *net, ref_optimizer_state *state, double *params,
                      const double *X, const double *Y);          /* returns J before the update */

#endif
