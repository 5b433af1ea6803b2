/*
 * The half of platform.h that is the same on every QEMU machine of the cross tests: output and
 * exit through semihosting, startup's copying of initialized data, and the stack high-water mark.
 * Only the per-machine parts stay in each machine's board file (board.c: Cortex-M; riscv_board.c:
 * RISC-V): the semihosting trap itself, reading the stack pointer, startup, faults and the
 * instruction counter.
 *
 * Not an ordinary header: it defines functions, and exactly one board file includes it, after
 * defining
 *   int board_semihost(int operation, const void *argument)  the machine's semihosting call
 *   BOARD_READ_STACK_POINTER  the assembly that copies sp into operand %0
 * and declaring __stack_limit[] (the lowest word of the stack reservation, from its linker
 * script). Included rather than linked so that each board stays one translation unit: the
 * compiler sees, and emits, the same code as when all of it was written out in each file (the
 * instruction counts printed by the cross tests include the measuring calls' own instructions).
 */
#ifndef CROSS_BOARD_COMMON_H
#define CROSS_BOARD_COMMON_H

#include <stdint.h>

#include "../platform.h"

/* ---- Semihosting: the operations and exit reasons (the same numbers on Arm and RISC-V) ---- */

#define SYS_WRITE0 0x04
#define SYS_EXIT   0x18
#define ADP_APPLICATION_EXIT 0x20026 /* QEMU exits 0 */
#define ADP_RUNTIME_ERROR    0x20023 /* QEMU exits 1 */

const int platform_measures = 1;

void platform_write(const char *text)
{
    (void)board_semihost(SYS_WRITE0, text);
}

void platform_exit(int status)
{
    /* On 32-bit Arm and on RV32, SYS_EXIT takes the reason code itself, not a parameter block. */
    (void)board_semihost(SYS_EXIT, (const void *)(uintptr_t)(status == 0 ? ADP_APPLICATION_EXIT
                                                                           : ADP_RUNTIME_ERROR));
    for (;;) {
    }
}

/* ---- Startup: a section's initial words from its load image in flash, or zeros ---- */

static void board_copy_words(const uint32_t *src, uint32_t *dst, const uint32_t *end)
{
    while (dst < end) {
        *dst++ = *src++;
    }
}

static void board_zero_words(uint32_t *dst, const uint32_t *end)
{
    while (dst < end) {
        *dst++ = 0;
    }
}

/* ---- Stack high-water mark ---- */

#define STACK_PATTERN 0xA5A5A5A5u

static uint32_t *paint_top;

static uint32_t *stack_pointer(void)
{
    uint32_t *sp;
    __asm__ volatile(BOARD_READ_STACK_POINTER : "=r"(sp));
    return sp;
}

void platform_stack_paint(void)
{
    paint_top = stack_pointer();
    for (volatile uint32_t *p = __stack_limit; p < paint_top; ++p) {
        *p = STACK_PATTERN;
    }
}

size_t platform_stack_peak(void)
{
    const uint32_t *p = __stack_limit;
    while (p < paint_top && *p == STACK_PATTERN) {
        ++p;
    }
    return (size_t)((const char *)paint_top - (const char *)p);
}

#endif
