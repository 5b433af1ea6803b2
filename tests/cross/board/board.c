/*
 * Bare-metal startup and platform.h for the two QEMU machines of the cross tests (written for
 * them; no vendor code). Both are plain Arm M-profile cores with the architecture's SysTick:
 * - mps2-an386 (Arm MPS2 board, AN386 FPGA image): one Cortex-M4 with the single-precision FPU,
 *   25 MHz; memory map in board/mps2_an386.ld.
 * - microbit (BBC micro:bit, Nordic nRF51822): one Cortex-M0 (ARMv6-M, no FPU), 16 MHz; memory
 *   map in board/microbit.ld. Nothing of the nRF51's own peripherals is used.
 *
 * - Vector table and reset handler: copy .data from flash to RAM, zero .bss, turn the FPU on (when
 *   the build uses it), run main, and leave QEMU with main's status.
 * - Output and exit through Arm semihosting (`bkpt 0xAB`; QEMU needs -semihosting-config).
 *   That, startup's copy loops and the stack high-water mark are shared with riscv_board.c
 *   (board/board_common.h, board/board_stack.h): this file supplies the semihosting call and the
 *   instruction that reads sp.
 * - An instruction counter from SysTick: under `-icount shift=0` QEMU's virtual clock advances
 *   1 ns per instruction and SysTick counts the CPU clock, so one tick is 40 instructions on the
 *   MPS2 (25 MHz) and 62.5 on the micro:bit (16 MHz). The ratio is calibrated against a loop of
 *   known length instead of assumed, in 1/256 instruction (exact for both clocks).
 */
#include <stdint.h>

/* Symbols of board/mps2_an386.ld. */
extern uint32_t __data_load[], __data_start[], __data_end[], __bss_start[], __bss_end[];
extern uint32_t __stack_top[], __stack_limit[];

int main(void);

#define REG32(address) (*(volatile uint32_t *)(address))
#define CPACR       REG32(0xE000ED88u) /* coprocessor access: CP10/CP11 are the FPU */
#define ICSR        REG32(0xE000ED04u) /* bit 26: SysTick exception pending */
#define SYST_CSR    REG32(0xE000E010u)
#define SYST_RVR    REG32(0xE000E014u)
#define SYST_CVR    REG32(0xE000E018u)
#define SYST_RELOAD 0x00FFFFFFu        /* the counter is 24 bits wide */

/* Arm semihosting: operation in r0, argument in r1, result in r0. */
static int board_semihost(int operation, const void *argument)
{
    register int r0 __asm__("r0") = operation;
    register const void *r1 __asm__("r1") = argument;
    __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

#include "board_common.h"

void reset_handler(void)
{
#if defined(__ARM_FP)
    /* Full access to CP10 and CP11 before any floating-point instruction, then make it visible.
     * (A soft-float build, such as the Cortex-M0's, has no FPU to turn on: ARMv6-M has no CPACR.) */
    CPACR |= 0xFu << 20;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
    board_copy_words(__data_load, __data_start, __data_end);
    board_zero_words(__bss_start, __bss_end);
    platform_exit(main());
}

/* Any fault means a bug in the program under test: say which and fail, rather than hang. */
static void fault_handler(void)
{
    platform_write("\nboard: fault exception (HardFault, MemManage, BusFault or UsageFault)\n");
    platform_exit(1);
}

static void unexpected_handler(void)
{
    platform_write("\nboard: unexpected exception\n");
    platform_exit(1);
}

/* ---- SysTick as a 64-bit counter: the handler counts wraps of the 24-bit down-counter. ---- */

static volatile uint32_t systick_wraps;

static void systick_handler(void)
{
    systick_wraps++;
}

/* Ticks since SysTick was started. A wrap that happened but whose exception has not been taken
 * yet is seen as the pending bit, read with interrupts off so the three reads agree. */
static uint64_t systick_ticks(void)
{
    __asm__ volatile("cpsid i" ::: "memory");
    uint32_t wraps = systick_wraps;
    uint32_t value = SYST_CVR;
    if (ICSR & (1u << 26)) {
        wraps++;
        value = SYST_CVR;
    }
    __asm__ volatile("cpsie i" ::: "memory");
    return (uint64_t)wraps * (SYST_RELOAD + 1u) + (SYST_RELOAD - value);
}

/* Exactly 2 instructions per iteration (subs, bne). GCC hands a Thumb-1 (ARMv6-M) build's inline
 * assembly to the assembler in divided syntax, where the flag-setting 16-bit subtract is `sub`. */
#if defined(__thumb2__)
#define SPIN_DECREMENT "subs %0, %0, #1"
#else
#define SPIN_DECREMENT "sub %0, #1"
#endif
static void spin(uint32_t iterations)
{
    __asm__ volatile("1: " SPIN_DECREMENT "\n\tbne 1b" : "+r"(iterations) : : "cc");
}

/* Instructions per SysTick tick, times 256. */
static uint32_t instructions_per_256_ticks;

static void counter_start(void)
{
    SYST_RVR = SYST_RELOAD;
    SYST_CVR = 0;
    SYST_CSR = 0x7u; /* processor clock, exception on wrap, enable */
    spin(100u);      /* the counter starts at 0 and reloads on its first tick: count from after */
    const uint32_t iterations = 1000000u;
    const uint64_t t0 = systick_ticks();
    spin(iterations);
    const uint32_t ticks = (uint32_t)(systick_ticks() - t0);
    instructions_per_256_ticks = ticks ? (256u * 2u * iterations + ticks / 2u) / ticks : 0u;
    /* Without -icount the clock follows the host and the count would mean nothing: the loop must
     * take its known length to within two ticks. */
    const uint64_t expected = ((uint64_t)instructions_per_256_ticks * ticks) >> 8;
    const uint64_t slack = (2u * (uint64_t)instructions_per_256_ticks) >> 8;
    if (instructions_per_256_ticks == 0 || expected > 2u * iterations + slack
        || expected + slack < 2u * iterations) {
        platform_write("board: SysTick does not count instructions: run QEMU with -icount shift=0\n");
        platform_exit(1);
    }
}

uint64_t platform_instructions(void)
{
    if (instructions_per_256_ticks == 0) {
        counter_start();
    }
    return (systick_ticks() * instructions_per_256_ticks) >> 8;
}

#define BOARD_READ_STACK_POINTER "mov %0, sp"
#include "board_stack.h"

/* ---- Vector table: the initial stack pointer, then the 15 system exceptions (ARMv6-M, the
 * Cortex-M0's architecture, reserves 4-6 and 12: those entries are never taken there). ---- */

typedef void (*handler)(void);

struct vector_table {
    uint32_t *initial_sp;
    handler exceptions[15];
};

__attribute__((section(".vectors"), used)) static const struct vector_table vectors = {
    __stack_top,
    {
        reset_handler,      /* 1 reset */
        unexpected_handler, /* 2 NMI */
        fault_handler,      /* 3 HardFault */
        fault_handler,      /* 4 MemManage */
        fault_handler,      /* 5 BusFault */
        fault_handler,      /* 6 UsageFault */
        0, 0, 0, 0,         /* 7-10 reserved */
        unexpected_handler, /* 11 SVCall */
        unexpected_handler, /* 12 DebugMonitor */
        0,                  /* 13 reserved */
        unexpected_handler, /* 14 PendSV */
        systick_handler,    /* 15 SysTick */
    },
};
