/*
 * Numerics: the runtime's exp against exp() in double over the float range, log1p over its whole
 * domain, sigmoid and softplus accuracy,
 * and generated float models fed logits of magnitude 1e4 (J and every gradient finite, and equal
 * to the values the stable formulas give exactly) and of 3e38, at the edge of the float range
 * (J finite wherever its exact value is, because no sum runs before the 1/m; gradients finite).
 */
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "gradc_rt.h"
#include "stable_bce.h"
#include "stable_ce.h"
#include "stable_mse.h"
#include "wide_bce.h"
#include "wide_mse.h"

/* The bound documented in gradc_rt.h; the measured worst case over every 7th float is 1.03 ulp. */
#define EXP_MAX_ULP 1.5

static float from_bits(uint32_t bits)
{
    float x;
    memcpy(&x, &bits, sizeof x);
    return x;
}

static uint32_t to_bits(float x)
{
    uint32_t bits;
    memcpy(&bits, &x, sizeof bits);
    return bits;
}

/* Error of gradc_expf(x) in units of the last place of the correctly rounded float result (for
 * subnormal results, of the smallest subnormal). */
static double exp_error_ulp(float x)
{
    const double exact = exp((double)x);
    const float got = gradc_expf(x);
    if (exact > (double)FLT_MAX) {
        return isinf(got) ? 0.0 : INFINITY;
    }
    int exponent = ilogb(exact);
    if (exponent < FLT_MIN_EXP - 1) {
        exponent = FLT_MIN_EXP - 1;
    }
    return fabs((double)got - exact) / ldexp(1.0, exponent - (FLT_MANT_DIG - 1));
}

typedef struct {
    double worst;
    float at;
    unsigned long count;
} exp_sweep;

static void sweep(exp_sweep *s, uint32_t first, uint32_t last, uint32_t stride)
{
    for (uint64_t bits = first; bits <= last; bits += stride) {
        const float x = from_bits((uint32_t)bits);
        if (!(x >= -103.972084f && x <= 88.7228394f)) {
            continue;
        }
        const double e = exp_error_ulp(x);
        if (e > s->worst) {
            s->worst = e;
            s->at = x;
        }
        s->count++;
    }
}

/* Every 61st float of the range, and every float near the places where it could go wrong: around
 * 0, around the reduction's steps (n ln2), and at both ends of the range. */
static void test_exp_error_bound(void **state)
{
    (void)state;
    exp_sweep s = {0.0, 0.0f, 0};
    sweep(&s, 0x00000000u, 0x42B17218u, 61);  /* x in [0, 88.72] */
    sweep(&s, 0x80000000u, 0xC2CFF1B5u, 61);  /* x in [-103.97, -0] */
    const float centers[] = {0.0f, -0.0f, 0.34657359f, -0.34657359f, 0.69314718f, -0.69314718f,
                             88.7228394f, -87.3365479f, -103.972084f, 10.0f, -10.0f};
    for (size_t i = 0; i < sizeof centers / sizeof centers[0]; ++i) {
        const uint32_t c = to_bits(centers[i]);
        sweep(&s, c > 100000u ? c - 100000u : 0u, c + 100000u, 1);
    }
    printf("    gradc_expf: worst %.3f ulp at x = %.9g over %lu floats\n", s.worst, (double)s.at, s.count);
    assert_true(s.count > 30000000ul); /* 2 x 1.1e9 / 61 strided, plus 11 x 200001 around the centers */
    if (s.worst > EXP_MAX_ULP) {
        fail_msg("gradc_expf error %.3f ulp at x = %.9g exceeds %.1f", s.worst, (double)s.at, EXP_MAX_ULP);
    }
}

static void test_exp_edges(void **state)
{
    (void)state;
    assert_true(gradc_expf(0.0f) == 1.0f);
    assert_true(isinf(gradc_expf(88.73f)) && gradc_expf(88.73f) > 0.0f);
    assert_true(isinf(gradc_expf(INFINITY)));
    assert_true(gradc_expf(-104.0f) == 0.0f);
    assert_true(gradc_expf(-INFINITY) == 0.0f);
    assert_true(isnan(gradc_expf(NAN)));
    assert_true(gradc_expf(88.7228317f) <= FLT_MAX); /* the largest finite result */
}

/* gradc_exp_nonpositivef is gradc_expf on x <= 0, bit for bit (every 5th non-positive float down
 * to -inf, and every float around -104, where it holds its argument), and 0 below the range. */
static void test_exp_nonpositive_is_expf(void **state)
{
    (void)state;
    unsigned long count = 0;
    const uint32_t hold = to_bits(-104.0f);
    for (uint64_t bits = 0x80000000u; bits <= 0xFF800000u; bits += 5) {
        const float x = from_bits((uint32_t)bits);
        const float got = gradc_exp_nonpositivef(x), want = gradc_expf(x);
        if (to_bits(got) != to_bits(want)) {
            fail_msg("gradc_exp_nonpositivef(%.9g) = %.9g, gradc_expf gives %.9g", (double)x, (double)got,
                     (double)want);
        }
        count++;
    }
    for (uint32_t bits = hold - 100000u; bits <= hold + 100000u; ++bits) {
        const float x = from_bits(bits);
        assert_true(to_bits(gradc_exp_nonpositivef(x)) == to_bits(gradc_expf(x)));
    }
    assert_true(count > 400000000ul);
    assert_true(gradc_exp_nonpositivef(-104.0f) == 0.0f && gradc_exp_nonpositivef(-1e4f) == 0.0f);
    assert_true(gradc_exp_nonpositivef(-INFINITY) == 0.0f && gradc_exp_nonpositivef(0.0f) == 1.0f);
    assert_true(isnan(gradc_exp_nonpositivef(NAN)));
}

static void test_sigmoid_accuracy(void **state)
{
    (void)state;
    /* Relative error where the result is a normal float; below FLT_MIN (z < -87.3) the result is
       subnormal and only an absolute error in units of the smallest subnormal means anything. */
    double worst = 0.0, worst_subnormal = 0.0;
    for (float z = -110.0f; z <= 100.0f; z += 0.00137f) {
        const double exact = 1.0 / (1.0 + exp(-(double)z));
        const double error = fabs((double)gradc_sigmoidf(z) - exact);
        if (exact >= (double)FLT_MIN) {
            worst = error / exact > worst ? error / exact : worst;
        } else {
            const double ulps = error / ldexp(1.0, FLT_MIN_EXP - FLT_MANT_DIG);
            worst_subnormal = ulps > worst_subnormal ? ulps : worst_subnormal;
        }
    }
    printf("    gradc_sigmoidf: worst relative error %.3g (%.2f eps), subnormal results within %.2f ulp\n",
           worst, worst / (double)FLT_EPSILON, worst_subnormal);
    assert_true(worst < 4.0 * (double)FLT_EPSILON);
    assert_true(worst_subnormal <= 2.0);
    assert_true(gradc_sigmoidf(1e4f) == 1.0f && gradc_sigmoidf(-1e4f) == 0.0f);
}

/* gradc_log1p_unitf against log1p() in double on its whole domain [0, 1]: every 3rd float, and
 * every float around the places where it could go wrong (the smallest arguments, where 1 + x
 * rounds to 1; the switch to halving at 1 + x = sqrt 2; the end of the domain). */
static double log1p_error_ulp(float x)
{
    const double exact = log1p((double)x);
    const double got = (double)gradc_log1p_unitf(x);
    if (exact == 0.0) {
        return got == 0.0 ? 0.0 : INFINITY;
    }
    int exponent = ilogb(exact);
    if (exponent < FLT_MIN_EXP - 1) {
        exponent = FLT_MIN_EXP - 1;
    }
    return fabs(got - exact) / ldexp(1.0, exponent - (FLT_MANT_DIG - 1));
}

static void log1p_sweep(exp_sweep *s, uint32_t first, uint32_t last, uint32_t stride)
{
    for (uint64_t bits = first; bits <= last; bits += stride) {
        const float x = from_bits((uint32_t)bits);
        const double e = log1p_error_ulp(x);
        if (e > s->worst) {
            s->worst = e;
            s->at = x;
        }
        s->count++;
    }
}

static void test_log1p_error_bound(void **state)
{
    (void)state;
    exp_sweep s = {0.0, 0.0f, 0};
    log1p_sweep(&s, 0x00000000u, 0x3F800000u, 3); /* [0, 1] */
    const uint32_t sqrt2_minus_1 = to_bits(0.414213562f), one = to_bits(1.0f), tiny = to_bits(1e-7f);
    log1p_sweep(&s, sqrt2_minus_1 - 300000u, sqrt2_minus_1 + 300000u, 1);
    log1p_sweep(&s, one - 300000u, one, 1);
    log1p_sweep(&s, tiny - 300000u, tiny + 300000u, 1);
    printf("    gradc_log1p_unitf: worst %.3f ulp at x = %.9g over %lu floats\n", s.worst, (double)s.at,
           s.count);
    assert_true(s.count > 350000000ul); /* 1.065e9 / 3 strided, plus 1.5e6 around the places */
    if (s.worst > GRADC_LOG1P_MAX_ULP) {
        fail_msg("gradc_log1p_unitf error %.3f ulp at x = %.9g exceeds %.1f", s.worst, (double)s.at,
                 GRADC_LOG1P_MAX_ULP);
    }
    assert_true(gradc_log1p_unitf(0.0f) == 0.0f);
    assert_true(gradc_log1p_unitf(1e-30f) == 1e-30f);
}

/* softplus(z) = log(1 + e^z) relative to double wherever the result is a normal float, and the
 * large-|z| limits exactly: 0 far left (e^z underflows), z far right. */
static void test_softplus_accuracy(void **state)
{
    (void)state;
    double worst = 0.0;
    float at = 0.0f;
    for (float z = -87.0f; z <= 100.0f; z += 0.000731f) {
        const double zd = (double)z;
        const double exact = zd > 0.0 ? zd + log1p(exp(-zd)) : log1p(exp(zd));
        const double error = fabs((double)gradc_softplusf(z) - exact) / exact;
        if (error > worst) {
            worst = error;
            at = z;
        }
    }
    printf("    gradc_softplusf: worst relative error %.3g (%.2f eps) at z = %g\n", worst,
           worst / (double)FLT_EPSILON, (double)at);
    /* e^-|z| carries 1.5 ulp and log1p 1.5 ulp more; the sum with max(z, 0) rounds once more */
    assert_true(worst < 4.0 * (double)FLT_EPSILON);
    assert_true(gradc_softplusf(-1e4f) == 0.0f);
    assert_true(gradc_softplusf(1e4f) == 1e4f);
    assert_true(gradc_softplusf(0.0f) == (float)log(2.0));
}

static void assert_all_finite(const char *label, const float *values, size_t count)
{
    for (size_t i = 0; i < count; ++i) {
        if (!isfinite(values[i])) {
            fail_msg("%s[%zu] is %g", label, i, (double)values[i]);
        }
    }
}

/* X columns (1, 0), (0, 1), (-1, 0), (0, -1) and W = 1e4 I: logits of +-1e4 and 0. */
static const float X[2 * 4] = {1, 0, -1, 0, 0, 1, 0, -1};

static void test_bce_with_huge_logits(void **state)
{
    (void)state;
    stable_bce_params p, grad;
    stable_bce_cache c;
    memset(&p, 0, sizeof p);
    p.W1[0][0] = 1e4f;
    p.W1[1][1] = 1e4f;
    const float Y[2 * 4] = {0, 1, 1, 0,   1, 0, 0, 1};
    stable_bce_forward(&p, X, &c);
    const float J = stable_bce_cost(&c, Y);
    stable_bce_backward(&p, &c, X, Y, &grad);
    assert_all_finite("grad", (const float *)&grad, STABLE_BCE_PARAM_COUNT);
    /* z = 1e4 x per unit; per element softplus(z) - y z is 1e4 where z = 1e4, y = 0 or
       z = -1e4, y = 1, and log 2 where z = 0:
         unit 0: z = (1e4, 0, -1e4, 0), y = (0, 1, 1, 0): 1e4 + log 2 + 1e4 + log 2
         unit 1: z = (0, 1e4, 0, -1e4), y = (1, 0, 0, 1): log 2 + 1e4 + log 2 + 1e4 */
    const double exact = (4e4 + 4.0 * log(2.0)) / 4.0;
    assert_true(isfinite(J));
    assert_true(fabs((double)J - exact) <= 1e-6 * exact);
    /* float keeps 1e4 + log 2 to 1e-7 relative; 1e-6 allows the rounding of the 8-term sum.
       dZ = (sigmoid(z) - y) / m; unit 0: (1 - 0, 0.5 - 1, 0 - 1, 0.5 - 0) / 4, so db1[0] = 0 and
       dW1[0][0] = (1 * 1 + (-1) * (-1)) / 4. */
    assert_true(fabs((double)grad.b1[0] - 0.0) < 1e-6);
    assert_true(fabs((double)grad.W1[0][0] - (1.0 * 1.0 + -1.0 * -1.0) / 4.0) < 1e-6);
}

static void test_ce_with_huge_logits(void **state)
{
    (void)state;
    stable_ce_params p, grad;
    stable_ce_cache c;
    memset(&p, 0, sizeof p);
    p.W1[0][0] = 1e4f;
    p.W1[1][1] = 1e4f;
    p.W1[2][0] = -1e4f;
    /* the target is always class 2, whose logit is -1e4 against +1e4 in columns 0 and 3 */
    const float Y[3 * 4] = {0, 0, 0, 0,   0, 0, 0, 0,   1, 1, 1, 1};
    stable_ce_forward(&p, X, &c);
    const float J = stable_ce_cost(&c, Y);
    stable_ce_backward(&p, &c, X, Y, &grad);
    assert_all_finite("output", stable_ce_output(&c), 3 * 4);
    assert_all_finite("grad", (const float *)&grad, STABLE_CE_PARAM_COUNT);
    /* column logits (z0, z1, z2): (1e4, 0, -1e4), (0, 1e4, 0), (-1e4, 0, 1e4), (0, -1e4, 0);
       -log softmax_2: 2e4, 1e4 + log(1 + e^-1e4) = 1e4, ~0 (log(1 + 2e^-1e4)), log(2 + e^-1e4) = log 2 */
    const double exact = (2e4 + 1e4 + 0.0 + log(2.0)) / 4.0;
    assert_true(isfinite(J));
    assert_true(fabs((double)J - exact) <= 1e-6 * exact);
}

static void test_mse_with_saturated_units(void **state)
{
    (void)state;
    stable_mse_params p, grad;
    stable_mse_cache c;
    memset(&p, 0, sizeof p);
    for (int r = 0; r < 3; ++r) {
        p.W1[r][0] = 1e4f;
        p.W2[r][r] = (float)(r + 1) * 1e4f;
    }
    const float Y[3 * 4] = {1, 0, 0, 1,   0, 1, 0, 0,   0, 0, 1, 0};
    stable_mse_forward(&p, X, &c);
    const float J = stable_mse_cost(&c, Y);
    stable_mse_backward(&p, &c, X, Y, &grad);
    assert_true(isfinite(J));
    assert_all_finite("grad", (const float *)&grad, STABLE_MSE_PARAM_COUNT);
}

/* The largest logit the tests use: 3e38 against FLT_MAX = 3.4e38. A batch sum of such terms
 * overflows; the mean of the batch does not. */
#define EDGE 3e38f

/* J of a float model against its exact value: relative 1e-6, the tolerance of the 1e4 tests (each
 * term and the 1/m are rounded once in float, and the sums of a few terms add a few eps more). */
static void assert_cost_close(float J, double exact)
{
    if (!isfinite(J) || !(fabs((double)J - exact) <= 1e-6 * exact)) {
        fail_msg("J = %.9g, exact %.9g", (double)J, exact);
    }
}

static void test_bce_at_float_edge(void **state)
{
    (void)state;
    stable_bce_params p, grad;
    stable_bce_cache c;
    memset(&p, 0, sizeof p);
    p.W1[0][0] = EDGE;
    p.W1[1][1] = EDGE;
    const float Y[2 * 4] = {0, 1, 1, 0,   1, 0, 0, 1};
    stable_bce_forward(&p, X, &c);
    const float J = stable_bce_cost(&c, Y);
    stable_bce_backward(&p, &c, X, Y, &grad);
    assert_all_finite("grad", (const float *)&grad, STABLE_BCE_PARAM_COUNT);
    /* as in test_bce_with_huge_logits with 3e38 for 1e4: four terms of 3e38 and four of log 2 */
    assert_cost_close(J, (4.0 * (double)EDGE + 4.0 * log(2.0)) / 4.0);
    /* dZ = (sigmoid(z) - y) / 4: unit 0 (1, -1/2, -1, 1/2) / 4, unit 1 (-1/2, 1, 1/2, -1) / 4 */
    assert_true(fabs((double)grad.b1[0] - 0.0) < 1e-6);
    assert_true(fabs((double)grad.b1[1] - 0.0) < 1e-6);
    assert_true(fabs((double)grad.W1[0][0] - (1.0 * 1.0 + -1.0 * -1.0) / 4.0) < 1e-6);
    assert_true(fabs((double)grad.W1[1][1] - (1.0 * 1.0 + -1.0 * -1.0) / 4.0) < 1e-6);
}

/* The batch of 20 takes the lane path (16 samples in 8 lanes, then 4 more). X alternates +1, -1,
 * so z = +3e38 for even j and -3e38 for odd j; Y is 1 where j % 4 == 1. */
static void test_bce_lanes_at_float_edge(void **state)
{
    (void)state;
    wide_bce_params p, grad;
    wide_bce_cache c;
    float Xw[20], Yw[20];
    for (int j = 0; j < 20; ++j) {
        Xw[j] = j % 2 == 0 ? 1.0f : -1.0f;
        Yw[j] = j % 4 == 1 ? 1.0f : 0.0f;
    }
    memset(&p, 0, sizeof p);
    p.W1[0][0] = EDGE;
    wide_bce_forward(&p, Xw, &c);
    const float J = wide_bce_cost(&c, Yw);
    wide_bce_backward(&p, &c, Xw, Yw, &grad);
    assert_all_finite("grad", (const float *)&grad, WIDE_BCE_PARAM_COUNT);
    /* softplus(z) - y z is 3e38 for the 10 even j (z = 3e38, y = 0) and the 5 with j % 4 == 1
       (z = -3e38, y = 1), and 0 for the other 5 */
    assert_cost_close(J, 15.0 * (double)EDGE / 20.0);
    /* dZ = (a - y) / 20: 1/20 for even j (x = 1), -1/20 for j % 4 == 1 (x = -1), 0 otherwise */
    assert_true(fabs((double)grad.b1[0] - (10.0 - 5.0) / 20.0) < 1e-6);
    assert_true(fabs((double)grad.W1[0][0] - (10.0 + 5.0) / 20.0) < 1e-6);
}

static void test_ce_at_float_edge(void **state)
{
    (void)state;
    stable_ce_params p, grad;
    stable_ce_cache c;
    memset(&p, 0, sizeof p);
    p.W1[0][0] = EDGE;
    p.W1[1][1] = EDGE;
    p.W1[2][0] = -EDGE;
    const float Y[3 * 4] = {0, 0, 0, 0,   0, 0, 0, 0,   1, 1, 1, 1};
    stable_ce_forward(&p, X, &c);
    const float J = stable_ce_cost(&c, Y);
    stable_ce_backward(&p, &c, X, Y, &grad);
    assert_all_finite("output", stable_ce_output(&c), 3 * 4);
    assert_all_finite("grad", (const float *)&grad, STABLE_CE_PARAM_COUNT);
    /* column logits (3e38, 0, -3e38), (0, 3e38, 0), (-3e38, 0, 3e38), (0, -3e38, 0); -log softmax_2:
       6e38 (the gap itself exceeds FLT_MAX), 3e38, 0, log 2 */
    assert_cost_close(J, (2.0 * (double)EDGE + (double)EDGE + 0.0 + log(2.0)) / 4.0);
    /* dZ = (a - y) / 4 with a = (1,0,0), (0,1,0), (0,0,1), (1/2,0,1/2) and y = (0,0,1) */
    assert_true(fabs((double)grad.b1[0] - 1.5 / 4.0) < 1e-6);
    assert_true(fabs((double)grad.b1[1] - 1.0 / 4.0) < 1e-6);
    assert_true(fabs((double)grad.b1[2] - -2.5 / 4.0) < 1e-6);
    assert_true(fabs((double)grad.W1[0][0] - 1.0 / 4.0) < 1e-6);
    assert_true(fabs((double)grad.W1[2][0] - -1.0 / 4.0) < 1e-6);
    assert_true(fabs((double)grad.W1[1][1] - 1.0 / 4.0) < 1e-6);
}

/* mse: outputs of +-1.8e19 against targets 0; each square is 3.24e38, their mean too. */
static void test_mse_lanes_at_float_edge(void **state)
{
    (void)state;
    wide_mse_params p, grad;
    wide_mse_cache c;
    float Xw[20], Yw[20];
    for (int j = 0; j < 20; ++j) {
        Xw[j] = j % 2 == 0 ? 1.0f : -1.0f;
        Yw[j] = 0.0f;
    }
    memset(&p, 0, sizeof p);
    p.W1[0][0] = 1.8e19f;
    wide_mse_forward(&p, Xw, &c);
    const float J = wide_mse_cost(&c, Yw);
    wide_mse_backward(&p, &c, Xw, Yw, &grad);
    assert_all_finite("grad", (const float *)&grad, WIDE_MSE_PARAM_COUNT);
    assert_cost_close(J, (double)1.8e19f * (double)1.8e19f);
    /* dZ = 2 (a - y) / 20 = +-1.8e18, times x = +-1: dW = 20 x 1.8e18, db = 0 */
    assert_true(fabs((double)grad.W1[0][0] - 20.0 * 2.0 * (double)1.8e19f / 20.0) <= 1e-6 * 3.6e19);
    assert_true(fabs((double)grad.b1[0]) <= 1e-6 * 3.6e19);
}

#if defined(GRADC_AVX2)
/* gradc_row_sums8_ps adds exactly as the plain row-sum loops of the generated code do (8 partial
 * sums from 0 over j % 8, then from 0 the partial sums in order): every bit of the biases' SGD
 * step depends on that order, here made to matter by terms of very different sizes, and -0 rows
 * (whose sum from 0 is +0). */
static float plain_row_sum(const float *row, int cols)
{
    float lane[8] = {0.0f};
    for (int j0 = 0; j0 < cols; j0 += 8) {
        for (int j = 0; j < 8; ++j) {
            lane[j] += row[j0 + j];
        }
    }
    float sum = 0.0f;
    for (int j = 0; j < 8; ++j) {
        sum += lane[j];
    }
    return sum;
}

static void test_row_sums8_add_like_the_loops(void **state)
{
    (void)state;
    static const int widths[] = {16, 32, 64};
    float rows[8][72];
    uint32_t bits = 12345u;
    for (size_t w = 0; w < sizeof widths / sizeof widths[0]; ++w) {
        const int cols = widths[w];
        for (int r = 0; r < 8; ++r) {
            for (int j = 0; j < 72; ++j) {
                bits = bits * 1664525u + 1013904223u;
                const float unit = (float)(bits >> 8) / 16777216.0f - 0.5f;
                rows[r][j] = (r == 5) ? -0.0f : unit * ((j % 3 == 0) ? 3.0e7f : 1.0f);
            }
        }
        float sums[8];
        _mm256_storeu_ps(sums, gradc_row_sums8_ps(&rows[0][0], 72, cols));
        for (int r = 0; r < 8; ++r) {
            const float expected = plain_row_sum(rows[r], cols);
            uint32_t got_bits, expected_bits;
            memcpy(&got_bits, &sums[r], sizeof got_bits);
            memcpy(&expected_bits, &expected, sizeof expected_bits);
            if (got_bits != expected_bits) {
                fail_msg("cols %d, row %d: vector sum %.9g, loops %.9g", cols, r, (double)sums[r],
                         (double)expected);
            }
        }
    }
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exp_edges),
        cmocka_unit_test(test_exp_error_bound),
        cmocka_unit_test(test_exp_nonpositive_is_expf),
        cmocka_unit_test(test_sigmoid_accuracy),
        cmocka_unit_test(test_log1p_error_bound),
        cmocka_unit_test(test_softplus_accuracy),
        cmocka_unit_test(test_bce_with_huge_logits),
        cmocka_unit_test(test_ce_with_huge_logits),
        cmocka_unit_test(test_mse_with_saturated_units),
        cmocka_unit_test(test_bce_at_float_edge),
        cmocka_unit_test(test_bce_lanes_at_float_edge),
        cmocka_unit_test(test_ce_at_float_edge),
        cmocka_unit_test(test_mse_lanes_at_float_edge),
#if defined(GRADC_AVX2)
        cmocka_unit_test(test_row_sums8_add_like_the_loops),
#endif
    };
    return cmocka_run_group_tests_name("numerics", tests, NULL, NULL);
}
