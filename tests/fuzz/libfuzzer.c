/*
 * libFuzzer harness for the gradc host (make fuzz): each input is written to a spec file and run
 * through gradc_run("--check", file), in process, under ASan and UBSan. The host may only ever
 * return 0 (accepted) or 1 (a user error); anything else, a crash, a leak or undefined behaviour is
 * a finding.
 *
 * The binary must live at <root>/X/Y/<binary> (tests/build/gradc_libfuzzer): the host finds the
 * project root, and with it the generator's Lua modules, three path components above /proc/self/exe.
 * The spec file lives in a fresh folder under $TMPDIR (make fuzz points it into tests/build/fuzz/).
 *
 * Known limits: only this file and gen/host.c are instrumented (Lua comes from Debian's static
 * liblua5.4.a), so coverage guidance sees little beyond the host; the generator's logic is reached
 * through the seed corpus and the dictionary. An input that keeps a C function busy (a pattern
 * match with heavy backtracking) makes the host's CPU timer end the process with _exit(1) after
 * 2 s: libFuzzer then stops without a report (fork mode, as make fuzz runs it, restarts the job).
 */
#define _DEFAULT_SOURCE /* mkdtemp */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host.h"

static char work_dir[4096];
static char spec_path[4096 + 16];

static void remove_work_dir(void)
{
    unlink(spec_path);
    rmdir(work_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *tmp = getenv("TMPDIR");
    snprintf(work_dir, sizeof work_dir, "%s/gradc-libfuzzer-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(work_dir)) {
        perror("gradc_libfuzzer: mkdtemp");
        exit(2);
    }
    snprintf(spec_path, sizeof spec_path, "%s/spec.lua", work_dir);
    atexit(remove_work_dir);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *f = fopen(spec_path, "wb");
    if (!f) {
        perror("gradc_libfuzzer: fopen");
        abort();
    }
    if (size > 0 && fwrite(data, 1, size, f) != size) {
        perror("gradc_libfuzzer: fwrite");
        abort();
    }
    fclose(f);

    char arg0[] = "gradc_libfuzzer", arg1[] = "--check";
    char *argv[] = {arg0, arg1, spec_path, NULL};
    int status = gradc_run(3, argv);
    if (status != 0 && status != 1) {
        fprintf(stderr, "gradc_libfuzzer: gradc_run returned %d (only 0 or 1 are allowed)\n", status);
        abort();
    }
    return 0;
}
