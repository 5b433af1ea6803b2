/*
 * The RISC-V board's own measurements, checked against calls of known cost (selftest.sh): a call
 * that writes a 1 KiB buffer on its stack must measure at least that much stack, and a loop of
 * exactly 2 * SPIN_ITERATIONS instructions must count that many (give or take the call's own few).
 * With -DBOARD_CHECK_TRAP it stores to an address where virt has nothing instead: the board must
 * report the trap and fail the run, not hang.
 */
#include "probe.h"

#define KNOWN_STACK_BYTES 1024u
#define SPIN_ITERATIONS 5000u

static volatile uint32_t sink;

static void known_stack(void)
{
    volatile uint8_t buffer[KNOWN_STACK_BYTES];
    for (size_t i = 0; i < KNOWN_STACK_BYTES; ++i) {
        buffer[i] = (uint8_t)i;
    }
    sink = buffer[KNOWN_STACK_BYTES - 1];
}

static void known_instructions(void)
{
    uint32_t iterations = SPIN_ITERATIONS;
    __asm__ volatile("1: addi %0, %0, -1\n\tbnez %0, 1b" : "+r"(iterations));
}

int main(void)
{
#if defined(BOARD_CHECK_TRAP)
    volatile uint32_t *volatile nowhere = (volatile uint32_t *)(uintptr_t)0x4u;
    *nowhere = 1u;
#endif
    size_t stack = 0;
    (void)probe_measure(known_stack, &stack);
    probe_info("known_stack_bytes", KNOWN_STACK_BYTES);
    probe_info("measured_stack_bytes", stack);
    probe_info("known_instructions", 2u * SPIN_ITERATIONS);
    probe_info("measured_instructions", probe_measure(known_instructions, &stack));
    probe_done();
    return 0;
}
