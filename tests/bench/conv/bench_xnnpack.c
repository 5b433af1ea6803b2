/*
 * XNNPACK's side of the conv benchmark (inference only): the forward pass of cnn8 and kws built
 * from XNNPACK's operator API, the peer the gradc conv nets are compared with.
 *
 *   bench_xnnpack DATA_DIR PASS LABEL [NET]
 *
 * reads DATA_DIR/<net>/{params0,X,Y}.f32, writes DATA_DIR/<net>/out.<LABEL>.f32 (the softmax
 * outputs, classes x m) and prints `check`, `result` and `info` lines (tests/bench/conv's
 * protocol; J_STEP, TRAIN_NS and TRAIN_REPS are `-`: XNNPACK has no training).
 *
 * Written against the operator API of Debian's libxnnpack-dev 0.0~git20220216 (its create and
 * setup signatures differ from later XNNPACK). Build:
 *   cc -std=c99 -O3 -march=native -Wall -Wextra -Werror tests/bench/conv/bench_xnnpack.c \
 *      -lXNNPACK -lpthreadpool -lm
 * (-lm for log; -lpthreadpool only names the library libXNNPACK.so.0 already depends on, as this
 * program calls no pthreadpool function.)
 *
 * Every operator is created and set up once, with NHWC activation buffers allocated once, so the
 * timed forward is only the xnn_run_operator calls in sequence, on one thread (threadpool NULL).
 * A 1-D net runs as a 2-D one of height 1. ReLU is fused into each convolution as its output
 * clamp [0, +inf). Self-contained (its own loader and timer): it must not depend on the gradc
 * side's harness, so that either can change without the other.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xnnpack.h>

/* Timing: a warm-up of WARMUP_NS (which also estimates one call), then MEASURED_RUNS runs of as
 * many back-to-back calls as fill RUN_NS; the median run's per-call time is reported. */
#define WARMUP_NS 20e6
#define RUN_NS 2e6
#define MEASURED_RUNS 41

#define MAX_LAYERS 5
/* Operators per net: one per layer plus the softmax after the dense layer. */
#define MAX_OPERATORS (MAX_LAYERS + 1)

enum layer_kind { LAYER_CONV, LAYER_MAXPOOL, LAYER_GLOBAL_AVGPOOL, LAYER_DENSE };

/* One layer as the benchmark defines it. Convolutions are always followed by relu and carry a
 * bias; the dense layer is always the last one and is followed by softmax. For a 1-D net
 * `kernel`, `stride` and `padding` apply to the time axis only. */
typedef struct {
    enum layer_kind kind;
    uint32_t out_channels; /* conv and dense */
    uint32_t kernel;       /* conv and maxpool */
    uint32_t stride;       /* conv and maxpool */
    uint32_t padding;      /* conv */
} layer_desc;

typedef struct {
    const char *name;
    size_t batch;
    uint32_t channels, height, width; /* of one input sample; a 1-D net has height 1 */
    int is_1d;
    size_t layer_count;
    layer_desc layers[MAX_LAYERS];
} net_desc;

static const net_desc NETS[] = {
    {"cnn8", 32, 1, 8, 8, 0, 5,
     {{LAYER_CONV, 8, 3, 1, 1},
      {LAYER_MAXPOOL, 0, 2, 2, 0},
      {LAYER_CONV, 16, 3, 1, 0},
      {LAYER_GLOBAL_AVGPOOL, 0, 0, 0, 0},
      {LAYER_DENSE, 10, 0, 0, 0}}},
    {"kws", 16, 40, 1, 49, 1, 5,
     {{LAYER_CONV, 64, 3, 1, 1},
      {LAYER_CONV, 64, 3, 2, 1},
      {LAYER_CONV, 64, 3, 1, 1},
      {LAYER_GLOBAL_AVGPOOL, 0, 0, 0, 0},
      {LAYER_DENSE, 12, 0, 0, 0}}},
};
#define NET_COUNT (sizeof NETS / sizeof NETS[0])

/* Everything one net needs at run time, created once. act[0] is the NHWC input; act[i + 1] is
 * operator i's output, so act[op_count] holds the softmax outputs as [m][classes]. */
typedef struct {
    const net_desc *net;
    size_t classes;
    size_t op_count;
    xnn_operator_t ops[MAX_OPERATORS];
    float *act[MAX_OPERATORS + 1];
    int has_maxpool;           /* for the info line */
    size_t avgpool_pixels;     /* pixels per sample the global average pooling reduces */
} xnn_net;

static void die(const char *format, ...)
#ifdef __GNUC__
    __attribute__((format(printf, 1, 2), noreturn))
#endif
    ;

static void die(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    fprintf(stderr, "bench_xnnpack: ");
    vfprintf(stderr, format, args);
    fprintf(stderr, "\n");
    va_end(args);
    exit(1);
}

static const char *status_name(enum xnn_status status)
{
    switch (status) {
    case xnn_status_success: return "success";
    case xnn_status_uninitialized: return "uninitialized";
    case xnn_status_invalid_parameter: return "invalid parameter";
    case xnn_status_invalid_state: return "invalid state";
    case xnn_status_unsupported_parameter: return "unsupported parameter";
    case xnn_status_unsupported_hardware: return "unsupported hardware";
    case xnn_status_out_of_memory: return "out of memory";
    }
    return "unknown status";
}

static void check_status(enum xnn_status status, const char *net, const char *what)
{
    if (status != xnn_status_success)
        die("%s: %s failed: %s", net, what, status_name(status));
}

/* Zeroed, 64-byte aligned, with XNN_EXTRA_BYTES of slack: XNNPACK's kernels may read up to that
 * many bytes past the end of an input. */
static float *alloc_floats(size_t count)
{
    void *p = NULL;
    size_t bytes = count * sizeof(float) + XNN_EXTRA_BYTES;
    if (posix_memalign(&p, 64, bytes) != 0)
        die("out of memory (%zu bytes)", bytes);
    memset(p, 0, bytes);
    return p;
}

/* Reads exactly `count` little-endian float32 values (the benchmark's files are little-endian;
 * this program only runs on little-endian hosts, checked in main). */
static float *read_floats(const char *dir, const char *net, const char *file, size_t count)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s/%s/%s", dir, net, file) >= (int)sizeof path)
        die("%s/%s/%s: path too long", dir, net, file);
    FILE *f = fopen(path, "rb");
    if (!f)
        die("cannot open %s: %s (run the benchmark's prep first)", path, strerror(errno));
    float *data = alloc_floats(count);
    size_t got = fread(data, sizeof(float), count, f);
    int extra = fgetc(f);
    fclose(f);
    if (got != count || extra != EOF)
        die("%s: expected exactly %zu float32 values (%zu bytes)", path, count,
            count * sizeof(float));
    return data;
}

/* Writes through a temporary file and a rename, so a failed run leaves an earlier output as it
 * was. */
static void write_floats(const char *dir, const char *net, const char *file, const float *data,
                         size_t count)
{
    char path[4096], temp[4200];
    if (snprintf(path, sizeof path, "%s/%s/%s", dir, net, file) >= (int)sizeof path)
        die("%s/%s/%s: path too long", dir, net, file);
    snprintf(temp, sizeof temp, "%s.tmp", path);
    FILE *f = fopen(temp, "wb");
    if (!f)
        die("cannot write %s: %s", temp, strerror(errno));
    int ok = fwrite(data, sizeof(float), count, f) == count;
    ok = (fclose(f) == 0) && ok;
    if (!ok || rename(temp, path) != 0) {
        int error = errno;
        remove(temp);
        die("cannot write %s: %s", path, strerror(error));
    }
}

static size_t conv_kernel_height(const net_desc *net, const layer_desc *l)
{
    return net->is_1d ? 1 : l->kernel;
}

/* Floats in net_params order (each conv and dense layer: W then b). */
static size_t param_count(const net_desc *net)
{
    size_t count = 0, channels = net->channels;
    for (size_t i = 0; i < net->layer_count; i++) {
        const layer_desc *l = &net->layers[i];
        if (l->kind == LAYER_CONV) {
            count += (size_t)l->out_channels * channels * conv_kernel_height(net, l) * l->kernel
                     + l->out_channels;
            channels = l->out_channels;
        } else if (l->kind == LAYER_DENSE) {
            count += (size_t)l->out_channels * channels + l->out_channels;
            channels = l->out_channels;
        }
    }
    return count;
}

static size_t class_count(const net_desc *net)
{
    return net->layers[net->layer_count - 1].out_channels;
}

static size_t input_features(const net_desc *net)
{
    return (size_t)net->channels * net->height * net->width;
}

/* Creates and sets up every operator of `net` from params0 (PyTorch layouts) and fills the NHWC
 * input from X (features x m, batch last). Nothing here is timed. */
static void build(xnn_net *x, const net_desc *net, const float *params, const float *X)
{
    const char *name = net->name;
    const size_t m = net->batch;
    size_t channels = net->channels, height = net->height, width = net->width;
    const float *p = params;

    memset(x, 0, sizeof *x);
    x->net = net;
    x->classes = class_count(net);

    /* X[((c*H + y)*W + x)*m + j] -> NHWC [j][y][x][c] */
    x->act[0] = alloc_floats(m * input_features(net));
    for (size_t c = 0; c < channels; c++)
        for (size_t y = 0; y < height; y++)
            for (size_t xx = 0; xx < width; xx++)
                for (size_t j = 0; j < m; j++)
                    x->act[0][((j * height + y) * width + xx) * channels + c] =
                        X[((c * height + y) * width + xx) * m + j];

    for (size_t i = 0; i < net->layer_count; i++) {
        const layer_desc *l = &net->layers[i];
        const float *in = x->act[x->op_count];
        xnn_operator_t op = NULL;
        enum xnn_status status;

        if (l->kind == LAYER_CONV) {
            const uint32_t kh = (uint32_t)conv_kernel_height(net, l), kw = l->kernel;
            const uint32_t sh = net->is_1d ? 1 : l->stride, sw = l->stride;
            const uint32_t ph = net->is_1d ? 0 : l->padding, pw = l->padding;
            const size_t out_c = l->out_channels;
            const size_t out_h = (height + 2 * ph - kh) / sh + 1;
            const size_t out_w = (width + 2 * pw - kw) / sw + 1;

            /* PyTorch's W[o][c][ky][kx] (1-D: W[o][c][kx]) -> XNNPACK's [o][ky][kx][c]; XNNPACK
             * packs its own copy at create, so this one is freed right after. */
            float *kernel = alloc_floats(out_c * kh * kw * channels);
            for (size_t o = 0; o < out_c; o++)
                for (size_t c = 0; c < channels; c++)
                    for (size_t ky = 0; ky < kh; ky++)
                        for (size_t kx = 0; kx < kw; kx++)
                            kernel[((o * kh + ky) * kw + kx) * channels + c] =
                                p[((o * channels + c) * kh + ky) * kw + kx];
            const float *bias = p + out_c * channels * kh * kw;
            status = xnn_create_convolution2d_nhwc_f32(
                ph, pw, ph, pw, kh, kw, sh, sw, 1, 1, 1, channels, out_c, channels, out_c, kernel,
                bias, 0.0f, INFINITY, 0, &op);
            free(kernel);
            check_status(status, name, "xnn_create_convolution2d_nhwc_f32");
            x->ops[x->op_count] = op;
            x->act[x->op_count + 1] = alloc_floats(m * out_h * out_w * out_c);
            check_status(xnn_setup_convolution2d_nhwc_f32(op, m, height, width, in,
                                                          x->act[x->op_count + 1], NULL),
                         name, "xnn_setup_convolution2d_nhwc_f32");
            x->op_count++;
            p = bias + out_c;
            channels = out_c;
            height = out_h;
            width = out_w;
        } else if (l->kind == LAYER_MAXPOOL) {
            const uint32_t kh = net->is_1d ? 1 : l->kernel, kw = l->kernel;
            const uint32_t sh = net->is_1d ? 1 : l->stride, sw = l->stride;
            const size_t out_h = (height - kh) / sh + 1, out_w = (width - kw) / sw + 1;
            status = xnn_create_max_pooling2d_nhwc_f32(0, 0, 0, 0, kh, kw, sh, sw, 1, 1, channels,
                                                       channels, channels, -INFINITY, INFINITY,
                                                       0, &op);
            check_status(status, name, "xnn_create_max_pooling2d_nhwc_f32");
            x->ops[x->op_count] = op;
            x->act[x->op_count + 1] = alloc_floats(m * out_h * out_w * channels);
            check_status(xnn_setup_max_pooling2d_nhwc_f32(op, m, height, width, in,
                                                          x->act[x->op_count + 1], NULL),
                         name, "xnn_setup_max_pooling2d_nhwc_f32");
            x->op_count++;
            x->has_maxpool = 1;
            height = out_h;
            width = out_w;
        } else if (l->kind == LAYER_GLOBAL_AVGPOOL) {
            status = xnn_create_global_average_pooling_nwc_f32(channels, channels, channels,
                                                               -INFINITY, INFINITY, 0, &op);
            check_status(status, name, "xnn_create_global_average_pooling_nwc_f32");
            x->ops[x->op_count] = op;
            x->act[x->op_count + 1] = alloc_floats(m * channels);
            /* NHWC [m][H][W][C] is NWC with W' = H*W pixels per sample. */
            check_status(xnn_setup_global_average_pooling_nwc_f32(op, m, height * width, in,
                                                                  x->act[x->op_count + 1], NULL),
                         name, "xnn_setup_global_average_pooling_nwc_f32");
            x->op_count++;
            x->avgpool_pixels = height * width;
            height = 1;
            width = 1;
        } else {
            /* Dense: PyTorch's W[out][in] is XNNPACK's layout without XNN_FLAG_TRANSPOSE_WEIGHTS. */
            const size_t in_features = channels * height * width, out = l->out_channels;
            const float *bias = p + out * in_features;
            status = xnn_create_fully_connected_nc_f32(in_features, out, in_features, out, p, bias,
                                                       -INFINITY, INFINITY, 0, &op);
            check_status(status, name, "xnn_create_fully_connected_nc_f32");
            x->ops[x->op_count] = op;
            x->act[x->op_count + 1] = alloc_floats(m * out);
            check_status(xnn_setup_fully_connected_nc_f32(op, m, in, x->act[x->op_count + 1], NULL),
                         name, "xnn_setup_fully_connected_nc_f32");
            x->op_count++;
            p = bias + out;

            status = xnn_create_softmax_nc_f32(out, out, out, 0, &op);
            check_status(status, name, "xnn_create_softmax_nc_f32");
            x->ops[x->op_count] = op;
            x->act[x->op_count + 1] = alloc_floats(m * out);
            check_status(xnn_setup_softmax_nc_f32(op, m, x->act[x->op_count],
                                                  x->act[x->op_count + 1], NULL),
                         name, "xnn_setup_softmax_nc_f32");
            x->op_count++;
            channels = out;
        }
    }
    if ((size_t)(p - params) != param_count(net))
        die("%s: internal error: used %zu of %zu parameters", name, (size_t)(p - params),
            param_count(net));
}

static void destroy(xnn_net *x)
{
    for (size_t i = 0; i < x->op_count; i++)
        xnn_delete_operator(x->ops[i]);
    for (size_t i = 0; i <= x->op_count; i++)
        free(x->act[i]);
    memset(x, 0, sizeof *x);
}

/* The timed forward: the operators in sequence. */
static void forward(const xnn_net *x)
{
    for (size_t i = 0; i < x->op_count; i++) {
        enum xnn_status status = xnn_run_operator(x->ops[i], NULL);
        if (status != xnn_status_success)
            die("%s: xnn_run_operator (operator %zu) failed: %s", x->net->name, i,
                status_name(status));
    }
}

static const float *softmax_output(const xnn_net *x)
{
    return x->act[x->op_count];
}

/* J = -(1/m) sum Y log A in double; entries with Y = 0 contribute nothing (so an A that
 * underflowed to 0 where Y = 0 does not turn J into NaN). */
static double cost(const xnn_net *x, const float *Y)
{
    const size_t m = x->net->batch, classes = x->classes;
    const float *A = softmax_output(x);
    double sum = 0.0;
    for (size_t k = 0; k < classes; k++)
        for (size_t j = 0; j < m; j++) {
            double y = Y[k * m + j];
            if (y != 0.0)
                sum += y * log((double)A[j * classes + k]);
        }
    return -sum / (double)m;
}

static double now_ns(void)
{
    struct timespec t;
    if (clock_gettime(CLOCK_MONOTONIC, &t) != 0)
        die("clock_gettime failed");
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static int compare_doubles(const void *a, const void *b)
{
    double u = *(const double *)a, v = *(const double *)b;
    return (u > v) - (u < v);
}

/* Median per-call time of the forward (see WARMUP_NS); *reps_out gets the calls per run. */
static double time_forward(const xnn_net *x, long *reps_out)
{
    long calls = 0;
    double start = now_ns(), elapsed;
    do {
        forward(x);
        calls++;
        elapsed = now_ns() - start;
    } while (elapsed < WARMUP_NS || calls < 3);
    long reps = (long)(RUN_NS / (elapsed / (double)calls)) + 1;

    double per_call[MEASURED_RUNS];
    for (int r = 0; r < MEASURED_RUNS; r++) {
        double t0 = now_ns();
        for (long i = 0; i < reps; i++)
            forward(x);
        per_call[r] = (now_ns() - t0) / (double)reps;
    }
    qsort(per_call, MEASURED_RUNS, sizeof per_call[0], compare_doubles);
    *reps_out = reps;
    return per_call[MEASURED_RUNS / 2];
}

/* What the program can learn about the kernels. This XNNPACK has no query for its version or
 * for the microkernels an operator chose, so the line names the operators and the microkernels
 * that its x86 dispatch table (src/init.c at ae108ef, the commit Debian packages) assigns for the
 * host's ISA: every conv here (3-tap, so never the 1x1 GEMM path) runs the f32 IGEMM, the dense
 * layer the f32 GEMM, softmax rmax + raddstoreexpminusmax + vmulc; pooling kernels are SSE at
 * that commit on every x86 (global average pooling: one pass up to its row tile of 7 pixels,
 * else multipass). (On the AVX-512 build machine a perf profile of kws spent its time
 * in the function whose assertions name xnn_f32_igemm_minmax_ukernel_7x16__avx512f_broadcast.) */
static void print_info(const char *label, const xnn_net *x)
{
    const char *by_isa = "not x86: see XNNPACK's src/init.c for this architecture";
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f"))
        by_isa = "avx512f: gemm/igemm 7x16__avx512f_broadcast, vmulc__avx512f_x32";
    else if (__builtin_cpu_supports("fma"))
        by_isa = "fma3: gemm/igemm 5x16__fma3_broadcast (4x16s4 on Zen 1), vmulc__avx_x16";
    else if (__builtin_cpu_supports("avx"))
        by_isa = "avx: gemm/igemm 5x16__avx_broadcast, vmulc__avx_x16";
    else
        by_isa = "sse: gemm/igemm 4x8__sse_load1, vmulc__sse_x8";
#endif
    printf("info %s XNNPACK (Debian libxnnpack 0.0~git20220216; reports neither its version nor "
           "its microkernels), 1 thread (threadpool NULL); %s: %zu operators (convolution2d_nhwc "
           "with the relu clamp fused%s%s, global_average_pooling_nwc, fully_connected_nc, "
           "softmax_nc); f32 microkernels by that version's x86 dispatch for this host, %s; "
           "%sgavgpool %s__sse_c4, rmax__sse, raddstoreexpminusmax__sse2_rr2_p5_x20_acc2\n",
           label, x->net->name, x->op_count, x->net->is_1d ? ", 1-D as height 1" : "",
           x->has_maxpool ? ", max_pooling2d_nhwc" : "", by_isa,
           x->has_maxpool ? "maxpool 9p8x__sse_c4, " : "", x->avgpool_pixels <= 7 ? "7x" : "7p7x");
}

static void run_net(const net_desc *net, const char *dir, const char *pass, const char *label)
{
    const size_t m = net->batch, classes = class_count(net);
    float *params = read_floats(dir, net->name, "params0.f32", param_count(net));
    float *X = read_floats(dir, net->name, "X.f32", input_features(net) * m);
    float *Y = read_floats(dir, net->name, "Y.f32", classes * m);

    xnn_net x;
    build(&x, net, params, X);

    forward(&x);
    double J = cost(&x, Y);
    /* [m][classes] -> classes x m, Y's layout */
    float *out = alloc_floats(classes * m);
    const float *A = softmax_output(&x);
    for (size_t k = 0; k < classes; k++)
        for (size_t j = 0; j < m; j++)
            out[k * m + j] = A[j * classes + k];
    char file[4096];
    if (snprintf(file, sizeof file, "out.%s.f32", label) >= (int)sizeof file)
        die("label too long");
    write_floats(dir, net->name, file, out, classes * m);
    free(out);
    printf("check %s %s %.9g -\n", label, net->name, J);
    fflush(stdout);

    long reps = 0;
    double forward_ns = time_forward(&x, &reps);
    printf("result %s %s %s %.1f - %ld -\n", label, net->name, pass, forward_ns, reps);
    print_info(label, &x);
    fflush(stdout);

    destroy(&x);
    free(params);
    free(X);
    free(Y);
}

int main(int argc, char **argv)
{
    if (argc != 4 && argc != 5)
        die("usage: %s DATA_DIR PASS LABEL [NET]", argc > 0 ? argv[0] : "bench_xnnpack");
    const char *dir = argv[1], *pass = argv[2], *label = argv[3];
    if (label[0] == '\0' || strchr(label, '/') != NULL)
        die("LABEL '%s' must be non-empty and contain no '/' (it names out.LABEL.f32)", label);
    const net_desc *only = NULL;
    if (argc == 5) {
        for (size_t i = 0; i < NET_COUNT; i++)
            if (strcmp(argv[4], NETS[i].name) == 0)
                only = &NETS[i];
        if (!only)
            die("unknown net '%s' (expected cnn8 or kws)", argv[4]);
    }
    const uint32_t one = 1;
    unsigned char first_byte;
    memcpy(&first_byte, &one, 1);
    if (first_byte != 1)
        die("the data files are little-endian float32; this host is big-endian");

    enum xnn_status status = xnn_initialize(NULL);
    if (status != xnn_status_success)
        die("xnn_initialize failed: %s", status_name(status));
    for (size_t i = 0; i < NET_COUNT; i++)
        if (!only || only == &NETS[i])
            run_net(&NETS[i], dir, pass, label);
    xnn_deinitialize();
    return 0;
}
