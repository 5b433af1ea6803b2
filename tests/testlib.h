/*
 * Model-independent helpers for the gradc test harness: a portable RNG for test data, the
 * check_close comparison (after llm.c's check_tensor), test data valid for each loss, central
 * finite differences on the reference engine, and init statistics. Compiled once, linked into the
 * single test program; nothing here knows a generated model's types.
 */
#ifndef GRADC_TESTS_TESTLIB_H
#define GRADC_TESTS_TESTLIB_H

#include <stddef.h>
#include <stdint.h>

#include "ref.h"

/* splitmix64: tiny, portable, the same stream on every machine. */
typedef struct {
    uint64_t state;
} test_rng;

void rng_seed(test_rng *rng, uint64_t seed);
double rng_uniform(test_rng *rng, double lo, double hi);

/*
 * Element i passes when |got_i - want_i| <= rtol * max(|want_i|, floor * scale) + atol,
 * with scale = max_i |want_i| (the tensor's scale).
 */
typedef struct {
    double rtol;
    double floor;
    double atol;
} tolerance;

/*
 * Tolerances, and why each is what it is. "Seen" is the largest error found, as a fraction of the
 * tolerance, over the case family plus 360 more random models drawn with other family seeds.
 *
 * TOL_DOUBLE (generated double vs the double reference): both sides compute the same formulas in
 * IEEE double and differ only in summation order, contraction and libm rounding: a few dozen ulps
 * (~1e-14) even through 4 layers (seen: 1e-4). 1e-9 keeps a margin of 1e4 over that and still
 * catches any wrong formula, missing factor or swapped index (errors of O(1)), and even a
 * constant printed with too few digits. The floor (1e-3 of the tensor's scale) covers elements far
 * smaller than their neighbours: they are sums of neighbour-sized terms that cancel, so their
 * rounding error follows the tensor's scale, not their own size.
 *
 * TOL_FLOAT (generated float vs the double reference on the same rounded inputs): float keeps
 * 24 bits (eps 1.2e-7); dot products, exp/log and up to 4 layers of chain rule grow that to a few
 * 1e-6 of the tensor's scale (seen: 0.02). 2e-4 of max(|ref|, tensor scale) leaves room for
 * deeper and wider specs and other summation orders, and still catches a wrong formula or a
 * constant off by more than 0.02%.
 *
 * TOL_FD (analytic vs central differences, h = FD_STEP): the truncation error of a central
 * difference is h^2/6 |J'''| ~ 2e-11 |J'''| and its rounding error about eps |J| / h ~ 1e-11 |J|.
 * Allowed: FD_RTOL max(|fd_i|, tensor scale) + FD_GLOBAL_ATOL G, G the largest |fd| of the whole
 * net, for tensors whose gradient is tiny next to the rest (seen: 0.01). A wrong derivative is off
 * by O(1). The scale comes from the finite differences, never from the code under test, so an
 * all-zero analytic gradient cannot pass.
 */
#define TOL_DOUBLE_RTOL 1e-9
#define TOL_DOUBLE_FLOOR 1e-3
#define TOL_FLOAT_RTOL 2e-4
#define TOL_FLOAT_FLOOR 1.0
#define FD_STEP 1e-5
#define FD_RTOL 1e-6
#define FD_GLOBAL_ATOL 1e-8
#define FD_MIN_SCALE 1e-7

/* Compares got with want; on failure prints label, each bad index (the first few), both values,
 * the tolerance and the largest difference, then returns 0. Use through CHECK_CLOSE. */
int check_close(const char *label, const double *got, const double *want, size_t count,
                tolerance tol);
/* The same, leaving out (and out of the scale) every i with skip[i] != 0. */
int check_close_masked(const char *label, const double *got, const double *want,
                       const unsigned char *skip, size_t count, tolerance tol);
double max_abs(const double *values, size_t count);

/* Random data. Inputs in [-1, 1]. Targets valid for the loss but not only one-hot or binary:
 * bce y in [0, 1] with some exact 0 and 1; ce non-negative columns, some summing to 1 and some
 * not; mse anything in [-1.5, 1.5]. */
void fill_uniform(test_rng *rng, double *values, size_t count, double lo, double hi);
void fill_targets(test_rng *rng, const ref_net *net, double *Y);

/* The flat parameter ranges [begin, end) of every tensor of net_params in order, labelled
 * "<prefix>W3", "<prefix>b3", "<prefix>gamma2", "<prefix>beta2", "<prefix>mean2", "<prefix>var2"
 * (a conv layer without bias has no b), for per-tensor reports. */
typedef struct {
    char label[32];
    size_t begin;
    size_t end;
} tensor_range;

int tensor_ranges(const ref_net *net, const char *prefix, tensor_range *ranges); /* returns the count */

/* check_close_masked on each tensor of two flat parameter-shaped arrays, each with its own scale
 * and labelled "<prefix>W1", "<prefix>b1", ...; skip may be NULL. Returns 1 when all pass. */
int check_tensors_close(const ref_net *net, const char *prefix, const double *got,
                        const double *want, const unsigned char *skip, tolerance tol);

/*
 * Central difference of the reference cost with respect to params[index]. *crossed is set when a
 * relu or leaky_relu pre-activation changes sign, or a max window picks another element, between
 * the two evaluations: the difference then straddles a kink and measures the mean of two slopes,
 * not the derivative.
 */
double ref_central_difference(const ref_net *net, double *params, size_t index, const double *X,
                              const double *Y, int *crossed);

/* The same with respect to the input X[index] (kinks detected the same way). */
double ref_central_difference_input(const ref_net *net, const double *params, double *X,
                                    size_t index, const double *Y, int *crossed);

/* Parameters for gradient and model checks: W ~ U(-sqrt(3/fan_in), +), b ~ U(-0.5, 0.5), so
 * pre-activations are of order 1 at every depth and width and no layer is saturated or dead;
 * batchnorm gamma and var in [0.5, 1.5], beta and mean in [-0.5, 0.5], so inference mode differs
 * from training mode and from the init's identity. */
void fill_params(test_rng *rng, const ref_net *net, double *params);

/* Every how many parameters to take a finite difference: 1 (all of them) unless that would cost
 * more than about 1e8 multiply-adds, as it would for the larger example specs. */
size_t fd_stride(const ref_net *net);

/*
 * An analytic gradient against central differences, per tensor ("<prefix>W1", ...), with TOL_FD
 * scaled by the differences. Parameters with skip[k] set are left out; `sampled` is how many
 * differences were taken. Fails (after printing why) when any tensor disagrees, when more than a
 * tenth of the sampled parameters straddled a kink, or when every difference is ~0 (the check
 * would then prove nothing).
 */
int check_gradient_fd(const ref_net *net, const char *prefix, const double *analytic,
                      const double *fd, const unsigned char *skip, size_t sampled);

/* Pooled statistics of init values normalized by their expected scale. */
typedef struct {
    size_t count;
    double sum;
    double sum_squares;
    double max_abs;
} sample_pool;

void pool_add(sample_pool *pool, double value);
double pool_mean(const sample_pool *pool);
double pool_variance(const sample_pool *pool);

/* The spread of W[l] the contract prescribes: xavier/uniform return the half-width r of
 * U(-r, r), he returns the standard deviation sqrt(2/fan_in); fans as ref_fans gives them
 * (n[l-1], n[l] for dense; (C/groups) x kernel, filters x kernel for conv). */
double init_scale(const ref_net *net, int l);

#endif
