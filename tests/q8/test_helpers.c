/*
 * test_helpers.c: the requantization helpers of a generated <name>_q8.c (static functions: the
 * file is included here) against independent arithmetic on edge and pseudo-random values:
 *   SRDHM(a, b) = floor((a b + 2^30) / 2^31), saturated (computed with an arithmetic shift of the
 *                 64-bit product, not the generated nudge-and-divide);
 *   RDBP(x, n)  = sign(x) floor((|x| + 2^(n-1)) / 2^n) on the magnitude as uint64;
 *   requantize  = RDBP(SRDHM(sat(x 2^left), q), right);
 *   scale       = the same, in its domain (shift <= -1, |x| < 2^30, q > 0);
 *   average     = sign(sum) floor((|sum| + n/2) / n);
 *   clamp(offset(r, z), low) = r + z (exact, in int64) clamped to [low, 127].
 * Built with -DNET=name -DQ8_SOURCE='"path/name_q8.c"' and the model's folder on the include path;
 * a file holds only the helpers its layers call, which -DHAS_REQUANTIZE (srdhm, rdbp, requantize),
 * -DHAS_SCALE, -DHAS_OFFSET and -DHAS_AVERAGE say.
 */
#include <stdint.h>
#include <stdio.h>

#include Q8_SOURCE

#define PASTE(a, b) a##b
#define NAME(a, b) PASTE(a, b)

static int failures, checks;

static void expect(int64_t got, int64_t expected, const char *what, int64_t a, int64_t b)
{
    ++checks;
    if (got != expected) {
        if (++failures <= 20)
            printf("FAIL %s(%lld, %lld): got %lld, expected %lld\n", what, (long long)a, (long long)b,
                   (long long)got, (long long)expected);
    }
}

static int64_t floor_shift(int64_t v, int n) /* floor(v / 2^n) without >> on a negative value */
{
    const int64_t d = INT64_C(1) << n;
    int64_t q = v / d;
    if (v % d != 0 && v < 0)
        --q;
    return q;
}

static int64_t srdhm_independent(int64_t a, int64_t b)
{
    const int64_t r = floor_shift(a * b + (INT64_C(1) << 30), 31);
    return r > INT32_MAX ? INT32_MAX : r;
}

static int64_t rdbp_independent(int64_t x, int n)
{
    if (n == 0)
        return x;
    const uint64_t magnitude = (uint64_t)(x < 0 ? -x : x);
    const int64_t r = (int64_t)((magnitude + (UINT64_C(1) << (n - 1))) >> n);
    return x < 0 ? -r : r;
}

static int64_t requantize_independent(int64_t x, int64_t q, int shift)
{
    int64_t scaled = shift > 0 ? x * (INT64_C(1) << shift) : x;
    scaled = scaled > INT32_MAX ? INT32_MAX : scaled < INT32_MIN ? INT32_MIN : scaled;
    return rdbp_independent(srdhm_independent(scaled, q), shift > 0 ? 0 : -shift);
}

static uint64_t state = 88172645463325252u;
static int32_t next_int32(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return (int32_t)(uint32_t)(state >> 32);
}

int main(void)
{
    static const int32_t edges[] = {INT32_MIN, INT32_MIN + 1, -(1 << 30) - 1, -(1 << 30), -3, -2, -1,
                                    0, 1, 2, 3, 1 << 30, (1 << 30) + 1, INT32_MAX - 1, INT32_MAX};
    const int count = (int)(sizeof edges / sizeof edges[0]);
    (void)count;
#ifdef HAS_REQUANTIZE
    for (int i = 0; i < count; ++i) {
        for (int j = 0; j < count; ++j)
            expect(NAME(NET, _q8_srdhm)(edges[i], edges[j]), srdhm_independent(edges[i], edges[j]),
                   "srdhm", edges[i], edges[j]);
        for (int n = 0; n < 32; ++n)
            expect(NAME(NET, _q8_rdbp)(edges[i], n), rdbp_independent(edges[i], n), "rdbp", edges[i], n);
        for (int shift = -31; shift <= 30; ++shift)
            for (int j = 0; j < count; ++j)
                if (edges[j] >= 0)
                    expect(NAME(NET, _q8_requantize)(edges[i], edges[j], shift),
                           requantize_independent(edges[i], edges[j], shift), "requantize", edges[i],
                           (int64_t)edges[j] * 100 + shift);
    }
    for (int k = 0; k < 200000; ++k) {
        const int32_t a = next_int32(), b = next_int32();
        const int n = (int)((uint32_t)b & 31u);
        const int shift = (int)((uint32_t)a % 62u) - 31;
        const int32_t q = (int32_t)((uint32_t)b >> 1); /* multipliers are non-negative */
        expect(NAME(NET, _q8_srdhm)(a, b), srdhm_independent(a, b), "srdhm", a, b);
        expect(NAME(NET, _q8_rdbp)(a, n), rdbp_independent(a, n), "rdbp", a, n);
        expect(NAME(NET, _q8_requantize)(a >> (n & 15), q, shift),
               requantize_independent(a >> (n & 15), q, shift), "requantize", a >> (n & 15), q);
    }
    /* hand values: SRDHM ties round up, RDBP ties away from zero */
    expect(NAME(NET, _q8_srdhm)(-3, 1 << 30), -1, "srdhm", -3, 1 << 30);
    expect(NAME(NET, _q8_srdhm)(3, 1 << 30), 2, "srdhm", 3, 1 << 30);
    expect(NAME(NET, _q8_srdhm)(INT32_MIN, INT32_MIN), INT32_MAX, "srdhm", INT32_MIN, INT32_MIN);
    expect(NAME(NET, _q8_rdbp)(-3, 1), -2, "rdbp", -3, 1);
    expect(NAME(NET, _q8_rdbp)(3, 1), 2, "rdbp", 3, 1);
    expect(NAME(NET, _q8_requantize)(1 << 30, 1 << 30, 2), 1 << 30, "requantize", 1 << 30, 2);
#endif
#ifdef HAS_SCALE
    /* the short form in its domain: every shift, edge accumulators and multipliers, random ones,
     * and the ties (x q / 2^31 a half, then a half again after the shift) */
    {
        static const int32_t xs[] = {-(1 << 30) + 1, -(1 << 29), -65537, -3, -2, -1, 0, 1, 2, 3, 65537,
                                     1 << 29, (1 << 30) - 1};
        static const int32_t qs[] = {1, 2, 3, 1 << 30, (1 << 30) + 1, 1518500250, INT32_MAX - 1, INT32_MAX};
        for (size_t i = 0; i < sizeof xs / sizeof xs[0]; ++i)
            for (size_t j = 0; j < sizeof qs / sizeof qs[0]; ++j)
                for (int shift = -31; shift <= -1; ++shift)
                    expect(NAME(NET, _q8_scale)(xs[i], qs[j], shift), requantize_independent(xs[i], qs[j], shift),
                           "scale", xs[i], (int64_t)qs[j] * 100 + shift);
        for (int k = 0; k < 200000; ++k) {
            const int32_t a = next_int32(), b = next_int32();
            const int32_t x = a / 2; /* |x| < 2^30 */
            const int32_t q = (int32_t)(((uint32_t)b >> 1) | 1u);
            const int shift = -1 - (int)((uint32_t)b % 31u);
            expect(NAME(NET, _q8_scale)(x >> (k & 15), q, shift), requantize_independent(x >> (k & 15), q, shift),
                   "scale", x >> (k & 15), (int64_t)q * 100 + shift);
        }
        for (int n = 1; n <= 31; ++n) {
            /* SRDHM(2 x, 2^30) = x exactly: RDBP's ties, x = (2k + 1) 2^(n-1), from both sides */
            for (int32_t x = -41; x <= 41; ++x)
                expect(NAME(NET, _q8_scale)(x * 2, 1 << 30, -n), rdbp_independent(x, n), "scale", x * 2, n);
        }
        expect(NAME(NET, _q8_scale)(-3, 1 << 30, -1), -1, "scale", -3, -1); /* SRDHM -1 (tie up), RDBP -0.5 -> -1 */
        expect(NAME(NET, _q8_scale)(5, 1 << 30, -1), 2, "scale", 5, -1);    /* SRDHM 3, RDBP 1.5 -> 2 */
        expect(NAME(NET, _q8_scale)(-12, 1 << 30, -2), -2, "scale", -12, -2); /* SRDHM -6, RDBP -1.5 -> -2 */
    }
#endif
#ifdef HAS_AVERAGE
    for (int32_t sum = -1000; sum <= 1000; ++sum)
        for (int32_t n = 1; n <= 9; ++n) {
            const int32_t magnitude = sum < 0 ? -sum : sum;
            const int32_t r = (magnitude + n / 2) / n;
            expect(NAME(NET, _q8_average)(sum, n), sum < 0 ? -r : r, "average", sum, n);
        }
    expect(NAME(NET, _q8_average)(-5, 2), -3, "average", -5, 2);
#endif
    for (int32_t v = -300; v <= 300; ++v) {
        expect(NAME(NET, _q8_clamp)(v, -128), v < -128 ? -128 : v > 127 ? 127 : v, "clamp", v, -128);
        expect(NAME(NET, _q8_clamp)(v, -5), v < -5 ? -5 : v > 127 ? 127 : v, "clamp", v, -5);
    }
#ifdef HAS_OFFSET
    /* offset then clamp = the exact r + z clamped, for r anywhere in int32 (r + z computed in
     * int64 here; the generated sum of an unbounded r would leave int32 near its limits) */
    {
        const int32_t edges[] = {INT32_MIN, INT32_MIN + 1, INT32_MIN + 32, -1000000, -257, -256, -255,
                                 -129, -128, -1, 0, 1, 127, 128, 255, 256, 257, 1000000,
                                 INT32_MAX - 1, INT32_MAX};
        for (size_t e = 0; e < sizeof edges / sizeof edges[0]; ++e)
            for (int32_t z = -128; z <= 127; ++z) {
                const int32_t r = edges[e];
                const int32_t lows[] = {-128, z};
                for (int k = 0; k < 2; ++k) {
                    const int64_t exact = (int64_t)r + z;
                    const int64_t want = exact < lows[k] ? lows[k] : exact > 127 ? 127 : exact;
                    expect(NAME(NET, _q8_clamp)(NAME(NET, _q8_offset)(r, z), lows[k]), want, "offset+clamp", r, z);
                }
            }
    }
#endif
    printf("test_helpers: %d checks, %d failed\n", checks, failures);
    return failures != 0;
}
