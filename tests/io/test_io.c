/*
 * Weights files: exact round trip, and every truncated, corrupted, foreign-architecture or
 * foreign-dtype file rejected with the parameters left unchanged; load reads the file once, so a
 * file that changes while it is read, or a FIFO, cannot corrupt the parameters; save on a full disk
 * leaves the old file as it was. Models: xor (float), xor_b1 and xor_b32 (same architecture, batch
 * 1 and 32), xor_f64 (same shapes, double), softmax (another architecture, double), wide (1.4 MB of
 * parameters: more than load stages on the stack).
 *
 * Linked with -Wl,--wrap=fread: __wrap_fread below changes the file under a running load.
 */
#define _GNU_SOURCE /* unshare and mount, for the tmpfs test (Linux); POSIX for the rest */

#include <dirent.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#if defined(__linux__)
#include <sched.h>
#include <sys/mount.h>
#endif
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "softmax.h"
#include "wide.h"
#include "xor.h"
#include "xor_b1.h"
#include "xor_b32.h"
#include "xor_f64.h"

static char path[256];
static char other_path[256];
static char fifo_path[256];
static char full_folder[256];  /* and full_folder/w.bin */
static char tmpfs_folder[256]; /* a mount point, in a child's mount namespace only */
static char full_target[300];

static int setup(void **state)
{
    (void)state;
    snprintf(path, sizeof path, "tests/build/io/weights-%ld.bin", (long)getpid());
    snprintf(other_path, sizeof other_path, "tests/build/io/other-%ld.bin", (long)getpid());
    snprintf(fifo_path, sizeof fifo_path, "tests/build/io/fifo-%ld", (long)getpid());
    snprintf(full_folder, sizeof full_folder, "tests/build/io/full-%ld", (long)getpid());
    snprintf(full_target, sizeof full_target, "%s/w.bin", full_folder);
    snprintf(tmpfs_folder, sizeof tmpfs_folder, "tests/build/io/tmpfs-%ld", (long)getpid());
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    remove(path);
    remove(other_path);
    remove(fifo_path);
    remove(full_target);
    remove(full_folder);
    remove(tmpfs_folder);
    return 0;
}

static long file_size(const char *name)
{
    FILE *f = fopen(name, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fclose(f);
    return size;
}

static void read_all(const char *name, unsigned char *bytes, long size)
{
    FILE *f = fopen(name, "rb");
    assert_non_null(f);
    assert_int_equal(fread(bytes, 1, (size_t)size, f), (size_t)size);
    fclose(f);
}

static void write_all(const char *name, const unsigned char *bytes, long size)
{
    FILE *f = fopen(name, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, (size_t)size, f), (size_t)size);
    fclose(f);
}

/* A parameter set with every bit pattern class: negative, tiny, subnormal-free randoms. */
static void fill_xor(xor_params *p, uint32_t seed)
{
    xor_init(p, seed);
    p->b1[0] = -0.0f;
    p->b1[1] = 1e-30f;
    p->b2[0] = 3.4e38f;
}

static void test_round_trip_is_exact(void **state)
{
    (void)state;
    xor_params saved, loaded;
    fill_xor(&saved, 11);
    assert_int_equal(xor_save(&saved, path), 0);
    assert_int_equal(file_size(path), 32 + XOR_PARAM_COUNT * 4 + 8);
    memset(&loaded, 0x55, sizeof loaded);
    assert_int_equal(xor_load(&loaded, path), 0);
    assert_memory_equal(&saved, &loaded, sizeof saved);

    softmax_params big, big_loaded;
    softmax_init(&big, 5);
    assert_int_equal(softmax_save(&big, other_path), 0);
    assert_int_equal(softmax_load(&big_loaded, other_path), 0);
    assert_memory_equal(&big, &big_loaded, sizeof big);
}

static void test_every_truncation_is_rejected(void **state)
{
    (void)state;
    xor_params saved, target, before;
    fill_xor(&saved, 12);
    assert_int_equal(xor_save(&saved, path), 0);
    const long size = file_size(path);
    unsigned char bytes[512];
    assert_true(size <= (long)sizeof bytes);
    read_all(path, bytes, size);
    xor_init(&target, 99);
    before = target;
    for (long cut = 0; cut < size; ++cut) {
        write_all(other_path, bytes, cut);
        if (xor_load(&target, other_path) == 0) {
            fail_msg("a file cut to %ld of %ld bytes was accepted", cut, size);
        }
        assert_memory_equal(&target, &before, sizeof before);
    }
    /* one byte too many is rejected as well */
    bytes[size] = 0;
    write_all(other_path, bytes, size + 1);
    assert_int_not_equal(xor_load(&target, other_path), 0);
    assert_memory_equal(&target, &before, sizeof before);
}

static void test_every_corrupted_byte_is_rejected(void **state)
{
    (void)state;
    xor_params saved, target, before;
    fill_xor(&saved, 13);
    assert_int_equal(xor_save(&saved, path), 0);
    const long size = file_size(path);
    unsigned char bytes[512];
    read_all(path, bytes, size);
    xor_init(&target, 98);
    before = target;
    for (long at = 0; at < size; ++at) {
        for (int bit = 0; bit < 8; bit += 3) {
            bytes[at] ^= (unsigned char)(1u << bit);
            write_all(other_path, bytes, size);
            if (xor_load(&target, other_path) == 0) {
                fail_msg("a file with bit %d of byte %ld flipped was accepted", bit, at);
            }
            assert_memory_equal(&target, &before, sizeof before);
            bytes[at] ^= (unsigned char)(1u << bit);
        }
    }
}

static void test_foreign_architecture_and_dtype_are_rejected(void **state)
{
    (void)state;
    softmax_params other;
    softmax_init(&other, 3);
    assert_int_equal(softmax_save(&other, other_path), 0);
    xor_params target, before;
    xor_init(&target, 97);
    before = target;
    assert_int_equal(xor_load(&target, other_path), -2);
    assert_memory_equal(&target, &before, sizeof before);

    xor_f64_params wide;
    xor_f64_init(&wide, 3);
    assert_int_equal(xor_f64_save(&wide, other_path), 0);
    assert_int_equal(xor_load(&target, other_path), -2);
    assert_memory_equal(&target, &before, sizeof before);
    assert_int_not_equal(XOR_ARCH_HASH, XOR_F64_ARCH_HASH);
}

static void test_missing_file_is_an_error(void **state)
{
    (void)state;
    xor_params target, before;
    xor_init(&target, 96);
    before = target;
    assert_int_equal(xor_load(&target, "tests/build/io/no-such-file.bin"), -1);
    assert_memory_equal(&target, &before, sizeof before);
    assert_int_not_equal(xor_save(&target, "tests/build/io/no-such-folder/w.bin"), 0);
}

/* Batch, loss and optimizer are not part of the architecture: a file from the batch-4 training
 * build loads into the batch-1 deployment build and predicts the same. */
static void test_weights_load_across_batch_sizes(void **state)
{
    (void)state;
    xor_params trained;
    fill_xor(&trained, 14);
    trained.b2[0] = 0.25f;
    assert_int_equal(XOR_ARCH_HASH, XOR_B1_ARCH_HASH);
    assert_int_equal(xor_save(&trained, path), 0);
    xor_b1_params deployed;
    assert_int_equal(xor_b1_load(&deployed, path), 0);
    assert_memory_equal(&deployed, &trained, sizeof deployed);
    const xor_real x[2] = {0.5f, -1.0f};
    xor_real y_trained[1];
    xor_b1_real y_deployed[1];
    xor_predict(&trained, x, y_trained);
    xor_b1_predict(&deployed, x, y_deployed);
    assert_memory_equal(y_trained, y_deployed, sizeof y_trained);
}

/* The deployment path: train at batch 32 with train_step, save, load into the batch-1 build. */
static void test_trained_at_batch_32_loads_into_batch_1(void **state)
{
    (void)state;
    static xor_b32_params trained;
    static xor_b32_train_state s;
    xor_b32_real X[2 * 32], Y[32];
    for (int j = 0; j < 32; ++j) {
        X[j] = (xor_b32_real)(j & 1);
        X[32 + j] = (xor_b32_real)((j >> 1) & 1);
        Y[j] = (xor_b32_real)((j & 1) ^ ((j >> 1) & 1));
    }
    xor_b32_init(&trained, XOR_B32_INIT_SEED);
    xor_b32_train_state_init(&s);
    for (int step = 0; step < 200; ++step) {
        xor_b32_train_step(&trained, &s, X, Y);
    }
    assert_int_equal(xor_b32_save(&trained, path), 0);
    xor_b1_params deployed;
    assert_int_equal(xor_b1_load(&deployed, path), 0);
    assert_memory_equal(&deployed, &trained, sizeof deployed);
    for (int j = 0; j < 4; ++j) {
        const xor_b1_real x[2] = {X[j], X[32 + j]};
        xor_b1_real y[1];
        xor_b1_predict(&deployed, x, y);
        assert_true((y[0] > 0.5f) == (Y[j] > 0.5f)); /* and it learned XOR */
    }
}

/* The tests below run on xor (staged on the stack) and wide (copied to a temporary first), through
 * this table; every model's file is HEADER + parameters + 8 checksum bytes. */
typedef struct {
    const char *name;
    size_t bytes;
    void *saved, *other, *target, *before;
    int (*save)(const void *p, const char *path);
    int (*load)(void *p, const char *path);
    void (*init)(void *p, uint32_t seed);
} model;

static xor_params xor_saved, xor_other, xor_target, xor_before;
static wide_params wide_saved, wide_other, wide_target, wide_before;
static int save_xor(const void *p, const char *name) { return xor_save((const xor_params *)p, name); }
static int load_xor(void *p, const char *name) { return xor_load((xor_params *)p, name); }
static void init_xor(void *p, uint32_t seed) { xor_init((xor_params *)p, seed); }
static int save_wide(const void *p, const char *name) { return wide_save((const wide_params *)p, name); }
static int load_wide(void *p, const char *name) { return wide_load((wide_params *)p, name); }
static void init_wide(void *p, uint32_t seed) { wide_init((wide_params *)p, seed); }

static const model models[] = {
    {"xor", sizeof(xor_params), &xor_saved, &xor_other, &xor_target, &xor_before, save_xor, load_xor,
     init_xor},
    {"wide", sizeof(wide_params), &wide_saved, &wide_other, &wide_target, &wide_before, save_wide,
     load_wide, init_wide},
};
#define MODEL_COUNT (sizeof models / sizeof models[0])
#define MAX_FILE_BYTES (32 + sizeof(wide_params) + 8)

static unsigned char file_saved[MAX_FILE_BYTES + 1], file_other[MAX_FILE_BYTES + 1];

/* saved and other are two different parameter sets, target = before a third; file_saved and
 * file_other hold their files; `path` holds saved's file. Returns the file size. */
static long prepare(const model *m)
{
    m->init(m->saved, 21);
    m->init(m->other, 22);
    m->init(m->target, 23);
    memcpy(m->before, m->target, m->bytes);
    assert_int_equal(m->save(m->other, path), 0);
    const long size = file_size(path);
    assert_int_equal(size, (long)(32 + m->bytes + 8));
    read_all(path, file_other, size);
    assert_int_equal(m->save(m->saved, path), 0);
    read_all(path, file_saved, size);
    return size;
}

static void assert_unchanged(const model *m, int status, const char *what)
{
    if (memcmp(m->target, m->before, m->bytes) != 0) {
        fail_msg("%s: %s: load returned %d and changed the parameters", m->name, what, status);
    }
}

static void test_large_model_round_trip_and_rejections(void **state)
{
    (void)state;
    const model *m = &models[1];
    const long size = prepare(m);
    assert_true(WIDE_PARAMS_BYTES > 1048576); /* beyond the stack staging limit */
    assert_int_equal(m->load(m->target, path), 0);
    assert_memory_equal(m->target, m->saved, m->bytes);
    memcpy(m->target, m->before, m->bytes);

    const long cuts[] = {0, 1, 31, 32, 33, 4096, size / 2, size - 9, size - 8, size - 1};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; ++i) {
        write_all(other_path, file_saved, cuts[i]);
        const int status = m->load(m->target, other_path);
        assert_int_equal(status, -1);
        assert_unchanged(m, status, "truncated");
    }
    file_saved[size] = 0;
    write_all(other_path, file_saved, size + 1);
    assert_int_equal(m->load(m->target, other_path), -1);
    assert_unchanged(m, -1, "one trailing byte");

    const long flips[] = {0, 7, 8, 12, 16, 23, 24, 31, 32, size / 2, size - 9, size - 8, size - 1};
    for (size_t i = 0; i < sizeof flips / sizeof flips[0]; ++i) {
        file_saved[flips[i]] ^= 0x10;
        write_all(other_path, file_saved, size);
        const int status = m->load(m->target, other_path);
        assert_int_equal(status, flips[i] < 32 ? -2 : -3);
        assert_unchanged(m, status, "a flipped bit");
        file_saved[flips[i]] ^= 0x10;
    }

    xor_params small;
    xor_init(&small, 3);
    assert_int_equal(xor_save(&small, other_path), 0);
    assert_int_equal(m->load(m->target, other_path), -2);
    assert_unchanged(m, -2, "xor's file");
    assert_int_equal(xor_load(&small, path), -2);
}

/* __wrap_fread calls change_file on the file `path` names after the trigger_call-th fread from it
 * (or the first one that reaches its end), while the load that reads it is running. */
enum change { TRUNCATE_EMPTY, TRUNCATE_HEADER, TRUNCATE_HALF, TRUNCATE_TAIL, APPEND_BYTE,
              FLIP_PARAMETER, FLIP_CHECKSUM, REPLACE_WITH_OTHER, CHANGE_COUNT };
static const char *const change_names[] = {"truncated to 0", "truncated to 20", "truncated to half",
    "truncated by 1", "one byte appended", "a parameter bit flipped", "a checksum bit flipped",
    "replaced by another valid file"};

static struct {
    int armed, fired;
    dev_t device;
    ino_t inode;
    long calls, trigger_call, trigger_at_end;
    enum change change;
    long size;
} hook;

size_t __real_fread(void *bytes, size_t size, size_t count, FILE *stream);
size_t __wrap_fread(void *bytes, size_t size, size_t count, FILE *stream);

static void change_file(void)
{
    FILE *f;
    switch (hook.change) {
    case TRUNCATE_EMPTY: assert_int_equal(truncate(path, 0), 0); break;
    case TRUNCATE_HEADER: assert_int_equal(truncate(path, 20), 0); break;
    case TRUNCATE_HALF: assert_int_equal(truncate(path, hook.size / 2), 0); break;
    case TRUNCATE_TAIL: assert_int_equal(truncate(path, hook.size - 1), 0); break;
    case APPEND_BYTE:
    case FLIP_PARAMETER:
    case FLIP_CHECKSUM: {
        const long at = hook.change == APPEND_BYTE ? hook.size
                        : hook.change == FLIP_PARAMETER ? hook.size / 2 : hook.size - 3;
        const int byte = hook.change == APPEND_BYTE ? 0 : file_saved[at] ^ 4;
        f = fopen(path, "r+b");
        assert_non_null(f);
        assert_int_equal(fseek(f, at, SEEK_SET), 0);
        assert_int_equal(fputc(byte, f), byte);
        assert_int_equal(fclose(f), 0);
        break;
    }
    case REPLACE_WITH_OTHER: /* in place, as a plain "wb" writer would */
        write_all(path, file_other, hook.size);
        break;
    case CHANGE_COUNT: break;
    }
}

size_t __wrap_fread(void *bytes, size_t size, size_t count, FILE *stream)
{
    const size_t got = __real_fread(bytes, size, count, stream);
    struct stat st;
    if (hook.armed && !hook.fired && fstat(fileno(stream), &st) == 0 && st.st_dev == hook.device
        && st.st_ino == hook.inode) {
        ++hook.calls;
        if (hook.calls == hook.trigger_call || (hook.trigger_at_end && feof(stream))) {
            hook.fired = 1;
            change_file();
        }
    }
    return got;
}

/* Whatever happens to the file while load reads it, load either succeeds with one whole file's
 * parameters or fails and leaves them as they were; a change after the whole file has been read
 * (when reading it a second time would see it) does not matter. Fails on a load that verifies in
 * one read and copies in a second. */
static void test_file_changing_during_load(void **state)
{
    (void)state;
    for (size_t k = 0; k < MODEL_COUNT; ++k) {
        const model *m = &models[k];
        const long size = prepare(m);
        const long triggers[] = {1, 2, 3, 100, 0 /* at the end */};
        for (size_t t = 0; t < sizeof triggers / sizeof triggers[0]; ++t) {
            for (int change = 0; change < CHANGE_COUNT; ++change) {
                write_all(path, file_saved, size);
                struct stat st;
                assert_int_equal(stat(path, &st), 0);
                memset(&hook, 0, sizeof hook);
                hook.device = st.st_dev;
                hook.inode = st.st_ino;
                hook.trigger_call = triggers[t];
                hook.trigger_at_end = triggers[t] == 0;
                hook.change = (enum change)change;
                hook.size = size;
                hook.armed = 1;
                const int status = m->load(m->target, path);
                hook.armed = 0;
                char what[128];
                snprintf(what, sizeof what, "%s after fread %ld", change_names[change], triggers[t]);
                if (status == 0) {
                    if (memcmp(m->target, m->saved, m->bytes) != 0
                        && (change != REPLACE_WITH_OTHER || memcmp(m->target, m->other, m->bytes) != 0)) {
                        fail_msg("%s: %s: load returned 0 with a mix of two files", m->name, what);
                    }
                } else {
                    if (status < -3) {
                        fail_msg("%s: %s: load returned %d", m->name, what, status);
                    }
                    assert_unchanged(m, status, what);
                }
                if (hook.trigger_at_end) {
                    if (!hook.fired || status != 0 || memcmp(m->target, m->saved, m->bytes) != 0) {
                        fail_msg("%s: file %s after load read it to the end: load returned %d",
                                 m->name, change_names[change], status);
                    }
                }
                memcpy(m->target, m->before, m->bytes);
            }
        }
    }
}

/* A FIFO can be read exactly once: load must not need a second pass. */
static void serve_through_fifo(const char *fifo, const unsigned char *bytes, long size)
{
    const pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        signal(SIGPIPE, SIG_DFL);
        alarm(30); /* never outlive a load that does not open the FIFO */
        FILE *f = fopen(fifo, "wb");
        if (f) {
            fwrite(bytes, 1, (size_t)size, f);
            fclose(f);
        }
        _exit(0);
    }
}

static void test_load_from_fifo(void **state)
{
    (void)state;
    const char *fifo = fifo_path;
    for (size_t k = 0; k < MODEL_COUNT; ++k) {
        const model *m = &models[k];
        const long size = prepare(m);
        remove(fifo);
        assert_int_equal(mkfifo(fifo, 0600), 0);
        serve_through_fifo(fifo, file_saved, size);
        const int status = m->load(m->target, fifo);
        while (wait(NULL) > 0) {
        }
        if (status != 0 || memcmp(m->target, m->saved, m->bytes) != 0) {
            fail_msg("%s: a valid file through a FIFO: load returned %d", m->name, status);
        }
        memcpy(m->target, m->before, m->bytes);

        file_saved[size / 2] ^= 1;
        serve_through_fifo(fifo, file_saved, size);
        assert_int_equal(m->load(m->target, fifo), -3);
        while (wait(NULL) > 0) {
        }
        file_saved[size / 2] ^= 1;
        assert_unchanged(m, -3, "a corrupted file through a FIFO");
        remove(fifo);
    }
}

/* Entries of a folder other than . and .., and the name of the last one. */
static int folder_entries(const char *folder, char *last, size_t last_size)
{
    DIR *dir = opendir(folder);
    assert_non_null(dir);
    int count = 0;
    for (struct dirent *e = readdir(dir); e; e = readdir(dir)) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            ++count;
            snprintf(last, last_size, "%s", e->d_name);
        }
    }
    closedir(dir);
    return count;
}

static void assert_file_is(const char *name, const unsigned char *bytes, long size)
{
    static unsigned char now[MAX_FILE_BYTES + 1];
    assert_int_equal(file_size(name), size);
    read_all(name, now, size);
    assert_memory_equal(now, bytes, (size_t)size);
}

/* The disk fills up while save writes: simulated with RLIMIT_FSIZE in a child (writes past the
 * limit fail with EFBIG; SIGXFSZ ignored). Save must fail, keep the old file byte for byte and leave
 * no temporary behind. Fails on a save that opens the target with "wb". */
static void test_save_on_full_disk_keeps_old_file(void **state)
{
    (void)state;
    const char *folder = full_folder, *target_path = full_target;
    char entry[256];
    assert_int_equal(mkdir(folder, 0700), 0);
    for (size_t k = 0; k < MODEL_COUNT; ++k) {
        const model *m = &models[k];
        const long size = prepare(m);
        write_all(target_path, file_saved, size);
        const long limits[] = {0, 1, 31, 32, 40, size / 2, size - 8, size - 1};
        for (size_t i = 0; i < sizeof limits / sizeof limits[0]; ++i) {
            const pid_t child = fork();
            assert_true(child >= 0);
            if (child == 0) {
                signal(SIGXFSZ, SIG_IGN);
                const struct rlimit limit = {(rlim_t)limits[i], (rlim_t)limits[i]};
                if (setrlimit(RLIMIT_FSIZE, &limit) != 0) {
                    _exit(2);
                }
                _exit(m->save(m->other, target_path) != 0 ? 0 : 1);
            }
            int child_status = 0;
            assert_int_equal(waitpid(child, &child_status, 0), child);
            assert_true(WIFEXITED(child_status));
            if (WEXITSTATUS(child_status) != 0) {
                fail_msg("%s: save with %ld bytes of disk left reported success (%d)", m->name,
                         limits[i], WEXITSTATUS(child_status));
            }
            assert_file_is(target_path, file_saved, size);
            assert_int_equal(folder_entries(folder, entry, sizeof entry), 1);
            assert_string_equal(entry, "w.bin");
        }
        /* with room, it replaces the file, and leaves only the file */
        assert_int_equal(m->save(m->other, target_path), 0);
        assert_file_is(target_path, file_other, size);
        assert_int_equal(folder_entries(folder, entry, sizeof entry), 1);
        assert_int_equal(m->load(m->target, target_path), 0);
        assert_memory_equal(m->target, m->other, m->bytes);
    }
    remove(target_path);
    assert_int_equal(rmdir(folder), 0);
}

/* Save into a missing folder, or to a name too long for the temporary beside it, fails cleanly. */
static void test_save_that_cannot_start_fails(void **state)
{
    (void)state;
    static char long_name[8192];
    memset(long_name, 'a', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    xor_params p;
    xor_init(&p, 5);
    assert_int_not_equal(xor_save(&p, long_name), 0);
    assert_int_not_equal(xor_save(&p, "tests/build/io/no-such-folder/w.bin"), 0);
    assert_int_equal(xor_load(&p, long_name), -1);
}

/* Loading a model too big for the stack needs a temporary copy of the file. Without room for one,
 * load fails with -1 and leaves the parameters as they were; a bad file keeps its own code. A model
 * staged on the stack needs no temporary. */
static void test_load_without_room_for_temporary(void **state)
{
    (void)state;
    for (size_t k = 0; k < MODEL_COUNT; ++k) {
        const model *m = &models[k];
        const long size = prepare(m);
        file_saved[size / 2] ^= 2;
        write_all(other_path, file_saved, size);
        file_saved[size / 2] ^= 2;
        const pid_t child = fork();
        assert_true(child >= 0);
        if (child == 0) {
            signal(SIGXFSZ, SIG_IGN);
            const struct rlimit limit = {16, 16};
            if (setrlimit(RLIMIT_FSIZE, &limit) != 0) {
                _exit(2);
            }
            const int status = m->load(m->target, path);
#if defined(IO_ALL_LOADS_USE_TEMPORARY)
            const int staged = 0;
#else
            const int staged = m->bytes <= 1048576;
#endif
            if (staged ? status != 0 || memcmp(m->target, m->saved, m->bytes) != 0
                       : status != -1 || memcmp(m->target, m->before, m->bytes) != 0) {
                _exit(3);
            }
            memcpy(m->target, m->before, m->bytes);
            if (m->load(m->target, other_path) != -3 || memcmp(m->target, m->before, m->bytes) != 0) {
                _exit(4);
            }
            _exit(0);
        }
        int child_status = 0;
        assert_int_equal(waitpid(child, &child_status, 0), child);
        assert_true(WIFEXITED(child_status));
        if (WEXITSTATUS(child_status) != 0) {
            fail_msg("%s: load with no room for a temporary: case %d failed", m->name,
                     WEXITSTATUS(child_status));
        }
    }
}

/* A real full disk where mounting is permitted (Linux, as root): a child mounts a tmpfs with room
 * for the old file and half of it again, in a mount namespace of its own, and saves over the file.
 * Exits 77 when it may not mount, and the test then reports itself skipped; the RLIMIT_FSIZE test
 * above runs everywhere. */
static void test_save_on_full_tmpfs_keeps_old_file(void **state)
{
    (void)state;
#if defined(__linux__)
    const char *folder = tmpfs_folder;
    char target_path[300];
    snprintf(target_path, sizeof target_path, "%s/w.bin", folder);
    assert_int_equal(mkdir(folder, 0700), 0);
    int skipped = 0;
    for (size_t k = 0; k < MODEL_COUNT; ++k) {
        const model *m = &models[k];
        const long size = prepare(m);
        const pid_t child = fork();
        assert_true(child >= 0);
        if (child == 0) {
            char options[64], entry[256];
            const long pages = (size + 4095) / 4096; /* the old file's, and half as many more */
            snprintf(options, sizeof options, "size=%ld", (pages + pages / 2) * 4096);
            if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0
                || mount("tmpfs", folder, "tmpfs", 0, options) != 0) {
                _exit(77);
            }
            FILE *f = fopen(target_path, "wb");
            if (!f || fwrite(file_saved, 1, (size_t)size, f) != (size_t)size || fclose(f) != 0) {
                _exit(5);
            }
            if (m->save(m->other, target_path) == 0) {
                _exit(1);
            }
            static unsigned char now[MAX_FILE_BYTES + 1];
            f = fopen(target_path, "rb");
            if (!f || fread(now, 1, sizeof now, f) != (size_t)size || memcmp(now, file_saved, (size_t)size) != 0) {
                _exit(2);
            }
            fclose(f);
            _exit(folder_entries(folder, entry, sizeof entry) == 1 ? 0 : 3);
        }
        int child_status = 0;
        assert_int_equal(waitpid(child, &child_status, 0), child);
        assert_true(WIFEXITED(child_status));
        if (WEXITSTATUS(child_status) == 77) {
            skipped = 1;
            break;
        }
        if (WEXITSTATUS(child_status) != 0) {
            fail_msg("%s: save on a full tmpfs: case %d failed", m->name, WEXITSTATUS(child_status));
        }
    }
    assert_int_equal(rmdir(folder), 0);
    if (skipped) {
        skip();
    }
#else
    skip();
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_is_exact),
        cmocka_unit_test(test_every_truncation_is_rejected),
        cmocka_unit_test(test_every_corrupted_byte_is_rejected),
        cmocka_unit_test(test_foreign_architecture_and_dtype_are_rejected),
        cmocka_unit_test(test_missing_file_is_an_error),
        cmocka_unit_test(test_weights_load_across_batch_sizes),
        cmocka_unit_test(test_trained_at_batch_32_loads_into_batch_1),
        cmocka_unit_test(test_large_model_round_trip_and_rejections),
        cmocka_unit_test(test_file_changing_during_load),
        cmocka_unit_test(test_load_from_fifo),
        cmocka_unit_test(test_save_on_full_disk_keeps_old_file),
        cmocka_unit_test(test_save_on_full_tmpfs_keeps_old_file),
        cmocka_unit_test(test_save_that_cannot_start_fails),
        cmocka_unit_test(test_load_without_room_for_temporary),
    };
    return cmocka_run_group_tests_name("weights files", tests, setup, teardown);
}
