/*
 * CMocka tests of ONE generated model against the reference engine (tests/ref), compiled once per
 * model and linked with all the others into one program:
 *
 *     cc ... -DGM_NAME=xor -DGM_UNAME=XOR -I<gen>/xor -I<cases> -Itests -Itests/ref -c tests/harness.c
 *
 * GM_NAME / GM_UNAME select the model; GM(forward) is xor_forward, GMU(BATCH) is XOR_BATCH. The
 * model's header is <name>.h, its case description <name>_case.h (written by tests/cases.lua:
 * the spec as a ref_net with the contract's defaults applied, and the expected params layout).
 * The only external symbol is gmtest_<name>(), which runs this model's group; everything else is
 * static, so the models' objects link together without clashes.
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

#include "ref.h"
#include "testlib.h"

#define GM_STR_(x) #x
#define GM_STR(x) GM_STR_(x)
#define GM_CAT_(a, b) a##b
#define GM_CAT(a, b) GM_CAT_(a, b)
#define GM(symbol) GM_CAT(GM_NAME, GM_CAT(_, symbol))
#define GMU(symbol) GM_CAT(GM_UNAME, GM_CAT(_, symbol))

#include GM_STR(GM_NAME.h)
#include GM_STR(GM_CAT(GM_NAME, _case).h)

typedef GM(real) model_real;
typedef GM(params) model_params;
typedef GM(cache) model_cache;
typedef GM(train_state) model_train_state;

#define N_PARAMS ((size_t)GMU(PARAM_COUNT))
#define N_X ((size_t)GMU(INPUTS) * GMU(BATCH))
#define N_Y ((size_t)GMU(OUTPUTS) * GMU(BATCH))
#define N_SCRATCH (N_PARAMS > N_Y ? N_PARAMS : N_Y)
#define TRAIN_STEPS 3

#if GM_CASE_DOUBLE
static const tolerance model_tol = {TOL_DOUBLE_RTOL, TOL_DOUBLE_FLOOR, 0};
#define MODEL_EPSILON DBL_EPSILON
#else
static const tolerance model_tol = {TOL_FLOAT_RTOL, TOL_FLOAT_FLOOR, 0};
#define MODEL_EPSILON ((double)FLT_EPSILON)
#endif

#define CHECK_CLOSE(label, got, want, count, tol) \
    assert_true(check_close((label), (got), (want), (count), (tol)))

/*
 * One batch of test data, held in both precisions: the model's values are drawn in double and
 * rounded to model_real, and the double copies are widened back from them, so the reference
 * engine sees exactly the numbers the model sees and only the arithmetic differs.
 */
static struct {
    model_params params;
    model_params grad;
    model_params scratch_params;
    model_params other_params;
    model_cache cache;
    model_train_state train;
    model_real X[N_X];
    model_real Y[N_Y];
    double params_d[N_PARAMS];
    double X_d[N_X];
    double Y_d[N_Y];
    double ref_grad[N_PARAMS];       /* reference gradient at (params_d, X_d, Y_d) */
    double got[N_SCRATCH];           /* scratch: model results widened to double */
    double want[N_SCRATCH];          /* scratch: reference results */
    double fd[N_PARAMS];             /* scratch: finite differences */
    double moved[N_PARAMS];          /* scratch: how far the model moved each parameter */
    unsigned char skip[N_PARAMS];    /* scratch: parameters finite differences cannot judge */
    ref_cache *ref;                     /* reference forward at (params_d, X_d) */
} fx;

/* The contract: net_params is a flat array of NET_PARAM_COUNT reals. */
static model_real *flat(model_params *p)
{
    return (model_real *)(void *)p;
}

static void widen(const model_real *from, double *to, size_t count)
{
    for (size_t i = 0; i < count; i++)
        to[i] = (double)from[i];
}

/* Rounds to the model's precision in place, and stores the rounded values for the model. */
static void narrow(double *values, model_real *to, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        to[i] = (model_real)values[i];
        values[i] = (double)to[i];
    }
}

/* FNV-1a of the model name: different data per model, the same on every run and machine. */
static uint64_t name_hash(const char *name)
{
    uint64_t h = 0xcbf29ce484222325u;
    for (; *name; name++)
        h = (h ^ (unsigned char)*name) * 0x100000001b3u;
    return h;
}

/* Whether layer l is a batchnorm layer (has gamma, beta, mean, var instead of W, b). */
static int is_batchnorm(int l)
{
    return gm_case.layer[l - 1].kind == REF_BATCHNORM;
}

/* Whether the case has any batchnorm layer: its training-mode forward then differs from predict. */
static int has_batchnorm(void)
{
    for (int l = 1; l <= gm_case.layers; l++)
        if (is_batchnorm(l))
            return 1;
    return 0;
}

static int setup_fixture(void **state)
{
    (void)state;
    test_rng rng;
    rng_seed(&rng, name_hash(gm_case.name));
    fill_params(&rng, &gm_case, fx.params_d); /* the dense layers draw as before v2 */
    narrow(fx.params_d, flat(&fx.params), N_PARAMS);
    fill_uniform(&rng, fx.X_d, N_X, -1, 1);
    narrow(fx.X_d, fx.X, N_X);
    fill_targets(&rng, &gm_case, fx.Y_d);
    narrow(fx.Y_d, fx.Y, N_Y);
    fx.ref = ref_cache_new(&gm_case);
    ref_forward(&gm_case, fx.params_d, fx.X_d, fx.ref);
    ref_backward(&gm_case, fx.params_d, fx.ref, fx.Y_d, fx.ref_grad);
    return 0;
}

static int teardown_fixture(void **state)
{
    (void)state;
    ref_cache_free(&gm_case, fx.ref);
    fx.ref = NULL;
    return 0;
}

/* ---------------------------------------------------------------------------------------------
 * Layout and constants. */

/* Each tensor (W<l>, b<l>, gamma<l>, beta<l>, mean<l>, var<l>) at the offset and of the size cases.lua computed, which the reference engine's
 * layout must match too. */
#define CHECK_TENSOR(field, ref_offset, layer, offset, rows, cols)                               \
    assert_int_equal(offsetof(model_params, field), (size_t)(offset) * sizeof(model_real));  \
    assert_int_equal(sizeof fx.params.field, (size_t)(rows) * (cols) * sizeof(model_real));  \
    assert_int_equal(ref_offset(&gm_case, layer), (offset));

static void test_layout(void **state)
{
    (void)state;
    assert_int_equal(GMU(INPUTS), gm_case.input);
    assert_int_equal(GMU(OUTPUTS), ref_width(&gm_case, gm_case.layers));
    assert_int_equal(GMU(BATCH), gm_case.batch);
    assert_int_equal(GMU(LAYERS), gm_case.layers);
    assert_int_equal(GMU(PARAM_COUNT), GM_CASE_PARAM_COUNT);
    assert_int_equal(ref_param_count(&gm_case), GM_CASE_PARAM_COUNT);
    assert_int_equal(sizeof(model_params), N_PARAMS * sizeof(model_real));
    assert_int_equal(sizeof(model_real), GM_CASE_DOUBLE ? sizeof(double) : sizeof(float));
    /* float and double differ in size, but check the type really is floating: */
    assert_true((model_real)0.5 > 0);
    GM_FOR_EACH_TENSOR(CHECK_TENSOR)
    /* A spatial input's shape macros (v2). */
#if GM_CASE_INPUT_RANK == 1
    assert_int_equal(GMU(INPUT_CHANNELS), gm_case.input_channels);
    assert_int_equal(GMU(INPUT_LENGTH), gm_case.input_size[1]);
#elif GM_CASE_INPUT_RANK == 2
    assert_int_equal(GMU(INPUT_CHANNELS), gm_case.input_channels);
    assert_int_equal(GMU(INPUT_HEIGHT), gm_case.input_size[0]);
    assert_int_equal(GMU(INPUT_WIDTH), gm_case.input_size[1]);
#endif
}

/* ---------------------------------------------------------------------------------------------
 * Initialization. */

static void test_init_seed(void **state)
{
    (void)state;
    model_params *a = &fx.scratch_params, *b = &fx.other_params;
    assert_int_equal(GMU(INIT_SEED), gm_case.init_seed);
    GM(init)(a, GMU(INIT_SEED));
    GM(init)(b, GMU(INIT_SEED));
    assert_memory_equal(a, b, sizeof *a);
    /* The seed given is used: another seed gives other weights. */
    GM(init)(b, (uint32_t)(GMU(INIT_SEED) + 1u));
    assert_memory_not_equal(a, b, sizeof *a);
}

/* The reference engine's own implementation of the contract's draw gives the same weights, bit for
 * bit, for the spec's seed and two others. */
static void test_init_matches_reference(void **state)
{
    (void)state;
    const uint32_t seeds[] = {GMU(INIT_SEED), 0u, 0xFFFFFFFFu};
    for (size_t s = 0; s < sizeof seeds / sizeof seeds[0]; s++) {
        GM(init)(&fx.scratch_params, seeds[s]);
        widen(flat(&fx.scratch_params), fx.got, N_PARAMS);
        ref_init(&gm_case, seeds[s], fx.want);
        for (size_t k = 0; k < N_PARAMS; k++) {
            if (fx.got[k] != fx.want[k]) {
                printf("    seed %lu: flat[%zu] = %.17g, reference %.17g\n", (unsigned long)seeds[s], k,
                       fx.got[k], fx.want[k]);
                fail();
            }
        }
    }
}

/* Where |w| must stay for the bounded schemes, with room for rounding r to model_real. */
static double init_bound(int l)
{
    return gm_case.init == REF_HE ? HUGE_VAL : init_scale(&gm_case, l) * (1 + 4 * MODEL_EPSILON);
}

/* A batchnorm layer's init: gamma = 1, beta = 0, mean = 0, var = 1 exactly. */
static int check_batchnorm_init(const double *params, int l)
{
    size_t gamma = ref_gamma_offset(&gm_case, l), end = ref_layer_offset(&gm_case, l + 1);
    size_t channels = ref_beta_offset(&gm_case, l) - gamma;
    for (size_t k = gamma; k < end; k++) {
        size_t tensor = (k - gamma) / channels; /* 0 gamma, 1 beta, 2 mean, 3 var */
        double want = tensor == 0 || tensor == 3 ? 1.0 : 0.0;
        if (params[k] != want) {
            printf("    batchnorm %d: flat[%zu] = %.9g, want %g\n", l, k, params[k], want);
            return 0;
        }
    }
    return 1;
}

/* Adds W[l] of one init, normalized by the scheme's scale, to pools[l-1]; checks b[l] == 0 and
 * the bound (batchnorm: its fixed values). Returns 0 (after printing) on a violation. */
static int pool_init_layer(const double *params, int l, sample_pool *pool)
{
    if (is_batchnorm(l))
        return check_batchnorm_init(params, l);
    size_t w = ref_weight_offset(&gm_case, l), b = ref_bias_offset(&gm_case, l);
    size_t end = ref_layer_offset(&gm_case, l + 1);
    for (size_t k = w; k < b; k++) {
        if (!(fabs(params[k]) <= init_bound(l))) {
            printf("    W%d: flat[%zu] = %.9g outside +-%.9g\n", l, k, params[k], init_bound(l));
            return 0;
        }
        pool_add(pool, params[k] / init_scale(&gm_case, l));
    }
    for (size_t k = b; k < end; k++)
        if (params[k] != 0) {
            printf("    b%d: flat[%zu] = %.9g, want 0\n", l, k, params[k]);
            return 0;
        }
    return 1;
}

#define INIT_SAMPLES 400

/*
 * Every layer's W, normalized by the contract's scale, pooled over inits with many seeds until
 * each layer has INIT_SAMPLES values: U(-1, 1) for xavier and uniform (mean 0, variance 1/3,
 * values near +-1), N(0, 1) for he (mean 0, variance 1, some |w| > 2, which no uniform of that
 * variance reaches). The bounds are 5 standard errors of a 400-sample statistic, so a correct
 * init fails one with probability about 1e-6, while a wrong fan-in or scale (variance off by a
 * factor of 1.4 or more) fails it.
 */
static void check_init_pool(int l, const sample_pool *pool)
{
    int normal = gm_case.init == REF_HE;
    double variance = normal ? 1.0 : 1.0 / 3.0;
    double count = (double)pool->count;
    double variance_error = normal ? sqrt(2.0 / count) : sqrt((0.2 - 1.0 / 9) / count);
    double mean_error = sqrt(variance / count);
    double reach = normal ? 2.0 : 0.9;
    int plausible = fabs(pool_mean(pool)) <= 5 * mean_error &&
                    fabs(pool_variance(pool) - variance) <= 5 * variance_error &&
                    pool->max_abs >= reach;
    if (!plausible)
        printf("    W%d normalized by %.9g over %zu values: mean %.4f (want 0 +- %.4f), "
               "variance %.4f (want %.4f +- %.4f), max |w| %.4f (want >= %.1f)\n",
               l, init_scale(&gm_case, l), pool->count, pool_mean(pool), 5 * mean_error,
               pool_variance(pool), variance, 5 * variance_error, pool->max_abs, reach);
    assert_true(plausible);
}

static void test_init_distribution(void **state)
{
    (void)state;
    sample_pool pools[REF_MAX_LAYERS];
    memset(pools, 0, sizeof pools);
    size_t fewest = SIZE_MAX; /* weights in the smallest W */
    for (int l = 1; l <= gm_case.layers; l++) {
        size_t weights = ref_weight_count(&gm_case, l);
        if (weights)
            fewest = weights < fewest ? weights : fewest;
    }
    if (fewest == SIZE_MAX)
        fewest = INIT_SAMPLES; /* no layer with W: one init checks the batchnorm values */
    size_t inits = (INIT_SAMPLES + fewest - 1) / fewest;
    for (size_t k = 0; k < inits; k++) {
        /* Seeds spread over the whole range (Knuth's multiplicative hash), not neighbours. */
        uint32_t seed = (uint32_t)(GMU(INIT_SEED) + 2654435761u * (uint32_t)k);
        GM(init)(&fx.scratch_params, seed);
        widen(flat(&fx.scratch_params), fx.got, N_PARAMS);
        for (int l = 1; l <= gm_case.layers; l++)
            assert_true(pool_init_layer(fx.got, l, &pools[l - 1]));
    }
    for (int l = 1; l <= gm_case.layers; l++)
        if (ref_weight_count(&gm_case, l))
            check_init_pool(l, &pools[l - 1]);
}

/* ---------------------------------------------------------------------------------------------
 * Forward, cost, backward against the reference engine. */

static void test_forward(void **state)
{
    (void)state;
    GM(forward)(&fx.params, fx.X, &fx.cache);
    widen(GM(output)(&fx.cache), fx.got, N_Y);
    CHECK_CLOSE("A[L]", fx.got, ref_output(&gm_case, fx.ref), N_Y, model_tol);
}

static void test_cost(void **state)
{
    (void)state;
    GM(forward)(&fx.params, fx.X, &fx.cache);
    double got = (double)GM(cost)(&fx.cache, fx.Y);
    double want = ref_cost(&gm_case, fx.ref, fx.Y_d);
    CHECK_CLOSE("J", &got, &want, 1, model_tol);
}

static void test_backward(void **state)
{
    (void)state;
    GM(forward)(&fx.params, fx.X, &fx.cache);
    GM(backward)(&fx.params, &fx.cache, fx.X, fx.Y, &fx.grad);
    widen(flat(&fx.grad), fx.got, N_PARAMS);
    assert_true(check_tensors_close(&gm_case, "d", fx.got, fx.ref_grad, NULL, model_tol));
}

/* The entries of the untrained tensors, in flat order: the input standardization's statistics
 * (input_mean, input_inv_scale, first in net_params), then each batchnorm's running mean and var. */
static int is_untrained(size_t k)
{
    if (gm_case.standardize && k < 2 * (size_t)gm_case.input)
        return 1;
    for (int l = 1; l <= gm_case.layers; l++)
        if (is_batchnorm(l) && k >= ref_mean_offset(&gm_case, l) && k < ref_layer_offset(&gm_case, l + 1))
            return 1;
    return 0;
}

/* The running statistics and the input standardization are not trained: their gradient entries
 * are exactly 0. */
static void test_running_stat_gradients_zero(void **state)
{
    (void)state;
    GM(forward)(&fx.params, fx.X, &fx.cache);
    GM(backward)(&fx.params, &fx.cache, fx.X, fx.Y, &fx.grad);
    widen(flat(&fx.grad), fx.got, N_PARAMS);
    for (int l = 1; l <= gm_case.layers; l++) {
        if (!is_batchnorm(l))
            continue;
        for (size_t k = ref_mean_offset(&gm_case, l); k < ref_layer_offset(&gm_case, l + 1); k++)
            if (fx.got[k] != 0) {
                printf("    batchnorm %d: grad flat[%zu] (mean/var) = %.17g, want exactly 0\n", l, k,
                       fx.got[k]);
                fail();
            }
    }
    for (size_t k = 0; gm_case.standardize && k < 2 * (size_t)gm_case.input; k++)
        if (fx.got[k] != 0) {
            printf("    standardize: grad flat[%zu] (input_mean/input_inv_scale) = %.17g, want exactly 0\n",
                   k, fx.got[k]);
            fail();
        }
}

/* Central differences of the reference cost into fx.fd; fx.skip marks the parameters left out
 * (past the sampling stride, or straddling a kink). Returns how many were sampled. */
static size_t reference_differences(void)
{
    size_t stride = fd_stride(&gm_case), sampled = 0;
    memset(fx.skip, 1, sizeof fx.skip);
    for (size_t k = 0; k < N_PARAMS; k += stride) {
        int crossed;
        /* the standardization's statistics have a gradient of 0 by definition, not dJ/dp: not
         * sampled (test_running_stat_gradients_zero checks them) */
        if (gm_case.standardize && k < 2 * (size_t)gm_case.input)
            continue;
        fx.fd[k] = ref_central_difference(&gm_case, fx.params_d, k, fx.X_d, fx.Y_d, &crossed);
        fx.skip[k] = (unsigned char)crossed;
        sampled++;
    }
    return sampled;
}

/* The reference engine's own gradient against its own cost: the engine the other tests trust. */
static void test_reference_gradient_vs_differences(void **state)
{
    (void)state;
    size_t sampled = reference_differences();
    assert_true(check_gradient_fd(&gm_case, "ref d", fx.ref_grad, fx.fd, fx.skip, sampled));
}

#if GM_CASE_DOUBLE
/* The model's own J at params with params[index] moved by delta. */
static double model_cost_moved(size_t index, double delta)
{
    fx.scratch_params = fx.params;
    flat(&fx.scratch_params)[index] = (model_real)(fx.params_d[index] + delta);
    GM(forward)(&fx.scratch_params, fx.X, &fx.cache);
    return (double)GM(cost)(&fx.cache, fx.Y);
}

/* The model's backward against central differences of the model's own forward + cost. */
static void test_model_gradient_vs_differences(void **state)
{
    (void)state;
    size_t sampled = reference_differences(); /* for fx.skip: the same parameters, the same kinks */
    for (size_t k = 0; k < N_PARAMS; k++)
        if (!fx.skip[k])
            fx.fd[k] = (model_cost_moved(k, FD_STEP) - model_cost_moved(k, -FD_STEP)) / (2 * FD_STEP);
    GM(forward)(&fx.params, fx.X, &fx.cache);
    GM(backward)(&fx.params, &fx.cache, fx.X, fx.Y, &fx.grad);
    widen(flat(&fx.grad), fx.got, N_PARAMS);
    assert_true(check_gradient_fd(&gm_case, "d", fx.got, fx.fd, fx.skip, sampled));
}
#endif

/* ---------------------------------------------------------------------------------------------
 * One-sample prediction. */

/* Column j of a GMU(OUTPUTS) x GMU(BATCH) matrix. */
static void column(const double *matrix, int j, double *out)
{
    for (int i = 0; i < GMU(OUTPUTS); i++)
        out[i] = matrix[i * GMU(BATCH) + j];
}

/* predict is inference mode: against the reference's inference-mode forward of the batch, and,
 * for a net without batchnorm (where the modes agree), against the model's own batch forward. */
static void test_predict(void **state)
{
    (void)state;
    model_real x[GMU(INPUTS)], y[GMU(OUTPUTS)];
    double got[GMU(OUTPUTS)], want[GMU(OUTPUTS)], batch_column[GMU(OUTPUTS)];
    ref_cache *inference = ref_cache_new(&gm_case);
    ref_forward_inference(&gm_case, fx.params_d, fx.X_d, inference);
    GM(forward)(&fx.params, fx.X, &fx.cache);
    widen(GM(output)(&fx.cache), fx.got, N_Y);
    for (int j = 0; j < GMU(BATCH); j++) {
        char label[48];
        for (int i = 0; i < GMU(INPUTS); i++)
            x[i] = fx.X[i * GMU(BATCH) + j];
        GM(predict)(&fx.params, x, y);
        widen(y, got, GMU(OUTPUTS));
        column(ref_output(&gm_case, inference), j, want);
        snprintf(label, sizeof label, "predict col %d", j);
        CHECK_CLOSE(label, got, want, GMU(OUTPUTS), model_tol);
        if (has_batchnorm())
            continue;
        column(fx.got, j, batch_column);
        snprintf(label, sizeof label, "predict vs batch col %d", j);
        CHECK_CLOSE(label, got, batch_column, GMU(OUTPUTS), model_tol);
    }
    ref_cache_free(&gm_case, inference);
}

/* ---------------------------------------------------------------------------------------------
 * Updates. Parameters are compared by how far they moved from where they started: an update is
 * small next to the parameter, so comparing the parameters themselves would hide a wrong update
 * inside the parameter's tolerance. A stored model_real can only move in steps of its ulp, so
 * each of `steps` stores may add MODEL_EPSILON * |p| (twice the rounding, for margin).
 */
static void check_moves(const char *prefix, const double *start, const double *got,
                        const double *want, int steps)
{
    tolerance tol = model_tol;
    tol.atol = steps * MODEL_EPSILON * max_abs(start, N_PARAMS);
    for (size_t k = 0; k < N_PARAMS; k++) {
        fx.moved[k] = got[k] - start[k];
        fx.want[k] = want[k] - start[k];
    }
    assert_true(check_tensors_close(&gm_case, prefix, fx.moved, fx.want, NULL, tol));
}

static void test_sgd_step(void **state)
{
    (void)state;
    test_rng rng;
    double grad[N_PARAMS], want[N_PARAMS];
    model_real lr = (model_real)0.375; /* exact in float and double: the ref uses the same value */
    rng_seed(&rng, name_hash(gm_case.name) ^ 0x5ed);
    fill_uniform(&rng, grad, N_PARAMS, -1, 1);
    /* A real gradient is 0 on the running statistics and the input standardization
     * (test_running_stat_gradients_zero). */
    for (size_t k = 0; k < N_PARAMS; k++)
        if (is_untrained(k))
            grad[k] = 0;
    narrow(grad, flat(&fx.grad), N_PARAMS);
    fx.scratch_params = fx.params;
    GM(sgd_step)(&fx.scratch_params, &fx.grad, lr);
    memcpy(want, fx.params_d, sizeof want);
    ref_sgd_step(N_PARAMS, want, grad, (double)lr);
    widen(flat(&fx.scratch_params), fx.got, N_PARAMS);
    check_moves("sgd ", fx.params_d, fx.got, want, 1);
}

/* TRAIN_STEPS train steps from the same start: J before each update, and the parameters after,
 * every tensor labelled: the trainable ones moved by the optimizer (weight decay included), the
 * batchnorm running mean and var by the running-statistics update alone, both as the reference
 * does it (ref_train_step). */
static void test_train_steps(void **state)
{
    (void)state;
    double want[N_PARAMS];
    ref_optimizer_state *ref_state = ref_optimizer_state_new(&gm_case);
    memcpy(want, fx.params_d, sizeof want);
    fx.scratch_params = fx.params;
    GM(train_state_init)(&fx.train);
    for (int step = 1; step <= TRAIN_STEPS; step++) {
        char label[48];
        double got_cost = (double)GM(train_step)(&fx.scratch_params, &fx.train, fx.X, fx.Y);
        double want_cost = ref_train_step(&gm_case, ref_state, want, fx.X_d, fx.Y_d);
        snprintf(label, sizeof label, "J before step %d", step);
        CHECK_CLOSE(label, &got_cost, &want_cost, 1, model_tol);
        widen(flat(&fx.scratch_params), fx.got, N_PARAMS);
        snprintf(label, sizeof label, "step %d ", step);
        check_moves(label, fx.params_d, fx.got, want, step);
    }
    ref_optimizer_state_free(ref_state);
}

/* ---------------------------------------------------------------------------------------------
 * The group. */

int GM_CAT(gmtest_, GM_NAME)(void);

int GM_CAT(gmtest_, GM_NAME)(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout),
        cmocka_unit_test(test_init_seed),
        cmocka_unit_test(test_init_matches_reference),
        cmocka_unit_test(test_init_distribution),
        cmocka_unit_test(test_forward),
        cmocka_unit_test(test_cost),
        cmocka_unit_test(test_backward),
        cmocka_unit_test(test_running_stat_gradients_zero),
        cmocka_unit_test(test_reference_gradient_vs_differences),
#if GM_CASE_DOUBLE
        cmocka_unit_test(test_model_gradient_vs_differences),
#endif
        cmocka_unit_test(test_predict),
        cmocka_unit_test(test_sgd_step),
        cmocka_unit_test(test_train_steps),
    };
    printf("[  MODEL   ] %s: %s, batch %d, %d layers, unroll %s\n", gm_case.name,
           GM_CASE_DOUBLE ? "double" : "float", gm_case.batch, gm_case.layers, gm_case.unroll);
    return cmocka_run_group_tests_name(GM_STR(GM_NAME), tests, setup_fixture, teardown_fixture);
}
