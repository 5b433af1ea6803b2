/* batches.c: see batches.h. */
#include "batches.h"

#include <stdlib.h>
#include <string.h>

int batches_init(batches *b, const size_t *indices, size_t count, size_t size, batches_mode mode, uint32_t seed,
                 errbuf *e)
{
    memset(b, 0, sizeof *b);
    if (size == 0 || count == 0) {
        return errbuf_set(e, "no batches: %zu samples in batches of %zu", count, size);
    }
    if (mode == BATCHES_TRAIN && count < size) {
        return errbuf_set(e, "the training set has %zu samples, fewer than one batch of %zu (the spec's batch)", count,
                          size);
    }
    b->order = malloc(count * sizeof *b->order);
    if (!b->order) {
        return errbuf_set(e, "out of memory for %zu indices", count);
    }
    memcpy(b->order, indices, count * sizeof *b->order);
    b->count = count;
    b->size = size;
    b->mode = mode;
    b->next = count; /* nothing until batches_begin */
    rng_seed(&b->r, seed, RNG_STREAM_BATCHES);
    return 0;
}

void batches_begin(batches *b)
{
    if (b->mode == BATCHES_TRAIN) {
        rng_shuffle(&b->r, b->order, b->count);
    }
    b->next = 0;
}

size_t batches_next(batches *b, size_t *idx)
{
    size_t left = b->count - b->next;
    if (left == 0 || (b->mode == BATCHES_TRAIN && left < b->size)) {
        b->next = b->count;
        return 0;
    }
    size_t real = left < b->size ? left : b->size;
    memcpy(idx, b->order + b->next, real * sizeof *idx);
    for (size_t j = real; j < b->size; ++j) {
        idx[j] = idx[real - 1];
    }
    b->next += real;
    return real;
}

size_t batches_per_epoch(const batches *b)
{
    return b->mode == BATCHES_TRAIN ? b->count / b->size : (b->count + b->size - 1) / b->size;
}

void batches_free(batches *b)
{
    free(b->order);
    memset(b, 0, sizeof *b);
}
