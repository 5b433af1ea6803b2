/*
 * Shared by the cross-test programs: fixed test vectors that are exact in float and double, results
 * printed as exact bits (one `label index f32|f64|i8 HEX` line each, so the target's output can be
 * compared with the host's), `# key value` lines for measurements, and the measurement itself.
 */
#ifndef CROSS_PROBE_H
#define CROSS_PROBE_H

#include <stddef.h>
#include <stdint.h>

#include "platform.h"

/* Inputs are multiples of 1/8 in [-2, 2] and targets are in {0, 1/4, 1/2, 3/4, 1}: exact in any
 * real type, valid for every loss (bce and ce accept any y in [0, 1]). float, so that a float
 * model's image needs no double conversion for them. */
float probe_input(uint32_t *state);
float probe_target(uint32_t *state);

/* One result, printed as the bits of the real at `value`, `bytes` bytes wide (4 or 8). Taking the
 * bits rather than a double keeps float-to-double conversions out of a float model's image. */
void probe_real(const char *label, size_t index, const void *value, size_t bytes);
/* One integer result of an int8 model (`label index i8 HEX`, two hex digits): compared exactly. */
void probe_int8(const char *label, size_t index, int8_t value);
void probe_info(const char *key, uint64_t value);
void probe_done(void); /* flush, and exit 0 */

/* Instructions per call of fn (loop overhead subtracted; several calls are averaged when one is
 * short), and the peak stack of one call in *stack_bytes (what fn pushes below its caller: the
 * measuring code's own frame is subtracted). fn may change state: it is called a few more times.
 * Zero on the host. */
uint64_t probe_measure(void (*fn)(void), size_t *stack_bytes);

#endif
