/*
 * gradc host: sets up a Lua 5.4 state with LuaFileSystem preloaded and a memory-capped allocator,
 * then runs the generator (gen/gradc.lua) in protected mode. No generator logic lives here.
 *
 * User errors (bad specs, bad options) are printed as they are; anything else is a generator bug and
 * gets a traceback (the same split as lua.c's msghandler).
 */
#define _DEFAULT_SOURCE /* realpath, readlink, setitimer */

#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
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

static const luaL_Reg host_functions[] = {
    {"run_limited", host_run_limited},
    {NULL, NULL},
};

static int open_host(lua_State *L)
{
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

/* Find the project root from the binary's own path: <root>/gen/build/gradc. */
static int find_root(const char *argv0, char *root, size_t size)
{
    char path[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
    if (n > 0) {
        path[n] = '\0';
    } else if (!realpath(argv0, path)) {
        return -1;
    }
    for (int level = 0; level < 3; ++level) {
        char *slash = strrchr(path, '/');
        if (!slash)
            return -1;
        *slash = '\0';
    }
    if (strlen(path) + 1 > size)
        return -1;
    strcpy(root, path);
    return 0;
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

    lua_getglobal(L, "package");
    lua_pushfstring(L, "%s/gen/?.lua", root);
    lua_setfield(L, -2, "path");
    lua_pushliteral(L, "");
    lua_setfield(L, -2, "cpath");
    lua_pop(L, 1);

    lua_getglobal(L, "require");
    lua_pushliteral(L, "gradc");
    lua_call(L, 1, 1);
    lua_getfield(L, -1, "main");
    lua_pushstring(L, root);
    lua_createtable(L, argc, 0);
    for (int i = 1; i < argc; ++i) {
        lua_pushstring(L, argv[i]);
        lua_rawseti(L, -2, i);
    }
    lua_call(L, 2, 1);
    return 1;
}

int gradc_run(int argc, char **argv)
{
    char root[PATH_MAX];
    if (find_root(argv[0], root, sizeof root) != 0) {
        fprintf(stderr, "gradc: cannot find the project root from %s\n", argv[0]);
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
    return code;
}
