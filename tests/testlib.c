/* Model-independent test helpers; see testlib.h. */
#include "testlib.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "ref.h"

/* How many bad elements check_close lists before it only counts them. */
#define REPORT_LIMIT 8

void rng_seed(test_rng *rng, uint64_t seed)
{
    rng->state = seed;
}

static uint64_t rng_next(test_rng *rng)
{
    uint64_t z = (rng->state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

/* 53 random bits scaled into [lo, hi). */
double rng_uniform(test_rng *rng, double lo, double hi)
{
    double unit = (double)(rng_next(rng) >> 11) * (1.0 / 9007199254740992.0);
    return lo + (hi - lo) * unit;
}

static double allowed_error(double want, double scale, tolerance tol)
{
    return tol.rtol * fmax(fabs(want), tol.floor * scale) + tol.atol;
}

static double masked_max_abs(const double *values, const unsigned char *skip, size_t count)
{
    double top = 0;
    for (size_t i = 0; i < count; i++)
        if (!skip || !skip[i])
            top = fmax(top, fabs(values[i]));
    return top;
}

double max_abs(const double *values, size_t count)
{
    return masked_max_abs(values, NULL, count);
}

int check_close(const char *label, const double *got, const double *want, size_t count,
                tolerance tol)
{
    return check_close_masked(label, got, want, NULL, count, tol);
}

int check_close_masked(const char *label, const double *got, const double *want,
                       const unsigned char *skip, size_t count, tolerance tol)
{
    double scale = masked_max_abs(want, skip, count), worst = 0;
    size_t bad = 0, worst_index = 0;
    for (size_t i = 0; i < count; i++) {
        if (skip && skip[i])
            continue;
        double diff = fabs(got[i] - want[i]);
        if (!(diff <= allowed_error(want[i], scale, tol))) { /* NaN fails too */
            if (bad < REPORT_LIMIT)
                printf("    %s[%zu]: got %.17g, want %.17g (diff %.3g, allowed %.3g)\n", label, i,
                       got[i], want[i], diff, allowed_error(want[i], scale, tol));
            bad++;
        }
        if (!(diff <= worst)) {
            worst = diff;
            worst_index = i;
        }
    }
    if (bad)
        printf("    %s: %zu of %zu elements out of tolerance (rtol %g, floor %g, atol %g, scale %g);"
               " largest difference %.3g at [%zu]\n",
               label, bad, count, tol.rtol, tol.floor, tol.atol, scale, worst, worst_index);
    return bad == 0;
}

void fill_uniform(test_rng *rng, double *values, size_t count, double lo, double hi)
{
    for (size_t i = 0; i < count; i++)
        values[i] = rng_uniform(rng, lo, hi);
}

/* bce: mostly soft labels in [0, 1], a quarter of them exactly 0 or 1 (the common case). */
static double bce_target(test_rng *rng)
{
    double u = rng_uniform(rng, 0, 1);
    if (u < 0.125)
        return 0.0;
    if (u < 0.25)
        return 1.0;
    return rng_uniform(rng, 0, 1);
}

/*
 * ce: column j is one-hot when j % 3 == 0, a probability vector when j % 3 == 1, and arbitrary
 * non-negative weights (sum != 1) otherwise, so a backward that assumes sum(y) == 1 is caught
 * whenever the batch has 3 or more columns.
 */
static void ce_column(test_rng *rng, double *Y, int rows, int m, int j)
{
    double sum = 0;
    for (int i = 0; i < rows; i++) {
        Y[i * m + j] = rng_uniform(rng, 0, 2);
        sum += Y[i * m + j];
    }
    if (j % 3 == 0) {
        int hot = (int)rng_uniform(rng, 0, rows);
        for (int i = 0; i < rows; i++)
            Y[i * m + j] = i == hot ? 1.0 : 0.0;
    } else if (j % 3 == 1 && sum > 0) {
        for (int i = 0; i < rows; i++)
            Y[i * m + j] /= sum;
    }
}

void fill_targets(test_rng *rng, const ref_net *net, double *Y)
{
    int rows = ref_width(net, net->layers), m = net->batch;
    size_t count = (size_t)rows * (size_t)m;
    switch (net->loss) {
    case REF_BCE:
        for (size_t k = 0; k < count; k++)
            Y[k] = bce_target(rng);
        break;
    case REF_CE:
        for (int j = 0; j < m; j++)
            ce_column(rng, Y, rows, m, j);
        break;
    case REF_MSE:
        fill_uniform(rng, Y, count, -1.5, 1.5);
        break;
    }
}

static void add_range(tensor_range *ranges, int *count, const char *prefix, const char *name,
                      int l, size_t begin, size_t length)
{
    tensor_range *range = &ranges[(*count)++];
    snprintf(range->label, sizeof range->label, "%s%s%d", prefix, name, l);
    range->begin = begin;
    range->end = begin + length;
}

int tensor_ranges(const ref_net *net, const char *prefix, tensor_range *ranges)
{
    int count = 0;
    if (net->standardize) {
        add_range(ranges, &count, prefix, "input_mean", 0, ref_input_mean_offset(net, 0), (size_t)net->input);
        add_range(ranges, &count, prefix, "input_inv_scale", 0, ref_input_inv_scale_offset(net, 0),
                  (size_t)net->input);
    }
    for (int l = 1; l <= net->layers; l++) {
        if (net->layer[l - 1].kind == REF_BATCHNORM) {
            size_t channels = ref_beta_offset(net, l) - ref_gamma_offset(net, l);
            add_range(ranges, &count, prefix, "gamma", l, ref_gamma_offset(net, l), channels);
            add_range(ranges, &count, prefix, "beta", l, ref_beta_offset(net, l), channels);
            add_range(ranges, &count, prefix, "mean", l, ref_mean_offset(net, l), channels);
            add_range(ranges, &count, prefix, "var", l, ref_var_offset(net, l), channels);
            continue;
        }
        size_t weights = ref_weight_count(net, l);
        size_t biases = ref_layer_offset(net, l + 1) - ref_bias_offset(net, l);
        if (weights)
            add_range(ranges, &count, prefix, "W", l, ref_weight_offset(net, l), weights);
        if (biases)
            add_range(ranges, &count, prefix, "b", l, ref_bias_offset(net, l), biases);
    }
    return count;
}

int check_tensors_close(const ref_net *net, const char *prefix, const double *got,
                        const double *want, const unsigned char *skip, tolerance tol)
{
    tensor_range ranges[4 * REF_MAX_LAYERS + 2];
    int tensors = tensor_ranges(net, prefix, ranges), all_tensors_close = 1;
    for (int t = 0; t < tensors; t++) {
        size_t begin = ranges[t].begin, count = ranges[t].end - begin;
        all_tensors_close &= check_close_masked(ranges[t].label, got + begin, want + begin,
                                                skip ? skip + begin : NULL, count, tol);
    }
    return all_tensors_close;
}

static int has_kink(const ref_layer *layer)
{
    int activated = layer->kind == REF_DENSE || layer->kind == REF_CONV1D ||
                    layer->kind == REF_CONV2D || layer->kind == REF_BATCHNORM;
    return activated && (layer->activation == REF_RELU || layer->activation == REF_LEAKY_RELU);
}

/* Whether any relu/leaky_relu pre-activation sits on different sides of 0 in the two caches, or
 * any max window chose another element (the max is not differentiable where two elements tie). */
static int kink_side_differs(const ref_net *net, const ref_cache *a, const ref_cache *b)
{
    for (int l = 1; l <= net->layers; l++) {
        size_t count = (size_t)ref_width(net, l) * (size_t)net->batch;
        if (a->argmax[l])
            for (size_t k = 0; k < count; k++)
                if (a->argmax[l][k] != b->argmax[l][k])
                    return 1;
        if (!has_kink(&net->layer[l - 1]))
            continue;
        for (size_t k = 0; k < count; k++)
            if ((a->Z[l][k] > 0) != (b->Z[l][k] > 0))
                return 1;
    }
    return 0;
}

double ref_central_difference(const ref_net *net, double *params, size_t index, const double *X,
                              const double *Y, int *crossed)
{
    ref_cache *plus = ref_cache_new(net), *minus = ref_cache_new(net);
    double saved = params[index];
    params[index] = saved + FD_STEP;
    ref_forward(net, params, X, plus);
    params[index] = saved - FD_STEP;
    ref_forward(net, params, X, minus);
    params[index] = saved;
    double slope = (ref_cost(net, plus, Y) - ref_cost(net, minus, Y)) / (2 * FD_STEP);
    *crossed = kink_side_differs(net, plus, minus);
    ref_cache_free(net, plus);
    ref_cache_free(net, minus);
    return slope;
}

double ref_central_difference_input(const ref_net *net, const double *params, double *X,
                                    size_t index, const double *Y, int *crossed)
{
    ref_cache *plus = ref_cache_new(net), *minus = ref_cache_new(net);
    double saved = X[index];
    X[index] = saved + FD_STEP;
    ref_forward(net, params, X, plus);
    X[index] = saved - FD_STEP;
    ref_forward(net, params, X, minus);
    X[index] = saved;
    double slope = (ref_cost(net, plus, Y) - ref_cost(net, minus, Y)) / (2 * FD_STEP);
    *crossed = kink_side_differs(net, plus, minus);
    ref_cache_free(net, plus);
    ref_cache_free(net, minus);
    return slope;
}

void fill_params(test_rng *rng, const ref_net *net, double *params)
{
    if (net->standardize) { /* statistics as make train would fit them: any mean, a positive 1/scale */
        fill_uniform(rng, params + ref_input_mean_offset(net, 0), (size_t)net->input, -0.5, 0.5);
        fill_uniform(rng, params + ref_input_inv_scale_offset(net, 0), (size_t)net->input, 0.5, 2.0);
    }
    for (int l = 1; l <= net->layers; l++) {
        if (net->layer[l - 1].kind == REF_BATCHNORM) {
            size_t channels = ref_beta_offset(net, l) - ref_gamma_offset(net, l);
            fill_uniform(rng, params + ref_gamma_offset(net, l), channels, 0.5, 1.5);
            fill_uniform(rng, params + ref_beta_offset(net, l), channels, -0.5, 0.5);
            fill_uniform(rng, params + ref_mean_offset(net, l), channels, -0.5, 0.5);
            fill_uniform(rng, params + ref_var_offset(net, l), channels, 0.5, 1.5);
            continue;
        }
        size_t w = ref_weight_offset(net, l), b = ref_bias_offset(net, l);
        if (w == b)
            continue;
        int fan_in, fan_out;
        ref_fans(net, l, &fan_in, &fan_out);
        double spread = sqrt(3.0 / fan_in);
        fill_uniform(rng, params + w, b - w, -spread, spread);
        fill_uniform(rng, params + b, ref_layer_offset(net, l + 1) - b, -0.5, 0.5);
    }
}

size_t fd_stride(const ref_net *net)
{
    const double budget = 1e8;
    double params = (double)ref_param_count(net);
    double cost = 2 * params * params * net->batch; /* two forwards of ~params * m each */
    return cost <= budget ? 1 : (size_t)ceil(cost / budget);
}

int check_gradient_fd(const ref_net *net, const char *prefix, const double *analytic,
                      const double *fd, const unsigned char *skip, size_t sampled)
{
    size_t count = ref_param_count(net), compared = 0;
    for (size_t k = 0; k < count; k++)
        compared += !skip[k];
    double scale = masked_max_abs(fd, skip, count);
    if (10 * compared < 9 * sampled || !(scale > FD_MIN_SCALE)) {
        printf("    %s: %zu of %zu sampled differences usable (kinks), largest |difference| %g:"
               " nothing to check against\n", prefix, compared, sampled, scale);
        return 0;
    }
    tolerance tol = {FD_RTOL, 1.0, FD_GLOBAL_ATOL * scale};
    return check_tensors_close(net, prefix, analytic, fd, skip, tol);
}

void pool_add(sample_pool *pool, double value)
{
    pool->count++;
    pool->sum += value;
    pool->sum_squares += value * value;
    pool->max_abs = fmax(pool->max_abs, fabs(value));
}

double pool_mean(const sample_pool *pool)
{
    return pool->sum / (double)pool->count;
}

double pool_variance(const sample_pool *pool)
{
    double mean = pool_mean(pool);
    return pool->sum_squares / (double)pool->count - mean * mean;
}

double init_scale(const ref_net *net, int l)
{
    int fan_in_count, fan_out_count;
    ref_fans(net, l, &fan_in_count, &fan_out_count);
    double fan_in = fan_in_count, fan_out = fan_out_count;
    switch (net->init) {
    case REF_XAVIER: return sqrt(6.0 / (fan_in + fan_out));
    case REF_HE: return sqrt(2.0 / fan_in);
    case REF_UNIFORM: return 0.05;
    }
    return 0;
}
