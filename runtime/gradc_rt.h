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
#if defined(GRADC_AVX512) || defined(GRADC_AVX2)
#include <immintrin.h>
#endif

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
    const float shift = 12582912.0f; /* 1.5 * 2^23: adding it rounds to an integer */
    const float t = clamped * 1.44269504f + shift;
    const float n = t - shift;
    const float r = (clamped - n * 0.693145752f) - n * 1.42860677e-06f;
    /* the small terms in pairs (a dependency chain half as long as Horner's, for latency), the
     * large ones last (for accuracy) */
    const float r2 = r * r;
    const float q = (0.5f + 0.166666667f * r)
                  + r2 * ((4.16666667e-2f + 8.33333333e-3f * r) + r2 * (1.38888889e-3f + 1.98412698e-4f * r));
    const float p = 1.0f + (r + r2 * q);
    uint32_t t_bits;
    memcpy(&t_bits, &t, sizeof t_bits);
    const uint32_t e = t_bits - 0x4B400000u + 256u;  /* n + 256, with n in [-150, 128] */
    const uint32_t half = e >> 1;                     /* 2^n = 2^(half - 128) * 2^(e - half - 128) */
    const uint32_t scale_a_bits = (half - 1u) << 23, scale_b_bits = (e - half - 1u) << 23;
    float scale_a, scale_b;
    memcpy(&scale_a, &scale_a_bits, sizeof scale_a);
    memcpy(&scale_b, &scale_b_bits, sizeof scale_b);
    const float y = (p * scale_a) * scale_b;
    return x > hi ? HUGE_VALF : (x < lo ? 0.0f : y);
}

#if defined(GRADC_AVX2)
/* dst[c][r] = src[r][c] for an 8 x 8 block of floats (row strides in elements): unpack pairs of
 * rows, shuffle pairs of pairs, then swap 128-bit halves. Used for the dW products, whose strided
 * scalar transposes cost as much as a sixth of a train step. */
static inline void gradc_transpose8_ps(const float *src, int src_stride, float *dst, int dst_stride)
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
#endif

/* Logistic function, stable for any finite z: exp() only ever sees a non-positive argument.
 * Branch-free in float, so that it vectorizes. */
static inline float gradc_sigmoidf(float z)
{
    const float e = gradc_expf(-fabsf(z));
    const float positive = 1.0f / (1.0f + e);
    return z >= 0.0f ? positive : e * positive;
}

static inline double gradc_sigmoid(double z)
{
    if (z >= 0.0) {
        return 1.0 / (1.0 + exp(-z));
    }
    const double e = exp(z);
    return e / (1.0 + e);
}

/* softplus(z) = log(1 + e^z) = max(z, 0) + log1p(e^-|z|), without overflow for large |z|. */
static inline float gradc_softplusf(float z)
{
    return fmaxf(z, 0.0f) + log1pf(expf(-fabsf(z)));
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

/* Standard normal by Box-Muller; u1 is taken from (0, 1] so the log is finite. */
static inline double gradc_rng_normal(uint64_t *state)
{
    const double u1 = 1.0 - gradc_rng_uniform(state);
    const double u2 = gradc_rng_uniform(state);
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

#endif
