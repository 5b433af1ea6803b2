/*
 * What the cross-test programs need from the machine they run on. Implementations: board/board.c
 * (bare-metal Cortex-M4F and Cortex-M0 under QEMU: semihosting, SysTick), board/riscv_board.c
 * (bare-metal RISC-V under QEMU: semihosting, minstret), with what those two share in
 * board/board_common.h and board/board_stack.h, and host.c (stdio; no counters). The programs
 * themselves are the same source everywhere, so their printed results can be compared line by
 * line.
 */
#ifndef CROSS_PLATFORM_H
#define CROSS_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

/* Write a NUL-terminated text to the program's output. */
void platform_write(const char *text);

/* End the program with this status (0 = success). */
void platform_exit(int status);

/* 1 when instruction counts and stack marks are real (the target), 0 on the host. */
extern const int platform_measures;

/* Instructions executed since the first call, exact under `qemu -icount shift=0`; 0 on the host. */
uint64_t platform_instructions(void);

/* Fill the free stack below the caller with a pattern, then later report how many bytes below
 * that point were written since: a call's peak stack use, measured. 0 on the host. */
void platform_stack_paint(void);
size_t platform_stack_peak(void);

/* Bytes the heap has grown by (malloc's high-water mark, as sbrk sees it); 0 on the host. */
size_t platform_heap_used(void);

#endif
