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

/* ---- Shapes and the parameter layout ------------------------------------------------------ */

static const ref_layer *layer_of(const ref_net *net, int l)
{
    assert(l >= 1 && l <= net->layers && net->layers <= REF_MAX_LAYERS);
    return &net->layer[l - 1];
}

static int is_conv(ref_layer_kind kind)
{
    return kind == REF_CONV1D || kind == REF_CONV2D;
}

static int is_1d(ref_layer_kind kind)
{
    return kind == REF_CONV1D || kind == REF_MAXPOOL1D || kind == REF_AVGPOOL1D;
}

static int is_maxpool(ref_layer_kind kind)
{
    return kind == REF_MAXPOOL1D || kind == REF_MAXPOOL2D;
}

/* Only dense, conv and batchnorm layers have an activation; the others pass values through. */
static ref_activation activation_of(const ref_layer *layer)
{
    return layer->kind == REF_DENSE || is_conv(layer->kind) || layer->kind == REF_BATCHNORM
               ? layer->activation : REF_LINEAR;
}

/* The window of a conv or pool layer along one dimension (0 = h, 1 = w), with a 1-D layer's
 * missing height made the identity, and a pool's zero padding and unit dilation. */
typedef struct {
    int kernel, stride, dilation, pad_before, pad_after;
} window;

static window window_of(const ref_layer *layer, int dim)
{
    window w = {1, 1, 1, 0, 0};
    if (dim == 0 && is_1d(layer->kind))
        return w;
    w.kernel = layer->kernel[dim];
    w.stride = layer->stride[dim];
    if (is_conv(layer->kind)) {
        w.dilation = layer->dilation[dim];
        w.pad_before = layer->pad_before[dim];
        w.pad_after = layer->pad_after[dim];
    }
    return w;
}

/* floor((n + padding - d(k-1) - 1) / s) + 1 */
static int window_output_size(window w, int n)
{
    int span = n + w.pad_before + w.pad_after - w.dilation * (w.kernel - 1) - 1;
    if (span < 0 || w.stride < 1)
        die("a window does not fit its input");
    return span / w.stride + 1;
}

static ref_shape next_shape(const ref_layer *layer, ref_shape in)
{
    ref_shape out = in;
    int features = in.channels * ref_positions(in);
    switch (layer->kind) {
    case REF_DENSE:
        out.rank = 0;
        out.channels = layer->units;
        out.size[0] = out.size[1] = 1;
        break;
    case REF_CONV1D: case REF_CONV2D:
    case REF_MAXPOOL1D: case REF_AVGPOOL1D: case REF_MAXPOOL2D: case REF_AVGPOOL2D:
        if (in.rank != (is_1d(layer->kind) ? 1 : 2))
            die("a 1-D (2-D) conv or pool layer needs a 1-D (2-D) input");
        for (int dim = 0; dim < 2; dim++)
            out.size[dim] = window_output_size(window_of(layer, dim), in.size[dim]);
        if (is_conv(layer->kind)) {
            if (layer->groups < 1 || in.channels % layer->groups || layer->filters % layer->groups)
                die("groups must divide the input channels and filters");
            out.channels = layer->filters;
        }
        break;
    case REF_GLOBAL_AVGPOOL:
        if (in.rank == 0)
            die("global_avgpool needs a spatial input");
        out.rank = 0;
        out.size[0] = out.size[1] = 1;
        break;
    case REF_BATCHNORM:
        break;
    case REF_FLATTEN:
        out.rank = 0;
        out.channels = features;
        out.size[0] = out.size[1] = 1;
        break;
    }
    return out;
}

int ref_positions(const ref_shape shape)
{
    return shape.size[0] * shape.size[1];
}

ref_shape ref_shape_of(const ref_net *net, int l)
{
    assert(l >= 0 && l <= net->layers && net->layers <= REF_MAX_LAYERS);
    ref_shape shape = {net->input_rank, net->input, {1, 1}};
    if (net->input_rank != 0) {
        shape.channels = net->input_channels;
        shape.size[0] = net->input_rank == 1 ? 1 : net->input_size[0];
        shape.size[1] = net->input_size[1];
        if (shape.channels * ref_positions(shape) != net->input)
            die("input is not channels x positions");
    }
    for (int k = 1; k <= l; k++)
        shape = next_shape(layer_of(net, k), shape);
    return shape;
}

int ref_width(const ref_net *net, int l)
{
    ref_shape shape = ref_shape_of(net, l);
    return shape.channels * ref_positions(shape);
}

size_t ref_weight_count(const ref_net *net, int l)
{
    const ref_layer *layer = layer_of(net, l);
    ref_shape in = ref_shape_of(net, l - 1);
    if (layer->kind == REF_DENSE)
        return (size_t)layer->units * (size_t)(in.channels * ref_positions(in));
    if (is_conv(layer->kind))
        return (size_t)layer->filters * (size_t)(in.channels / layer->groups) *
               (size_t)window_of(layer, 0).kernel * (size_t)window_of(layer, 1).kernel;
    return 0;
}

/* b[l]'s length: dense units, conv filters (0 without bias); 0 for the others. */
static size_t bias_count(const ref_net *net, int l)
{
    const ref_layer *layer = layer_of(net, l);
    if (layer->kind == REF_DENSE)
        return (size_t)layer->units;
    if (is_conv(layer->kind))
        return layer->bias ? (size_t)layer->filters : 0;
    return 0;
}

/* Channels a batchnorm layer normalizes: its input's channels, or features of a flat input. */
static int bn_channels(const ref_net *net, int l)
{
    return ref_shape_of(net, l - 1).channels;
}

size_t ref_layer_param_count(const ref_net *net, int l)
{
    if (layer_of(net, l)->kind == REF_BATCHNORM)
        return 4 * (size_t)bn_channels(net, l);
    return ref_weight_count(net, l) + bias_count(net, l);
}

size_t ref_layer_offset(const ref_net *net, int l)
{
    assert(l >= 1 && l <= net->layers + 1);
    size_t offset = net->standardize ? 2 * (size_t)net->input : 0;
    for (int k = 1; k < l; k++)
        offset += ref_layer_param_count(net, k);
    return offset;
}

size_t ref_weight_offset(const ref_net *net, int l)
{
    return ref_layer_offset(net, l);
}

size_t ref_bias_offset(const ref_net *net, int l)
{
    return ref_layer_offset(net, l) + ref_weight_count(net, l);
}

size_t ref_gamma_offset(const ref_net *net, int l)
{
    return ref_layer_offset(net, l);
}

size_t ref_beta_offset(const ref_net *net, int l)
{
    return ref_layer_offset(net, l) + (size_t)bn_channels(net, l);
}

size_t ref_mean_offset(const ref_net *net, int l)
{
    return ref_layer_offset(net, l) + 2 * (size_t)bn_channels(net, l);
}

size_t ref_var_offset(const ref_net *net, int l)
{
    return ref_layer_offset(net, l) + 3 * (size_t)bn_channels(net, l);
}

size_t ref_input_mean_offset(const ref_net *net, int l)
{
    assert(net->standardize && l == 0);
    return 0;
}

size_t ref_input_inv_scale_offset(const ref_net *net, int l)
{
    assert(net->standardize && l == 0);
    return (size_t)net->input;
}

size_t ref_param_count(const ref_net *net)
{
    return ref_layer_offset(net, net->layers + 1);
}

void ref_fans(const ref_net *net, int l, int *fan_in, int *fan_out)
{
    const ref_layer *layer = layer_of(net, l);
    *fan_in = *fan_out = 0;
    if (layer->kind == REF_DENSE) {
        *fan_in = ref_width(net, l - 1);
        *fan_out = layer->units;
    } else if (is_conv(layer->kind)) {
        int positions = window_of(layer, 0).kernel * window_of(layer, 1).kernel;
        *fan_in = ref_shape_of(net, l - 1).channels / layer->groups * positions;
        *fan_out = layer->filters * positions;
    }
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
    if (net->standardize) /* the identity until make train fills them: mean 0, inverse scale 1 */
        for (int i = 0; i < net->input; i++)
            params[ref_input_inv_scale_offset(net, 0) + (size_t)i] = 1.0;
    for (int l = 1; l <= net->layers; l++) {
        if (layer_of(net, l)->kind == REF_BATCHNORM) {
            int channels = bn_channels(net, l);
            for (int c = 0; c < channels; c++) {
                params[ref_gamma_offset(net, l) + (size_t)c] = 1.0;
                params[ref_var_offset(net, l) + (size_t)c] = 1.0;
            }
            continue;
        }
        int fan_in, fan_out;
        ref_fans(net, l, &fan_in, &fan_out);
        size_t weights = ref_weight_count(net, l);
        if (weights == 0)
            continue;
        double scale = net->init == REF_XAVIER ? sqrt(6.0 / (fan_in + fan_out))
                     : net->init == REF_HE ? sqrt(2.0 / fan_in) : 0.05;
        double *W = params + ref_weight_offset(net, l);
        for (size_t k = 0; k < weights; k++) {
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

static void *new_zeroed(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size);
    if (!p)
        die("out of memory");
    return p;
}

ref_cache *ref_cache_new(const ref_net *net)
{
    ref_cache *cache = new_zeroed(1, sizeof *cache);
    size_t entries = (size_t)net->layers + 1;
    cache->Z = new_zeroed(entries, sizeof *cache->Z);
    cache->A = new_zeroed(entries, sizeof *cache->A);
    cache->mu = new_zeroed(entries, sizeof *cache->mu);
    cache->s2 = new_zeroed(entries, sizeof *cache->s2);
    cache->argmax = new_zeroed(entries, sizeof *cache->argmax);
    cache->A[0] = new_doubles(layer_size(net, 0));
    for (int l = 1; l <= net->layers; l++) {
        cache->Z[l] = new_doubles(layer_size(net, l));
        cache->A[l] = new_doubles(layer_size(net, l));
        if (layer_of(net, l)->kind == REF_BATCHNORM) {
            cache->mu[l] = new_doubles((size_t)bn_channels(net, l));
            cache->s2[l] = new_doubles((size_t)bn_channels(net, l));
        }
        if (is_maxpool(layer_of(net, l)->kind))
            cache->argmax[l] = new_zeroed(layer_size(net, l), sizeof *cache->argmax[l]);
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
        free(cache->mu[l]);
        free(cache->s2[l]);
        free(cache->argmax[l]);
    }
    free(cache->Z);
    free(cache->A);
    free(cache->mu);
    free(cache->s2);
    free(cache->argmax);
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

/* Softmax runs over every feature of a sample: the contract allows it only where the output is
 * flat, so that is the same thing. */
static void activate(const ref_net *net, int l, const double *z, double *a)
{
    const ref_layer *layer = layer_of(net, l);
    ref_activation g = activation_of(layer);
    int rows = ref_width(net, l);
    if (g == REF_SOFTMAX) {
        softmax_columns(z, a, rows, net->batch);
        return;
    }
    for (size_t k = 0; k < layer_size(net, l); k++)
        a[k] = apply_elementwise(g, layer->alpha, z[k]);
}

/* Z[l] = W[l] A[l-1] + b[l], one dot product per element; a spatial A[l-1] is read in its flat
 * feature order, which is the flatten the contract describes. */
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

/* Everything the windowed layers need to know about layer l, with 1-D layers as height-1 2-D
 * ones (feature index c*L + t is (c*1 + 0)*L + t). */
typedef struct {
    int channels, height, width;            /* input */
    int out_channels, out_height, out_width;
    window h, w;
    int groups, group_in, group_out;        /* conv: groups, C/groups, filters/groups */
} geometry;

static geometry geometry_of(const ref_net *net, int l)
{
    const ref_layer *layer = layer_of(net, l);
    ref_shape in = ref_shape_of(net, l - 1), out = ref_shape_of(net, l);
    geometry g;
    g.channels = in.channels;
    g.height = in.size[0];
    g.width = in.size[1];
    g.out_channels = out.channels;
    g.out_height = out.size[0];
    g.out_width = out.size[1];
    g.h = window_of(layer, 0);
    g.w = window_of(layer, 1);
    g.groups = is_conv(layer->kind) ? layer->groups : 1;
    g.group_in = g.channels / g.groups;
    g.group_out = g.out_channels / g.groups;
    return g;
}

/* Row of sample-major matrix element (c, y, x): the feature index (c*H + y)*W + x. */
static size_t feature(int c, int y, int x, int height, int width)
{
    return ((size_t)c * (size_t)height + (size_t)y) * (size_t)width + (size_t)x;
}

/* Index into W[f][c'][i][j]. */
static size_t conv_weight_index(const geometry *g, int f, int c_in_group, int i, int j)
{
    return (((size_t)f * (size_t)g->group_in + (size_t)c_in_group) * (size_t)g->h.kernel + (size_t)i) *
               (size_t)g->w.kernel + (size_t)j;
}

/*
 * The one loop of a convolution, shared by forward and backward so that they cannot disagree on
 * which input a weight meets: for every output (f, y, x) of sample s, every weight (c', i, j) of
 * f's group and the input element A[c][y*sh + i*dh - pad][x*sw + j*dw] it multiplies, when that
 * element is inside the input (outside it is padding: zero, so no term). mode 0: Z += W a (Z must
 * hold b); mode 1: dW += dZ a and dA += W dZ.
 */
static void conv_visit(const ref_net *net, int l, const double *W, const double *a_prev,
                       double *z, double *dW, double *da_prev, const double *dz, int mode)
{
    geometry g = geometry_of(net, l);
    int m = net->batch;
    for (int f = 0; f < g.out_channels; f++) {
        int group = f / g.group_out;
        for (int y = 0; y < g.out_height; y++)
            for (int x = 0; x < g.out_width; x++) {
                size_t out = feature(f, y, x, g.out_height, g.out_width);
                for (int cg = 0; cg < g.group_in; cg++) {
                    int c = group * g.group_in + cg;
                    for (int i = 0; i < g.h.kernel; i++) {
                        int iy = y * g.h.stride + i * g.h.dilation - g.h.pad_before;
                        if (iy < 0 || iy >= g.height)
                            continue;
                        for (int j = 0; j < g.w.kernel; j++) {
                            int ix = x * g.w.stride + j * g.w.dilation - g.w.pad_before;
                            if (ix < 0 || ix >= g.width)
                                continue;
                            size_t in = feature(c, iy, ix, g.height, g.width);
                            size_t wk = conv_weight_index(&g, f, cg, i, j);
                            for (int s = 0; s < m; s++) {
                                if (mode == 0) {
                                    z[out * (size_t)m + (size_t)s] += W[wk] * a_prev[in * (size_t)m + (size_t)s];
                                } else {
                                    double d = dz[out * (size_t)m + (size_t)s];
                                    dW[wk] += d * a_prev[in * (size_t)m + (size_t)s];
                                    if (da_prev)
                                        da_prev[in * (size_t)m + (size_t)s] += W[wk] * d;
                                }
                            }
                        }
                    }
                }
            }
    }
}

static void conv_forward(const ref_net *net, int l, const double *params, const double *a_prev,
                         double *z)
{
    geometry g = geometry_of(net, l);
    int m = net->batch, positions = g.out_height * g.out_width;
    const double *b = layer_of(net, l)->bias ? params + ref_bias_offset(net, l) : NULL;
    for (int f = 0; f < g.out_channels; f++)
        for (int p = 0; p < positions; p++)
            for (int s = 0; s < m; s++)
                z[((size_t)f * (size_t)positions + (size_t)p) * (size_t)m + (size_t)s] = b ? b[f] : 0.0;
    conv_visit(net, l, params + ref_weight_offset(net, l), a_prev, z, NULL, NULL, NULL, 0);
}

/* Max or average over each window; a max takes its window's first maximal element in row-major
 * order (only a strictly larger value replaces it), and remembers where it was. */
static void pool_forward(const ref_net *net, int l, const double *a_prev, double *z, size_t *argmax)
{
    geometry g = geometry_of(net, l);
    int m = net->batch, is_max = is_maxpool(layer_of(net, l)->kind);
    double window_size = (double)g.h.kernel * (double)g.w.kernel;
    for (int c = 0; c < g.channels; c++)
        for (int y = 0; y < g.out_height; y++)
            for (int x = 0; x < g.out_width; x++)
                for (int s = 0; s < m; s++) {
                    size_t out = feature(c, y, x, g.out_height, g.out_width) * (size_t)m + (size_t)s;
                    size_t best = 0;
                    double sum = 0, top = 0;
                    for (int i = 0; i < g.h.kernel; i++)
                        for (int j = 0; j < g.w.kernel; j++) {
                            size_t in = feature(c, y * g.h.stride + i, x * g.w.stride + j, g.height,
                                                g.width) * (size_t)m + (size_t)s;
                            if ((i == 0 && j == 0) || a_prev[in] > top) {
                                top = a_prev[in];
                                best = in;
                            }
                            sum += a_prev[in];
                        }
                    if (is_max) {
                        z[out] = top;
                        argmax[out] = best;
                    } else {
                        z[out] = sum / window_size;
                    }
                }
}

static void global_avgpool_forward(const ref_net *net, int l, const double *a_prev, double *z)
{
    ref_shape in = ref_shape_of(net, l - 1);
    int m = net->batch, positions = ref_positions(in);
    for (int c = 0; c < in.channels; c++)
        for (int s = 0; s < m; s++) {
            double sum = 0;
            for (int p = 0; p < positions; p++)
                sum += a_prev[((size_t)c * (size_t)positions + (size_t)p) * (size_t)m + (size_t)s];
            z[(size_t)c * (size_t)m + (size_t)s] = sum / positions;
        }
}

/* Value k (0 <= k < N = m x positions) of channel c of a layer laid out features x m. */
static size_t bn_index(int c, int k, int positions, int m)
{
    int p = k / m, s = k % m;
    return ((size_t)c * (size_t)positions + (size_t)p) * (size_t)m + (size_t)s;
}

/* y = gamma (x - mu) / sqrt(s2 + eps) + beta per channel. Training mode: mu and s2 (biased) of
 * the batch, over all N = m x positions values, kept in mu/s2; inference mode: the running mean
 * and var from params, copied to mu/s2. */
static void batchnorm_forward(const ref_net *net, int l, const double *params, const double *a_prev,
                              double *z, double *mu, double *s2, int inference)
{
    ref_shape in = ref_shape_of(net, l - 1);
    int m = net->batch, positions = ref_positions(in), N = m * positions;
    const double *gamma = params + ref_gamma_offset(net, l), *beta = params + ref_beta_offset(net, l);
    const double *mean = params + ref_mean_offset(net, l), *var = params + ref_var_offset(net, l);
    double eps = layer_of(net, l)->eps;
    for (int c = 0; c < in.channels; c++) {
        if (inference) {
            mu[c] = mean[c];
            s2[c] = var[c];
        } else {
            double sum = 0, squares = 0;
            for (int k = 0; k < N; k++)
                sum += a_prev[bn_index(c, k, positions, m)];
            mu[c] = sum / N;
            for (int k = 0; k < N; k++) {
                double d = a_prev[bn_index(c, k, positions, m)] - mu[c];
                squares += d * d;
            }
            s2[c] = squares / N;
        }
        double inv_std = 1.0 / sqrt(s2[c] + eps);
        for (int k = 0; k < N; k++) {
            size_t i = bn_index(c, k, positions, m);
            z[i] = gamma[c] * (a_prev[i] - mu[c]) * inv_std + beta[c];
        }
    }
}

static void forward(const ref_net *net, const double *params, const double *X, ref_cache *cache,
                    int inference)
{
    memcpy(cache->A[0], X, layer_size(net, 0) * sizeof *X);
    if (net->standardize) {
        const double *mean = params + ref_input_mean_offset(net, 0);
        const double *inv_scale = params + ref_input_inv_scale_offset(net, 0);
        for (int i = 0; i < net->input; i++)
            for (int j = 0; j < net->batch; j++) {
                double *x = &cache->A[0][(size_t)i * (size_t)net->batch + (size_t)j];
                *x = (*x - mean[i]) * inv_scale[i];
            }
    }
    for (int l = 1; l <= net->layers; l++) {
        const double *a_prev = cache->A[l - 1];
        double *z = cache->Z[l];
        switch (layer_of(net, l)->kind) {
        case REF_DENSE: dense(net, l, params, a_prev, z); break;
        case REF_CONV1D: case REF_CONV2D: conv_forward(net, l, params, a_prev, z); break;
        case REF_MAXPOOL1D: case REF_AVGPOOL1D: case REF_MAXPOOL2D: case REF_AVGPOOL2D:
            pool_forward(net, l, a_prev, z, cache->argmax[l]);
            break;
        case REF_GLOBAL_AVGPOOL: global_avgpool_forward(net, l, a_prev, z); break;
        case REF_BATCHNORM:
            batchnorm_forward(net, l, params, a_prev, z, cache->mu[l], cache->s2[l], inference);
            break;
        case REF_FLATTEN: memcpy(z, a_prev, layer_size(net, l) * sizeof *z); break;
        }
        activate(net, l, cache->Z[l], cache->A[l]);
    }
}

void ref_forward(const ref_net *net, const double *params, const double *X, ref_cache *cache)
{
    forward(net, params, X, cache, 0);
}

void ref_forward_inference(const ref_net *net, const double *params, const double *X,
                           ref_cache *cache)
{
    forward(net, params, X, cache, 1);
}

void ref_predict(const ref_net *net, const double *params, const double *x, double *y)
{
    ref_net one = *net;
    one.batch = 1;
    ref_cache *cache = ref_cache_new(&one);
    forward(&one, params, x, cache, 1);
    memcpy(y, ref_output(&one, cache), layer_size(&one, one.layers) * sizeof *y);
    ref_cache_free(&one, cache);
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
        assert(activation_of(layer_of(net, L)) == REF_SIGMOID);
        for (size_t k = 0; k < n; k++)
            sum += bce_term(z[k], Y[k]);
        break;
    case REF_MSE:
        for (size_t k = 0; k < n; k++)
            sum += (a[k] - Y[k]) * (a[k] - Y[k]);
        break;
    case REF_CE:
        assert(activation_of(layer_of(net, L)) == REF_SOFTMAX);
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
    const ref_layer *layer = layer_of(net, l);
    ref_activation g = activation_of(layer);
    const double *z = cache->Z[l], *a = cache->A[l];
    int rows = ref_width(net, l), m = net->batch;
    if (g != REF_SOFTMAX) {
        for (size_t k = 0; k < layer_size(net, l); k++)
            dz[k] = da[k] * derivative_elementwise(g, layer->alpha, z[k]);
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

/* db[f] = sum of dZ[f] over positions and samples; dW, dA through conv_visit. da_prev is zeroed
 * here (conv_visit accumulates). */
static void conv_backward(const ref_net *net, int l, const double *params, const ref_cache *cache,
                          const double *dz, double *grad, double *da_prev)
{
    geometry g = geometry_of(net, l);
    int m = net->batch, positions = g.out_height * g.out_width;
    double *dW = grad + ref_weight_offset(net, l);
    memset(dW, 0, ref_weight_count(net, l) * sizeof *dW);
    if (da_prev)
        memset(da_prev, 0, layer_size(net, l - 1) * sizeof *da_prev);
    if (layer_of(net, l)->bias) {
        double *db = grad + ref_bias_offset(net, l);
        for (int f = 0; f < g.out_channels; f++) {
            double sum = 0;
            for (int k = 0; k < positions * m; k++)
                sum += dz[(size_t)f * (size_t)positions * (size_t)m + (size_t)k];
            db[f] = sum;
        }
    }
    conv_visit(net, l, params + ref_weight_offset(net, l), cache->A[l - 1], NULL, dW, da_prev, dz, 1);
}

/* A max window passes its gradient to the element it chose; an average window spreads it evenly. */
static void pool_backward(const ref_net *net, int l, const ref_cache *cache, const double *dz,
                          double *da_prev)
{
    geometry g = geometry_of(net, l);
    int m = net->batch, is_max = is_maxpool(layer_of(net, l)->kind);
    double window_size = (double)g.h.kernel * (double)g.w.kernel;
    memset(da_prev, 0, layer_size(net, l - 1) * sizeof *da_prev);
    for (int c = 0; c < g.channels; c++)
        for (int y = 0; y < g.out_height; y++)
            for (int x = 0; x < g.out_width; x++)
                for (int s = 0; s < m; s++) {
                    size_t out = feature(c, y, x, g.out_height, g.out_width) * (size_t)m + (size_t)s;
                    if (is_max) {
                        da_prev[cache->argmax[l][out]] += dz[out];
                        continue;
                    }
                    for (int i = 0; i < g.h.kernel; i++)
                        for (int j = 0; j < g.w.kernel; j++)
                            da_prev[feature(c, y * g.h.stride + i, x * g.w.stride + j, g.height,
                                            g.width) * (size_t)m + (size_t)s] += dz[out] / window_size;
                }
}

static void global_avgpool_backward(const ref_net *net, int l, const double *dz, double *da_prev)
{
    ref_shape in = ref_shape_of(net, l - 1);
    int m = net->batch, positions = ref_positions(in);
    for (int c = 0; c < in.channels; c++)
        for (int p = 0; p < positions; p++)
            for (int s = 0; s < m; s++)
                da_prev[((size_t)c * (size_t)positions + (size_t)p) * (size_t)m + (size_t)s] =
                    dz[(size_t)c * (size_t)m + (size_t)s] / positions;
}

/*
 * Training-mode batchnorm through its batch statistics. With xhat = (x - mu) / sigma,
 * sigma = sqrt(s2 + eps) and dy = dJ/dZ[l]: dgamma = sum dy xhat, dbeta = sum dy, and, since mu
 * and s2 depend on every x of the channel,
 *   dx = (gamma / sigma) (dy - mean(dy) - xhat mean(dy xhat))
 * (means over the channel's N values). mean and var get gradient 0: J does not depend on them in
 * training mode.
 */
static void batchnorm_backward(const ref_net *net, int l, const double *params,
                               const ref_cache *cache, const double *dz, double *grad,
                               double *da_prev)
{
    ref_shape in = ref_shape_of(net, l - 1);
    int m = net->batch, positions = ref_positions(in), N = m * positions;
    const double *gamma = params + ref_gamma_offset(net, l), *a_prev = cache->A[l - 1];
    double eps = layer_of(net, l)->eps;
    for (int c = 0; c < in.channels; c++) {
        double sigma = sqrt(cache->s2[l][c] + eps), mu = cache->mu[l][c];
        double sum_dy = 0, sum_dy_xhat = 0;
        for (int k = 0; k < N; k++) {
            size_t i = bn_index(c, k, positions, m);
            sum_dy += dz[i];
            sum_dy_xhat += dz[i] * (a_prev[i] - mu) / sigma;
        }
        grad[ref_gamma_offset(net, l) + (size_t)c] = sum_dy_xhat;
        grad[ref_beta_offset(net, l) + (size_t)c] = sum_dy;
        grad[ref_mean_offset(net, l) + (size_t)c] = 0.0;
        grad[ref_var_offset(net, l) + (size_t)c] = 0.0;
        if (!da_prev)
            continue;
        for (int k = 0; k < N; k++) {
            size_t i = bn_index(c, k, positions, m);
            double xhat = (a_prev[i] - mu) / sigma;
            da_prev[i] = gamma[c] / sigma * (dz[i] - sum_dy / N - xhat * sum_dy_xhat / N);
        }
    }
}

/* Layer l's parameter gradients from dZ[l], and dA[l-1] into da_prev unless it is NULL. */
static void layer_backward(const ref_net *net, int l, const double *params, const ref_cache *cache,
                           const double *dz, double *grad, double *da_prev)
{
    switch (layer_of(net, l)->kind) {
    case REF_DENSE:
        dense_param_grads(net, l, cache, dz, grad);
        if (da_prev)
            dense_input_grad(net, l, params, dz, da_prev);
        break;
    case REF_CONV1D: case REF_CONV2D:
        conv_backward(net, l, params, cache, dz, grad, da_prev);
        break;
    case REF_MAXPOOL1D: case REF_AVGPOOL1D: case REF_MAXPOOL2D: case REF_AVGPOOL2D:
        if (da_prev)
            pool_backward(net, l, cache, dz, da_prev);
        break;
    case REF_GLOBAL_AVGPOOL:
        if (da_prev)
            global_avgpool_backward(net, l, dz, da_prev);
        break;
    case REF_BATCHNORM:
        batchnorm_backward(net, l, params, cache, dz, grad, da_prev);
        break;
    case REF_FLATTEN:
        if (da_prev)
            memcpy(da_prev, dz, layer_size(net, l) * sizeof *dz);
        break;
    }
}

void ref_backward_input(const ref_net *net, const double *params, const ref_cache *cache,
                        const double *Y, double *grad, double *dX)
{
    int L = net->layers;
    double *dz = new_doubles(layer_size(net, L));
    output_delta(net, cache, Y, dz);
    for (int l = L; l >= 1; l--) {
        if (l == 1) {
            layer_backward(net, l, params, cache, dz, grad, dX);
            if (net->standardize) {
                /* the statistics are state: gradient 0; dX through x' = (x - mean) * inv_scale */
                const double *inv_scale = params + ref_input_inv_scale_offset(net, 0);
                for (int i = 0; i < net->input; i++) {
                    grad[ref_input_mean_offset(net, 0) + (size_t)i] = 0;
                    grad[ref_input_inv_scale_offset(net, 0) + (size_t)i] = 0;
                    for (int j = 0; dX && j < net->batch; j++)
                        dX[(size_t)i * (size_t)net->batch + (size_t)j] *= inv_scale[i];
                }
            }
            break;
        }
        double *da_prev = new_doubles(layer_size(net, l - 1));
        double *dz_prev = new_doubles(layer_size(net, l - 1));
        layer_backward(net, l, params, cache, dz, grad, da_prev);
        activation_backward(net, l - 1, cache, da_prev, dz_prev);
        free(da_prev);
        free(dz);
        dz = dz_prev;
    }
    free(dz);
}

void ref_backward(const ref_net *net, const double *params, const ref_cache *cache,
                  const double *Y, double *grad)
{
    ref_backward_input(net, params, cache, Y, grad, NULL);
}

ref_optimizer_state *ref_optimizer_state_new(const ref_net *net)
{
    ref_optimizer_state *state = calloc(1, sizeof *state);
    if (!state)
        die("out of memory");
    state->count = ref_param_count(net);
    state->m = new_doubles(state->count);
    state->v = new_doubles(state->count);
    state->trainable = malloc(state->count ? state->count : 1);
    if (!state->trainable)
        die("out of memory");
    memset(state->trainable, 1, state->count);
    if (net->standardize)
        memset(state->trainable, 0, 2 * (size_t)net->input);
    for (int l = 1; l <= net->layers; l++)
        if (layer_of(net, l)->kind == REF_BATCHNORM)
            memset(state->trainable + ref_mean_offset(net, l), 0, 2 * (size_t)bn_channels(net, l));
    return state;
}

void ref_optimizer_state_free(ref_optimizer_state *state)
{
    if (!state)
        return;
    free(state->m);
    free(state->v);
    free(state->trainable);
    free(state);
}

void ref_sgd_step(size_t count, double *params, const double *grad, double lr)
{
    for (size_t k = 0; k < count; k++)
        params[k] -= lr * grad[k];
}

/* The schedules as docs/spec.md states them, in double with libm's pow and cos. */
double ref_scheduled_lr(const ref_optimizer *opt, long done)
{
    const double pi = 3.14159265358979323846;
    switch (opt->schedule) {
    case REF_SCHEDULE_STEP:
        return opt->lr * pow(opt->gamma, (double)(done / opt->every));
    case REF_SCHEDULE_COSINE: {
        double t = (double)(done < opt->steps ? done : opt->steps);
        return opt->min_lr + (opt->lr - opt->min_lr) * (1.0 + cos(pi * t / (double)opt->steps)) / 2.0;
    }
    case REF_SCHEDULE_NONE:
        break;
    }
    return opt->lr;
}

/* The gradient an optimizer sees: PyTorch's coupled weight_decay adds wd p (adamw decays
 * separately, so it sees the plain gradient). Without decay the gradient is used as it is. */
static double decayed(const ref_optimizer *opt, double p, double g)
{
    return opt->weight_decay != 0 && opt->kind != REF_ADAMW ? g + opt->weight_decay * p : g;
}

/* Adam with bias correction; t counts steps from 1. The corrections 1 - beta^t are updated as
 * c_t = (1 - beta) + beta c_(t-1) from c_0 = 0, which is 1 - beta^t exactly in exact arithmetic,
 * the way the generated code keeps them (there in the model's real type). adamw first decays
 * p -= lr wd p. */
static void adam_step(const ref_optimizer *opt, ref_optimizer_state *s, double *params,
                      const double *grad, double lr)
{
    s->t++;
    s->correction1 = (1.0 - opt->beta1) + opt->beta1 * s->correction1;
    s->correction2 = (1.0 - opt->beta2) + opt->beta2 * s->correction2;
    double correct1 = s->correction1, correct2 = s->correction2;
    for (size_t k = 0; k < s->count; k++) {
        if (!s->trainable[k])
            continue;
        double g = decayed(opt, params[k], grad[k]);
        if (opt->kind == REF_ADAMW)
            params[k] -= lr * opt->weight_decay * params[k];
        s->m[k] = opt->beta1 * s->m[k] + (1.0 - opt->beta1) * g;
        s->v[k] = opt->beta2 * s->v[k] + (1.0 - opt->beta2) * g * g;
        params[k] -= lr * (s->m[k] / correct1) / (sqrt(s->v[k] / correct2) + opt->eps);
    }
}

void ref_optimizer_step(const ref_optimizer *opt, ref_optimizer_state *s, double *params,
                        const double *grad)
{
    double lr = ref_scheduled_lr(opt, s->updates);
    s->updates++;
    switch (opt->kind) {
    case REF_SGD:
        for (size_t k = 0; k < s->count; k++)
            if (s->trainable[k])
                params[k] -= lr * decayed(opt, params[k], grad[k]);
        break;
    case REF_MOMENTUM: /* v = beta v + grad; p -= lr v. */
        for (size_t k = 0; k < s->count; k++) {
            if (!s->trainable[k])
                continue;
            s->v[k] = opt->beta * s->v[k] + decayed(opt, params[k], grad[k]);
            params[k] -= lr * s->v[k];
        }
        break;
    case REF_ADAM: case REF_ADAMW:
        adam_step(opt, s, params, grad, lr);
        break;
    }
}

void ref_update_running_stats(const ref_net *net, const ref_cache *cache, double *params)
{
    for (int l = 1; l <= net->layers; l++) {
        const ref_layer *layer = layer_of(net, l);
        if (layer->kind != REF_BATCHNORM)
            continue;
        double N = (double)net->batch * ref_positions(ref_shape_of(net, l - 1));
        double *mean = params + ref_mean_offset(net, l), *var = params + ref_var_offset(net, l);
        for (int c = 0; c < bn_channels(net, l); c++) {
            mean[c] = (1.0 - layer->momentum) * mean[c] + layer->momentum * cache->mu[l][c];
            var[c] = (1.0 - layer->momentum) * var[c] + layer->momentum * (cache->s2[l][c] * N / (N - 1));
        }
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
    ref_update_running_stats(net, cache, params);
    free(grad);
    ref_cache_free(net, cache);
    return J;
}
