/*
 * The system calls newlib's malloc, stdio and abort end in. Only the reference-engine image needs
 * them (ref.c allocates, and reports misuse with fprintf + abort); --gc-sections drops them from
 * the gradc images, which call no library function that needs an operating system.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "../platform.h"

extern char __heap_start[], __stack_limit[];

/* Prototypes for the -Wmissing-prototypes-free build: newlib calls these by name. */
void *_sbrk(ptrdiff_t increment);
int _write(int fd, const char *buffer, int count);
int _read(int fd, char *buffer, int count);
int _close(int fd);
int _fstat(int fd, struct stat *st);
int _isatty(int fd);
int _lseek(int fd, int offset, int whence);
int _kill(int pid, int sig);
int _getpid(void);
void _exit(int status);

/* The heap runs from the end of .bss to the bottom of the stack reservation. */
static char *brk;

size_t platform_heap_used(void)
{
    return brk ? (size_t)(brk - __heap_start) : 0;
}

void *_sbrk(ptrdiff_t increment)
{
    if (!brk) {
        brk = __heap_start;
    }
    if (increment > __stack_limit - brk) {
        errno = ENOMEM;
        return (void *)-1;
    }
    char *previous = brk;
    brk += increment;
    return previous;
}

/* stdout and stderr both go to the semihosting console, in NUL-terminated pieces. */
int _write(int fd, const char *buffer, int count)
{
    (void)fd;
    char piece[65];
    int done = 0;
    while (done < count) {
        int n = count - done < 64 ? count - done : 64;
        for (int i = 0; i < n; ++i) {
            piece[i] = buffer[done + i] ? buffer[done + i] : ' ';
        }
        piece[n] = '\0';
        platform_write(piece);
        done += n;
    }
    return count;
}

int _read(int fd, char *buffer, int count)
{
    (void)fd, (void)buffer, (void)count;
    return 0;
}

int _close(int fd)
{
    (void)fd;
    return -1;
}

int _fstat(int fd, struct stat *st)
{
    (void)fd;
    st->st_mode = S_IFCHR;
    return 0;
}

int _isatty(int fd)
{
    (void)fd;
    return 1;
}

int _lseek(int fd, int offset, int whence)
{
    (void)fd, (void)offset, (void)whence;
    return 0;
}

int _kill(int pid, int sig)
{
    (void)pid, (void)sig;
    errno = EINVAL;
    return -1;
}

int _getpid(void)
{
    return 1;
}

void _exit(int status)
{
    platform_exit(status);
    for (;;) {
    }
}
