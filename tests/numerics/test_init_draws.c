/*
 * The float models' init draws (gradc_rt.h: gradc_rng_symmetricf, gradc_rng_normalf and their
 * fixed-point parts) against double arithmetic with libm: the accuracy bounds documented there,
 * and the moments of the normal.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "gradc_rt.h"

#define DRAWS (1L << 20)
#define TWO_POW_32 4294967296.0

/* The documented bound of gradc_rng_normalf against the exact transform of its (u1, u2). */
static double normal_bound(double z, double radius)
{
    return ldexp(fabs(z), -24) + 2e-8 + 1e-9 / radius;
}

static void normal_matches_double_box_muller(void **state)
{
    (void)state;
    for (uint32_t seed = 0; seed < 4; ++seed) {
        uint64_t rng = gradc_rng_seed(seed * 1000003u);
        for (long i = 0; i < DRAWS / 4; ++i) {
            uint64_t peek = rng;
            const uint64_t draw = gradc_rng_next(&peek);
            const float z = gradc_rng_normalf(&rng);
            assert_true(rng == peek); /* one 64-bit draw per deviate */
            const double u1 = ((double)(draw >> 32) + 1.0) / TWO_POW_32;
            const double u2 = (double)(uint32_t)draw / TWO_POW_32;
            const double radius = sqrt(-2.0 * log(u1));
            const double want = radius * cos(6.283185307179586 * u2);
            if (!(fabs((double)z - want) <= normal_bound(want, radius))) {
                printf("draw %016llx: %.9g, Box-Muller %.17g (radius %.9g)\n", (unsigned long long)draw,
                       (double)z, want, radius);
                fail();
            }
        }
    }
}

/* -log2(x / 2^32) in Q30 to within the documented 1.61e-9. */
static void fixed_log2(void **state)
{
    (void)state;
    const uint64_t edges[] = {1, 2, 3, 0x7FFFFFFFu, 0x80000000u, 0x80000001u, 0xB504F334u, 0xFFFFFFFFu,
                              UINT64_C(0x100000000)};
    assert_true(gradc_fixed_neg_log2(UINT64_C(0x100000000)) == 0);
    assert_true(gradc_fixed_neg_log2(1) == UINT64_C(32) << 30);
    assert_true(gradc_fixed_neg_log2(0x80000000u) == UINT64_C(1) << 30);
    uint64_t rng = gradc_rng_seed(5);
    for (long i = 0; i < DRAWS / 8 + (long)(sizeof edges / sizeof edges[0]); ++i) {
        const uint64_t x = i < (long)(sizeof edges / sizeof edges[0]) ? edges[i]
                                                                     : (gradc_rng_next(&rng) >> 32) + 1u;
        const double got = (double)gradc_fixed_neg_log2(x) / 1073741824.0;
        const double want = -log2((double)x / TWO_POW_32);
        if (!(fabs(got - want) <= 1.61e-9)) {
            printf("x = %llu: %.17g, want %.17g\n", (unsigned long long)x, got, want);
            fail();
        }
    }
}

static void fixed_sqrt_is_floor(void **state)
{
    (void)state;
    const uint64_t edges[] = {0, 1, 2, 3, 4, 15, 16, 17, UINT64_C(0x3FFFFFFFFFFFFFFF), UINT64_C(1) << 62,
                              (UINT64_C(1) << 62) - 1u, UINT64_C(0x7FFFFFFFFFFFFFFF)};
    uint64_t rng = gradc_rng_seed(6);
    for (long i = 0; i < DRAWS / 8; ++i) {
        const uint64_t n = i < (long)(sizeof edges / sizeof edges[0]) ? edges[i] : gradc_rng_next(&rng) >> 1;
        const uint64_t root = gradc_fixed_sqrt(n);
        assert_true(root < UINT64_C(0xB504F334));
        assert_true(root * root <= n && (root + 1u) * (root + 1u) > n);
    }
}

/* cos and sin of (pi/4) g / 2^30 in Q30, to within 5e-9 (truncation 1.2e-10, and ten roundings). */
static void fixed_cos_sin(void **state)
{
    (void)state;
    for (uint32_t g = 0; g <= 0x40000000u; g += 1021u) {
        const double phi = 0.78539816339744831 * ldexp((double)g, -30);
        const double c = ldexp((double)gradc_fixed_cos_sin(g, 0), -30);
        const double s = ldexp((double)gradc_fixed_cos_sin(g, 1), -30);
        if (!(fabs(c - cos(phi)) <= 5e-9 && fabs(s - sin(phi)) <= 5e-9)) {
            printf("g = %u: cos %.17g (%.17g), sin %.17g (%.17g)\n", g, c, cos(phi), s, sin(phi));
            fail();
        }
    }
    assert_true(gradc_fixed_cos_sin(0, 0) == 1u << 30 && gradc_fixed_cos_sin(0, 1) == 0);
    assert_true(fabs(ldexp((double)gradc_fixed_cos_sin(0x40000000u, 1), -30) - sqrt(0.5)) <= 5e-9);
}

/* k / 2^23 from the top 24 bits, exactly: so in [-1, 1), and every value of that grid possible. */
static void symmetric_is_exact(void **state)
{
    (void)state;
    uint64_t rng = gradc_rng_seed(7);
    double lowest = 1, highest = -1;
    for (long i = 0; i < DRAWS; ++i) {
        uint64_t peek = rng;
        const uint64_t draw = gradc_rng_next(&peek);
        const float u = gradc_rng_symmetricf(&rng);
        assert_true((double)u == ((double)(draw >> 40) - 8388608.0) / 8388608.0);
        lowest = fmin(lowest, u);
        highest = fmax(highest, u);
    }
    assert_true(lowest >= -1.0 && lowest < -0.9999 && highest < 1.0 && highest > 0.9999);
}

/* Mean, variance, fourth moment and tail mass of 2^20 deviates, each within 5 standard errors of
 * N(0, 1)'s: a wrong sign, quadrant or scale is off by far more. */
static void normal_moments(void **state)
{
    (void)state;
    uint64_t rng = gradc_rng_seed(8);
    double sum = 0, sum2 = 0, sum4 = 0, beyond2 = 0, positive = 0;
    for (long i = 0; i < DRAWS; ++i) {
        const double z = (double)gradc_rng_normalf(&rng);
        sum += z;
        sum2 += z * z;
        sum4 += z * z * z * z;
        beyond2 += fabs(z) > 2.0;
        positive += z > 0.0;
    }
    const double n = (double)DRAWS, tail = erfc(2.0 / sqrt(2.0));
    assert_true(fabs(sum / n) <= 5.0 / sqrt(n));
    assert_true(fabs(sum2 / n - 1.0) <= 5.0 * sqrt(2.0 / n));
    assert_true(fabs(sum4 / n - 3.0) <= 5.0 * sqrt(96.0 / n));
    assert_true(fabs(beyond2 / n - tail) <= 5.0 * sqrt(tail * (1 - tail) / n));
    assert_true(fabs(positive / n - 0.5) <= 5.0 * sqrt(0.25 / n));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(normal_matches_double_box_muller),
        cmocka_unit_test(fixed_log2),
        cmocka_unit_test(fixed_sqrt_is_floor),
        cmocka_unit_test(fixed_cos_sin),
        cmocka_unit_test(symmetric_is_exact),
        cmocka_unit_test(normal_moments),
    };
    return cmocka_run_group_tests_name("init draws (gradc_rt.h)", tests, NULL, NULL);
}
