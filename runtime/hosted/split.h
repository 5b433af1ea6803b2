/*
 * split.h: the seeded train/validation split.
 *
 * The validation set is round(count * percent / 100) samples (halves round up), chosen as the
 * first ones of a Fisher-Yates shuffle of 0..count-1 with rng stream RNG_STREAM_SPLIT of `seed`
 * (rng.h); the rest is the training set. Both lists are then sorted ascending, so they read as
 * row numbers and the batch order does not depend on how the split was drawn.
 */
#ifndef GRADC_HOSTED_SPLIT_H
#define GRADC_HOSTED_SPLIT_H

#include <stddef.h>
#include <stdint.h>

#include "errbuf.h"

/* The default share held out for validation, in percent. */
#define SPLIT_DEFAULT_PERCENT 20u

/* Two disjoint sets of sample indices that together cover 0..count-1; owned (split_free). */
typedef struct {
    size_t *train;
    size_t n_train;
    size_t *val;
    size_t n_val;
} split;

/* Split `count` samples, holding out `percent` (1..90) of them. Both sets must come out non-empty.
 * 0 on success, else -1 with *e set and *s empty. */
int split_make(split *s, size_t count, unsigned percent, uint32_t seed, errbuf *e);

/* Free the index lists; safe on an empty or already freed split. */
void split_free(split *s);

#endif
