/* See probe.h. No stdio: the target image stays small and needs no system calls. */
#include "probe.h"

#include <string.h>

/* 32-bit LCG (Numerical Recipes constants); the high bits are the good ones. */
static uint32_t next(uint32_t *state)
{
    *state = *state * 1664525u + 1013904223u;
    return *state >> 16;
}

float probe_input(uint32_t *state)
{
    return (float)((int)(next(state) % 33u) - 16) / 8.0f;
}

float probe_target(uint32_t *state)
{
    return (float)(next(state) % 5u) / 4.0f;
}

/* Output is gathered into a buffer: one semihosting call per 256 bytes, not per number. */
static char out[256];
static size_t out_used;

static void flush(void)
{
    if (out_used) {
        out[out_used] = '\0';
        platform_write(out);
        out_used = 0;
    }
}

static void put(const char *text)
{
    size_t n = strlen(text);
    if (out_used + n >= sizeof out) {
        flush();
    }
    memcpy(out + out_used, text, n);
    out_used += n;
}

/* Decimal or hex digits of value into text (NUL-terminated), at least `width` digits. */
static void digits(char *text, uint64_t value, unsigned base, int width)
{
    char reversed[24];
    int n = 0;
    do {
        reversed[n++] = "0123456789abcdef"[value % base];
        value /= base;
    } while (value || n < width);
    for (int i = 0; i < n; ++i) {
        text[i] = reversed[n - 1 - i];
    }
    text[n] = '\0';
}

void probe_real(const char *label, size_t index, const void *value, size_t bytes)
{
    char number[24];
    uint64_t bits;
    if (bytes == 4) {
        uint32_t bits32;
        memcpy(&bits32, value, sizeof bits32);
        bits = bits32;
    } else {
        memcpy(&bits, value, sizeof bits);
    }
    put(label);
    put(" ");
    digits(number, index, 10, 1);
    put(number);
    put(bytes == 4 ? " f32 " : " f64 ");
    digits(number, bits, 16, bytes == 4 ? 8 : 16);
    put(number);
    put("\n");
}

void probe_int8(const char *label, size_t index, int8_t value)
{
    char number[24];
    put(label);
    put(" ");
    digits(number, index, 10, 1);
    put(number);
    put(" i8 ");
    digits(number, (uint8_t)value, 16, 2);
    put(number);
    put("\n");
}

void probe_info(const char *key, uint64_t value)
{
    char number[24];
    digits(number, value, 10, 1);
    put("# ");
    put(key);
    put(" ");
    put(number);
    put("\n");
}

void probe_done(void)
{
    flush();
    platform_exit(0);
}

static void nothing(void)
{
}

/* Calls through a volatile pointer: the compiler can neither inline nor drop them. */
static uint64_t run(void (*fn)(void), uint32_t calls)
{
    void (*volatile call)(void) = fn;
    const uint64_t start = platform_instructions();
    for (uint32_t i = 0; i < calls; ++i) {
        call();
    }
    return platform_instructions() - start;
}

/* Enough calls for about 2 million instructions, so the 40-instruction tick is noise. */
#define MEASURE_BUDGET 2000000u
#define MEASURE_MAX_CALLS 1000u

/* One call through a volatile pointer and nothing else, so that the stack below it is fn's. */
static void call_once(void (*fn)(void))
{
    void (*volatile call)(void) = fn;
    call();
}

/* Peak stack of one call of fn, less that of calling a function that does nothing: what fn (and
 * what it calls) pushes, the measuring code's own frame not counted. */
static size_t stack_of(void (*fn)(void))
{
    platform_stack_paint();
    call_once(fn);
    const size_t peak = platform_stack_peak();
    platform_stack_paint();
    call_once(nothing);
    const size_t baseline = platform_stack_peak();
    return peak > baseline ? peak - baseline : 0;
}

uint64_t probe_measure(void (*fn)(void), size_t *stack_bytes)
{
    if (!platform_measures) {
        *stack_bytes = 0;
        return 0;
    }
    (void)platform_instructions(); /* calibrates the counter on first use */
    *stack_bytes = stack_of(fn);
    const uint64_t once = run(fn, 1);
    uint32_t calls = once ? (uint32_t)(MEASURE_BUDGET / once) : MEASURE_MAX_CALLS;
    calls = calls < 1u ? 1u : (calls > MEASURE_MAX_CALLS ? MEASURE_MAX_CALLS : calls);
    const uint64_t overhead = run(nothing, calls);
    const uint64_t total = run(fn, calls);
    return total > overhead ? (total - overhead + calls / 2u) / calls : 0;
}
