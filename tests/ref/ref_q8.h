/*
 * The reference engine's int8 mode: gradc's integer-only inference scheme (per-tensor asymmetric
 * int8 activations, per-channel symmetric int8 weights, int32 biases, Q31 multiplier + shift
 * requantization, batchnorm folded, lookup tables, integer softmax, integer pooling), computed
 * from a ref_net (runtime shapes, plain loops), its double parameters and the calibration
 * record's min/max of each quantized tensor. Everything else (scales, zero points, folding,
 * quantized weights, biases, multipliers, tables) is derived here from the scheme's text, sharing
 * no code with the generator, so that the generated net_q8_infer agreeing with it bit for bit
 * means something.
 */
#ifndef GRADC_TESTS_REF_Q8_H
#define GRADC_TESTS_REF_Q8_H

#include <stddef.h>
#include <stdint.h>

#include "ref.h"

/* ---- The scheme's arithmetic, exposed for the unit tests (tests/q8/test_requant.c) ---------- */

/* round half away from zero (C's round()). */
double ref_q8_round(double v);
/* (scale, zero point) of a calibrated range, widened to include 0 first. */
void ref_q8_range_params(double min, double max, double *scale, int *zero_point);
/* SaturatingRoundingDoublingHighMul: (a b + nudge) / 2^31 with C's truncating division. */
int32_t ref_q8_srdhm(int32_t a, int32_t b);
/* RoundingDivideByPOT: x / 2^n, n in 0..31, ties away from zero. */
int32_t ref_q8_rdbp(int32_t x, int n);
/* MultiplyByQuantizedMultiplier: x q 2^(shift - 31) through a saturated left shift, SRDHM, RDBP. */
int32_t ref_q8_mbqm(int32_t x, int32_t q, int shift);
/* TFLite's QuantizeMultiplier of M >= 0 into (q, shift); 0 on success, -1 when the exponent is
 * above 30 ("multiplier too large"). */
int ref_q8_quantize_multiplier(double M, int32_t *q, int *shift);
/* The rounding division of an average pool's window sum by its size n. */
int32_t ref_q8_pool_divide(int32_t sum, int32_t n);
/* EXP[d] = round(exp(-s_z d) 65536), d = 0..255. */
void ref_q8_exp_table(double s_z, uint32_t table[256]);
/* One softmax output from its e_i and the sum of all e: ((e << 8) + sum / 2) / sum - 128, clamped. */
int8_t ref_q8_softmax_divide(uint32_t e, uint32_t sum);
/* Softmax of n int8 logits zq through an EXP table. */
void ref_q8_softmax(const int8_t *zq, int n, const uint32_t table[256], int8_t *yq);

/* ---- The quantized tensors of a net ---------------------------------------------------------- */

#define REF_Q8_NAME_SIZE 16

/* One quantized tensor in the calibration record's order: the input X (layer 0), or the Z
 * (pre-activation) or A (after the activation) of layer `layer`, whose float value is the
 * reference's Z[layer] / A[layer] (for a folded dense/conv + batchnorm pair, layer is the
 * batchnorm's). A sigmoid, tanh or softmax A has the scheme's fixed scale and zero point. */
typedef struct {
    char name[REF_Q8_NAME_SIZE];
    int layer;
    int is_z;
    int fixed;
    double fixed_scale;
    int fixed_zero_point;
} ref_q8_tensor_info;

/* The tensors of net in record order into info (at most capacity); returns how many there are. */
int ref_q8_tensors(const ref_net *net, ref_q8_tensor_info *info, int capacity);

/* One line of a calibration record. The reference reads only name, min, max from it; scale and
 * zero_point are kept to be compared with what it computes itself. */
typedef struct {
    char name[REF_Q8_NAME_SIZE];
    double min, max, scale;
    int zero_point;
} ref_q8_record_line;

/* Reads a `<name>_q8_calib.txt`; returns the line count (at most capacity), -1 with a message in
 * err when the file cannot be read or a line is malformed. */
int ref_q8_read_record(const char *path, ref_q8_record_line *lines, int capacity, char *err,
                       size_t err_size);

/* ---- The int8 model ------------------------------------------------------------------------- */

typedef struct ref_q8_model ref_q8_model;

/* Quantizes net (params in double: float weights widened) from the record's min/max. NULL, with
 * one line in err, on what the scheme calls a generation error (a record that does not list the
 * net's tensors in order, a range that is not finite, a bias outside int32, a multiplier too
 * large). */
ref_q8_model *ref_q8_build(const ref_net *net, const double *params, const ref_q8_record_line *record,
                           int count, char *err, size_t err_size);
void ref_q8_free(ref_q8_model *model);
/* One sample: xq[n0] -> yq[nL], integer arithmetic only. */
void ref_q8_infer(const ref_q8_model *model, const int8_t *xq, int8_t *yq);
/* The input's and the output's (scale, zero point). */
void ref_q8_io_params(const ref_q8_model *model, double *in_scale, int *in_zero_point,
                      double *out_scale, int *out_zero_point);
/* x quantized as the float wrapper does it (in double): clamp(round(x / s) + z, -128, 127). */
int8_t ref_q8_quantize(double x, double scale, int zero_point);

#endif
