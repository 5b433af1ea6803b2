/*
 * The int8 scheme's integer arithmetic in the reference engine (tests/ref/ref_q8.c) against
 * independent exact arithmetic: every rounding step is restated as a rounding of an exact
 * rational number, computed in 128-bit integers, and hand-derived values cover the edge cases
 * (ties, negative values, INT32_MIN * INT32_MIN, saturation, every shift). What each formula of
 * the scheme rounds to, derived once here from its text:
 *   SRDHM(a, b) = floor(a b / 2^31 + 1/2): nearest, a tie upwards (-0.5 -> 0, -1.5 -> -1, 0.5 -> 1);
 *     its nudge (1 - 2^30 below 0) with a truncating division is exactly ARM's VQRDMULH,
 *     (2 a b + 2^31) >> 32; only INT32_MIN * INT32_MIN (2^31) saturates, to INT32_MAX.
 *   RDBP(x, n) = x / 2^n to nearest, a tie away from zero (-2.5 -> -3, 2.5 -> 3).
 *   MBQM = RDBP(SRDHM(saturate(x 2^left), q), right): two roundings, within 1 of x q 2^(shift-31).
 *   pool divide = sum / n to nearest, a tie away from zero.
 *   softmax divide = 256 e / sum to nearest, a tie upwards, then - 128 and clamped.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ref_q8.h"

__extension__ typedef __int128 wide;

/* floor(a / b) for b > 0. */
static wide floor_div(wide a, wide b)
{
    wide q = a / b;
    return (a % b != 0 && a < 0) ? q - 1 : q;
}

static int32_t saturate32(wide v)
{
    return v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN : (int32_t)v;
}

/* nearest integer to a b / 2^31, a tie upwards, saturated: floor((2 a b + 2^31) / 2^32). */
static int32_t exact_srdhm(int32_t a, int32_t b)
{
    return saturate32(floor_div(2 * (wide)a * b + ((wide)1 << 31), (wide)1 << 32));
}

/* nearest integer to x / 2^n, a tie away from zero. */
static int32_t exact_rdbp(int32_t x, int n)
{
    wide magnitude = x < 0 ? -(wide)x : (wide)x;
    wide r = floor_div(2 * magnitude + ((wide)1 << n), (wide)1 << (n + 1));
    return (int32_t)(x < 0 ? -r : r);
}

static int32_t exact_mbqm(int32_t x, int32_t q, int shift)
{
    int left = shift > 0 ? shift : 0, right = shift < 0 ? -shift : 0;
    return exact_rdbp(exact_srdhm(saturate32((wide)x * ((wide)1 << left)), q), right);
}

/* xorshift64*: deterministic pseudo-random draws. */
static uint64_t next_draw(uint64_t *state)
{
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    return *state * 0x2545F4914F6CDD1Du;
}

/* Values that make edge cases likely: the int32 limits, small values, powers of two and their
 * neighbours, and anything. */
static int32_t edgy_int32(uint64_t *state)
{
    uint64_t d = next_draw(state);
    int kind = (int)(d % 6);
    int32_t sign = (d >> 8) & 1 ? -1 : 1;
    int p = (int)((d >> 16) % 31);
    switch (kind) {
    case 0: return (d >> 20) & 1 ? INT32_MIN : INT32_MAX;
    case 1: return sign * (int32_t)((d >> 24) % 1000);
    case 2: return sign * (int32_t)(((int64_t)1 << p) + (int32_t)((d >> 40) % 3) - 1);
    default: return (int32_t)(uint32_t)(d >> 32);
    }
}

static void srdhm_hand_values(void **state)
{
    (void)state;
    const int32_t half = 1 << 30;  /* a b = 2^30 is a product of exactly 0.5 */
    assert_int_equal(ref_q8_srdhm(1, half), 1);           /*  0.5 -> 1 */
    assert_int_equal(ref_q8_srdhm(-1, half), 0);          /* -0.5 -> 0 (upwards, not away) */
    assert_int_equal(ref_q8_srdhm(3, half), 2);           /*  1.5 -> 2 */
    assert_int_equal(ref_q8_srdhm(-3, half), -1);         /* -1.5 -> -1 */
    assert_int_equal(ref_q8_srdhm(half + 1, 1), 1);       /*  0.5 + 2^-31 -> 1 */
    assert_int_equal(ref_q8_srdhm(-(half + 1), 1), -1);   /* -0.5 - 2^-31 -> -1 */
    assert_int_equal(ref_q8_srdhm(half - 1, 1), 0);       /*  0.5 - 2^-31 -> 0 */
    assert_int_equal(ref_q8_srdhm(-(half - 1), 1), 0);
    assert_int_equal(ref_q8_srdhm(0, INT32_MIN), 0);
    /* INT32_MIN^2 / 2^31 = 2^31 does not fit: the one saturating case */
    assert_int_equal(ref_q8_srdhm(INT32_MIN, INT32_MIN), INT32_MAX);
    /* INT32_MIN INT32_MAX / 2^31 = -(2^31 - 1) exactly */
    assert_int_equal(ref_q8_srdhm(INT32_MIN, INT32_MAX), -INT32_MAX);
    assert_int_equal(ref_q8_srdhm(INT32_MAX, INT32_MAX), INT32_MAX - 1);  /* (2^31-1)^2/2^31 = 2^31 - 2 + 2^-31 */
    assert_int_equal(ref_q8_srdhm(INT32_MIN, 1 << 30), -(1 << 30));
    assert_int_equal(ref_q8_srdhm(1000, 1 << 30), 500);
    assert_int_equal(ref_q8_srdhm(-1001, 1 << 30), -500);  /* -500.5 -> -500 */
}

static void rdbp_hand_values(void **state)
{
    (void)state;
    assert_int_equal(ref_q8_rdbp(5, 1), 3);     /*  2.5 -> 3 */
    assert_int_equal(ref_q8_rdbp(-5, 1), -3);   /* -2.5 -> -3 (away from zero) */
    assert_int_equal(ref_q8_rdbp(-3, 1), -2);
    assert_int_equal(ref_q8_rdbp(-1, 1), -1);   /* -0.5 -> -1 */
    assert_int_equal(ref_q8_rdbp(1, 1), 1);
    assert_int_equal(ref_q8_rdbp(-6, 2), -2);   /* -1.5 -> -2 */
    assert_int_equal(ref_q8_rdbp(-5, 2), -1);   /* -1.25 -> -1 */
    assert_int_equal(ref_q8_rdbp(-7, 2), -2);   /* -1.75 -> -2 */
    assert_int_equal(ref_q8_rdbp(7, 0), 7);
    assert_int_equal(ref_q8_rdbp(INT32_MIN, 0), INT32_MIN);
    assert_int_equal(ref_q8_rdbp(INT32_MIN, 31), -1);          /* -1 exactly */
    assert_int_equal(ref_q8_rdbp(INT32_MAX, 31), 1);           /* 1 - 2^-31 -> 1 */
    assert_int_equal(ref_q8_rdbp(1 << 30, 31), 1);             /* 0.5 -> 1 */
    assert_int_equal(ref_q8_rdbp(-(1 << 30), 31), -1);         /* -0.5 -> -1 */
    assert_int_equal(ref_q8_rdbp((1 << 30) - 1, 31), 0);
    assert_int_equal(ref_q8_rdbp(-(1 << 30) + 1, 31), 0);
    assert_int_equal(ref_q8_rdbp(INT32_MAX, 1), 1 << 30);       /* 2^30 - 0.5 -> 2^30 */
    assert_int_equal(ref_q8_rdbp(INT32_MIN + 1, 1), -(1 << 30)); /* -(2^30 - 0.5) -> -2^30 */
}

static void mbqm_hand_values(void **state)
{
    (void)state;
    /* q = 2^30 is 0.5: x * 0.5 2^shift */
    assert_int_equal(ref_q8_mbqm(3, 1 << 30, 0), 2);          /* 1.5 -> 2 in SRDHM */
    assert_int_equal(ref_q8_mbqm(-3, 1 << 30, 0), -1);        /* -1.5 -> -1 in SRDHM */
    assert_int_equal(ref_q8_mbqm(10, 1 << 30, -2), 1);        /* SRDHM 5, then 5/4 -> 1 */
    assert_int_equal(ref_q8_mbqm(12, 1 << 30, -2), 2);        /* 6/4 = 1.5 -> 2 */
    assert_int_equal(ref_q8_mbqm(-12, 1 << 30, -2), -2);      /* -6/4 -> -2 (away) */
    assert_int_equal(ref_q8_mbqm(-10, 1 << 30, -2), -1);      /* SRDHM -5, -1.25 -> -1 */
    assert_int_equal(ref_q8_mbqm(-11, 1 << 30, -1), -3);      /* SRDHM(-11 * 0.5) = -5, then -2.5 -> -3 */
    /* left shifts: x 2^left saturates at the int32 limits before the multiply */
    assert_int_equal(ref_q8_mbqm(1 << 20, 1 << 30, 12), INT32_MAX / 2 + 1);   /* 2^31 - 1 saturated, * 0.5 */
    assert_int_equal(ref_q8_mbqm(-(1 << 20), 1 << 30, 12), -(1 << 30));      /* -2^31 * 0.5 */
    assert_int_equal(ref_q8_mbqm(100, 1 << 30, 3), 400);
    assert_int_equal(ref_q8_mbqm(INT32_MAX, INT32_MAX, 30), INT32_MAX - 1);
    assert_int_equal(ref_q8_mbqm(INT32_MIN, INT32_MAX, 30), -INT32_MAX);
    assert_int_equal(ref_q8_mbqm(INT32_MIN, INT32_MAX, -31), -1);
    assert_int_equal(ref_q8_mbqm(12345, 0, 0), 0);
}

/* Every shift from -31 to 30 and edge-heavy operands, then a few thousand random ones. */
static void requantization_against_exact(void **state)
{
    (void)state;
    uint64_t draws = 0x9E3779B97F4A7C15u;
    long checked = 0;
    for (int shift = -31; shift <= 30; shift++)
        for (int i = 0; i < 200; i++) {
            int32_t x = edgy_int32(&draws), q = edgy_int32(&draws);
            if (i % 2 == 0)   /* QuantizeMultiplier's q: 0 or in [2^30, 2^31) */
                q = (int32_t)(((uint32_t)q & 0x3FFFFFFFu) | 0x40000000u);
            int32_t got = ref_q8_mbqm(x, q, shift), want = exact_mbqm(x, q, shift);
            if (got != want)
                fail_msg("MBQM(%d, %d, %d) = %d, exact %d", (int)x, (int)q, shift, (int)got, (int)want);
            checked++;
        }
    for (int i = 0; i < 5000; i++) {
        int32_t a = edgy_int32(&draws), b = edgy_int32(&draws);
        int n = (int)(next_draw(&draws) % 32);
        if (ref_q8_srdhm(a, b) != exact_srdhm(a, b))
            fail_msg("SRDHM(%d, %d) = %d, exact %d", (int)a, (int)b, (int)ref_q8_srdhm(a, b),
                     (int)exact_srdhm(a, b));
        if (ref_q8_rdbp(a, n) != exact_rdbp(a, n))
            fail_msg("RDBP(%d, %d) = %d, exact %d", (int)a, n, (int)ref_q8_rdbp(a, n),
                     (int)exact_rdbp(a, n));
        checked += 2;
    }
    /* RDBP ties at every n, both signs */
    for (int n = 1; n <= 31; n++)
        for (int k = -3; k <= 3; k++) {
            wide x = (wide)k * ((wide)1 << n) + ((wide)1 << (n - 1));
            if (x < INT32_MIN || x > INT32_MAX)
                continue;
            int32_t got = ref_q8_rdbp((int32_t)x, n);
            int32_t want = x >= 0 ? k + 1 : k;      /* k + 0.5 away from zero */
            if (got != want)
                fail_msg("RDBP(%lld, %d) = %d, want %d", (long long)x, n, (int)got, (int)want);
            checked++;
        }
    assert_true(checked > 10000);
}

/* Within 1 of the exact x q 2^(shift - 31) (two roundings) unless the left shift saturated. */
static void mbqm_close_to_real_product(void **state)
{
    (void)state;
    uint64_t draws = 12345;
    for (int i = 0; i < 4000; i++) {
        int32_t q = (int32_t)(((uint32_t)next_draw(&draws) & 0x3FFFFFFFu) | 0x40000000u);
        int shift = (int)(next_draw(&draws) % 40) - 31;
        if (shift > 8)
            shift = 8;
        int32_t x = (int32_t)((int64_t)(next_draw(&draws) % 2000001) - 1000000);
        if ((int64_t)x * ((int64_t)1 << (shift > 0 ? shift : 0)) > INT32_MAX)
            continue;
        long double real = (long double)x * (long double)q * powl(2.0L, (long double)(shift - 31));
        long double got = (long double)ref_q8_mbqm(x, q, shift);
        if (fabsl(got - real) > 1.0L)
            fail_msg("MBQM(%d, %d, %d) = %.0Lf, far from %.6Lf", (int)x, (int)q, shift, got, real);
    }
}

static void quantize_multiplier_cases(void **state)
{
    (void)state;
    int32_t q;
    int shift;
    /* powers of two: 2^k = 0.5 2^(k+1), q = 2^30 */
    for (int k = -32; k <= 29; k++) {
        assert_int_equal(ref_q8_quantize_multiplier(ldexp(1.0, k), &q, &shift), 0);
        assert_int_equal(q, 1 << 30);
        assert_int_equal(shift, k + 1);
    }
    /* 2^-33 = 0.5 2^-32: exponent below -31, the multiplier is 0 */
    assert_int_equal(ref_q8_quantize_multiplier(ldexp(1.0, -33), &q, &shift), 0);
    assert_int_equal(q, 0);
    assert_int_equal(shift, 0);
    assert_int_equal(ref_q8_quantize_multiplier(1e-12, &q, &shift), 0);
    assert_int_equal(q, 0);
    assert_int_equal(shift, 0);
    /* 0 */
    assert_int_equal(ref_q8_quantize_multiplier(0.0, &q, &shift), 0);
    assert_int_equal(q, 0);
    assert_int_equal(shift, 0);
    /* 2^30 = 0.5 2^31: exponent 31 > 30, too large; 2^30 - a bit still fits below 2^30 */
    assert_int_equal(ref_q8_quantize_multiplier(ldexp(1.0, 30), &q, &shift), -1);
    assert_int_equal(ref_q8_quantize_multiplier(1e12, &q, &shift), -1);
    /* just below 1: f 2^31 = 2^31 - 2^-22 rounds to 2^31, which becomes (2^30, e + 1) */
    assert_int_equal(ref_q8_quantize_multiplier(1.0 - ldexp(1.0, -53), &q, &shift), 0);
    assert_int_equal(q, 1 << 30);
    assert_int_equal(shift, 1);
    /* 1 - 2^-32: f 2^31 = 2^31 - 0.5, a tie, away from zero: 2^31, again (2^30, 1) */
    assert_int_equal(ref_q8_quantize_multiplier(1.0 - ldexp(1.0, -32), &q, &shift), 0);
    assert_int_equal(q, 1 << 30);
    assert_int_equal(shift, 1);
    /* 1 - 2^-31: f 2^31 = 2^31 - 1 exactly */
    assert_int_equal(ref_q8_quantize_multiplier(1.0 - ldexp(1.0, -31), &q, &shift), 0);
    assert_int_equal(q, INT32_MAX);
    assert_int_equal(shift, 0);
    /* 1 - 3 2^-33: 2^31 - 0.75 -> 2^31 - 1 */
    assert_int_equal(ref_q8_quantize_multiplier(1.0 - 3 * ldexp(1.0, -33), &q, &shift), 0);
    assert_int_equal(q, INT32_MAX);
    assert_int_equal(shift, 0);
    /* 0.75 = 0.75 2^0: q = 0.75 2^31 */
    assert_int_equal(ref_q8_quantize_multiplier(0.75, &q, &shift), 0);
    assert_int_equal(q, 1610612736);
    assert_int_equal(shift, 0);
    /* 1/3 = (2/3) 2^-1: (2/3) 2^31 = 1431655765.33 -> 1431655765 */
    assert_int_equal(ref_q8_quantize_multiplier(1.0 / 3, &q, &shift), 0);
    assert_int_equal(q, 1431655765);
    assert_int_equal(shift, -1);
    /* the same just below 1 at a tiny exponent: 2^-31 (1 - 2^-53) -> (2^30, -30) */
    assert_int_equal(ref_q8_quantize_multiplier(ldexp(1.0 - ldexp(1.0, -53), -31), &q, &shift), 0);
    assert_int_equal(q, 1 << 30);
    assert_int_equal(shift, -30);
    /* 2^-32 (1 - 2^-53) has e = -32, but the rounding to 2^31 comes first and makes it -31:
     * (2^30, -31), not 0 */
    assert_int_equal(ref_q8_quantize_multiplier(ldexp(1.0 - ldexp(1.0, -53), -32), &q, &shift), 0);
    assert_int_equal(q, 1 << 30);
    assert_int_equal(shift, -31);
    /* 2^-33 (1 - 2^-53): e = -33 + 1 is still below -31 -> 0 */
    assert_int_equal(ref_q8_quantize_multiplier(ldexp(1.0 - ldexp(1.0, -53), -33), &q, &shift), 0);
    assert_int_equal(q, 0);
    assert_int_equal(shift, 0);
    /* random M: q in [2^30, 2^31) and within half a unit of q of M 2^(31 - shift) */
    uint64_t draws = 777;
    for (int i = 0; i < 3000; i++) {
        double M = ldexp(0.5 + (double)(next_draw(&draws) >> 11) / 18014398509481984.0,
                         (int)(next_draw(&draws) % 61) - 31);
        assert_int_equal(ref_q8_quantize_multiplier(M, &q, &shift), 0);
        assert_true(q >= (1 << 30));
        double distance = fabs(ldexp(M, 31 - shift) - (double)q);
        if (!(distance <= 0.5))
            fail_msg("QuantizeMultiplier(%.17g) = (%d, %d), %.3g units away", M, (int)q, shift, distance);
    }
}

/* The rounding average: sum / n to nearest, a tie away from zero, for every sum of n int8. */
static void pool_divide_against_exact(void **state)
{
    (void)state;
    assert_int_equal(ref_q8_pool_divide(-5, 2), -3);   /* -2.5 -> -3 */
    assert_int_equal(ref_q8_pool_divide(5, 2), 3);
    assert_int_equal(ref_q8_pool_divide(-3, 2), -2);   /* -1.5 -> -2 */
    assert_int_equal(ref_q8_pool_divide(-1, 2), -1);   /* -0.5 -> -1 */
    assert_int_equal(ref_q8_pool_divide(-1, 3), 0);
    assert_int_equal(ref_q8_pool_divide(-2, 3), -1);
    assert_int_equal(ref_q8_pool_divide(-3, 6), -1);   /* -0.5 -> -1 */
    assert_int_equal(ref_q8_pool_divide(3, 6), 1);
    assert_int_equal(ref_q8_pool_divide(-128 * 9, 9), -128);
    assert_int_equal(ref_q8_pool_divide(127 * 4, 4), 127);
    const int sizes[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 16, 25, 36, 49, 64};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        int n = sizes[k];
        for (int sum = -128 * n; sum <= 127 * n; sum++) {
            /* the integer r nearest sum / n: 2 |sum - r n| <= n, and on a tie the larger |r| */
            int magnitude = sum < 0 ? -sum : sum;
            int r = (2 * magnitude + n) / (2 * n);
            int want = sum < 0 ? -r : r;
            int got = ref_q8_pool_divide(sum, n);
            if (got != want)
                fail_msg("pool divide %d / %d = %d, exact %d", sum, n, got, want);
            assert_true(2 * abs(sum - got * n) <= n);
        }
    }
}

static void softmax_divide_and_table(void **state)
{
    (void)state;
    /* ties: 256 e / sum = 0.5 -> 1 and 255.5 -> 256 (then clamped to 127) */
    assert_int_equal(ref_q8_softmax_divide(1, 512), 1 - 128);
    assert_int_equal(ref_q8_softmax_divide(511, 512), 127);
    assert_int_equal(ref_q8_softmax_divide(3, 512), 2 - 128);      /* 1.5 -> 2 */
    assert_int_equal(ref_q8_softmax_divide(65536, 65536), 127);     /* 256 -> 128 -> 127 */
    assert_int_equal(ref_q8_softmax_divide(0, 65536), -128);
    assert_int_equal(ref_q8_softmax_divide(65536, 131072), 0);      /* 128 exactly */
    assert_int_equal(ref_q8_softmax_divide(65536, 196608), 85 - 128); /* 85.33 */
    uint64_t draws = 99;
    for (int i = 0; i < 5000; i++) {
        uint32_t e = (uint32_t)(next_draw(&draws) % 65537);
        uint32_t sum = e + (uint32_t)(next_draw(&draws) % (65536u * 40u));
        if (sum == 0)
            continue;
        /* nearest integer to 256 e / sum, a tie upwards */
        wide r = floor_div(512 * (wide)e + sum, 2 * (wide)sum);
        int want = (int)r - 128 > 127 ? 127 : (int)r - 128;
        if (ref_q8_softmax_divide(e, sum) != want)
            fail_msg("softmax divide %u / %u = %d, exact %d", (unsigned)e, (unsigned)sum,
                     (int)ref_q8_softmax_divide(e, sum), want);
    }
    uint32_t table[256];
    ref_q8_exp_table(0.0, table);
    for (int d = 0; d < 256; d++)
        assert_int_equal(table[d], 65536);
    /* s = ln 2: exp(-d ln 2) 65536 = 2^(16 - d), within rounding noise of libm's exp */
    ref_q8_exp_table(log(2.0), table);
    for (int d = 0; d <= 16; d++)
        assert_int_equal(table[d], 1u << (16 - d));
    for (int d = 18; d < 256; d++)
        assert_int_equal(table[d], 0);
    ref_q8_exp_table(0.0371, table);
    assert_int_equal(table[0], 65536);
    for (int d = 1; d < 256; d++) {
        assert_true(table[d] <= table[d - 1]);
        long double exact = expl(-0.0371L * d) * 65536.0L, frac = exact - floorl(exact);
        if (fabsl(frac - 0.5L) > 1e-6L)
            assert_int_equal(table[d], (uint32_t)floorl(exact + 0.5L));
    }
    /* equal logits share the mass: 2 classes 128 each (-> 0), 3 classes 85.33 (-> -43) */
    int8_t z2[2] = {5, 5}, z3[3] = {-128, -128, -128}, y[3];
    ref_q8_exp_table(0.1, table);
    ref_q8_softmax(z2, 2, table, y);
    assert_int_equal(y[0], 0);
    assert_int_equal(y[1], 0);
    ref_q8_softmax(z3, 3, table, y);
    for (int i = 0; i < 3; i++)
        assert_int_equal(y[i], -43);
    /* a dominant logit: e = 65536 against EXP[255] of the other, which is 0 at s = 0.1
     * (exp(-25.5) 65536 = 5.5e-7): 256 -> 127, 0 -> -128 */
    int8_t z_far[2] = {127, -128};
    ref_q8_softmax(z_far, 2, table, y);
    assert_int_equal(y[0], 127);
    assert_int_equal(y[1], -128);
}

static void range_params_and_quantize(void **state)
{
    (void)state;
    double s;
    int z;
    ref_q8_range_params(0.0, 0.0, &s, &z);
    assert_true(s == 1.0 / 255);
    assert_int_equal(z, -128);
    /* exact ties in round(min / s), s = 1: -127.5 -> -128 (z = 0), -0.5 -> -1 (z = -127) */
    ref_q8_range_params(-127.5, 127.5, &s, &z);
    assert_true(s == 1.0);
    assert_int_equal(z, 0);
    ref_q8_range_params(-0.5, 254.5, &s, &z);
    assert_true(s == 1.0);
    assert_int_equal(z, -127);
    ref_q8_range_params(0.5, 2.55, &s, &z);    /* min widened to 0 */
    assert_true(s == 2.55 / 255);
    assert_int_equal(z, -128);
    ref_q8_range_params(-2.55, -1.0, &s, &z);  /* max widened to 0: min / s = -255 */
    assert_true(s == 2.55 / 255);
    assert_int_equal(z, 127);
    ref_q8_range_params(-3.0, 1.0, &s, &z);    /* s = 4/255; -3/s = -191.25 -> -191: z = 63 */
    assert_int_equal(z, 63);
    /* clamp before converting: infinities and huge values saturate, NaN is the zero point */
    assert_int_equal(ref_q8_quantize(INFINITY, 0.01, 3), 127);
    assert_int_equal(ref_q8_quantize(-INFINITY, 0.01, 3), -128);
    assert_int_equal(ref_q8_quantize(1e300, 1e-300, 3), 127);
    assert_int_equal(ref_q8_quantize(NAN, 0.01, 3), 3);
    assert_int_equal(ref_q8_quantize(0.25, 0.5, 0), 1);     /* 0.5 -> 1 */
    assert_int_equal(ref_q8_quantize(-0.25, 0.5, 0), -1);   /* -0.5 -> -1 */
    assert_int_equal(ref_q8_quantize(-1.0, 0.5, -127), -128);  /* -2 - 127 = -129 -> -128 */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(srdhm_hand_values),
        cmocka_unit_test(rdbp_hand_values),
        cmocka_unit_test(mbqm_hand_values),
        cmocka_unit_test(requantization_against_exact),
        cmocka_unit_test(mbqm_close_to_real_product),
        cmocka_unit_test(quantize_multiplier_cases),
        cmocka_unit_test(pool_divide_against_exact),
        cmocka_unit_test(softmax_divide_and_table),
        cmocka_unit_test(range_params_and_quantize),
    };
    return cmocka_run_group_tests_name("int8 requantization (reference engine)", tests, NULL, NULL);
}
