/*
 * gradc runtime: the few numeric helpers generated code calls. Copied into every generated folder.
 *
 * Header-only and `static inline`, so that any number of generated models link into one program
 * without duplicate symbols, and so that unused helpers cost nothing. C99, no heap, no state.
 */
#ifndef GRADC_RT_H
#define GRADC_RT_H

#include <math.h>
#include <stdint.h>
#include <string.h>

/* C99's restrict, which C++ spells __restrict (gcc, clang, MSVC): the generated definitions use
 * GRADC_RESTRICT, so the same files compile as C++ when a project vendors them into one. */
#if defined(__cplusplus)
#define GRADC_RESTRICT __restrict
#else
#define GRADC_RESTRICT restrict
#endif

/* Vector paths for the tiles of looped layers, chosen from the compiler's target macros: AVX-512
 * for tiles a multiple of 64 bytes wide, AVX2 with FMA for tiles a multiple of 32 bytes (also on
 * AVX-512 machines, for the narrower tiles); anything else runs the plain C99 loops that follow
 * them in the generated code. Define GRADC_PORTABLE to force the plain loops everywhere. */
#if !defined(GRADC_PORTABLE) && defined(__AVX512F__)
#define GRADC_AVX512 1
#endif
#if !defined(GRADC_PORTABLE) && defined(__AVX2__) && defined(__FMA__)
#define GRADC_AVX2 1
#endif

/* Cortex-M4 and M7 with the single-precision FPU (ARMv7E-M, __ARM_FP bit 2), gcc or clang: the
 * float kernels' register-blocked paths, whose loads and chained multiply-accumulates (VLDM,
 * VMLA.F32) are inline assembly, so they run the same instructions at -O2 and -Os. VMLA.F32 rounds
 * the product before the sum: the results are the plain C path's bit for bit. */
#if !defined(GRADC_PORTABLE) && defined(__GNUC__) && defined(__ARM_ARCH_7EM__) && defined(__ARM_FP) && \
    (__ARM_FP & 4)
#define GRADC_CORTEXM 1
#endif

/* Runtime dispatch, for x86-64 builds that do not enable AVX2 themselves (a generic distribution
 * build, plain -O2): <name>.c then compiles its kernels three times, for AVX-512, for AVX2 with
 * FMA and for the build's own target, between GRADC_TARGET_*_BEGIN and GRADC_TARGET_END, and
 * every call runs the widest copy the CPU supports. Such a build ran seed3's train step 5x
 * faster than the same build without dispatch. The AVX-512 copy also enables VL, BW and DQ (the
 * x86-64-v4 set; without VL xor's forward ran at half the speed). Only gcc and clang (their
 * target pragmas and __builtin_cpu_supports). Define GRADC_NO_DISPATCH to compile the kernels
 * once for the build's target, GRADC_DISPATCH_MAX_AVX2 to never pick AVX-512 (the tests use it
 * to run the AVX2 copy on AVX-512 machines). */
#if !defined(GRADC_PORTABLE) && !defined(GRADC_NO_DISPATCH) && !defined(__AVX2__) && \
    defined(__x86_64__) && (defined(__clang__) || (defined(__GNUC__) && __GNUC__ >= 6))
#define GRADC_DISPATCH 1
#if defined(__clang__)
#define GRADC_TARGET_AVX512_BEGIN \
    _Pragma("clang attribute push(__attribute__((target(\"avx512f,avx512vl,avx512bw,avx512dq,avx2,fma\"))), apply_to = function)")
#define GRADC_TARGET_AVX2_BEGIN \
    _Pragma("clang attribute push(__attribute__((target(\"avx2,fma\"))), apply_to = function)")
#define GRADC_TARGET_END _Pragma("clang attribute pop")
#else
#define GRADC_TARGET_AVX512_BEGIN _Pragma("GCC push_options") _Pragma("GCC target(\"avx512f,avx512vl,avx512bw,avx512dq,avx2,fma\")")
#define GRADC_TARGET_AVX2_BEGIN _Pragma("GCC push_options") _Pragma("GCC target(\"avx2,fma\")")
#define GRADC_TARGET_END _Pragma("GCC pop_options")
#endif
static inline int gradc_cpu_has_avx2(void)
{
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
static inline int gradc_cpu_has_avx512(void)
{
#if defined(GRADC_DISPATCH_MAX_AVX2)
    return 0;
#else
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
           __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") && gradc_cpu_has_avx2();
#endif
}
#endif

#if defined(GRADC_AVX512) || defined(GRADC_AVX2) || defined(GRADC_DISPATCH)
#include <immintrin.h>
#endif
/* g++ 12 reports the self-initialized variable inside its own _mm512_undefined_ps() as used
 * uninitialized wherever AVX-512 intrinsics are inlined into C++ code (GCC bug 105593, fixed in
 * g++ 13); the C front end and clang do not. Only the generated file that includes this runtime
 * is affected. */
#if defined(__cplusplus) && defined(__GNUC__) && !defined(__clang__) && __GNUC__ < 13
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif

/* a * b + c, fused (one rounding, one instruction) where the target has a fused multiply-add
 * instruction, else the plain expression. The chains of small networks are latency-bound, and
 * compilers fuse a * b + c themselves only outside strict ISO modes (-std=c99 stops gcc from it).
 * fmaf and fma compile to the instruction when __FMA__ is set; elsewhere they would be library
 * calls, hence the macro. */
#if !defined(GRADC_PORTABLE) && (defined(__FMA__) || defined(__aarch64__))
#define GRADC_FMAF(a, b, c) fmaf((a), (b), (c))
#define GRADC_FMA(a, b, c) fma((a), (b), (c))
#else
#define GRADC_FMAF(a, b, c) ((a) * (b) + (c))
#define GRADC_FMA(a, b, c) ((a) * (b) + (c))
#endif

/* The exp polynomial and scaling alone, for x in [-104, 88.7228394] or NaN. */
static inline float gradc_exp_kernelf(float x)
{
    const float shift = 12582912.0f; /* 1.5 * 2^23: adding it rounds to an integer */
    const float t = GRADC_FMAF(x, 1.44269504f, shift);
    const float n = t - shift;
    const float r = GRADC_FMAF(n, -1.42860677e-06f, GRADC_FMAF(n, -0.693145752f, x));
    /* the small terms in pairs (a dependency chain half as long as Horner's, for latency), the
     * large ones last (for accuracy) */
    const float r2 = r * r;
    const float q = GRADC_FMAF(r2, GRADC_FMAF(r2, GRADC_FMAF(1.98412698e-4f, r, 1.38888889e-3f),
                                              GRADC_FMAF(8.33333333e-3f, r, 4.16666667e-2f)),
                               GRADC_FMAF(0.166666667f, r, 0.5f));
    const float p = 1.0f + GRADC_FMAF(r2, q, r);
    uint32_t t_bits;
    memcpy(&t_bits, &t, sizeof t_bits);
    const uint32_t e = t_bits - 0x4B400000u + 256u;  /* n + 256, with n in [-150, 128] */
    const uint32_t half = e >> 1;                     /* 2^n = 2^(half - 128) * 2^(e - half - 128) */
    const uint32_t scale_a_bits = (half - 1u) << 23, scale_b_bits = (e - half - 1u) << 23;
    float scale_a, scale_b;
    memcpy(&scale_a, &scale_a_bits, sizeof scale_a);
    memcpy(&scale_b, &scale_b_bits, sizeof scale_b);
    return (p * scale_a) * scale_b;
}

/* e^x in float, branch-free so loops of it vectorize (scalar expf calls were half of a small
 * sigmoid network's forward time). x = n ln2 + r with |r| <= ln2/2 (ln2 split in two so n ln2 is
 * exact), e^r by a degree-7 Taylor polynomial (truncation < 6e-9 relative), and 2^n applied as two
 * normal powers of two so that results down to the subnormal range round correctly.
 * Error: at most 1.03 ulp measured against exp() in double over every 7th float of [-103.97, 88.72]
 * (1.5 ulp asserted by the tests); below that range 0, above +inf, like expf; NaN in, NaN out. */
static inline float gradc_expf(float x)
{
    const float hi = 88.7228394f;  /* expf(x) overflows above */
    const float lo = -103.972084f; /* and is 0 below */
    float clamped = x > hi ? hi : x;
    clamped = clamped < lo ? lo : clamped;
    const float y = gradc_exp_kernelf(clamped);
    return x > hi ? HUGE_VALF : (x < lo ? 0.0f : y);
}

/* e^x for x <= 0 (sigmoid, softplus and softmax only need these), bit for bit gradc_expf. Below
 * -104 the argument is held at -104, where the result, 0.49 of the smallest subnormal, rounds to
 * 0: so no select follows the computation. A select there lets gcc sink the computation into a
 * branch, which it then vectorizes only with masked instructions (AVX-512): xor's forward pass
 * ran 2.2x slower on AVX2 for it. */
static inline float gradc_exp_nonpositivef(float x)
{
    return gradc_exp_kernelf(x < -104.0f ? -104.0f : x);
}

#if defined(GRADC_AVX2) || defined(GRADC_DISPATCH)
/* The vector helpers below are inlined even where gcc's heuristics would not: the row sums grew
 * seed3's kernels enough that gcc 12 called an out-of-line transpose, and mlp's train step ran
 * 20% slower. */
#if defined(__GNUC__)
#define GRADC_VECTOR_HELPER static inline __attribute__((always_inline))
#else
#define GRADC_VECTOR_HELPER static inline
#endif

/* dst[c][r] = src[r][c] for an 8 x 8 block of floats (row strides in elements): unpack pairs of
 * rows, shuffle pairs of pairs, then swap 128-bit halves. Used for the dW products, whose strided
 * scalar transposes cost as much as a sixth of a train step. */
#if defined(GRADC_DISPATCH)
__attribute__((target("avx2")))
#endif
GRADC_VECTOR_HELPER void gradc_transpose8_ps(const float *src, int src_stride, float *dst, int dst_stride)
{
    __m256 r[8], t[8], u[8];
    for (int i = 0; i < 8; ++i) {
        r[i] = _mm256_loadu_ps(src + i * src_stride);
    }
    for (int i = 0; i < 8; i += 2) {
        t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 8; i += 4) {
        u[i] = _mm256_shuffle_ps(t[i], t[i + 2], 0x44);     /* elements 0 1 of each half */
        u[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], 0xEE); /* elements 2 3 */
        u[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0x44);
        u[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0xEE);
    }
    for (int i = 0; i < 4; ++i) {
        _mm256_storeu_ps(dst + i * dst_stride, _mm256_permute2f128_ps(u[i], u[i + 4], 0x20));
        _mm256_storeu_ps(dst + (i + 4) * dst_stride, _mm256_permute2f128_ps(u[i], u[i + 4], 0x31));
    }
}

/* The sums of 8 rows of `cols` floats (cols a multiple of 8; row stride in elements), lane r for
 * row r, each added exactly as the plain loops of a row sum add it: 8 partial sums from 0 over the
 * columns j % 8 = 0 .. 7, then from 0 the partial sums in order. One row at a time, each row's two
 * dependent chains of adds ran one after the other: the 49 row sums of seed3's train step took
 * 700 ns of its 5 us. */
#if defined(GRADC_DISPATCH)
__attribute__((target("avx2")))
#endif
GRADC_VECTOR_HELPER __m256 gradc_row_sums8_ps(const float *src, int stride, int cols)
{
    float partial[8][8], by_lane[8][8];
    for (int r = 0; r < 8; ++r) {
        __m256 lane = _mm256_setzero_ps();
        for (int j0 = 0; j0 < cols; j0 += 8) {
            lane = _mm256_add_ps(lane, _mm256_loadu_ps(src + r * stride + j0));
        }
        _mm256_storeu_ps(partial[r], lane);
    }
    gradc_transpose8_ps(&partial[0][0], 8, &by_lane[0][0], 8);
    __m256 sum = _mm256_setzero_ps();
    for (int j = 0; j < 8; ++j) {
        sum = _mm256_add_ps(sum, _mm256_loadu_ps(by_lane[j]));
    }
    return sum;
}

/* dst[j * dst_stride + i] = rows[i][first + j] for i, j < 8: the transpose of an 8 x 8 block whose
 * rows are anywhere (a convolution's input rows under 8 kernel taps). */
#if defined(GRADC_DISPATCH)
__attribute__((target("avx2")))
#endif
GRADC_VECTOR_HELPER void gradc_transpose8_rows_ps(const float **rows, int first, float *dst, int dst_stride)
{
    __m256 r[8], t[8], u[8];
    for (int i = 0; i < 8; ++i) {
        r[i] = _mm256_loadu_ps(rows[i] + first);
    }
    for (int i = 0; i < 8; i += 2) {
        t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 8; i += 4) {
        u[i] = _mm256_shuffle_ps(t[i], t[i + 2], 0x44);
        u[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], 0xEE);
        u[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0x44);
        u[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0xEE);
    }
    for (int i = 0; i < 4; ++i) {
        _mm256_storeu_ps(dst + i * dst_stride, _mm256_permute2f128_ps(u[i], u[i + 4], 0x20));
        _mm256_storeu_ps(dst + (i + 4) * dst_stride, _mm256_permute2f128_ps(u[i], u[i + 4], 0x31));
    }
}
#endif

/* Logistic function, stable for any finite z: exp() only ever sees a non-positive argument.
 * Branch-free in float, so that it vectorizes. */
static inline float gradc_sigmoidf(float z)
{
    const float e = gradc_exp_nonpositivef(-fabsf(z));
    /* 1 / (1 + e) for z >= 0, else e / (1 + e); a select of e, not of a product, for the same
     * reason as in gradc_exp_nonpositivef */
    const float numerator = z >= 0.0f ? 1.0f : e;
    return numerator * (1.0f / (1.0f + e));
}

static inline double gradc_sigmoid(double z)
{
    if (z >= 0.0) {
        return 1.0 / (1.0 + exp(-z));
    }
    const double e = exp(z);
    return e / (1.0 + e);
}

/* log(1 + x) in float for x in [0, 1], branch-free so that loops of it vectorize (the scalar
 * log1pf of the bce cost was 15% of a small network's train step). 1 + x is rounded to u, and the
 * rounding error, x - (u - 1) exactly, is added back as its first-order term (u - 1 + d) / u; u is
 * then m 2^k with m in [sqrt(1/2), sqrt(2)] and k in {0, 1}, and log m = 2 atanh(f / (2 + f)) with
 * f = m - 1 (exact) by its series to s^9, whose truncation is below 3e-9 relative.
 * Error: at most GRADC_LOG1P_MAX_ULP ulp against log1p() in double over the whole domain (every
 * float of [0, 1] is checked by the tests); outside [0, 1] the result is not specified. */
#define GRADC_LOG1P_MAX_ULP 1.5
static inline float gradc_log1p_unitf(float x)
{
    const float u = 1.0f + x;
    const float rounding = x - (u - 1.0f);
    /* m = u / 2^k as arithmetic, not a select: gcc turns `k ? 0.5f * u : u` into a branch, which
     * only masked vector instructions (AVX-512) if-convert; see gradc_exp_nonpositivef */
    const float k = u > 1.41421356f ? 1.0f : 0.0f;
    const float m = u * GRADC_FMAF(k, -0.5f, 1.0f);
    const float f = m - 1.0f;
    const float s = f / (2.0f + f);
    const float s2 = s * s;
    const float r = s2 * GRADC_FMAF(s2, GRADC_FMAF(s2, GRADC_FMAF(s2, 0.222222222f, 0.285714286f), 0.4f),
                                    0.666666667f);
    const float log_m = GRADC_FMAF(-s, f - r, f);
    return GRADC_FMAF(k, 0.693145752f, log_m + GRADC_FMAF(k, 1.42860677e-06f, rounding / u));
}

/* softplus(z) = log(1 + e^z) = max(z, 0) + log1p(e^-|z|), without overflow for large |z|, and
 * branch-free so that the bce cost vectorizes. */
static inline float gradc_softplusf(float z)
{
    return (z > 0.0f ? z : 0.0f) + gradc_log1p_unitf(gradc_exp_nonpositivef(-fabsf(z)));
}

static inline double gradc_softplus(double z)
{
    return fmax(z, 0.0) + log1p(exp(-fabs(z)));
}

/* Seeded generator for weight initialization: splitmix64, chosen because it is tiny, passes
 * BigCrush, and gives the same sequence on every platform. The state lives in the caller. */
static inline uint64_t gradc_rng_seed(uint32_t seed)
{
    return UINT64_C(0x9E3779B97F4A7C15) ^ (uint64_t)seed;
}

static inline uint64_t gradc_rng_next(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* Uniform on [0, 1) with 53 random bits. */
static inline double gradc_rng_uniform(uint64_t *state)
{
    return (double)(gradc_rng_next(state) >> 11) * (1.0 / 9007199254740992.0);
}

/* Uniform on [-1, 1). */
static inline double gradc_rng_symmetric(uint64_t *state)
{
    return 2.0 * gradc_rng_uniform(state) - 1.0;
}

/* Standard normal by Box-Muller; u1 is taken from (0, 1] so the log is finite. (Double models.) */
static inline double gradc_rng_normal(uint64_t *state)
{
    const double u1 = 1.0 - gradc_rng_uniform(state);
    const double u2 = gradc_rng_uniform(state);
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

/* ---- The draws of float models ----
 * Integer arithmetic and exact float operations only: a float model's init then needs neither
 * double precision (software-emulated on an FPU without it, like a Cortex-M4F's: 2.5 KB of code)
 * nor libm (its log and cos: 7 KB), and gives the same bits on every platform, whatever the libm
 * or the compiler's contraction of a * b + c (there is no float addition to contract). */

/* Uniform on [-1, 1): k 2^-23 for a uniform integer k in [-2^23, 2^23) (24 random bits), exact. */
static inline float gradc_rng_symmetricf(uint64_t *state)
{
    const int32_t k = (int32_t)(gradc_rng_next(state) >> 40) - INT32_C(8388608);
    return (float)k * (1.0f / 8388608.0f);
}

/* -log2(x / 2^32) for an integer x in [1, 2^32], in Q30 (so in [0, 32 << 30]), off by less than
 * 1.61e-9 (2^-30 for the bits beyond, 2^-31 / ln 2 for the truncated squares): the integer part
 * from the position of x's top bit, the fraction bit by bit (x's mantissa m in [1, 2) is squared;
 * m^2 >= 2 means the next bit is 1, and m^2 / 2 goes on). */
static inline uint64_t gradc_fixed_neg_log2(uint64_t x)
{
    int top = 32; /* floor(log2 x) */
    while (top > 0 && !(x >> top)) {
        --top;
    }
    uint32_t m = (uint32_t)(top <= 31 ? x << (31 - top) : x >> 1); /* Q31, in [2^31, 2^32) */
    uint64_t fraction = 0;                                         /* Q30 */
    for (int bit = 29; bit >= 0; --bit) {
        const uint64_t square = (uint64_t)m * m; /* Q62, in [2^62, 2^64) */
        if (square >> 63) {
            m = (uint32_t)(square >> 32);
            fraction |= UINT64_C(1) << bit;
        } else {
            m = (uint32_t)(square >> 31);
        }
    }
    return ((uint64_t)(32 - top) << 30) - fraction;
}

/* floor(sqrt(n)), digit by digit. */
static inline uint64_t gradc_fixed_sqrt(uint64_t n)
{
    uint64_t root = 0, bit = UINT64_C(1) << 62;
    while (bit > n) {
        bit >>= 2;
    }
    while (bit) {
        if (n >= root + bit) {
            n -= root + bit;
            root = (root >> 1) + bit;
        } else {
            root >>= 1;
        }
        bit >>= 2;
    }
    return root;
}

/* cos or sin of phi = (pi/4) g / 2^30, g in [0, 2^30], in Q30: the Taylor series to phi^10
 * (cos) or phi^11 (sin), nested as 1 - a1 h (1 - a2 h (1 - ...)) with h = phi^2 / (pi/4)^2 in
 * Q30 and a_k = (pi/4)^2 / ((2k-1) 2k) for cos, (pi/4)^2 / (2k (2k+1)) for sin, so that every
 * partial value stays in [0, 1] and unsigned. Truncation below 1.2e-10; the rounding of each of
 * the ten products, below 2^-30 each. */
static inline uint32_t gradc_fixed_cos_sin(uint32_t g, int sine)
{
    static const uint32_t cos_terms[5] = {331168970u, 55194828u, 22077931u, 11827463u, 7359310u};
    static const uint32_t sin_terms[5] = {110389657u, 33116897u, 15769951u, 9199138u, 6021254u};
    const uint32_t *terms = sine ? sin_terms : cos_terms;
    const uint64_t one = UINT64_C(1) << 30;
    const uint64_t h = ((uint64_t)g * g) >> 30;
    uint64_t series = one;
    for (int k = 4; k >= 0; --k) {
        series = one - ((((uint64_t)terms[k] * h) >> 30) * series >> 30);
    }
    if (sine) {
        const uint64_t phi = ((uint64_t)g * 843314857u) >> 30; /* (pi/4) 2^30 */
        series = (phi * series) >> 30;
    }
    return (uint32_t)series;
}

/*
 * Standard normal by Box-Muller, z = sqrt(-2 ln u1) cos(2 pi u2), in fixed point from one 64-bit
 * draw: u1 = (a + 1) / 2^32 in (0, 1] from its high 32 bits a, u2 = b / 2^32 from its low 32 bits.
 * -2 ln u1 = 2 ln2 (-log2 u1) in Q56, r = its square root in Q28; cos(2 pi u2) by quadrant and
 * octant from the series above in Q30; their product, in Q27, converted to float exactly once.
 *
 * Accuracy, against the exact transform of the same (u1, u2): within 2e-8 + 1e-9 / r, plus the
 * final rounding to float (2^-24 |z|); measured 1.3e-8 + 5.8e-10 / r over 2^22 draws, and
 * tests/numerics/test_init_draws.c asserts the bound against double Box-Muller. The 1e-9 / r
 * comes from the fixed-point log (a radius r below 0.01 is drawn once in 20,000). So every
 * quantile of the distribution drawn is that of N(0, 1) to within the same error; the only other
 * departure is the 32-bit u1, which cuts the tails at |z| = 6.66 (2.7e-11 of the mass lies beyond).
 */
static inline float gradc_rng_normalf(uint64_t *state)
{
    const uint64_t draw = gradc_rng_next(state);
    const uint64_t neg_log2_u1 = gradc_fixed_neg_log2((draw >> 32) + 1u);  /* Q30, <= 2^35 */
    const uint64_t radius = gradc_fixed_sqrt((neg_log2_u1 * 186065279u) >> 1); /* 2 ln2 in Q27 */
    const uint32_t b = (uint32_t)draw;
    const uint32_t quadrant = b >> 30, within = b & 0x3FFFFFFFu; /* 2 pi u2 = (pi/2) (q + w/2^30) */
    /* cos(2 pi u2) is cos, -sin, -cos, sin of the angle within the quadrant; past its middle, that
     * angle's cos is the sin of its complement and the other way round */
    const int first_half = within < 0x20000000u;
    const uint32_t g = first_half ? within << 1 : (0x40000000u - within) << 1;
    const uint32_t magnitude = gradc_fixed_cos_sin(g, (quadrant & 1u) == (uint32_t)first_half);
    const uint32_t z = (uint32_t)((radius * magnitude) >> 31); /* Q27, below 2^30 */
    const float value = (float)z * (1.0f / 134217728.0f);
    return quadrant == 1u || quadrant == 2u ? -value : value;
}

#endif
