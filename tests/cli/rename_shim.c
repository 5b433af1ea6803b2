/*
 * rename_shim.so, preloaded into gradc by cli_tests.sh (LD_PRELOAD) to reach the fallback swap:
 * renameat2 fails as on a file system without RENAME_EXCHANGE (EINVAL). With
 * GRADC_SHIM_KILL_AT_PLACE=1 set, the process is also killed (SIGKILL) at the rename that would
 * move a staging folder into place, which is the moment between the fallback's two renames: the
 * previous output has been moved aside and the new one is not in yet.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, unsigned int flags)
{
    (void)olddirfd;
    (void)oldpath;
    (void)newdirfd;
    (void)newpath;
    (void)flags;
    errno = EINVAL;
    return -1;
}

int rename(const char *from, const char *to)
{
    int (*real_rename)(const char *, const char *);
    *(void **)&real_rename = dlsym(RTLD_NEXT, "rename");
    if (getenv("GRADC_SHIM_KILL_AT_PLACE") && strstr(from, ".gradc-new-") && !strstr(to, ".gradc-"))
        raise(SIGKILL);
    return real_rename(from, to);
}
