/* rng.c: see rng.h. */
#include "rng.h"

void rng_seed(rng *r, uint32_t seed, uint32_t stream)
{
    r->state = (uint64_t)stream << 32 | seed;
}

uint64_t rng_next(rng *r)
{
    uint64_t z = (r->state += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

uint64_t rng_below(rng *r, uint64_t n)
{
    /* 2^64 mod n: rejecting draws below it leaves a multiple of n equally likely values. */
    uint64_t threshold = (0 - n) % n;
    uint64_t x;
    do {
        x = rng_next(r);
    } while (x < threshold);
    return x % n;
}

void rng_shuffle(rng *r, size_t *items, size_t count)
{
    for (size_t i = count; i > 1; --i) {
        size_t j = (size_t)rng_below(r, (uint64_t)i);
        size_t t = items[i - 1];
        items[i - 1] = items[j];
        items[j] = t;
    }
}
