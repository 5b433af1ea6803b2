/*
 * Reference engine: plain loops, double precision, written from docs/math.md and nothing
 * else. Speed does not matter here; being obviously right does.
 */
#include "ref.h"

#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Test code: running out of memory or a misused engine is not a case worth recovering from. */
static void die(const char *why)
{
    fprintf(stderr, "ref: %s\n", why);
    abort();
}

static double *new_doubles(size_t count)
{
    double *p = calloc(count ? count : 1, sizeof *p);
    if (!p)
        die("out of memory");
    return p;
}

int ref_width(const ref_net *net, int l)
{
    assert(l >= 0 && l <= net->layers && net->layers <= REF_MAX_LAYERS);
    return l == 0 ? net->input : net->units[l - 1];
}

/* Size of the W[l], b[l] pair. */
static size_t layer_param_count(const ref_net *net, int l)
{
    size_t rows = (size_t)ref_width(net, l);
    return rows * (size_t)ref_width(net, l - 1) + rows;
}

size_t ref_weight_offset(const ref_net *net, int l)
{
    size_t offset = 0;
    for (int k = 1; k < l; k++)
        offset += layer_param_count(net, k);
    return offset;
}

size_t ref_bias_offset(const ref_net *net, int l)
{
    return ref_weight_offset(net, l) + (size_t)ref_width(net, l) * (size_t)ref_width(net, l - 1);
}

size_t ref_param_count(const ref_net *net)
{
    return ref_weight_offset(net, net->layers + 1);
}

/* Elements in a layer's activation matrix, n[l] x m. */
static size_t layer_size(const ref_net *net, int l)
{
    return (size_t)ref_width(net, l) * (size_t)net->batch;
}

/* ---- Init ---------------------------------------------------------------------------------- */

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

/* round(x 2^bits) for the fixed-point constants, from their definitions. */
static uint64_t fixed(double x, int bits)
{
    return (uint64_t)floor(ldexp(x, bits) + 0.5);
}

/* floor(sqrt(n)): libm's estimate, corrected to the exact integer root. */
static uint64_t floor_sqrt(uint64_t n)
{
    uint64_t r = (uint64_t)sqrt((double)n);
    while (r > 0 && (r > 0xFFFFFFFFu || r * r > n))
        r--;
    while ((r + 1) * (r + 1) <= n)
        r++;
    return r;
}

/* Q30 Taylor series of cos (first = 1) or sin (first = 2) of phi = (pi/4) g 2^-30, in nested form:
 * 1 - c_1 h (1 - c_2 h (...)), h = (g 2^-30)^2, c_k = (pi/4)^2 / ((2k + first - 2) (2k + first - 1)),
 * five terms, truncating each product to Q30. sin is then multiplied by phi. */
static uint64_t fixed_trig(uint64_t g, int first)
{
    const double quarter_pi = 3.14159265358979323846 / 4;
    const uint64_t one = (uint64_t)1 << 30, h = (g * g) >> 30;
    uint64_t value = one;
    for (int k = 5; k >= 1; k--) {
        double divisor = (double)(2 * k + first - 2) * (double)(2 * k + first - 1);
        uint64_t c = fixed(quarter_pi * quarter_pi / divisor, 30);
        value = one - ((((c * h) >> 30) * value) >> 30);
    }
    if (first == 2)
        value = (value * ((g * fixed(quarter_pi, 30)) >> 30)) >> 30;
    return value;
}

/* A float net's N(0, 1): Box-Muller of u1 = (high 32 bits + 1) 2^-32, u2 = (low 32 bits) 2^-32 in
 * fixed point. -log2 u1 in Q30: 32 minus the integer part of log2, minus 30 fraction bits of the
 * Q31 mantissa found by squaring (truncating to Q31 after each square); r^2 = that times 2 ln 2
 * (Q27), halved to Q56; r = floor of its square root (Q28); times |cos(2 pi u2)| in Q30 from the
 * quadrant (the top two bits of u2) and the octant; the product shifted to Q27, then to float. */
static float fixed_point_normal(uint64_t draw)
{
    uint64_t x = (draw >> 32) + 1;
    int exponent = 0;
    while (x >> (exponent + 1))
        exponent++;
    uint64_t mantissa = exponent <= 31 ? x << (31 - exponent) : x >> (exponent - 31);
    uint64_t fraction = 0;
    for (int i = 0; i < 30; i++) {
        mantissa *= mantissa;
        fraction <<= 1;
        if (mantissa >= (uint64_t)1 << 63) {
            fraction |= 1;
            mantissa >>= 32;
        } else {
            mantissa >>= 31;
        }
    }
    uint64_t neg_log2_u1 = ((uint64_t)(32 - exponent) << 30) - fraction;
    uint64_t r = floor_sqrt((neg_log2_u1 * fixed(2 * log(2.0), 27)) >> 1);

    uint32_t u2 = (uint32_t)draw;
    unsigned quadrant = u2 >> 30;
    uint64_t offset = u2 & 0x3FFFFFFFu; /* angle within the quadrant, (pi/2) offset 2^-30 */
    int mirrored = offset >= ((uint64_t)1 << 29);
    uint64_t g = mirrored ? 2 * (((uint64_t)1 << 30) - offset) : 2 * offset;
    /* quadrants 0..3 need cos, sin, cos, sin of the angle within, mirrored: sin <-> cos */
    int wants_sin = (quadrant % 2 == 1) != mirrored;
    uint64_t magnitude = fixed_trig(g, wants_sin ? 2 : 1);
    float z = (float)(uint32_t)((r * magnitude) >> 31) / 134217728.0f;
    return quadrant == 1 || quadrant == 2 ? -z : z;
}

/* A float net's U(-1, 1): the top 24 bits as k - 2^23, over 2^23. */
static float fixed_point_symmetric(uint64_t draw)
{
    return (float)((int32_t)(draw >> 40) - 8388608) / 8388608.0f;
}

static double uniform53(uint64_t *state)
{
    return (double)(splitmix64(state) >> 11) / 9007199254740992.0;
}

void ref_init(const ref_net *net, unsigned long seed, double *params)
{
    uint64_t state = 0x9E3779B97F4A7C15u ^ (uint64_t)(uint32_t)seed;
    memset(params, 0, ref_param_count(net) * sizeof *params);
    for (int l = 1; l <= net->layers; l++) {
        int fan_in = ref_width(net, l - 1), fan_out = ref_width(net, l);
        double scale = net->init == REF_XAVIER ? sqrt(6.0 / (fan_in + fan_out))
                     : net->init == REF_HE ? sqrt(2.0 / fan_in) : 0.05;
        double *W = params + ref_weight_offset(net, l);
        for (int k = 0; k < fan_in * fan_out; k++) {
            if (net->dtype == REF_FLOAT) {
                uint64_t draw = splitmix64(&state);
                float unit = net->init == REF_HE ? fixed_point_normal(draw) : fixed_point_symmetric(draw);
                W[k] = (double)((float)scale * unit);
            } else if (net->init == REF_HE) {
                double u1 = 1.0 - uniform53(&state), u2 = uniform53(&state);
                W[k] = scale * (sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2));
            } else {
                W[k] = scale * (2.0 * uniform53(&state) - 1.0);
            }
        }
    }
}

ref_cache *ref_cache_new(const ref_net *net)
{
    ref_cache *cache = calloc(1, sizeof *cache);
    if (!cache)
        die("out of memory");
    cache->A[0] = new_doubles(layer_size(net, 0));
    for (int l = 1; l <= net->layers; l++) {
        cache->Z[l] = new_doubles(layer_size(net, l));
        cache->A[l] = new_doubles(layer_size(net, l));
    }
    return cache;
}

void ref_cache_free(const ref_net *net, ref_cache *cache)
{
    if (!cache)
        return;
    for (int l = 0; l <= net->layers; l++) {
        free(cache->Z[l]);
        free(cache->A[l]);
    }
    free(cache);
}

/* Logistic function without overflow: exp only ever sees a non-positive argument. */
static double sigmoid(double z)
{
    if (z >= 0)
        return 1.0 / (1.0 + exp(-z));
    double e = exp(z);
    return e / (1.0 + e);
}

static double apply_elementwise(ref_activation g, double alpha, double z)
{
    switch (g) {
    case REF_LINEAR: return z;
    case REF_SIGMOID: return sigmoid(z);
    case REF_TANH: return tanh(z);
    case REF_RELU: return z > 0 ? z : 0.0;
    case REF_LEAKY_RELU: return z > 0 ? z : alpha * z;
    case REF_SOFTMAX: break;
    }
    die("softmax is not elementwise");
    return 0;
}

/* g'(z) for the elementwise activations, with the contract's values at the kinks. */
static double derivative_elementwise(ref_activation g, double alpha, double z)
{
    switch (g) {
    case REF_LINEAR: return 1.0;
    case REF_SIGMOID: { double s = sigmoid(z); return s * (1.0 - s); }
    case REF_TANH: { double t = tanh(z); return 1.0 - t * t; }
    case REF_RELU: return z > 0 ? 1.0 : 0.0;
    case REF_LEAKY_RELU: return z > 0 ? 1.0 : alpha;
    case REF_SOFTMAX: break;
    }
    die("softmax is not elementwise");
    return 0;
}

/* log(sum_i exp(z[i*m + j])) over the rows of column j, shifted by the max so it cannot overflow. */
static double column_logsumexp(const double *z, int rows, int m, int j)
{
    double top = z[j];
    for (int i = 1; i < rows; i++)
        top = fmax(top, z[i * m + j]);
    double sum = 0;
    for (int i = 0; i < rows; i++)
        sum += exp(z[i * m + j] - top);
    return top + log(sum);
}

static void softmax_columns(const double *z, double *a, int rows, int m)
{
    for (int j = 0; j < m; j++) {
        double lse = column_logsumexp(z, rows, m, j);
        for (int i = 0; i < rows; i++)
            a[i * m + j] = exp(z[i * m + j] - lse);
    }
}

static void activate(const ref_net *net, int l, const double *z, double *a)
{
    ref_activation g = net->activation[l - 1];
    int rows = ref_width(net, l);
    if (g == REF_SOFTMAX) {
        softmax_columns(z, a, rows, net->batch);
        return;
    }
    for (size_t k = 0; k < layer_size(net, l); k++)
        a[k] = apply_elementwise(g, net->alpha[l - 1], z[k]);
}

/* Z[l] = W[l] A[l-1] + b[l], one dot product per element. */
static void dense(const ref_net *net, int l, const double *params, const double *a_prev, double *z)
{
    int rows = ref_width(net, l), cols = ref_width(net, l - 1), m = net->batch;
    const double *W = params + ref_weight_offset(net, l);
    const double *b = params + ref_bias_offset(net, l);
    for (int r = 0; r < rows; r++)
        for (int j = 0; j < m; j++) {
            double sum = b[r];
            for (int c = 0; c < cols; c++)
                sum += W[r * cols + c] * a_prev[c * m + j];
            z[r * m + j] = sum;
        }
}

void ref_forward(const ref_net *net, const double *params, const double *X, ref_cache *cache)
{
    memcpy(cache->A[0], X, layer_size(net, 0) * sizeof *X);
    for (int l = 1; l <= net->layers; l++) {
        dense(net, l, params, cache->A[l - 1], cache->Z[l]);
        activate(net, l, cache->Z[l], cache->A[l]);
    }
}

const double *ref_output(const ref_net *net, const ref_cache *cache)
{
    return cache->A[net->layers];
}

/* bce term from z: -[y log s(z) + (1-y) log(1-s(z))] = softplus(z) - y z, softplus written stably. */
static double bce_term(double z, double y)
{
    return fmax(z, 0.0) - y * z + log1p(exp(-fabs(z)));
}

/* ce of column j from z: -sum_i y_i (z_i - lse) = (sum_i y_i) lse - sum_i y_i z_i. */
static double ce_column(const double *z, const double *Y, int rows, int m, int j)
{
    double lse = column_logsumexp(z, rows, m, j), y_sum = 0, yz = 0;
    for (int i = 0; i < rows; i++) {
        y_sum += Y[i * m + j];
        yz += Y[i * m + j] * z[i * m + j];
    }
    return y_sum * lse - yz;
}

double ref_cost(const ref_net *net, const ref_cache *cache, const double *Y)
{
    int L = net->layers, rows = ref_width(net, L), m = net->batch;
    const double *z = cache->Z[L], *a = cache->A[L];
    size_t n = layer_size(net, L);
    double sum = 0;
    switch (net->loss) {
    case REF_BCE:
        assert(net->activation[L - 1] == REF_SIGMOID);
        for (size_t k = 0; k < n; k++)
            sum += bce_term(z[k], Y[k]);
        break;
    case REF_MSE:
        for (size_t k = 0; k < n; k++)
            sum += (a[k] - Y[k]) * (a[k] - Y[k]);
        break;
    case REF_CE:
        assert(net->activation[L - 1] == REF_SOFTMAX);
        for (int j = 0; j < m; j++)
            sum += ce_column(z, Y, rows, m, j);
        break;
    }
    return sum / m;
}

double ref_cost_at(const ref_net *net, const double *params, const double *X, const double *Y)
{
    ref_cache *cache = ref_cache_new(net);
    ref_forward(net, params, X, cache);
    double J = ref_cost(net, cache, Y);
    ref_cache_free(net, cache);
    return J;
}

/*
 * dJ/dZ[L], derived for every Y, not only one-hot or binary ones:
 * - bce (sigmoid): d/dz [softplus(z) - y z] = s(z) - y.
 * - ce (softmax): d/dz_k [S lse(z) - sum_i y_i z_i] = S a_k - y_k with S = sum_i y_i;
 *   it is a_k - y_k only when the column of Y sums to 1.
 * - mse: dJ/dA = 2 (a - y) / m, then through g[L] like any other layer.
 * All of them carry the 1/m of J.
 */
static void activation_backward(const ref_net *net, int l, const ref_cache *cache,
                                const double *da, double *dz);

static void output_delta(const ref_net *net, const ref_cache *cache, const double *Y, double *dz)
{
    int L = net->layers, rows = ref_width(net, L), m = net->batch;
    const double *a = cache->A[L];
    size_t n = layer_size(net, L);
    if (net->loss == REF_BCE) {
        for (size_t k = 0; k < n; k++)
            dz[k] = (a[k] - Y[k]) / m;
    } else if (net->loss == REF_CE) {
        for (int j = 0; j < m; j++) {
            double y_sum = 0;
            for (int i = 0; i < rows; i++)
                y_sum += Y[i * m + j];
            for (int i = 0; i < rows; i++)
                dz[i * m + j] = (a[i * m + j] * y_sum - Y[i * m + j]) / m;
        }
    } else {
        double *da = new_doubles(n);
        for (size_t k = 0; k < n; k++)
            da[k] = 2.0 * (a[k] - Y[k]) / m;
        activation_backward(net, L, cache, da, dz);
        free(da);
    }
}

/*
 * dZ = dA through g[l]. Softmax uses its full Jacobian, da_i/dz_k = a_i (delta_ik - a_k), so
 * dz_k = a_k (da_k - sum_i a_i da_i) per column.
 */
static void activation_backward(const ref_net *net, int l, const ref_cache *cache,
                                const double *da, double *dz)
{
    ref_activation g = net->activation[l - 1];
    const double *z = cache->Z[l], *a = cache->A[l];
    int rows = ref_width(net, l), m = net->batch;
    if (g != REF_SOFTMAX) {
        for (size_t k = 0; k < layer_size(net, l); k++)
            dz[k] = da[k] * derivative_elementwise(g, net->alpha[l - 1], z[k]);
        return;
    }
    for (int j = 0; j < m; j++) {
        double a_dot_da = 0;
        for (int i = 0; i < rows; i++)
            a_dot_da += a[i * m + j] * da[i * m + j];
        for (int k = 0; k < rows; k++)
            dz[k * m + j] = a[k * m + j] * (da[k * m + j] - a_dot_da);
    }
}

/* dW[l] = dZ[l] A[l-1]^T and db[l] = row sums of dZ[l] (the 1/m is already inside dZ). */
static void dense_param_grads(const ref_net *net, int l, const ref_cache *cache,
                              const double *dz, double *grad)
{
    int rows = ref_width(net, l), cols = ref_width(net, l - 1), m = net->batch;
    double *dW = grad + ref_weight_offset(net, l), *db = grad + ref_bias_offset(net, l);
    const double *a_prev = cache->A[l - 1];
    for (int r = 0; r < rows; r++) {
        double bias_sum = 0;
        for (int j = 0; j < m; j++)
            bias_sum += dz[r * m + j];
        db[r] = bias_sum;
        for (int c = 0; c < cols; c++) {
            double sum = 0;
            for (int j = 0; j < m; j++)
                sum += dz[r * m + j] * a_prev[c * m + j];
            dW[r * cols + c] = sum;
        }
    }
}

/* dA[l-1] = W[l]^T dZ[l]. */
static void dense_input_grad(const ref_net *net, int l, const double *params, const double *dz,
                             double *da_prev)
{
    int rows = ref_width(net, l), cols = ref_width(net, l - 1), m = net->batch;
    const double *W = params + ref_weight_offset(net, l);
    for (int c = 0; c < cols; c++)
        for (int j = 0; j < m; j++) {
            double sum = 0;
            for (int r = 0; r < rows; r++)
                sum += W[r * cols + c] * dz[r * m + j];
            da_prev[c * m + j] = sum;
        }
}

void ref_backward(const ref_net *net, const double *params, const ref_cache *cache,
                  const double *Y, double *grad)
{
    int L = net->layers;
    double *dz = new_doubles(layer_size(net, L));
    output_delta(net, cache, Y, dz);
    for (int l = L; l >= 1; l--) {
        dense_param_grads(net, l, cache, dz, grad);
        if (l == 1)
            break;
        double *da_prev = new_doubles(layer_size(net, l - 1));
        double *dz_prev = new_doubles(layer_size(net, l - 1));
        dense_input_grad(net, l, params, dz, da_prev);
        activation_backward(net, l - 1, cache, da_prev, dz_prev);
        free(da_prev);
        free(dz);
        dz = dz_prev;
    }
    free(dz);
}

ref_optimizer_state *ref_optimizer_state_new(const ref_net *net)
{
    ref_optimizer_state *state = calloc(1, sizeof *state);
    if (!state)
        die("out of memory");
    state->count = ref_param_count(net);
    state->m = new_doubles(state->count);
    state->v = new_doubles(state->count);
    return state;
}

void ref_optimizer_state_free(ref_optimizer_state *state)
{
    if (!state)
        return;
    free(state->m);
    free(state->v);
    free(state);
}

void ref_sgd_step(size_t count, double *params, const double *grad, double lr)
{
    for (size_t k = 0; k < count; k++)
        params[k] -= lr * grad[k];
}

/* v = beta v + grad; p -= lr v. */
static void momentum_step(const ref_optimizer *opt, ref_optimizer_state *s, double *params,
                          const double *grad)
{
    for (size_t k = 0; k < s->count; k++) {
        s->v[k] = opt->beta * s->v[k] + grad[k];
        params[k] -= opt->lr * s->v[k];
    }
}

/* Adam with bias correction; t counts steps from 1. The corrections 1 - beta^t are updated as
 * c_t = (1 - beta) + beta c_(t-1) from c_0 = 0, which is 1 - beta^t exactly in exact arithmetic,
 * the way the generated code keeps them (there in the model's real type). */
static void adam_step(const ref_optimizer *opt, ref_optimizer_state *s, double *params,
                      const double *grad)
{
    s->t++;
    s->correction1 = (1.0 - opt->beta1) + opt->beta1 * s->correction1;
    s->correction2 = (1.0 - opt->beta2) + opt->beta2 * s->correction2;
    double correct1 = s->correction1, correct2 = s->correction2;
    for (size_t k = 0; k < s->count; k++) {
        s->m[k] = opt->beta1 * s->m[k] + (1.0 - opt->beta1) * grad[k];
        s->v[k] = opt->beta2 * s->v[k] + (1.0 - opt->beta2) * grad[k] * grad[k];
        params[k] -= opt->lr * (s->m[k] / correct1) / (sqrt(s->v[k] / correct2) + opt->eps);
    }
}

void ref_optimizer_step(const ref_optimizer *opt, ref_optimizer_state *state, double *params,
                        const double *grad)
{
    switch (opt->kind) {
    case REF_SGD: ref_sgd_step(state->count, params, grad, opt->lr); break;
    case REF_MOMENTUM: momentum_step(opt, state, params, grad); break;
    case REF_ADAM: adam_step(opt, state, params, grad); break;
    }
}

double ref_train_step(const ref_net *net, ref_optimizer_state *state, double *params,
                      const double *X, const double *Y)
{
    ref_cache *cache = ref_cache_new(net);
    double *grad = new_doubles(state->count);
    ref_forward(net, params, X, cache);
    double J = ref_cost(net, cache, Y);
    ref_backward(net, params, cache, Y, grad);
    ref_optimizer_step(&net->optimizer, state, params, grad);
    free(grad);
    ref_cache_free(net, cache);
    return J;
}
