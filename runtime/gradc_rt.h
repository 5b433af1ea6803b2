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

/* Vector paths for the tiles of looped layers, chosen from the compiler's target macros: AVX-512,
 * or AVX2 with FMA; anything else runs the plain C99 loops that follow them in the generated code.
 * Define GRADC_PORTABLE to force the plain loops everywhere. */
#if !defined(GRADC_PORTABLE) && defined(__AVX512F__)
#include <immintrin.h>
#define GRADC_AVX512 1
#elif !defined(GRADC_PORTABLE) && defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#define GRADC_AVX2 1
#endif

/* Logistic function, stable for any finite z: exp() only ever sees a non-positive argument. */
static inline float gradc_sigmoidf(float z)
{
    if (z >= 0.0f) {
        return 1.0f / (1.0f + expf(-z));
    }
    const float e = expf(z);
    return e / (1.0f + e);
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
