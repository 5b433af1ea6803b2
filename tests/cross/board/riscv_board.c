/*
 * Bare-metal startup and platform.h for QEMU's riscv32 virt machine (written for the cross tests;
 * no vendor code), for both RISC-V builds of `make cross`: rv32imf (single-precision FPU, ilp32f
 * ABI) and rv32imac (no FPU, ilp32). Run with -bios none: the hart starts in machine mode at
 * 0x80000000, where board/riscv_virt.ld puts _start.
 *
 * - _start: gp, sp, the trap vector, the FPU on when the build uses it; then board_start copies
 *   .data and the thread-local .tdata from "flash", zeroes .bss and .tbss, points tp at that
 *   thread-local block (picolibc's errno lives there), runs main and leaves with its status.
 * - Output and exit through RISC-V semihosting (ebreak between the two marker instructions; QEMU
 *   needs -semihosting-config). Any trap means a bug in the program under test: it is reported and
 *   the run fails, through virt's test device when semihosting itself is what trapped. The
 *   output and exit calls, startup's copy loops and the stack high-water mark are shared with
 *   board.c (board/board_common.h, board/board_stack.h).
 * - Instructions from the minstret CSR: under `-icount shift=0` QEMU derives it from its
 *   instruction count. Checked once against a loop of known length, as board.c calibrates
 *   SysTick, so that a run without -icount (where the CSR follows the host's clock) fails instead
 *   of printing a meaningless count.
 */
#include <stdint.h>

/* Symbols of board/riscv_virt.ld. */
extern uint32_t __data_load[], __data_start[], __data_end[], __bss_start[], __bss_end[];
extern uint32_t __tdata_load[], __tls_start[], __tdata_end[], __tls_end[];
extern uint32_t __stack_limit[];

int main(void);
void board_start(void);
void board_trap(void);
int board_semihost(int operation, const void *argument);

/* virt's SiFive test device: writing FINISHER_FAIL | status << 16 makes QEMU exit with status. */
#define VIRT_TEST_DEVICE (*(volatile uint32_t *)0x00100000u)
#define FINISHER_FAIL    0x3333u

#define MCAUSE_BREAKPOINT 3u

/* The CSR instructions are the Zicsr extension, which -march=rv32imf implies (F needs it) and
 * -march=rv32imac does not; naming it in -march would make GCC pick another multilib (picolibc's
 * default one, not rv32imac's), so it is enabled for these instructions alone. */
#define ZICSR_BEGIN ".option push\n\t.option arch, +zicsr\n\t"
#define ZICSR_END   "\n\t.option pop"
#define CSR_READ(csr, value) __asm__ volatile(ZICSR_BEGIN "csrr %0, " csr ZICSR_END : "=r"(value))

/* _start and the trap entry. The entry resets sp, so that a trap from a stack overflow can still
 * be reported; mtvec needs it 4-byte aligned (its low bits select the mode: 0, direct). A trap
 * while reporting one (mscratch, zeroed at the start, marks the first) ends the run through the
 * test device at once instead of trapping forever. Both are assembled without compressed
 * instructions, so that they run even where those are what trapped. */
__asm__(".section .text.start, \"ax\", @progbits\n"
        ".globl _start\n"
        "_start:\n"
        ".option push\n"
        ".option norvc\n"
        ".option norelax\n" /* gp itself must not be addressed relative to gp */
        "    la gp, __global_pointer$\n"
        "    la sp, __stack_top\n"
        "    la t0, board_trap_entry\n"
        ZICSR_BEGIN "csrw mtvec, t0\n\tcsrw mscratch, zero" ZICSR_END "\n"
#if defined(__riscv_flen)
        /* mstatus.FS = Initial: floating-point instructions trap until it is non-zero. */
        "    li t0, 0x2000\n"
        "    csrs mstatus, t0\n"
        "    csrwi fcsr, 0\n"
#endif
        "    call board_start\n"
        "1:  j 1b\n"
        ".option pop\n"
        /* Its own section: the linker keeps a section's alignment when it relaxes code before it. */
        ".section .text.board_trap_entry, \"ax\", @progbits\n"
        ".balign 4\n"
        "board_trap_entry:\n"
        ".option push\n"
        ".option norvc\n"
        ".option norelax\n"
        ".option arch, +zicsr\n"
        "    csrrwi t0, mscratch, 1\n"
        "    bnez t0, 3f\n"
        "    la sp, __stack_top\n"
        "    call board_trap\n"
        "3:  li t0, 0x00100000\n" /* VIRT_TEST_DEVICE */
        "    li t1, 0x00013333\n" /* FINISHER_FAIL | 1 << 16 */
        "    sw t1, 0(t0)\n"
        "4:  j 4b\n"
        ".option pop\n"
        ".text\n");

/* The semihosting call: a0 = operation, a1 = argument, result in a0. QEMU recognizes the ebreak
 * by the two uncompressed no-op shifts around it, which must lie on one page: align the three. */
__asm__(".section .text.board_semihost, \"ax\", @progbits\n"
        ".balign 16\n"
        ".globl board_semihost\n"
        "board_semihost:\n"
        ".option push\n"
        ".option norvc\n"
        "    slli zero, zero, 0x1f\n"
        "board_semihost_ebreak:\n"
        "    ebreak\n"
        "    srai zero, zero, 7\n"
        ".option pop\n"
        "    ret\n"
        ".text\n");
extern const char board_semihost_ebreak[];

#include "board_common.h"

void board_start(void)
{
    board_copy_words(__tdata_load, __tls_start, __tdata_end);
    board_zero_words(__tdata_end, __tls_end);
    board_copy_words(__data_load, __data_start, __data_end);
    board_zero_words(__bss_start, __bss_end);
    /* RISC-V's thread pointer addresses the block itself (no control block before it). */
    __asm__ volatile("mv tp, %0" : : "r"(__tls_start) : "memory");
    platform_exit(main());
}

static uint32_t csr_mcause(void)
{
    uint32_t value;
    CSR_READ("mcause", value);
    return value;
}

static uintptr_t csr_mepc(void)
{
    uintptr_t value;
    CSR_READ("mepc", value);
    return value;
}

static void write_hex(uint32_t value)
{
    char text[11] = "0x";
    for (size_t i = 0; i < 8; ++i) {
        text[2 + i] = "0123456789abcdef"[(value >> (28u - 4u * i)) & 0xFu];
    }
    text[10] = '\0';
    platform_write(text);
}

/* "board: trap, mcause 0x... mepc 0x...", without stdio. */
void board_trap(void)
{
    const uint32_t cause = csr_mcause();
    const uintptr_t pc = csr_mepc();
    if (cause == MCAUSE_BREAKPOINT && pc == (uintptr_t)board_semihost_ebreak) {
        /* Semihosting is off (no -semihosting-config): nothing can be printed. */
        VIRT_TEST_DEVICE = FINISHER_FAIL | (1u << 16);
    }
    platform_write("\nboard: trap, mcause ");
    write_hex(cause);
    platform_write(" mepc ");
    write_hex((uint32_t)pc);
    platform_write("\n");
    platform_exit(1);
}

/* ---- Instructions retired ---- */

static uint64_t minstret(void)
{
    uint32_t high, low, high_again;
    do {
        CSR_READ("minstreth", high);
        CSR_READ("minstret", low);
        CSR_READ("minstreth", high_again);
    } while (high != high_again);
    return (uint64_t)high << 32 | low;
}

/* Exactly 2 instructions per iteration. */
static void spin(uint32_t iterations)
{
    __asm__ volatile("1: addi %0, %0, -1\n\tbnez %0, 1b" : "+r"(iterations));
}

static int counter_checked;

/* Under -icount the CSR is QEMU's instruction count; without it, the host's clock. The loop must
 * take its known length (the few instructions around it aside), or the run fails. */
static void counter_check(void)
{
    const uint32_t iterations = 1000000u;
    const uint64_t slack = 16u;
    const uint64_t t0 = minstret();
    spin(iterations);
    const uint64_t counted = minstret() - t0;
    if (counted > 2u * iterations + slack || counted + slack < 2u * iterations) {
        platform_write("board: minstret does not count instructions: run QEMU with -icount shift=0\n");
        platform_exit(1);
    }
    counter_checked = 1;
}

uint64_t platform_instructions(void)
{
    if (!counter_checked) {
        counter_check();
    }
    return minstret();
}

#define BOARD_READ_STACK_POINTER "mv %0, sp"
#include "board_stack.h"
