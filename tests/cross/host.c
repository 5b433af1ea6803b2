/* platform.h on the host: stdout and exit(); nothing is measured here. */
#include <stdio.h>
#include <stdlib.h>

#include "platform.h"

const int platform_measures = 0;

void platform_write(const char *text)
{
    fputs(text, stdout);
}

void platform_exit(int status)
{
    fflush(stdout);
    exit(status);
}

uint64_t platform_instructions(void)
{
    return 0;
}

void platform_stack_paint(void)
{
}

size_t platform_stack_peak(void)
{
    return 0;
}

size_t platform_heap_used(void)
{
    return 0;
}
