/*
 * make check-q8-ref's reference side, for one case of tests/q8/q8_cases.lua's table at a time:
 *
 *   q8_check prepare NAME ARCH_HASH WEIGHTS.bin CALIB.csv
 *       random float parameters (the spec's init for W, then random biases and batchnorm
 *       statistics, one all-zero channel) as a weights file, and 64 calibration rows
 *   q8_check inputs NAME RECORD INPUTS.bin INPUTS_F.bin
 *       300 int8 input samples: fresh ones in the calibrated range quantized with the input's
 *       (s, z) the reference computes from RECORD, inputs up to 4x outside it (saturating at
 *       -128 / 127), constant and alternating extremes, random bytes; and 120 float samples for
 *       net_qinfer: values up to 22 steps beyond the int8 range, none within 0.1 step of a
 *       rounding tie, and NaN, infinities, +-1e30, +-FLT_MAX, signed zeros, a subnormal
 *   q8_check compare NAME WEIGHTS.bin CALIB.csv RECORD INPUTS.bin OUT.bin...
 *       checks RECORD against the reference's own float (double) inference over CALIB.csv and
 *       its (s, z) against the reference's, quantizes the net from RECORD's min/max alone, runs
 *       the int8 inference on every input and requires every output byte of every OUT.bin (one
 *       build of the generated net_q8_infer each) to be equal; OUT.txt next to each holds that
 *       build's NET_Q8_* constants, which must be the reference's, and OUT_F.bin its net_qinfer
 *       outputs on INPUTS_F.bin, which must be the reference's quantize, int8 inference and
 *       s_out (yq - z_out) (in double or in float: the scheme allows either)
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "q8_cases.h"
#include "ref.h"
#include "ref_q8.h"

#define CALIB_ROWS 64
#define MAX_TENSORS 4096
#define MAX_ROWS 100000

static const ref_net *find_case(const char *name)
{
    for (int i = 0; q8_cases[i]; i++)
        if (strcmp(q8_cases[i]->name, name) == 0)
            return q8_cases[i];
    fprintf(stderr, "q8_check: no case %s\n", name);
    exit(2);
}

static void *allocate(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size);
    if (!p) {
        fprintf(stderr, "q8_check: out of memory\n");
        exit(2);
    }
    return p;
}

/* splitmix64 draws: the same numbers on every machine. */
static uint64_t draw(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static double uniform(uint64_t *state, double lo, double hi)
{
    return lo + (hi - lo) * ((double)(draw(state) >> 11) / 9007199254740992.0);
}

static uint64_t name_seed(const char *name)
{
    uint64_t h = 0xcbf29ce484222325u;
    for (; *name; name++)
        h = (h ^ (unsigned char)*name) * 0x100000001b3u;
    return h;
}

static int is_conv(ref_layer_kind kind)
{
    return kind == REF_CONV1D || kind == REF_CONV2D;
}

/* ---- prepare ------------------------------------------------------------------------------- */

static void put_le(unsigned char *p, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

/* docs/formats.md's weights file, dtype float. */
static void write_weights(const char *path, uint64_t hash, const double *params, size_t count)
{
    size_t size = 40 + 4 * count;
    unsigned char *bytes = allocate(size, 1);
    memcpy(bytes, "GRADCWT", 8);
    put_le(bytes + 8, 1, 4);
    put_le(bytes + 12, 1, 4);
    put_le(bytes + 16, count, 8);
    put_le(bytes + 24, hash, 8);
    for (size_t k = 0; k < count; k++) {
        float f = (float)params[k];
        uint32_t bits;
        memcpy(&bits, &f, 4);
        put_le(bytes + 32 + 4 * k, bits, 4);
    }
    uint64_t h = 0xcbf29ce484222325u;
    for (size_t k = 0; k < 32 + 4 * count; k++)
        h = (h ^ bytes[k]) * 0x100000001b3u;
    put_le(bytes + 32 + 4 * count, h, 8);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(bytes, 1, size, f) != size || fclose(f) != 0) {
        fprintf(stderr, "q8_check: cannot write %s\n", path);
        exit(2);
    }
    free(bytes);
}

/* tests/q8/specs/q8_saturate.lua's weights and rows (see there): A = 2^17 127 (1 - 2^-26). */
static int prepare_saturate(const ref_net *net, const char *hash_text, const char *weights_path,
                            const char *calib_path)
{
    const double params[3] = {1.0, -1.0, 0.0};
    if (ref_param_count(net) != 3)
        return 2;
    write_weights(weights_path, strtoull(hash_text, NULL, 0), params, 3);
    FILE *f = fopen(calib_path, "w");
    if (!f)
        return 2;
    fprintf(f, "16646143.75,16646143.75\n-16646143.75,-16646143.75\n");
    return fclose(f) == 0 ? 0 : 2;
}

static int prepare(const ref_net *net, const char *hash_text, const char *weights_path, const char *calib_path)
{
    if (strcmp(net->name, "q8_saturate") == 0)
        return prepare_saturate(net, hash_text, weights_path, calib_path);

    uint64_t seed = name_seed(net->name), state = seed;
    size_t count = ref_param_count(net);
    double *params = allocate(count, sizeof *params);
    ref_init(net, net->init_seed, params);
    int zeroed = 0;
    if (net->standardize) /* statistics as make train fits them: any mean, a positive 1/scale */
        for (int i = 0; i < net->input; i++) {
            params[ref_input_mean_offset(net, 0) + (size_t)i] = uniform(&state, -0.5, 0.5);
            params[ref_input_inv_scale_offset(net, 0) + (size_t)i] = uniform(&state, 0.3, 3.0);
        }
    for (int l = 1; l <= net->layers; l++) {
        const ref_layer *layer = &net->layer[l - 1];
        if (layer->kind == REF_BATCHNORM) {
            int channels = ref_shape_of(net, l - 1).channels;
            for (int c = 0; c < channels; c++) {
                double gamma = uniform(&state, 0.5, 1.5);
                params[ref_gamma_offset(net, l) + (size_t)c] = draw(&state) % 5 == 0 ? -gamma : gamma;
                params[ref_beta_offset(net, l) + (size_t)c] = uniform(&state, -0.3, 0.3);
                params[ref_mean_offset(net, l) + (size_t)c] = uniform(&state, -0.3, 0.3);
                params[ref_var_offset(net, l) + (size_t)c] = uniform(&state, 0.25, 2.0);
            }
            if (channels > 1 && draw(&state) % 3 == 0)
                params[ref_gamma_offset(net, l)] = 0.0;   /* a channel the batchnorm zeroes */
            continue;
        }
        size_t weights = ref_weight_count(net, l);
        if (weights == 0)
            continue;
        /* trained weights are larger than an init's: twice the init keeps the deeper sigmoid
         * and tanh nets from squashing every input to one output */
        for (size_t k = 0; k < weights; k++)
            params[ref_weight_offset(net, l) + k] *= 2;
        int rows = layer->kind == REF_DENSE ? layer->units : layer->filters;
        if (layer->kind == REF_DENSE || layer->bias)
            for (int c = 0; c < rows; c++)
                params[ref_bias_offset(net, l) + (size_t)c] = uniform(&state, -0.4, 0.4);
        /* one output channel with all-zero weights (its weight scale is the scheme's 1) */
        if (!zeroed && rows > 1 && (is_conv(layer->kind) || layer->kind == REF_DENSE)) {
            memset(params + ref_weight_offset(net, l), 0, weights / (size_t)rows * sizeof *params);
            zeroed = 1;
        }
    }
    write_weights(weights_path, strtoull(hash_text, NULL, 0), params, count);
    FILE *f = fopen(calib_path, "w");
    if (!f) {
        fprintf(stderr, "q8_check: cannot write %s\n", calib_path);
        return 2;
    }
    /* feature 0 constant in half of the cases: the scheme accepts a constant feature */
    int constant_feature = seed % 2 == 0;
    for (int r = 0; r < CALIB_ROWS; r++)
        for (int i = 0; i < net->input; i++)
            fprintf(f, "%.6f%s", constant_feature && i == 0 ? 0.25 : uniform(&state, -1.5, 1.5),
                    i + 1 < net->input ? "," : "\n");
    free(params);
    return fclose(f) == 0 ? 0 : 2;
}

/* ---- reading what the other steps wrote ------------------------------------------------------ */

static double *read_weights(const char *path, size_t count)
{
    FILE *f = fopen(path, "rb");
    unsigned char *bytes = allocate(40 + 4 * count, 1);
    if (!f || fread(bytes, 1, 40 + 4 * count, f) != 40 + 4 * count) {
        fprintf(stderr, "q8_check: cannot read %s\n", path);
        exit(2);
    }
    fclose(f);
    double *params = allocate(count, sizeof *params);
    for (size_t k = 0; k < count; k++) {
        uint32_t bits = 0;
        for (int i = 0; i < 4; i++)
            bits |= (uint32_t)bytes[32 + 4 * k + (size_t)i] << (8 * i);
        float v;
        memcpy(&v, &bits, 4);
        params[k] = (double)v;
    }
    free(bytes);
    return params;
}

/* The first `inputs` comma-separated fields of each line, as samples-are-columns X[i*rows + j]. */
static double *read_csv(const char *path, int inputs, int *rows_out)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "q8_check: cannot read %s\n", path);
        exit(2);
    }
    double *rows = allocate((size_t)inputs * MAX_ROWS, sizeof *rows);
    static char line[1 << 16];
    int count = 0;
    while (count < MAX_ROWS && fgets(line, sizeof line, f)) {
        char *p = line;
        if (*p == '\n' || *p == '\0')
            continue;
        for (int i = 0; i < inputs; i++) {
            char *end;
            rows[(size_t)count * (size_t)inputs + (size_t)i] = strtod(p, &end);
            if (end == p) {
                fprintf(stderr, "q8_check: %s:%d: not a number\n", path, count + 1);
                exit(2);
            }
            p = end;
            while (*p == ',' || *p == ' ')
                p++;
        }
        count++;
    }
    fclose(f);
    double *X = allocate((size_t)inputs * (size_t)count, sizeof *X);
    for (int j = 0; j < count; j++)
        for (int i = 0; i < inputs; i++)
            X[(size_t)i * (size_t)count + (size_t)j] = rows[(size_t)j * (size_t)inputs + (size_t)i];
    free(rows);
    *rows_out = count;
    return X;
}

static ref_q8_model *build_or_die(const ref_net *net, const double *params, const char *record_path,
                                  ref_q8_record_line *record, int *count)
{
    char err[256];
    *count = ref_q8_read_record(record_path, record, MAX_TENSORS, err, sizeof err);
    if (*count < 0) {
        fprintf(stderr, "q8_check: %s\n", err);
        exit(1);
    }
    ref_q8_model *model = params ? ref_q8_build(net, params, record, *count, err, sizeof err) : NULL;
    if (params && !model) {
        fprintf(stderr, "q8_check: %s: the reference cannot quantize it: %s\n", net->name, err);
        exit(1);
    }
    return model;
}

/* ---- inputs -------------------------------------------------------------------------------- */

#define SAMPLES 300

#define FLOAT_SAMPLES 120

static float special_value(uint64_t *state)
{
    static const float specials[] = {0.0f, -0.0f, 1e30f, -1e30f, FLT_MAX, -FLT_MAX, 1e-40f};
    uint64_t d = draw(state) % 10;
    if (d < 7)
        return specials[d];
    if (d == 7)
        return (float)NAN;
    return d == 8 ? (float)INFINITY : -(float)INFINITY;
}

/* Float samples for net_qinfer, in the float model's units (see the file's comment). */
static int float_inputs(const ref_net *net, double s, int z, uint64_t *state, const char *path)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return 2;
    for (int k = 0; k < FLOAT_SAMPLES; k++)
        for (int i = 0; i < net->input; i++) {
            float x;
            if (k < 80 || draw(state) % 2 == 0) {
                double steps = uniform(state, -150, 150), frac = steps - floor(steps);
                if (fabs(frac - 0.5) < 0.1)
                    steps += 0.25;
                x = (float)((steps - z) * s);
            } else {
                x = special_value(state);
            }
            if (fwrite(&x, sizeof x, 1, f) != 1)
                return 2;
        }
    return fclose(f) == 0 ? 0 : 2;
}

static int inputs(const ref_net *net, const char *record_path, const char *inputs_path,
                  const char *float_path)
{
    ref_q8_record_line *record = allocate(MAX_TENSORS, sizeof *record);
    int count;
    build_or_die(net, NULL, record_path, record, &count);
    if (count < 1 || strcmp(record[0].name, "X") != 0) {
        fprintf(stderr, "q8_check: %s: the first tensor is not X\n", record_path);
        return 1;
    }
    double s;
    int z;
    ref_q8_range_params(record[0].min, record[0].max, &s, &z);
    uint64_t state = name_seed(net->name) ^ 0x5555u;
    int n = net->input;
    int8_t *x = allocate((size_t)n, 1);
    FILE *f = fopen(inputs_path, "wb");
    if (!f)
        return 2;
    for (int k = 0; k < SAMPLES; k++) {
        for (int i = 0; i < n; i++) {
            int v;
            if (k < 160)        /* in the calibrated range */
                v = ref_q8_quantize(uniform(&state, record[0].min, record[0].max), s, z);
            else if (k < 250) { /* up to 4x its span beyond it: saturates */
                double span = record[0].max - record[0].min;
                v = ref_q8_quantize(uniform(&state, record[0].min - 4 * span, record[0].max + 4 * span), s, z);
            } else if (k < 254)
                v = k == 250 ? -128 : k == 251 ? 127 : (i % 2 == (k % 2)) ? 127 : -128;
            else if (k < 258)
                v = k == 254 ? z : k == 255 ? 0 : k == 256 ? -1 : 1;
            else                 /* any bytes */
                v = (int)(draw(&state) & 0xFF) - 128;
            x[i] = (int8_t)v;
        }
        if (fwrite(x, 1, (size_t)n, f) != (size_t)n)
            return 2;
    }
    free(x);
    free(record);
    if (fclose(f) != 0)
        return 2;
    return float_inputs(net, s, z, &state, float_path);
}

/* ---- compare ------------------------------------------------------------------------------- */

/*
 * The record's min/max against the reference's own float inference (double, inference mode) over
 * the calibration rows. Both sides compute the same real numbers in double, but not by the same
 * operations: a folded batchnorm (W g, (b - mean) g + beta) against conv-then-normalize, other
 * summation orders, libm on another path. Each such difference is a few ulps of the sums
 * involved (relative 1e-16 times the terms' count, at most ~1e-13 here); 1e-9 of the tensor's
 * range leaves room for that, while an actual disagreement (float arithmetic instead of double,
 * training-mode batchnorm, a missed row, another tensor) is 1e-7 or far more.
 */
static int check_calibration(const ref_net *net, const double *params, const char *calib_path,
                             const ref_q8_record_line *record, int count)
{
    int rows;
    double *X = read_csv(calib_path, net->input, &rows);
    ref_net all = *net;
    all.batch = rows;
    ref_cache *cache = ref_cache_new(&all);
    ref_forward_inference(&all, params, X, cache);
    ref_q8_tensor_info *info = allocate(MAX_TENSORS, sizeof *info);
    int tensors = ref_q8_tensors(net, info, MAX_TENSORS), failures = 0;
    if (tensors != count) {
        fprintf(stderr, "q8_check: %s: the record has %d tensors, the reference %d\n", net->name, count, tensors);
        failures++;
    }
    for (int k = 0; k < tensors && k < count; k++) {
        const ref_q8_tensor_info *t = &info[k];
        /* X is the raw input; with standardize, the reference's A[0] is the standardized A0 */
        const double *values = strcmp(t->name, "X") == 0 ? X : t->is_z ? cache->Z[t->layer] : cache->A[t->layer];
        size_t n = (size_t)ref_width(net, t->layer) * (size_t)rows;
        double lo = 0, hi = 0;     /* the range always includes 0 */
        for (size_t i = 0; i < n; i++) {
            lo = fmin(lo, values[i]);
            hi = fmax(hi, values[i]);
        }
        double tolerance = 1e-9 * fmax(fabs(lo), fabs(hi));
        if (strcmp(record[k].name, t->name) != 0 || fabs(record[k].min - lo) > tolerance ||
            fabs(record[k].max - hi) > tolerance) {
            fprintf(stderr, "q8_check: %s: record line %d: %s [%.17g, %.17g], the reference's float "
                    "calibration: %s [%.17g, %.17g]\n", net->name, k + 1, record[k].name, record[k].min,
                    record[k].max, t->name, lo, hi);
            failures++;
        }
        double s;
        int z;
        if (t->fixed) {
            s = t->fixed_scale;
            z = t->fixed_zero_point;
        } else {
            ref_q8_range_params(record[k].min, record[k].max, &s, &z);
        }
        if (record[k].scale != s || record[k].zero_point != z) {
            fprintf(stderr, "q8_check: %s: %s has (s, z) = (%.17g, %d) in the record, the reference "
                    "computes (%.17g, %d)\n", net->name, record[k].name, record[k].scale,
                    record[k].zero_point, s, z);
            failures++;
        }
    }
    free(info);
    ref_cache_free(&all, cache);
    free(X);
    return failures;
}

static unsigned char *read_all(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "q8_check: cannot read %s\n", path);
        exit(2);
    }
    size_t capacity = 1 << 16, used = 0;
    unsigned char *bytes = allocate(capacity, 1);
    size_t got;
    while ((got = fread(bytes + used, 1, capacity - used, f)) > 0) {
        used += got;
        if (used == capacity) {
            capacity *= 2;
            unsigned char *more = realloc(bytes, capacity);
            if (!more)
                exit(2);
            bytes = more;
        }
    }
    fclose(f);
    *size = used;
    return bytes;
}

/* path with its ".bin" replaced by `ending` (in a static buffer). */
static const char *sibling(const char *path, const char *ending)
{
    static char result[4096];
    size_t length = strlen(path);
    if (length < 4 || length - 4 + strlen(ending) + 1 > sizeof result) {
        fprintf(stderr, "q8_check: %s: not a .bin path\n", path);
        exit(2);
    }
    memcpy(result, path, length - 4);
    memcpy(result + length - 4, ending, strlen(ending) + 1);
    return result;
}

/* net_qinfer's outputs against quantize (in double, from the reference's s_in, z_in), the
 * reference's int8 inference, and s_out (yq - z_out) rounded to float once: computed in double,
 * or as a float product; either reading of the scheme is accepted, a different yq is not. */
static int check_float_wrapper(const ref_net *net, const ref_q8_model *model, const char *inputs_path,
                               const char *out_path)
{
    size_t in_size, out_size, n_in = (size_t)net->input, n_out = (size_t)ref_width(net, net->layers);
    unsigned char *x_bytes = read_all(sibling(inputs_path, "_f.bin"), &in_size);
    unsigned char *y_bytes = read_all(sibling(out_path, "_f.bin"), &out_size);
    size_t samples = in_size / (n_in * sizeof(float));
    int failures = 0;
    if (out_size != samples * n_out * sizeof(float)) {
        fprintf(stderr, "q8_check: %s: %s has %zu bytes, expected %zu floats\n", net->name,
                sibling(out_path, "_f.bin"), out_size, samples * n_out);
        failures = 1;
        samples = 0;
    }
    double s_in, s_out;
    int z_in, z_out;
    ref_q8_io_params(model, &s_in, &z_in, &s_out, &z_out);
    int8_t *xq = allocate(n_in, 1), *yq = allocate(n_out, 1);
    size_t differ = 0;
    for (size_t k = 0; k < samples; k++) {
        for (size_t i = 0; i < n_in; i++) {
            float x;
            memcpy(&x, x_bytes + (k * n_in + i) * sizeof x, sizeof x);
            xq[i] = ref_q8_quantize((double)x, s_in, z_in);
        }
        ref_q8_infer(model, xq, yq);
        for (size_t i = 0; i < n_out; i++) {
            float got, in_double = (float)(s_out * (double)(yq[i] - z_out));
            float in_float = (float)s_out * (float)(yq[i] - z_out);
            memcpy(&got, y_bytes + (k * n_out + i) * sizeof got, sizeof got);
            if (got == in_double || got == in_float)
                continue;
            if (differ++ < 5)
                fprintf(stderr, "q8_check: %s: %s: float sample %zu output %zu: net_qinfer %.9g, the "
                        "reference %.9g (yq %d)\n", net->name, sibling(out_path, "_f.bin"), k, i,
                        (double)got, (double)in_double, yq[i]);
        }
    }
    if (differ) {
        fprintf(stderr, "q8_check: %s: net_qinfer: %zu outputs differ\n", net->name, differ);
        failures = 1;
    }
    free(xq);
    free(yq);
    free(x_bytes);
    free(y_bytes);
    return failures;
}

/* A build's quantization constants (OUT.txt begins in_scale in_zero_point out_scale
 * out_zero_point; the byte counts after them are the generator's own and not checked here)
 * against the reference's: the scales are float literals, so they must be the float nearest the
 * reference's double. */
static int check_constants(const char *name, const char *out_path, const ref_q8_model *model)
{
    char path[4096];
    size_t length = strlen(out_path);
    if (length < 4 || length + 1 > sizeof path)
        return 1;
    memcpy(path, out_path, length - 4);
    memcpy(path + length - 4, ".txt", 5);
    FILE *f = fopen(path, "r");
    double in_s, out_s;
    int in_z, out_z;
    if (!f || fscanf(f, "%lf %d %lf %d", &in_s, &in_z, &out_s, &out_z) != 4) {
        fprintf(stderr, "q8_check: %s: cannot read the constants in %s\n", name, path);
        if (f)
            fclose(f);
        return 1;
    }
    fclose(f);
    double want_in_s, want_out_s;
    int want_in_z, want_out_z;
    ref_q8_io_params(model, &want_in_s, &want_in_z, &want_out_s, &want_out_z);
    if ((float)in_s != (float)want_in_s || in_z != want_in_z || (float)out_s != (float)want_out_s ||
        out_z != want_out_z) {
        fprintf(stderr, "q8_check: %s: %s: NET_Q8_INPUT_SCALE/ZERO_POINT, OUTPUT_SCALE/ZERO_POINT are "
                "%.9g %d %.9g %d; the reference: %.9g %d %.9g %d\n", name, path, in_s, in_z, out_s, out_z,
                (double)(float)want_in_s, want_in_z, (double)(float)want_out_s, want_out_z);
        return 1;
    }
    return 0;
}

static int compare(const ref_net *net, const char *weights_path, const char *calib_path,
                   const char *record_path, const char *inputs_path, int outs, char **out_paths)
{
    size_t count = ref_param_count(net);
    double *params = read_weights(weights_path, count);
    ref_q8_record_line *record = allocate(MAX_TENSORS, sizeof *record);
    int lines;
    ref_q8_model *model = build_or_die(net, params, record_path, record, &lines);
    int failures = check_calibration(net, params, calib_path, record, lines);

    size_t input_bytes;
    unsigned char *xq = read_all(inputs_path, &input_bytes);
    size_t n_in = (size_t)net->input, n_out = (size_t)ref_width(net, net->layers);
    size_t samples = input_bytes / n_in;
    int8_t *want = allocate(samples * n_out, 1);
    for (size_t k = 0; k < samples; k++)
        ref_q8_infer(model, (const int8_t *)(xq + k * n_in), want + k * n_out);

    for (int o = 0; o < outs; o++) {
        size_t size;
        unsigned char *got = read_all(out_paths[o], &size);
        failures += check_constants(net->name, out_paths[o], model);
        failures += check_float_wrapper(net, model, inputs_path, out_paths[o]);
        if (size != samples * n_out) {
            fprintf(stderr, "q8_check: %s: %s has %zu bytes, expected %zu samples x %zu outputs\n",
                    net->name, out_paths[o], size, samples, n_out);
            failures++;
            free(got);
            continue;
        }
        size_t differ = 0;
        for (size_t k = 0; k < samples; k++)
            for (size_t i = 0; i < n_out; i++) {
                int g = (int8_t)got[k * n_out + i], w = want[k * n_out + i];
                if (g == w)
                    continue;
                if (differ++ < 5)
                    fprintf(stderr, "q8_check: %s: %s: sample %zu output %zu: net_q8_infer %d, the "
                            "reference %d\n", net->name, out_paths[o], k, i, g, w);
            }
        if (differ) {
            fprintf(stderr, "q8_check: %s: %s: %zu of %zu output bytes differ\n", net->name,
                    out_paths[o], differ, samples * n_out);
            failures++;
        }
        free(got);
    }
    /* how many different output vectors the samples gave: a comparison of constant outputs would
     * say little, so the count is shown */
    size_t distinct = 0;
    for (size_t k = 0; k < samples; k++) {
        size_t j = 0;
        while (j < k && memcmp(want + j * n_out, want + k * n_out, n_out) != 0)
            j++;
        distinct += j == k;
    }
    if (failures == 0)
        printf("q8_check: %s: %d tensors as the reference calibrates them; %zu samples (%zu different "
               "outputs), %d builds, every output byte equal; net_qinfer agrees on the float samples\n", net->name, lines, samples, distinct, outs);
    ref_q8_free(model);
    free(want);
    free(xq);
    free(record);
    free(params);
    return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc == 6 && strcmp(argv[1], "prepare") == 0)
        return prepare(find_case(argv[2]), argv[3], argv[4], argv[5]);
    if (argc == 6 && strcmp(argv[1], "inputs") == 0)
        return inputs(find_case(argv[2]), argv[3], argv[4], argv[5]);
    if (argc >= 8 && strcmp(argv[1], "compare") == 0)
        return compare(find_case(argv[2]), argv[3], argv[4], argv[5], argv[6], argc - 7, argv + 7);
    fprintf(stderr, "usage: q8_check prepare NAME HASH WEIGHTS CALIB | inputs NAME RECORD INPUTS INPUTS_F | "
            "compare NAME WEIGHTS CALIB RECORD INPUTS OUT.bin...\n");
    return 2;
}
