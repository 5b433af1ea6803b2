/*
 * rng.h: the seeded random numbers behind the train/validation split and the batch order.
 *
 * splitmix64, with an unbiased bounded draw (rejection of the 2^64 mod n lowest values) and a
 * Fisher-Yates shuffle. All integer arithmetic, so the sequence is the same on every platform and
 * a few lines of Python reproduce it exactly (tests/train/compare_torch.py does, to give PyTorch
 * the same split and the same batch order).
 */
#ifndef GRADC_HOSTED_RNG_H
#define GRADC_HOSTED_RNG_H

#include <stddef.h>
#include <stdint.h>

/* Generator state; a plain value, copy it to replay a sequence. */
typedef struct {
    uint64_t state;
} rng;

/* Independent streams from one user seed: the split and the batch order must not share draws. */
enum { RNG_STREAM_SPLIT = 0, RNG_STREAM_BATCHES = 1 };

/* Seed a stream: state = stream << 32 | seed. */
void rng_seed(rng *r, uint32_t seed, uint32_t stream);

/* The next 64 random bits. */
uint64_t rng_next(rng *r);

/* Uniform in [0, n), n >= 1, without modulo bias. */
uint64_t rng_below(rng *r, uint64_t n);

/* Shuffle items[0..count) in place: for i = count-1 down to 1, swap items[i] and items[rng_below(i+1)]. */
void rng_shuffle(rng *r, size_t *items, size_t count);

#endif
