/*
 * The reference engine's int8 mode, written from the int8 scheme's text alone (see ref_q8.h):
 * plain loops over runtime shapes; int64 wherever the scheme's int32 value must be checked to fit.
 */
#include "ref_q8.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Test code: a misused engine is a test bug, not a case worth recovering from. */
static void die(const char *why)
{
    fprintf(stderr, "ref_q8: %s\n", why);
    abort();
}

static void *new_zeroed(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size);
    if (!p)
        die("out of memory");
    return p;
}

static void say(char *err, size_t err_size, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    if (err && err_size)
        vsnprintf(err, err_size, format, args);
    va_end(args);
}

/* ---- The scheme's arithmetic ---------------------------------------------------------------- */

double ref_q8_round(double v)
{
    return round(v);
}

static int clamp_int(long long v, long long lo, long long hi)
{
    return (int)(v < lo ? lo : v > hi ? hi : v);
}

/* clamp in double before converting, so that huge values saturate instead of overflowing. */
static int clamp_double(double v, int lo, int hi)
{
    if (v < lo)
        return lo;
    if (v > hi)
        return hi;
    return (int)v;
}

void ref_q8_range_params(double min, double max, double *scale, int *zero_point)
{
    if (min > 0)
        min = 0;
    if (max < 0)
        max = 0;
    if (max == min) {
        *scale = 1.0 / 255;
        *zero_point = -128;
        return;
    }
    *scale = (max - min) / 255;
    *zero_point = clamp_double(-128 - ref_q8_round(min / *scale), -128, 127);
}

int32_t ref_q8_srdhm(int32_t a, int32_t b)
{
    if (a == INT32_MIN && b == INT32_MIN)
        return INT32_MAX;
    int64_t ab = (int64_t)a * (int64_t)b;
    int64_t nudge = ab >= 0 ? ((int64_t)1 << 30) : 1 - ((int64_t)1 << 30);
    return (int32_t)((ab + nudge) / ((int64_t)1 << 31));
}

/* x >> n on a negative x is implementation-defined in C: the floor of x / 2^n is computed here in
 * int64 from the low bits instead, the value the scheme's arithmetic shift means. */
int32_t ref_q8_rdbp(int32_t x, int n)
{
    assert(n >= 0 && n <= 31);
    int64_t mask = ((int64_t)1 << n) - 1;
    int64_t rem = (int64_t)x & mask;        /* x mod 2^n in [0, 2^n): two's complement low bits */
    int64_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    int64_t floor_quotient = ((int64_t)x - rem) / ((int64_t)1 << n);   /* exact division */
    return (int32_t)(floor_quotient + (rem > threshold ? 1 : 0));
}

int32_t ref_q8_mbqm(int32_t x, int32_t q, int shift)
{
    int left = shift > 0 ? shift : 0, right = shift < 0 ? -shift : 0;
    assert(left <= 31 && right <= 31);
    int64_t shifted = (int64_t)x * ((int64_t)1 << left);
    int32_t saturated = shifted > INT32_MAX ? INT32_MAX : shifted < INT32_MIN ? INT32_MIN : (int32_t)shifted;
    return ref_q8_rdbp(ref_q8_srdhm(saturated, q), right);
}

int ref_q8_quantize_multiplier(double M, int32_t *q, int *shift)
{
    if (M == 0) {
        *q = 0;
        *shift = 0;
        return 0;
    }
    int e;
    double f = frexp(M, &e);
    int64_t qq = (int64_t)ref_q8_round(f * 2147483648.0);
    if (qq == (int64_t)1 << 31) {
        qq = (int64_t)1 << 30;
        e++;
    }
    if (e < -31) {
        qq = 0;
        e = 0;
    }
    if (e > 30)
        return -1;
    *q = (int32_t)qq;
    *shift = e;
    return 0;
}

int32_t ref_q8_pool_divide(int32_t sum, int32_t n)
{
    assert(n >= 1);
    return sum >= 0 ? (sum + n / 2) / n : -((-sum + n / 2) / n);
}

void ref_q8_exp_table(double s_z, uint32_t table[256])
{
    for (int d = 0; d < 256; d++)
        table[d] = (uint32_t)ref_q8_round(exp(-s_z * d) * 65536);
}

int8_t ref_q8_softmax_divide(uint32_t e, uint32_t sum)
{
    assert(sum > 0);
    uint32_t quotient = ((e << 8) + sum / 2) / sum;
    return (int8_t)clamp_int((long long)(int32_t)quotient - 128, -128, 127);
}

void ref_q8_softmax(const int8_t *zq, int n, const uint32_t table[256], int8_t *yq)
{
    int zmax = zq[0];
    for (int i = 1; i < n; i++)
        if (zq[i] > zmax)
            zmax = zq[i];
    uint32_t sum = 0;
    for (int i = 0; i < n; i++)
        sum += table[zmax - zq[i]];
    for (int i = 0; i < n; i++)
        yq[i] = ref_q8_softmax_divide(table[zmax - zq[i]], sum);
}

int8_t ref_q8_quantize(double x, double scale, int zero_point)
{
    double v = x / scale;
    if (v != v)
        return (int8_t)zero_point;
    return (int8_t)clamp_double(ref_q8_round(v) + zero_point, -128, 127);
}

/* ---- The quantized tensors ------------------------------------------------------------------ */

static int is_conv(ref_layer_kind kind)
{
    return kind == REF_CONV1D || kind == REF_CONV2D;
}

static int is_1d(ref_layer_kind kind)
{
    return kind == REF_CONV1D || kind == REF_MAXPOOL1D || kind == REF_AVGPOOL1D;
}

static const ref_layer *layer_at(const ref_net *net, int l)
{
    assert(l >= 1 && l <= net->layers);
    return &net->layer[l - 1];
}

/* Whether layer l (a batchnorm) folds into the dense/conv before it: that one's own activation
 * must be linear. */
static int folds_into_previous(const ref_net *net, int l)
{
    if (l < 2 || layer_at(net, l)->kind != REF_BATCHNORM)
        return 0;
    const ref_layer *before = layer_at(net, l - 1);
    return (before->kind == REF_DENSE || is_conv(before->kind)) && before->activation == REF_LINEAR;
}

/* A table or softmax activation has a quantized Z before it. */
static int has_z(ref_activation g)
{
    return g != REF_LINEAR && g != REF_RELU;
}

typedef struct {
    int count, capacity;
    ref_q8_tensor_info *info;
} tensor_list;

static void add_tensor(tensor_list *list, const char *prefix, int layer, int is_z, int fixed,
                       double scale, int zero_point)
{
    if (list->count < list->capacity) {
        ref_q8_tensor_info *t = &list->info[list->count];
        memset(t, 0, sizeof *t);
        if (layer == 0)
            snprintf(t->name, sizeof t->name, "%s", prefix);
        else
            snprintf(t->name, sizeof t->name, "%s%d", prefix, layer);
        t->layer = layer;
        t->is_z = is_z;
        t->fixed = fixed;
        t->fixed_scale = scale;
        t->fixed_zero_point = zero_point;
    }
    list->count++;
}

/* The tensors of a step whose output is layer `layer`'s, activation g. */
static void add_step_tensors(tensor_list *list, int layer, ref_activation g)
{
    if (!has_z(g)) {
        add_tensor(list, "A", layer, 0, 0, 0, 0);
        return;
    }
    add_tensor(list, "Z", layer, 1, 0, 0, 0);
    if (g == REF_SIGMOID || g == REF_SOFTMAX)
        add_tensor(list, "A", layer, 0, 1, 1.0 / 256, -128);
    else if (g == REF_TANH)
        add_tensor(list, "A", layer, 0, 1, 1.0 / 128, 0);
    else
        add_tensor(list, "A", layer, 0, 0, 0, 0);
}

int ref_q8_tensors(const ref_net *net, ref_q8_tensor_info *info, int capacity)
{
    tensor_list list = {0, capacity, info};
    add_tensor(&list, "X", 0, 0, 0, 0, 0);
    if (net->standardize) /* the standardized input, the reference's A[0] (its forward's first step) */
        add_tensor(&list, "A0", 0, 0, 0, 0, 0);
    for (int l = 1; l <= net->layers; l++) {
        const ref_layer *layer = layer_at(net, l);
        if (layer->kind == REF_DENSE || is_conv(layer->kind)) {
            if (l < net->layers && folds_into_previous(net, l + 1)) {
                add_step_tensors(&list, l + 1, layer_at(net, l + 1)->activation);
                l++;
            } else {
                add_step_tensors(&list, l, layer->activation);
            }
        } else if (layer->kind == REF_BATCHNORM) {
            add_step_tensors(&list, l, layer->activation);
        }
    }
    return list.count;
}

int ref_q8_read_record(const char *path, ref_q8_record_line *lines, int capacity, char *err,
                       size_t err_size)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        say(err, err_size, "%s: cannot open", path);
        return -1;
    }
    char text[512];
    int count = 0, line_number = 0;
    while (fgets(text, sizeof text, f)) {
        line_number++;
        char *p = text;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '#' || *p == '\n' || *p == '\0')
            continue;
        if (count == capacity) {
            say(err, err_size, "%s:%d: more than %d tensors", path, line_number, capacity);
            fclose(f);
            return -1;
        }
        ref_q8_record_line *r = &lines[count];
        char name[64], rest[8];
        int fields = sscanf(p, "%63s %lf %lf %lf %d %7s", name, &r->min, &r->max, &r->scale,
                            &r->zero_point, rest);
        if (fields != 5 || strlen(name) >= sizeof r->name) {
            say(err, err_size, "%s:%d: expected `<tensor> <min> <max> <scale> <zero_point>`", path,
                line_number);
            fclose(f);
            return -1;
        }
        memcpy(r->name, name, strlen(name) + 1);
        count++;
    }
    fclose(f);
    return count;
}

/* ---- The int8 model ------------------------------------------------------------------------- */

typedef enum { STEP_AFFINE, STEP_MAXPOOL, STEP_AVGPOOL, STEP_GLOBAL_AVGPOOL, STEP_FLATTEN } step_kind;

/* One dimension of a window: kernel, stride, dilation, zeros before. */
typedef struct {
    int kernel, stride, dilation, pad_before;
} window;

/* One step of int8 inference. An affine step (dense, conv, a folded pair, a batchnorm as a
 * depthwise 1x1 conv) reads C x H x W and writes F x OH x OW (a flat tensor is C x 1 x 1). */
typedef struct {
    step_kind kind;
    int in_c, in_h, in_w, out_c, out_h, out_w;
    window h, w;
    int groups, group_in, group_out;
    int taps;                     /* weights per output channel: group_in kh kw */
    int8_t *qW;                   /* [out_c][taps] */
    int32_t *qb, *q;
    int *shift;
    int in_zero_point, out_zero_point;   /* out: Z's for a table or softmax, A's otherwise */
    int relu;
    int has_table;
    int8_t table[256];            /* index Zq + 128 */
    int softmax;
    uint32_t exp_table[256];
} step;

struct ref_q8_model {
    int steps;
    step *step;
    int inputs, outputs, largest;
    double in_scale, out_scale;
    int in_zero_point, out_zero_point;
};

static window window_of(const ref_layer *layer, int dim)
{
    window w = {1, 1, 1, 0};
    if (dim == 0 && is_1d(layer->kind))
        return w;
    w.kernel = layer->kernel[dim];
    w.stride = layer->stride[dim];
    if (is_conv(layer->kind)) {
        w.dilation = layer->dilation[dim];
        w.pad_before = layer->pad_before[dim];
    }
    return w;
}

static void set_shapes(step *s, const ref_net *net, int first, int last)
{
    ref_shape in = ref_shape_of(net, first - 1), out = ref_shape_of(net, last);
    s->in_c = in.channels;
    s->in_h = in.size[0];
    s->in_w = in.size[1];
    s->out_c = out.channels;
    s->out_h = out.size[0];
    s->out_w = out.size[1];
}

/* The float (double) weights W'[out_c][taps] and biases b'[out_c] of an affine step: dense/conv
 * layer `first`, folded with the batchnorm `first + 1` when fold; or the batchnorm `first` alone
 * (weight g, bias beta - mean g). */
static void float_affine(const ref_net *net, const double *params, int first, int fold, const step *s,
                         double *W, double *b)
{
    const ref_layer *layer = layer_at(net, first);
    size_t weights = (size_t)s->out_c * (size_t)s->taps;
    if (layer->kind == REF_BATCHNORM) {
        const double *gamma = params + ref_gamma_offset(net, first), *beta = params + ref_beta_offset(net, first);
        const double *mean = params + ref_mean_offset(net, first), *var = params + ref_var_offset(net, first);
        for (int c = 0; c < s->out_c; c++) {
            double g = gamma[c] / sqrt(var[c] + layer->eps);
            W[c] = g;
            b[c] = beta[c] - mean[c] * g;
        }
        return;
    }
    memcpy(W, params + ref_weight_offset(net, first), weights * sizeof *W);
    int has_bias = layer->kind == REF_DENSE || layer->bias;
    for (int c = 0; c < s->out_c; c++)
        b[c] = has_bias ? params[ref_bias_offset(net, first) + (size_t)c] : 0.0;
    if (!fold)
        return;
    int l = first + 1;
    const ref_layer *bn = layer_at(net, l);
    const double *gamma = params + ref_gamma_offset(net, l), *beta = params + ref_beta_offset(net, l);
    const double *mean = params + ref_mean_offset(net, l), *var = params + ref_var_offset(net, l);
    for (int c = 0; c < s->out_c; c++) {
        double g = gamma[c] / sqrt(var[c] + bn->eps);
        for (int k = 0; k < s->taps; k++)
            W[(size_t)c * (size_t)s->taps + (size_t)k] *= g;
        b[c] = (b[c] - mean[c]) * g + beta[c];
    }
}

static void make_table(step *s, ref_activation g, double alpha, double s_z, int z_z, double s_a, int z_a)
{
    s->has_table = 1;
    for (int q = -128; q <= 127; q++) {
        double r = s_z * (double)(q - z_z), a = 0;
        if (g == REF_SIGMOID)
            a = ref_q8_round(256 / (1 + exp(-r))) - 128;
        else if (g == REF_TANH)
            a = ref_q8_round(128 * tanh(r));
        else if (g == REF_LEAKY_RELU)
            a = ref_q8_round((r > 0 ? r : alpha * r) / s_a) + z_a;
        else
            die("no table for this activation");
        s->table[q + 128] = (int8_t)clamp_double(a, -128, 127);
    }
}

static int quantize_step(step *s, const double *W, const double *b, double s_in, double s_out,
                         const char *name, char *err, size_t err_size);

/* The affine step of layers first..last (last = first + 1 for a folded pair), reading a tensor
 * (s_in, z_in) and writing the tensors at *t (Z then A, or A). 0, or -1 with err set. */
static int build_affine(const ref_net *net, const double *params, int first, int last, step *s,
                        double s_in, int z_in, const double *scales, const int *zero_points,
                        const ref_q8_tensor_info *t, double *s_next, int *z_next, char *err,
                        size_t err_size)
{
    const ref_layer *layer = layer_at(net, first), *out_layer = layer_at(net, last);
    s->kind = STEP_AFFINE;
    set_shapes(s, net, first, last);
    if (layer->kind == REF_DENSE) {
        /* a spatial input is read in its flat feature order: C x H x W as features x 1 x 1 */
        s->in_c *= s->in_h * s->in_w;
        s->in_h = s->in_w = 1;
    }
    window unit = {1, 1, 1, 0};
    s->h = is_conv(layer->kind) ? window_of(layer, 0) : unit;
    s->w = is_conv(layer->kind) ? window_of(layer, 1) : unit;
    s->groups = is_conv(layer->kind) ? layer->groups : layer->kind == REF_BATCHNORM ? s->in_c : 1;
    s->group_in = s->in_c / s->groups;
    s->group_out = s->out_c / s->groups;
    s->taps = s->group_in * s->h.kernel * s->w.kernel;
    s->in_zero_point = z_in;

    ref_activation g = out_layer->activation;
    const ref_q8_tensor_info *out_tensor = t;      /* what the accumulator is requantized to */
    double s_out = scales[0];
    s->out_zero_point = zero_points[0];
    s->relu = g == REF_RELU;
    if (has_z(g)) {
        double s_a = scales[1];
        int z_a = zero_points[1];
        if (g == REF_SOFTMAX) {
            s->softmax = 1;
            ref_q8_exp_table(s_out, s->exp_table);
        } else {
            make_table(s, g, out_layer->alpha, s_out, s->out_zero_point, s_a, z_a);
        }
        *s_next = s_a;
        *z_next = z_a;
    } else {
        *s_next = s_out;
        *z_next = s->out_zero_point;
    }

    size_t weights = (size_t)s->out_c * (size_t)s->taps;
    double *W = new_zeroed(weights, sizeof *W), *b = new_zeroed((size_t)s->out_c, sizeof *b);
    float_affine(net, params, first, last != first, s, W, b);
    int status = quantize_step(s, W, b, s_in, s_out, out_tensor->name, err, err_size);
    free(W);
    free(b);
    return status;
}

/* The input standardization (x - input_mean) * input_inv_scale as a per-feature affine step
 * (a depthwise 1x1 conv over the flat features: weight inv_scale, bias -mean inv_scale), reading
 * the raw input X (s_in, z_in) and writing A0 (s_out, z_out). 0, or -1 with err set. */
static int build_standardize(const ref_net *net, const double *params, step *s, double s_in, int z_in,
                             double s_out, int z_out, char *err, size_t err_size)
{
    s->kind = STEP_AFFINE;
    s->in_c = s->out_c = net->input;
    s->in_h = s->in_w = s->out_h = s->out_w = 1;
    window unit = {1, 1, 1, 0};
    s->h = s->w = unit;
    s->groups = net->input;
    s->group_in = s->group_out = s->taps = 1;
    s->in_zero_point = z_in;
    s->out_zero_point = z_out;
    double *W = new_zeroed((size_t)net->input, sizeof *W), *b = new_zeroed((size_t)net->input, sizeof *b);
    for (int i = 0; i < net->input; i++) {
        W[i] = params[ref_input_inv_scale_offset(net, 0) + (size_t)i];
        b[i] = -params[ref_input_mean_offset(net, 0) + (size_t)i] * W[i];
    }
    int status = quantize_step(s, W, b, s_in, s_out, "A0", err, err_size);
    free(W);
    free(b);
    return status;
}

/* A step's int8 weights, int32 biases and requantization from its double W[out_c][taps] and b. */
static int quantize_step(step *s, const double *W, const double *b, double s_in, double s_out,
                         const char *name, char *err, size_t err_size)
{
    size_t weights = (size_t)s->out_c * (size_t)s->taps;
    s->qW = new_zeroed(weights, sizeof *s->qW);
    s->qb = new_zeroed((size_t)s->out_c, sizeof *s->qb);
    s->q = new_zeroed((size_t)s->out_c, sizeof *s->q);
    s->shift = new_zeroed((size_t)s->out_c, sizeof *s->shift);
    int status = 0;
    for (int c = 0; c < s->out_c && status == 0; c++) {
        const double *Wc = W + (size_t)c * (size_t)s->taps;
        double largest = 0;
        for (int k = 0; k < s->taps; k++)
            largest = fmax(largest, fabs(Wc[k]));
        double s_w = largest == 0 ? 1.0 : largest / 127;
        /* a channel whose int32 accumulator qb + sum qW (qx - z) could leave int32 at that scale
         * (a bias large against s_in s_w) gets a wider one: the bias and 255 sum |W| share 2^30 */
        double reach = fabs(ref_q8_round(b[c] / (s_in * s_w))), magnitudes = 0;
        for (int k = 0; k < s->taps; k++) {
            reach += 255 * abs(clamp_double(ref_q8_round(Wc[k] / s_w), -127, 127));
            magnitudes += fabs(Wc[k]);
        }
        if (reach > 2147483647.0)
            s_w = fmax(s_w, (fabs(b[c]) / s_in + 255 * magnitudes) / 1073741824.0);
        for (int k = 0; k < s->taps; k++)
            s->qW[(size_t)c * (size_t)s->taps + (size_t)k] =
                (int8_t)clamp_double(ref_q8_round(Wc[k] / s_w), -127, 127);
        double s_b = s_in * s_w;
        double qb = ref_q8_round(b[c] / s_b);
        if (!(qb >= -2147483648.0 && qb <= 2147483647.0)) {
            say(err, err_size, "%s: the quantized bias of channel %d is outside int32", name, c);
            status = -1;
            break;
        }
        s->qb[c] = (int32_t)qb;
        double M = s_in * s_w / s_out;
        if (ref_q8_quantize_multiplier(M, &s->q[c], &s->shift[c]) != 0) {
            say(err, err_size, "%s: multiplier too large in channel %d (%.17g)", name, c, M);
            status = -1;
        }
    }
    return status;
}

static void build_pool(const ref_net *net, int l, step *s)
{
    const ref_layer *layer = layer_at(net, l);
    set_shapes(s, net, l, l);
    switch (layer->kind) {
    case REF_MAXPOOL1D: case REF_MAXPOOL2D: s->kind = STEP_MAXPOOL; break;
    case REF_AVGPOOL1D: case REF_AVGPOOL2D: s->kind = STEP_AVGPOOL; break;
    case REF_GLOBAL_AVGPOOL: s->kind = STEP_GLOBAL_AVGPOOL; break;
    default: s->kind = STEP_FLATTEN; break;
    }
    if (s->kind == STEP_MAXPOOL || s->kind == STEP_AVGPOOL) {
        s->h = window_of(layer, 0);
        s->w = window_of(layer, 1);
    }
}

static void free_steps(step *steps, int count)
{
    for (int i = 0; i < count; i++) {
        free(steps[i].qW);
        free(steps[i].qb);
        free(steps[i].q);
        free(steps[i].shift);
    }
    free(steps);
}

ref_q8_model *ref_q8_build(const ref_net *net, const double *params, const ref_q8_record_line *record,
                           int count, char *err, size_t err_size)
{
    int tensors = ref_q8_tensors(net, NULL, 0);
    ref_q8_tensor_info *info = new_zeroed((size_t)tensors, sizeof *info);
    ref_q8_tensors(net, info, tensors);
    double *scales = new_zeroed((size_t)tensors, sizeof *scales);
    int *zero_points = new_zeroed((size_t)tensors, sizeof *zero_points);
    ref_q8_model *model = NULL;
    step *steps = new_zeroed((size_t)net->layers + 1, sizeof *steps);
    int used = 0, failed = 0;
    if (count != tensors) {
        say(err, err_size, "the record lists %d tensors, the net has %d", count, tensors);
        goto done;
    }
    for (int k = 0; k < tensors; k++) {
        if (strcmp(record[k].name, info[k].name) != 0) {
            say(err, err_size, "record line %d is %s, expected %s", k + 1, record[k].name, info[k].name);
            goto done;
        }
        if (!isfinite(record[k].min) || !isfinite(record[k].max)) {
            say(err, err_size, "%s: the calibration range is not finite", info[k].name);
            goto done;
        }
        if (info[k].fixed) {
            scales[k] = info[k].fixed_scale;
            zero_points[k] = info[k].fixed_zero_point;
        } else {
            ref_q8_range_params(record[k].min, record[k].max, &scales[k], &zero_points[k]);
        }
    }

    double s_cur = scales[0];
    int z_cur = zero_points[0], t = 1, largest = net->input;
    if (net->standardize) {
        failed = build_standardize(net, params, &steps[used++], s_cur, z_cur, scales[1], zero_points[1], err,
                                   err_size) != 0;
        s_cur = scales[1];
        z_cur = zero_points[1];
        t = 2;
    }
    for (int l = 1; l <= net->layers && !failed; l++) {
        const ref_layer *layer = layer_at(net, l);
        step *s = &steps[used++];
        if (layer->kind == REF_DENSE || is_conv(layer->kind) || layer->kind == REF_BATCHNORM) {
            int last = layer->kind != REF_BATCHNORM && l < net->layers && folds_into_previous(net, l + 1)
                           ? l + 1 : l;
            int own = has_z(layer_at(net, last)->activation) ? 2 : 1;
            failed = build_affine(net, params, l, last, s, s_cur, z_cur, scales + t, zero_points + t,
                                  info + t, &s_cur, &z_cur, err, err_size) != 0;
            t += own;
            l = last;
        } else {
            build_pool(net, l, s);
        }
        int width = ref_width(net, l);
        if (width > largest)
            largest = width;
    }
    if (failed)
        goto done;
    model = new_zeroed(1, sizeof *model);
    model->steps = used;
    model->step = steps;
    steps = NULL;
    model->inputs = net->input;
    model->outputs = ref_width(net, net->layers);
    model->largest = largest;
    model->in_scale = scales[0];
    model->in_zero_point = zero_points[0];
    model->out_scale = s_cur;
    model->out_zero_point = z_cur;
done:
    if (steps)
        free_steps(steps, used);
    free(info);
    free(scales);
    free(zero_points);
    return model;
}

void ref_q8_free(ref_q8_model *model)
{
    if (!model)
        return;
    free_steps(model->step, model->steps);
    free(model);
}

void ref_q8_io_params(const ref_q8_model *model, double *in_scale, int *in_zero_point,
                      double *out_scale, int *out_zero_point)
{
    *in_scale = model->in_scale;
    *in_zero_point = model->in_zero_point;
    *out_scale = model->out_scale;
    *out_zero_point = model->out_zero_point;
}

static size_t at(int c, int y, int x, int height, int width)
{
    return ((size_t)c * (size_t)height + (size_t)y) * (size_t)width + (size_t)x;
}

static void run_affine(const step *s, const int8_t *in, int8_t *out)
{
    for (int f = 0; f < s->out_c; f++) {
        int group = f / s->group_out;
        const int8_t *Wf = s->qW + (size_t)f * (size_t)s->taps;
        for (int y = 0; y < s->out_h; y++)
            for (int x = 0; x < s->out_w; x++) {
                int64_t acc = s->qb[f];
                for (int cg = 0; cg < s->group_in; cg++) {
                    int c = group * s->group_in + cg;
                    for (int i = 0; i < s->h.kernel; i++) {
                        int iy = y * s->h.stride + i * s->h.dilation - s->h.pad_before;
                        if (iy < 0 || iy >= s->in_h)
                            continue;   /* padding is real 0: no term */
                        for (int j = 0; j < s->w.kernel; j++) {
                            int ix = x * s->w.stride + j * s->w.dilation - s->w.pad_before;
                            if (ix < 0 || ix >= s->in_w)
                                continue;
                            int weight = Wf[(cg * s->h.kernel + i) * s->w.kernel + j];
                            acc += (int64_t)weight * (in[at(c, iy, ix, s->in_h, s->in_w)] - s->in_zero_point);
                        }
                    }
                }
                if (acc < INT32_MIN || acc > INT32_MAX)
                    die("an accumulator left int32 (the scheme's acc is int32)");
                int64_t v = (int64_t)ref_q8_mbqm((int32_t)acc, s->q[f], s->shift[f]) + s->out_zero_point;
                int lo = s->relu && s->out_zero_point > -128 ? s->out_zero_point : -128;
                int zq = clamp_int(v, lo, 127);
                out[at(f, y, x, s->out_h, s->out_w)] = (int8_t)(s->has_table ? s->table[zq + 128] : zq);
            }
    }
    if (s->softmax) {
        int n = s->out_c * s->out_h * s->out_w;
        int8_t *zq = new_zeroed((size_t)n, 1);
        memcpy(zq, out, (size_t)n);
        ref_q8_softmax(zq, n, s->exp_table, out);
        free(zq);
    }
}

static void run_pool(const step *s, const int8_t *in, int8_t *out)
{
    int positions = s->in_h * s->in_w;
    for (int c = 0; c < s->out_c; c++) {
        if (s->kind == STEP_GLOBAL_AVGPOOL) {
            int32_t sum = 0;
            for (int p = 0; p < positions; p++)
                sum += in[(size_t)c * (size_t)positions + (size_t)p];
            out[c] = (int8_t)ref_q8_pool_divide(sum, positions);
            continue;
        }
        for (int y = 0; y < s->out_h; y++)
            for (int x = 0; x < s->out_w; x++) {
                int32_t sum = 0, top = -128;
                for (int i = 0; i < s->h.kernel; i++)
                    for (int j = 0; j < s->w.kernel; j++) {
                        int v = in[at(c, y * s->h.stride + i, x * s->w.stride + j, s->in_h, s->in_w)];
                        sum += v;
                        if (v > top)
                            top = v;
                    }
                out[at(c, y, x, s->out_h, s->out_w)] = (int8_t)(s->kind == STEP_MAXPOOL ? top
                    : ref_q8_pool_divide(sum, s->h.kernel * s->w.kernel));
            }
    }
}

void ref_q8_infer(const ref_q8_model *model, const int8_t *xq, int8_t *yq)
{
    int8_t *a = new_zeroed((size_t)model->largest, 1), *b = new_zeroed((size_t)model->largest, 1);
    memcpy(a, xq, (size_t)model->inputs);
    for (int k = 0; k < model->steps; k++) {
        const step *s = &model->step[k];
        if (s->kind == STEP_AFFINE)
            run_affine(s, a, b);
        else if (s->kind == STEP_FLATTEN)
            memcpy(b, a, (size_t)s->out_c * (size_t)s->out_h * (size_t)s->out_w);
        else
            run_pool(s, a, b);
        int8_t *swap = a;
        a = b;
        b = swap;
    }
    memcpy(yq, a, (size_t)model->outputs);
    free(a);
    free(b);
}
