/*
 * The stack high-water mark of platform.h, the same on every QEMU machine of the cross tests:
 * paint the free stack below the caller with a pattern, later find the lowest word overwritten.
 *
 * Not an ordinary header: it defines functions, and exactly one board file includes it (after its
 * instruction counter, where these functions were written out before, so that the object's code
 * and its order stay as they were; see board_common.h), after defining
 * BOARD_READ_STACK_POINTER, the assembly that copies sp into operand %0, and declaring
 * __stack_limit[], the lowest word of the stack reservation (from the machine's linker script).
 */
#ifndef CROSS_BOARD_STACK_H
#define CROSS_BOARD_STACK_H

#include <stddef.h>
#include <stdint.h>

#include "../platform.h"

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
