/*
 * What every QEMU machine of the cross tests does the same way: output and exit through
 * semihosting, and startup's copying of initialized data (the stack high-water mark, likewise
 * shared, is board_stack.h). Each machine's board file (board.c: Cortex-M; riscv_board.c:
 * RISC-V) keeps only what differs: the semihosting trap itself, startup, faults and the
 * instruction counter.
 *
 * Not an ordinary header: it defines functions, and exactly one board file includes it, after
 * defining int board_semihost(int operation, const void *argument), the machine's semihosting
 * call. Included rather than linked so that each board stays one translation unit, in which the
 * compiler sees and emits the same code, in the same order, as when all of it was written out in
 * each file: the instruction counts the cross tests print include the measuring calls' own
 * instructions, and on RISC-V the linker's relaxation makes code depend on where it is placed.
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

#endif
