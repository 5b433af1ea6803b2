/* split.c: see split.h. */
#include "split.h"

#include <stdlib.h>
#include <string.h>

#include "rng.h"

static int compare_index(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

int split_make(split *s, size_t count, unsigned percent, uint32_t seed, errbuf *e)
{
    memset(s, 0, sizeof *s);
    if (percent < 1 || percent > 90) {
        return errbuf_set(e, "validation share %u%% is out of range (expected 1..90)", percent);
    }
    if (count > (size_t)-1 / 100) {
        return errbuf_set(e, "%zu samples are too many to split", count);
    }
    size_t n_val = (count * percent + 50) / 100;
    if (n_val == 0 || n_val == count) {
        return errbuf_set(e, "%zu samples are too few to hold out %u%% for validation and keep the rest for training",
                          count, percent);
    }
    size_t *order = malloc(count * sizeof *order);
    if (!order) {
        return errbuf_set(e, "out of memory splitting %zu samples", count);
    }
    for (size_t i = 0; i < count; ++i) {
        order[i] = i;
    }
    rng r;
    rng_seed(&r, seed, RNG_STREAM_SPLIT);
    rng_shuffle(&r, order, count);
    /* One allocation holds both lists: val first, then train; split_free frees it through val. */
    qsort(order, n_val, sizeof *order, compare_index);
    qsort(order + n_val, count - n_val, sizeof *order, compare_index);
    s->val = order;
    s->n_val = n_val;
    s->train = order + n_val;
    s->n_train = count - n_val;
    return 0;
}

void split_free(split *s)
{
    free(s->val);
    memset(s, 0, sizeof *s);
}
