/*
 * batches.h: mini-batches of a fixed size (the spec's batch, fixed at compile time) over a set of
 * sample indices.
 *
 * - BATCHES_TRAIN: every epoch starts with a Fisher-Yates shuffle of the order left by the
 *   previous epoch (rng stream RNG_STREAM_BATCHES of the seed, rng.h), then yields
 *   floor(count / size) full batches. The last count mod size samples of that order are DROPPED
 *   for the epoch: a train step always sees `size` real samples, so J keeps its 1/m meaning. As
 *   the order changes every epoch, a dropped sample is used in other epochs.
 * - BATCHES_EVAL: the indices in their given order, ceil(count / size) batches; the last one is
 *   PADDED by repeating its last real index and the caller MASKS the padding (batches_next says
 *   how many entries are real), so every sample is evaluated exactly once.
 */
#ifndef GRADC_HOSTED_BATCHES_H
#define GRADC_HOSTED_BATCHES_H

#include <stddef.h>
#include <stdint.h>

#include "errbuf.h"
#include "rng.h"

/* Shuffled and dropping the remainder, or in order and padded; see above. */
typedef enum { BATCHES_TRAIN, BATCHES_EVAL } batches_mode;

/* An iterator; owns a copy of the indices (batches_free). */
typedef struct {
    size_t *order;      /* the indices, in this epoch's order */
    size_t count;
    size_t size;        /* samples per batch */
    size_t next;        /* position in order of the next batch */
    batches_mode mode;
    rng r;
} batches;

/* Set up an iterator over indices[0..count) with batches of `size`. TRAIN needs count >= size.
 * 0 on success, else -1 with *e set. */
int batches_init(batches *b, const size_t *indices, size_t count, size_t size, batches_mode mode, uint32_t seed,
                 errbuf *e);

/* Start an epoch (TRAIN: shuffle). */
void batches_begin(batches *b);

/* Fill idx[0..size) with the next batch; returns how many of them are real samples (size, or
 * fewer for EVAL's padded last batch), 0 when the epoch is over. */
size_t batches_next(batches *b, size_t *idx);

/* Batches per epoch: floor(count / size) for TRAIN, ceil(count / size) for EVAL. */
size_t batches_per_epoch(const batches *b);

/* Free the iterator's copy of the indices. */
void batches_free(batches *b);

#endif
