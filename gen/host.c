/*
 * gradc host: sets up a Lua 5.4 state with LuaFileSystem preloaded and a memory-capped allocator,
 * then runs the generator (gen/gradc.lua) in protected mode. No generator logic lives here; the
 * module gradc.host adds the few system calls Lua and LuaFileSystem lack (a CPU-time limit, a read
 * that cannot block on a FIFO, a folder lock, an atomic exchange of two folders, a removal that
 * never follows links, where a path really is) and the primitives that run once per parameter,
 * which a const-weights build at the 16,777,216-parameter limit cannot afford in Lua (the
 * shortest exact text of a number, rounding to float, FNV-1a 64).
 *
 * User errors (bad specs, bad options) are printed as they are; anything else is a generator bug and
 * gets a traceback (the same split as lua.c's msghandler).
 */
#define _GNU_SOURCE /* realpath, readlink, setitimer, renameat2 (glibc 2.28), fdopendir, flock */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include <lfs.h>

#include "host.h"

/* The allocator's bookkeeping: a cap that the generator arms only while a spec runs. */
typedef struct {
    size_t used;
    size_t limit; /* 0: no limit */
    int hit;      /* set when a request was refused for the limit */
} memory_budget;

/* For the timer's signal handler only: the state to interrupt and the message to die with. */
static lua_State *running_state;
static volatile sig_atomic_t timer_ticks;
static char timeout_message[512];

static void *budget_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    memory_budget *budget = ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        free(ptr);
        budget->used -= old;
        return NULL;
    }
    if (budget->limit && nsize > old && budget->used - old + nsize > budget->limit) {
        budget->hit = 1;
        return NULL;
    }
    void *grown = realloc(ptr, nsize);
    if (grown)
        budget->used = budget->used - old + nsize;
    return grown;
}

static memory_budget *budget_of(lua_State *L)
{
    void *ud;
    lua_getallocf(L, &ud);
    return ud;
}

#define TIMEOUT_ERROR "spec ran past its time limit"

/* Once the CPU timer has fired, every instruction of the spec raises: a spec that catches the error
 * with pcall cannot go on. */
static void time_limit_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    lua_pushliteral(L, TIMEOUT_ERROR);
    lua_error(L);
}

/* First tick: ask the spec's thread to stop at its next instruction (as lua.c does for SIGINT). A
 * second tick means it never got back to the VM (a C function such as a pattern match is stuck):
 * end the process; nothing has been written yet, because a spec runs before any output exists. */
static void on_timer(int sig)
{
    (void)sig;
    if (++timer_ticks == 1 && running_state) {
        lua_sethook(running_state, time_limit_hook, LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT, 1);
        return;
    }
    ssize_t ignored = write(STDERR_FILENO, timeout_message, strlen(timeout_message));
    (void)ignored;
    _exit(1);
}

static void arm_timer(lua_State *thread, double seconds)
{
    struct itimerval timer;
    memset(&timer, 0, sizeof timer);
    timer_ticks = 0;
    if (thread) {
        long usec = (long)(seconds * 1e6);
        timer.it_value.tv_sec = usec / 1000000;
        timer.it_value.tv_usec = usec % 1000000;
        timer.it_interval = timer.it_value;
        signal(SIGPROF, on_timer);
    }
    running_state = thread;
    setitimer(ITIMER_PROF, &timer, NULL);
}

/* host.run_limited(thread, seconds, bytes, timeout_message) -> ok, value or error, memory_hit
 * Resumes `thread` (a coroutine holding the spec's chunk) under a CPU-time limit and a memory cap
 * of `bytes` more than is in use now. Both are lifted before this returns, so the generator's own
 * code never runs capped. `timeout_message` is what a process that has to be ended prints. */
static int host_run_limited(lua_State *L)
{
    lua_State *thread = lua_tothread(L, 1);
    luaL_argexpected(L, thread != NULL, 1, "thread");
    const double seconds = luaL_checknumber(L, 2);
    const lua_Integer bytes = luaL_checkinteger(L, 3);
    snprintf(timeout_message, sizeof timeout_message, "%s\n", luaL_checkstring(L, 4));
    luaL_checkstack(L, 4, NULL); /* room for the results, before the cap is on */

    memory_budget *budget = budget_of(L);
    budget->hit = 0;
    budget->limit = budget->used + (size_t)bytes;
    arm_timer(thread, seconds);
    int results = 0;
    const int status = lua_resume(thread, L, 0, &results);
    arm_timer(NULL, 0);
    budget->limit = 0;
    const int memory_hit = budget->hit;

    lua_pushboolean(L, status == LUA_OK);
    if (status == LUA_OK && results > 0) {
        lua_pop(thread, results - 1);
        lua_xmove(thread, L, 1);
    } else if (status == LUA_OK || status == LUA_YIELD) {
        lua_pushnil(L);
    } else {
        lua_xmove(thread, L, 1);
    }
    lua_pushboolean(L, memory_hit);
    return 3;
}

/* What a file that is not a regular file is, for messages. */
static const char *file_type_name(mode_t mode)
{
    if (S_ISDIR(mode))
        return "a directory";
    if (S_ISFIFO(mode))
        return "a FIFO";
    if (S_ISCHR(mode))
        return "a character device";
    if (S_ISBLK(mode))
        return "a block device";
    if (S_ISSOCK(mode))
        return "a socket";
    return "not a file";
}

/* host.read_file(path, max_bytes) -> text | nil, message, problem
 * Reads at most max_bytes bytes of a regular file. Anything else (a FIFO, a device, a folder, a
 * socket) is refused with problem "type" and a message such as "not a regular file (a FIFO)",
 * without blocking: the type is checked before opening, and again on the open descriptor, which is
 * opened with O_NONBLOCK so that a FIFO put there in between cannot make open wait for a writer.
 * problem is "open" or "read" for the system's own errors (message: its strerror). */
static int host_read_file(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    const lua_Integer max_bytes = luaL_checkinteger(L, 2);
    luaL_argcheck(L, max_bytes >= 0, 2, "negative size");
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        lua_pushnil(L);
        lua_pushfstring(L, "not a regular file (%s)", file_type_name(st.st_mode));
        lua_pushliteral(L, "type");
        return 3;
    }
    const int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &st) != 0) {
        const int error = errno;
        if (fd >= 0)
            close(fd);
        lua_pushnil(L);
        lua_pushstring(L, strerror(error));
        lua_pushliteral(L, "open");
        return 3;
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        lua_pushnil(L);
        lua_pushfstring(L, "not a regular file (%s)", file_type_name(st.st_mode));
        lua_pushliteral(L, "type");
        return 3;
    }
    luaL_Buffer text;
    luaL_buffinit(L, &text);
    size_t left = (size_t)max_bytes;
    while (left > 0) {
        const size_t want = left < LUAL_BUFFERSIZE ? left : LUAL_BUFFERSIZE;
        char *room = luaL_prepbuffsize(&text, want);
        const ssize_t got = read(fd, room, want);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            const int error = errno;
            close(fd);
            lua_pushnil(L);
            lua_pushstring(L, strerror(error));
            lua_pushliteral(L, "read");
            return 3;
        }
        if (got == 0)
            break;
        luaL_addsize(&text, (size_t)got);
        left -= (size_t)got;
    }
    close(fd);
    luaL_pushresult(&text);
    return 1;
}

#define FOLDER_LOCK "gradc.folder_lock"

/* An open descriptor of a folder holding flock(LOCK_EX); closing it releases the lock, and so does
 * the kernel when the process dies, however it dies. */
typedef struct {
    int fd;
} folder_lock;

static int folder_lock_release(lua_State *L)
{
    folder_lock *lock = luaL_checkudata(L, 1, FOLDER_LOCK);
    if (lock->fd >= 0) {
        close(lock->fd);
        lock->fd = -1;
    }
    return 0;
}

static double monotonic_seconds(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec * 1e-9;
}

/* host.lock_folder(path, seconds) -> lock | false | nil, message
 * An exclusive flock on the folder itself (no lock file is left behind), waited for at most
 * `seconds`. The lock is a to-be-closed value: `local lock <close> = ...` releases it on every way
 * out, errors included. false: another process held it all that time. nil: this folder cannot be
 * locked at all (a file system without flock, a folder that cannot be opened). */
static int host_lock_folder(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    const double seconds = luaL_checknumber(L, 2);
    folder_lock *lock = lua_newuserdatauv(L, sizeof *lock, 0);
    lock->fd = -1;
    luaL_setmetatable(L, FOLDER_LOCK);
    lock->fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (lock->fd < 0) {
        lua_pushnil(L);
        lua_pushstring(L, strerror(errno));
        return 2;
    }
    const double deadline = monotonic_seconds() + seconds;
    for (;;) {
        if (flock(lock->fd, LOCK_EX | LOCK_NB) == 0)
            return 1;
        const int error = errno;
        if (error != EWOULDBLOCK && error != EINTR) {
            close(lock->fd);
            lock->fd = -1;
            lua_pushnil(L);
            lua_pushstring(L, strerror(error));
            return 2;
        }
        if (monotonic_seconds() > deadline) {
            close(lock->fd);
            lock->fd = -1;
            lua_pushboolean(L, 0);
            return 1;
        }
        const struct timespec pause = {0, 5 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
}

/* host.exchange(a, b) -> true | nil, message
 * Swaps two existing paths in one step (renameat2 RENAME_EXCHANGE): there is no moment at which
 * either name is missing. Fails where the kernel or the file system does not offer it (EINVAL,
 * ENOSYS), or on a system without renameat2; the caller then falls back to two renames. */
static int host_exchange(lua_State *L)
{
    const char *a = luaL_checkstring(L, 1);
    const char *b = luaL_checkstring(L, 2);
#ifdef RENAME_EXCHANGE
    if (renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE) == 0) {
        lua_pushboolean(L, 1);
        return 1;
    }
    lua_pushnil(L);
    lua_pushstring(L, strerror(errno));
#else
    (void)a;
    (void)b;
    lua_pushnil(L);
    lua_pushliteral(L, "renameat2 is not available");
#endif
    return 2;
}

/* Deeper than this is not a folder gradc or a person made; each level holds one descriptor. */
#define REMOVE_MAX_DEPTH 64

/* Remove `name` in the folder `dirfd`: a folder with everything in it, anything else (a symbolic
 * link included) by unlinking it. Links are never followed: a folder is opened with O_NOFOLLOW
 * relative to its parent's descriptor, so a link swapped in meanwhile is not entered either. */
static int remove_at(int dirfd, const char *name, int depth)
{
    if (unlinkat(dirfd, name, 0) == 0 || errno == ENOENT)
        return 0;
    const int unlink_error = errno; /* EISDIR for a folder (Linux), EPERM elsewhere */
    if (unlink_error != EISDIR && unlink_error != EPERM)
        return -1;
    if (depth >= REMOVE_MAX_DEPTH) {
        errno = ELOOP;
        return -1;
    }
    const int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOTDIR || errno == ELOOP)
            errno = unlink_error; /* not a folder after all: unlink's own refusal is the reason */
        return -1;
    }
    DIR *dir = fdopendir(fd);
    if (!dir) {
        close(fd);
        return -1;
    }
    int status = 0;
    const struct dirent *entry;
    while (status == 0 && (entry = readdir(dir)) != NULL) {
        if (strcmp(entry->d_name, ".") != 0 && strcmp(entry->d_name, "..") != 0)
            status = remove_at(fd, entry->d_name, depth + 1);
    }
    const int error = errno;
    closedir(dir);
    if (status != 0) {
        errno = error;
        return -1;
    }
    if (unlinkat(dirfd, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
        return 0;
    return -1;
}

/* host.remove_tree(path) -> true | nil, message: remove `path` (see remove_at); a missing path is
 * not an error. */
static int host_remove_tree(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    if (remove_at(AT_FDCWD, path, 0) == 0) {
        lua_pushboolean(L, 1);
        return 1;
    }
    lua_pushnil(L);
    lua_pushstring(L, strerror(errno));
    return 2;
}

/* host.realpath(path) -> absolute path with no symbolic link, "." or ".." | nil, message: where
 * `path` really is (it must exist). */
static int host_realpath(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    char *resolved = realpath(path, NULL);
    if (!resolved) {
        lua_pushnil(L);
        lua_pushstring(L, strerror(errno));
        return 2;
    }
    lua_pushstring(L, resolved);
    free(resolved);
    return 1;
}

/* Whether `text` reads back as exactly `value`: through strtof when as_float (as a C compiler reads
 * a literal with an f suffix: one rounding, decimal to float), else through strtod. */
static int reads_back(const char *text, double value, int as_float)
{
    if (as_float)
        return strtof(text, NULL) == (float)value;
    return strtod(text, NULL) == value;
}

/* host.shortest(value, as_float) -> text: the "%.<digits>g" text of a finite `value` with the
 * fewest digits that reads back as exactly `value` (a float's when as_float; see reads_back).
 * Where a value's neighbours are equally far on both sides, a text with more digits is never
 * farther from it than one with fewer, so a digit count that reads back stays one as digits are
 * added, and the count is found by bisection (four formattings for a float instead of up to nine:
 * this runs for every parameter of a const-weights build). Only at a power of two, whose lower
 * neighbour is half as far as its upper one, can k digits read back and k + 1 not (doubles such
 * as 2^149 at 15 and 16 digits): there the digits are counted up from one. Lua's string.format
 * search took about 20 us a value; C's snprintf and strtod are the same routines Lua calls. */
static int host_shortest(lua_State *L)
{
    const double value = luaL_checknumber(L, 1);
    const int as_float = lua_toboolean(L, 2);
    const int most = as_float ? FLT_DECIMAL_DIG : DBL_DECIMAL_DIG;
    char text[48], probe[48];
    snprintf(text, sizeof text, "%.*g", most, value);
    int exponent;
    if (!isfinite(value) || value == 0 || fabs(frexp(value, &exponent)) == 0.5) {
        for (int digits = 1; digits < most; digits++) {
            snprintf(probe, sizeof probe, "%.*g", digits, value);
            if (reads_back(probe, value, as_float)) {
                memcpy(text, probe, sizeof text);
                break;
            }
        }
    } else {
        int low = 1, high = most; /* `high` digits read back; fewer than `low` do not */
        while (low < high) {
            const int middle = (low + high) / 2;
            snprintf(probe, sizeof probe, "%.*g", middle, value);
            if (reads_back(probe, value, as_float)) {
                high = middle;
                memcpy(text, probe, sizeof text);
            } else {
                low = middle + 1;
            }
        }
    }
    lua_pushstring(L, text);
    return 1;
}

/* host.as_float(value) -> number: `value` rounded to the nearest float, as C's conversion does,
 * with a value beyond the largest float's rounding range going to infinity (where the conversion
 * itself is undefined); string.pack and string.unpack would make a string of each value. */
static int host_as_float(lua_State *L)
{
    const double value = luaL_checknumber(L, 1);
    /* FLT_MAX + half its ulp: a tie, which rounds to even, the infinity */
    const double overflow = ldexp(2.0 - ldexp(1.0, -24), FLT_MAX_EXP - 1);
    if (fabs(value) >= overflow)
        lua_pushnumber(L, copysign(HUGE_VAL, value));
    else
        lua_pushnumber(L, (double)(float)value);
    return 1;
}

/* host.fnv1a64(text, hash) -> hash: FNV-1a 64 of the bytes of `text`, starting from `hash` (the
 * caller's offset basis); Lua integers carry the uint64_t bits. */
static int host_fnv1a64(lua_State *L)
{
    size_t length;
    const unsigned char *bytes = (const unsigned char *)luaL_checklstring(L, 1, &length);
    uint64_t hash = (uint64_t)luaL_checkinteger(L, 2);
    for (size_t i = 0; i < length; i++)
        hash = (hash ^ bytes[i]) * UINT64_C(0x100000001b3);
    lua_pushinteger(L, (lua_Integer)hash);
    return 1;
}

static const luaL_Reg host_functions[] = {
    {"run_limited", host_run_limited},
    {"read_file", host_read_file},
    {"lock_folder", host_lock_folder},
    {"exchange", host_exchange},
    {"remove_tree", host_remove_tree},
    {"realpath", host_realpath},
    {"shortest", host_shortest},
    {"as_float", host_as_float},
    {"fnv1a64", host_fnv1a64},
    {NULL, NULL},
};

static int open_host(lua_State *L)
{
    if (luaL_newmetatable(L, FOLDER_LOCK)) {
        lua_pushcfunction(L, folder_lock_release);
        lua_setfield(L, -2, "__close");
        lua_pushcfunction(L, folder_lock_release);
        lua_setfield(L, -2, "__gc");
    }
    lua_pop(L, 1);
    luaL_newlib(L, host_functions);
    return 1;
}

/* User errors are raised as tables { message = "..." } and printed as they are; anything else is
 * a generator bug and gets a traceback. */
static int message_handler(lua_State *L)
{
    if (lua_type(L, 1) == LUA_TTABLE && lua_getfield(L, 1, "message") == LUA_TSTRING)
        return 1;
    const char *msg = lua_tostring(L, 1);
    if (!msg)
        msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    luaL_traceback(L, L, msg, 1);
    lua_pushfstring(L, "gradc: internal error: %s", lua_tostring(L, -1));
    return 1;
}

/* Whether `root` holds the generator's files (its driver module stands for all of them). */
static int holds_generator(const char *root)
{
    char probe[PATH_MAX];
    struct stat st;
    const int n = snprintf(probe, sizeof probe, "%s/gen/gradc.lua", root);
    return n > 0 && (size_t)n < sizeof probe && stat(probe, &st) == 0 && S_ISREG(st.st_mode);
}

/* Find the folder holding gen/, templates/ and runtime/ from the binary's own path (argv[0] only
 * where /proc/self/exe is missing), so the generator runs from any working directory:
 *   installed:   <prefix>/bin/gradc      -> <prefix>/share/gradc   (make install)
 *   build tree:  <root>/gen/build/gradc  -> <root>   (any binary three components below the root,
 *                such as tests/build/gradc_asan)
 * The installed layout is tried first; a folder counts only if it holds gen/gradc.lua. On failure
 * `root` holds the binary's path, for the message. */
static int find_root(const char *argv0, char *root, size_t size)
{
    char path[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
    if (n > 0) {
        path[n] = '\0';
    } else if (!realpath(argv0, path)) {
        snprintf(root, size, "%s", argv0);
        return -1;
    }
    char *slash = strrchr(path, '/');
    if (!slash) {
        snprintf(root, size, "%s", path);
        return -1;
    }
    *slash = '\0'; /* path: the binary's folder */
    char installed[PATH_MAX];
    const int length = snprintf(installed, sizeof installed, "%s/../share/gradc", path);
    if (length > 0 && (size_t)length < sizeof installed && holds_generator(installed)) {
        char resolved[PATH_MAX];
        if (realpath(installed, resolved) && strlen(resolved) < size) {
            strcpy(root, resolved);
            return 0;
        }
    }
    char build_tree[PATH_MAX];
    strcpy(build_tree, path);
    for (int level = 0; level < 2; ++level) {
        slash = strrchr(build_tree, '/');
        if (!slash)
            break;
        *slash = '\0';
    }
    if (slash && holds_generator(build_tree) && strlen(build_tree) < size) {
        strcpy(root, build_tree);
        return 0;
    }
    snprintf(root, size, "%s", path);
    return -1;
}

/* package.searchers[2]: module a.b is the file <root>/gen/a/b.lua (the root is the upvalue).
 * Names are letters, digits, '_' and single dots, so no name reaches outside gen/. */
static int search_generator(lua_State *L)
{
    const char *name = luaL_checkstring(L, 1);
    const char *root = lua_tostring(L, lua_upvalueindex(1));
    size_t length = strlen(name);
    int valid = length > 0 && name[0] != '.' && name[length - 1] != '.';
    for (size_t i = 0; valid && i < length; ++i) {
        const char c = name[i];
        valid = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
                || (c == '.' && name[i + 1] != '.');
    }
    if (!valid) {
        lua_pushfstring(L, "no generator module named '%s'", name);
        return 1;
    }
    luaL_Buffer path;
    luaL_buffinit(L, &path);
    luaL_addstring(&path, root);
    luaL_addstring(&path, "/gen/");
    for (size_t i = 0; i < length; ++i)
        luaL_addchar(&path, name[i] == '.' ? '/' : name[i]);
    luaL_addstring(&path, ".lua");
    luaL_pushresult(&path);
    const char *file = lua_tostring(L, -1);
    const int status = luaL_loadfilex(L, file, "t");
    if (status == LUA_ERRFILE) { /* absent (or unreadable): require reports what each searcher says */
        lua_pop(L, 1);
        lua_pushfstring(L, "no file '%s'", file);
        return 1;
    }
    if (status != LUA_OK)
        return luaL_error(L, "error loading module '%s' from file '%s':\n\t%s", name, file,
                          lua_tostring(L, -1));
    lua_insert(L, -2); /* the loader, then the file name, its second argument */
    return 2;
}

static int protected_main(lua_State *L)
{
    int argc = (int)lua_tointeger(L, 1);
    char **argv = lua_touserdata(L, 2);
    const char *root = lua_tostring(L, 3);

    luaL_openlibs(L);
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
    lua_pushcfunction(L, luaopen_lfs);
    lua_setfield(L, -2, "lfs");
    lua_pushcfunction(L, open_host);
    lua_setfield(L, -2, "gradc.host");
    lua_pop(L, 1);

    /* The generator's modules come from root/gen alone, through the searcher below: package.path
     * would read a '?' or ';' in root (a folder name may hold either) as its own syntax. */
    lua_getglobal(L, "package");
    lua_pushliteral(L, "");
    lua_setfield(L, -2, "path");
    lua_pushliteral(L, "");
    lua_setfield(L, -2, "cpath");
    lua_createtable(L, 2, 0);
    lua_getfield(L, -2, "searchers");
    lua_rawgeti(L, -1, 1); /* the preload searcher: lfs and gradc.host */
    lua_rawseti(L, -3, 1);
    lua_pop(L, 1);
    lua_pushstring(L, root);
    lua_pushcclosure(L, search_generator, 1);
    lua_rawseti(L, -2, 2);
    lua_setfield(L, -2, "searchers");
    lua_pop(L, 1);

    /* `gradc --install STAGED OUT` is make train's last step (templates/train/train.sh): the
     * trained folder swapped into OUT the way the generator swaps its own output. */
    const int install = argc >= 2 && strcmp(argv[1], "--install") == 0;
    lua_getglobal(L, "require");
    lua_pushstring(L, install ? "write" : "gradc");
    lua_call(L, 1, 1);
    lua_getfield(L, -1, install ? "install" : "main");
    if (!install)
        lua_pushstring(L, root);
    lua_createtable(L, argc, 0);
    for (int i = 1; i < argc; ++i) {
        lua_pushstring(L, argv[i]);
        lua_rawseti(L, -2, i);
    }
    lua_call(L, install ? 1 : 2, 1);
    return 1;
}

int gradc_run(int argc, char **argv)
{
    char root[PATH_MAX];
    if (find_root(argv[0], root, sizeof root) != 0) {
        fprintf(stderr,
                "gradc: cannot find the generator's files (gen/gradc.lua) in %s/../share/gradc "
                "(installed) or two folders above %s (build tree); reinstall with make install\n",
                root, root);
        return 2;
    }
    memory_budget budget = {0, 0, 0};
    lua_State *L = lua_newstate(budget_alloc, &budget);
    if (!L) {
        fprintf(stderr, "gradc: cannot create a Lua state\n");
        return 2;
    }
    lua_pushcfunction(L, message_handler);
    lua_pushcfunction(L, protected_main);
    lua_pushinteger(L, argc);
    lua_pushlightuserdata(L, argv);
    lua_pushstring(L, root);
    int status = lua_pcall(L, 3, 1, 1);
    int code = 0;
    if (status != LUA_OK) {
        const char *msg = lua_tostring(L, -1);
        fprintf(stderr, "%s\n", msg ? msg : "gradc: error without a message");
        code = 1;
    } else {
        code = (int)lua_tointeger(L, -1);
    }
    lua_close(L);
    /* What gradc printed (a name for a build system, the summary) must have reached its reader:
     * a full or closed standard output is a failure, not a silent success. */
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "gradc: cannot write to standard output: %s\n", strerror(errno));
        return code ? code : 1;
    }
    return code;
}
