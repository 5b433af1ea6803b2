/*
 * Reference engine for gradc's tests: the same networks as the generator describes, computed the
 * plainest possible way (double precision, shapes known only at run time, one code path for every
 * net). It shares no code with the generator, so agreeing with it means something.
 *
 * Conventions are docs/math.md's: samples are columns (feature i of sample j is X[i*m + j]; a
 * spatial tensor's feature index is c*L + t, or (c*H + y)*W + x), parameters are one flat array in
 * net_params order: per layer, only for layers that have them, conv W[filters][C/groups][kh][kw]
 * then b (unless bias is off), dense W[n][n_prev] then b, batchnorm gamma, beta, mean, var; with
 * the spec's `standardize = true`, input_mean[n0] and input_inv_scale[n0] come first.
 */
#ifndef GRADC_TESTS_REF_H
#define GRADC_TESTS_REF_H

#include <stddef.h>

/* As many layers as a spec may have (gen/spec.lua's MAX_LAYERS), so that every valid spec, however
 * deep, can be checked against the engine, in the model suite and by make cross. */
#define REF_MAX_LAYERS 1000

typedef enum { REF_LINEAR, REF_SIGMOID, REF_TANH, REF_RELU, REF_LEAKY_RELU, REF_SOFTMAX } ref_activation;
typedef enum { REF_BCE, REF_MSE, REF_CE } ref_loss;
typedef enum { REF_SGD, REF_MOMENTUM, REF_ADAM, REF_ADAMW } ref_optimizer_kind;
typedef enum { REF_XAVIER, REF_HE, REF_UNIFORM } ref_init_scheme;
typedef enum { REF_SCHEDULE_NONE, REF_SCHEDULE_STEP, REF_SCHEDULE_COSINE } ref_schedule_kind;
typedef enum { REF_FLOAT, REF_DOUBLE } ref_dtype;
typedef enum {
    REF_DENSE, REF_CONV1D, REF_CONV2D, REF_MAXPOOL1D, REF_AVGPOOL1D, REF_MAXPOOL2D, REF_AVGPOOL2D,
    REF_GLOBAL_AVGPOOL, REF_BATCHNORM, REF_FLATTEN
} ref_layer_kind;

/* Optimizer hyperparameters; fields the kind does not use are ignored. */
typedef struct {
    ref_optimizer_kind kind;
    double lr;
    double beta;                /* momentum */
    double beta1, beta2, eps;   /* adam, adamw */
    double weight_decay;        /* every kind; 0 = none */
    /* The learning-rate schedule (docs/spec.md: optimizer.schedule); NONE (0) keeps lr. */
    ref_schedule_kind schedule;
    long every;                 /* step: lr gamma^floor(t / every) */
    double gamma;
    long steps;                 /* cosine: min_lr + (lr - min_lr) (1 + cos(pi min(t, steps) / steps)) / 2 */
    double min_lr;
} ref_optimizer;

/*
 * One layer with every default applied. The per-dimension fields are {h, w}; a 1-D layer uses
 * index 1 (its length axis) and the engine treats its index 0 as kernel 1, stride 1, dilation 1,
 * no padding, whatever it holds. "same" and "valid" padding arrive resolved into pad_before and
 * pad_after. Fields the kind does not use are ignored (0 is fine).
 */
typedef struct {
    ref_layer_kind kind;
    int units;                          /* dense */
    int filters;                        /* conv */
    int kernel[2];                      /* conv, pools */
    int stride[2];                      /* conv, pools (a pool's default is its kernel) */
    int pad_before[2], pad_after[2];    /* conv: zeros before / after, per dimension */
    int dilation[2];                    /* conv */
    int groups;                         /* conv */
    int bias;                           /* conv: 1 when the layer has b */
    ref_activation activation;          /* dense, conv, batchnorm; linear elsewhere */
    double alpha;                       /* leaky_relu slope */
    double eps, momentum;               /* batchnorm */
} ref_layer;

/* One network as a spec describes it, with every default applied. */
typedef struct {
    const char *name;
    int input;                              /* n[0]: the input's feature count */
    int input_rank;                         /* 0 flat, 1 {channels, length}, 2 {channels, h, w} */
    int input_channels;                     /* rank 1, 2 */
    int input_size[2];                      /* rank 2: {height, width}; rank 1: {1, length} */
    int batch;                              /* m */
    int layers;                             /* L */
    const ref_layer *layer;                 /* layer[l-1] is layer l */
    ref_loss loss;
    ref_optimizer optimizer;
    ref_dtype dtype;
    ref_init_scheme init;
    unsigned long init_seed;
    const char *unroll;                     /* code shape only: kept for messages */
    int standardize;                        /* 1: every forward first maps x to
                                               (x - input_mean) * input_inv_scale per feature */
} ref_net;

/* A layer's output (or the input) shape: rank 0 is flat with `channels` features; rank 1 and 2
 * are channels x size[0] x size[1] (size[0] = 1 for rank 1). */
typedef struct {
    int rank;
    int channels;
    int size[2];
} ref_shape;

/* What forward keeps: A[0] is a copy of X, Z[l] (before the activation) and A[l] are n[l] x m for
 * l = 1..L. A batchnorm layer l also keeps its per-channel batch mean mu[l] and biased variance
 * s2[l] (the running statistics in inference mode); a maxpool layer keeps, per output element, the
 * flat index into A[l-1] of the element its window chose (argmax[l]). Sized for the net it was made
 * for, so that a small net takes a small heap (make cross measures it). */
typedef struct {
    double **Z;         /* each array has L + 1 entries, sized for the net at ref_cache_new */
    double **A;
    double **mu;        /* NULL entries for layers that are not batchnorm */
    double **s2;
    size_t **argmax;    /* NULL entries for layers that are not maxpool */
} ref_cache;

/* Optimizer memory: momentum uses v; adam/adamw use m, v, the step counter t and the bias
 * corrections 1 - beta1^t, 1 - beta2^t. trainable[k] is 0 for the running statistics (batchnorm
 * mean and var), which the optimizer never touches, and 1 for everything else. */
typedef struct {
    size_t count;
    long t;
    long updates;       /* steps done, for the learning-rate schedule (every kind) */
    double correction1, correction2;
    double *m;
    double *v;
    unsigned char *trainable;
} ref_optimizer_state;

ref_shape ref_shape_of(const ref_net *net, int l);            /* output of layer l; l = 0: the input */
int ref_width(const ref_net *net, int l);                     /* n[l], features of layer l's output */
int ref_positions(const ref_shape shape);                     /* size[0] * size[1], 1 when flat */
size_t ref_param_count(const ref_net *net);                   /* NET_PARAM_COUNT */
size_t ref_layer_offset(const ref_net *net, int l);           /* first param of layer l; l = L+1: the end */
size_t ref_layer_param_count(const ref_net *net, int l);
size_t ref_weight_offset(const ref_net *net, int l);          /* W[l][0]...: dense, conv */
size_t ref_bias_offset(const ref_net *net, int l);            /* b[l][0] (or where it would start) */
size_t ref_weight_count(const ref_net *net, int l);           /* elements of W[l], 0 if none */
size_t ref_gamma_offset(const ref_net *net, int l);           /* batchnorm: gamma, beta, mean, var */
size_t ref_beta_offset(const ref_net *net, int l);
size_t ref_mean_offset(const ref_net *net, int l);
size_t ref_var_offset(const ref_net *net, int l);
/* standardize, "layer" l = 0: input_mean[n0] at 0, input_inv_scale[n0] after it (state: never
 * trained, and their gradient is 0, as for batchnorm's running statistics) */
size_t ref_input_mean_offset(const ref_net *net, int l);
size_t ref_input_inv_scale_offset(const ref_net *net, int l);
/* fan_in and fan_out of layer l's W as init uses them: dense n[l-1], n[l]; conv (C/groups) x
 * kernel positions, filters x kernel positions. 0, 0 for a layer without W. */
void ref_fans(const ref_net *net, int l, int *fan_in, int *fan_out);

/* The init of docs/math.md drawn the way the generated <name>_init draws it, so
 * that the values agree exactly: splitmix64 from `seed`, one weight after another in parameter
 * order (layer by layer; biases and batchnorm take no draws), biases 0, gamma 1, beta 0, mean 0,
 * var 1. A double net draws in double (53-bit uniforms, Box-Muller with libm); a float
 * net in integers and exact float steps (24-bit uniforms; a fixed-point Box-Muller from one
 * 64-bit draw), scaled by the float nearest the scheme's r or std. Written from that description,
 * not from the runtime's code. */
void ref_init(const ref_net *net, unsigned long seed, double *params);

ref_cache *ref_cache_new(const ref_net *net);
void ref_cache_free(const ref_net *net, ref_cache *cache);

/* Training mode: batchnorm uses the batch's statistics. */
void ref_forward(const ref_net *net, const double *params, const double *X, ref_cache *cache);
/* Inference mode: batchnorm uses the running mean and var from params. */
void ref_forward_inference(const ref_net *net, const double *params, const double *X,
                           ref_cache *cache);
/* One sample x[n0] -> y[nL], inference mode (what net_predict computes). */
void ref_predict(const ref_net *net, const double *params, const double *x, double *y);
const double *ref_output(const ref_net *net, const ref_cache *cache);       /* A[L], n[L] x m */
double ref_cost(const ref_net *net, const ref_cache *cache, const double *Y);
double ref_cost_at(const ref_net *net, const double *params, const double *X, const double *Y);
/* The exact gradient of J (training mode) into grad (param-shaped; mean/var entries 0). */
void ref_backward(const ref_net *net, const double *params, const ref_cache *cache,
                  const double *Y, double *grad);
/* The same, and dJ/dX into dX (n0 x m) unless dX is NULL. */
void ref_backward_input(const ref_net *net, const double *params, const ref_cache *cache,
                        const double *Y, double *grad, double *dX);

ref_optimizer_state *ref_optimizer_state_new(const ref_net *net);
void ref_optimizer_state_free(ref_optimizer_state *state);
void ref_sgd_step(size_t count, double *params, const double *grad, double lr);
/* The learning rate of the update that follows `done` updates (the schedule's, or lr). */
double ref_scheduled_lr(const ref_optimizer *opt, long done);
/* One update of the trainable params (weight decay included). */
void ref_optimizer_step(const ref_optimizer *opt, ref_optimizer_state *state,
                        double *params, const double *grad);
/* mean = (1 - momentum) mean + momentum mu, var = (1 - momentum) var + momentum s2 N / (N - 1)
 * for every batchnorm layer, from a training-mode forward's cache. */
void ref_update_running_stats(const ref_net *net, const ref_cache *cache, double *params);
/* forward, cost, backward, optimizer, running statistics; returns J before the update. */
double ref_train_step(const ref_net *net, ref_optimizer_state *state, double *params,
                      const double *X, const double *Y);

#endif
