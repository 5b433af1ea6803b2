-- Runs an untrusted spec chunk: text only, a whitelisted environment, an instruction budget, a CPU
-- timer as a backstop for C functions that never return to the VM, and a memory cap.
local errors = require("errors")
local host = require("gradc.host")

local M = {}

M.INSTRUCTION_LIMIT = 200 * 1000 * 1000 -- roughly a second of CPU for the Lua VM
M.CPU_SECONDS = 1.0                     -- the backstop: a stuck C call (pattern matching, say)
M.MEMORY_LIMIT = 64 * 1024 * 1024
M.FILE_LIMIT = 1024 * 1024

local HOOK_EVERY = 1000

local function copy_table(t, leave_out)
  local copy = {}
  for k, v in next, t do
    if not (leave_out and leave_out[k]) then
      copy[k] = v
    end
  end
  return copy
end

-- Key order for the spec's next and pairs: numbers ascending, then strings, then false and true;
-- other keys (tables, functions) after those, in the order Lua gives them.
local KEY_RANK = { number = 1, string = 2, boolean = 3 }
local function key_before(a, b)
  local ra, rb = KEY_RANK[type(a)] or 4, KEY_RANK[type(b)] or 4
  if ra ~= rb or ra == 4 then
    return ra < rb
  elseif ra == 3 then
    return not a and b
  end
  return a < b
end

-- next and pairs that visit keys in key_before's order. Lua's own order for string keys follows
-- the string hash, which Lua seeds afresh in every process: a spec that built its layers in
-- `pairs` order gave another network, and another ARCH_HASH, run after run. A traversal sorts the
-- keys when it starts (next(t, nil)) and keeps them per table; a key it no longer knows (the
-- table has changed) sorts them again.
local function ordered_traversal()
  local orders = setmetatable({}, { __mode = "k" })
  local function sorted(t)
    local keys = {}
    for k in next, t do
      keys[#keys + 1] = k
    end
    table.sort(keys, key_before)
    local position = {}
    for i, k in ipairs(keys) do
      position[k] = i
    end
    local order = { keys = keys, position = position }
    orders[t] = order
    return order
  end
  local function ordered_next(t, key)
    if type(t) ~= "table" then
      error("bad argument #1 to 'next' (table expected, got " .. type(t) .. ")", 2)
    end
    local order = key ~= nil and orders[t] or sorted(t)
    local at = 0
    if key ~= nil then
      at = order.position[key]
      if not at then
        if rawget(t, key) == nil then
          error("invalid key to 'next'", 2)
        end
        order = sorted(t)
        at = order.position[key]
      end
    end
    for i = at + 1, #order.keys do
      local k = order.keys[i]
      local v = rawget(t, k)
      if v ~= nil then
        return k, v
      end
    end
    return nil
  end
  local function ordered_pairs(t)
    if type(t) ~= "table" then
      error("bad argument #1 to 'pairs' (table expected, got " .. type(t) .. ")", 2)
    end
    return ordered_next, t, nil
  end
  return ordered_next, ordered_pairs
end

-- tostring without addresses: "table", not "table: 0x55d0c8e0", so that no text a spec makes
-- depends on where the allocator put something.
local function plain_tostring(v)
  local kind = type(v)
  if kind == "table" or kind == "function" or kind == "thread" or kind == "userdata" then
    return kind
  end
  return tostring(v)
end

-- string.format without %p (an address, which differs from run to run).
local function plain_format(format, ...)
  if type(format) == "string" and format:gsub("%%%%", ""):find("%%[-+ #0-9.]*p") then
    error("bad argument #1 to 'format' (%p gives an address, which differs from run to run)", 2)
  end
  return string.format(format, ...)
end

-- What a spec may use: pure functions only. No metatables (no __gc or __index code running after
-- the budget is lifted), no coroutines (a new thread would escape the hook), no I/O, no loading.
-- Iteration order and every text are the same from run to run, so a spec gives the same network
-- and the same bytes every time.
local function make_environment(stop)
  local function guarded(protected_call)
    return function(...)
      local results = table.pack(protected_call(...))
      if stop.reason then
        error(stop.reason, 0)
      end
      return table.unpack(results, 1, results.n)
    end
  end
  local ordered_next, ordered_pairs = ordered_traversal()
  local spec_string = copy_table(string, { dump = true })
  spec_string.format = plain_format
  local env = {
    assert = assert, error = error, ipairs = ipairs, next = ordered_next, pairs = ordered_pairs,
    select = select, tonumber = tonumber, tostring = plain_tostring, type = type,
    rawequal = rawequal, rawget = rawget, rawlen = rawlen, rawset = rawset,
    pcall = guarded(pcall), xpcall = guarded(xpcall),
    string = spec_string,
    table = copy_table(table),
    math = copy_table(math, { random = true, randomseed = true }),
    utf8 = copy_table(utf8),
    _VERSION = _VERSION,
  }
  env._G = env
  return env
end

-- A FIFO, a device or a folder named as the spec is refused before anything reads from it (the
-- host's read neither waits for a FIFO's writer nor reads /dev/zero on).
local function read_file(path)
  local text, err, problem = host.read_file(path, M.FILE_LIMIT + 1)
  if not text then
    if problem == "type" then
      return nil, "spec is " .. err
    end
    return nil, "cannot " .. problem .. " spec: " .. err
  end
  if #text > M.FILE_LIMIT then
    return nil, string.format("spec file is larger than %d KiB", M.FILE_LIMIT // 1024)
  end
  -- as the lua command does: skip a UTF-8 byte order mark and a first line starting with '#'
  -- (keeping its newline, so line numbers stay right)
  text = text:gsub("^\239\187\191", "")
  if text:sub(1, 1) == "#" then
    text = text:gsub("^[^\n]*", "")
  end
  return text
end

M.TIMEOUT_ERROR = "spec ran past its time limit"

-- The chunk's name inside Lua. Lua shortens a chunk name longer than LUA_IDSIZE (60 bytes) to
-- ".../tail" in its messages, so the spec's path would not survive in them; this short name is
-- replaced by the path as given when a message is shown.
local CHUNK_NAME = "spec"

-- Lua's message when C calls nest too deeply (recursion through gsub or pcall callbacks, or the
-- parser on deep nesting). It is raised from C, so it carries no position.
local C_STACK_OVERFLOW = "C stack overflow"

-- "spec:LINE: " of the innermost spec function on the (dead) thread's stack, which a message
-- raised from C lacks; "" when there is none.
local function innermost_line(thread)
  for level = 0, 1000 do
    local info = debug.getinfo(thread, level, "Sl")
    if not info then
      break
    end
    if info.source == "=" .. CHUNK_NAME and info.currentline > 0 then
      return CHUNK_NAME .. ":" .. info.currentline .. ": "
    end
  end
  return ""
end

-- Evaluate the chunk in a coroutine whose hook counts instructions, under the host's CPU timer and
-- memory cap. Returns ok, value-or-message.
local function run_limited(chunk, env, stop, display)
  local thread = coroutine.create(chunk)
  local executed = 0
  debug.sethook(thread, function()
    executed = executed + HOOK_EVERY
    if executed > M.INSTRUCTION_LIMIT then
      stop.reason = stop.reason or "spec ran past its instruction limit"
      debug.sethook(thread, function() error(stop.reason, 0) end, "", 1)
      error(stop.reason, 0)
    end
  end, "", HOOK_EVERY)

  local string_meta = getmetatable("")
  local string_index = string_meta.__index
  string_meta.__index = env.string -- ("x"):dump() must not reach the real table
  collectgarbage("collect")
  local ok, result, memory_hit = host.run_limited(thread, M.CPU_SECONDS, M.MEMORY_LIMIT,
    display .. ": " .. M.TIMEOUT_ERROR)
  string_meta.__index = string_index

  if not ok and result == C_STACK_OVERFLOW then
    result = innermost_line(thread) .. result
  end
  if not ok and memory_hit then
    result = string.format("spec used more than %d MiB of memory", M.MEMORY_LIMIT // (1024 * 1024))
  elseif ok and coroutine.status(thread) == "suspended" then
    ok, result = false, "spec must not yield"
  end
  collectgarbage("collect")
  return ok, result
end

-- A message that quotes the spec (its own error text, or Lua's about its code) as one bounded,
-- escaped line: "FILE:LINE: text" or "FILE: text", only the text after the location escaped and
-- cut (errors.spec_text), so a spec can neither flood nor rewrite the terminal.
local function spec_message(message, display)
  local prefix = CHUNK_NAME .. ":"
  if message:sub(1, #prefix) ~= prefix then
    return display .. ": " .. errors.spec_text(message)
  end
  local line = message:match("^%d+:", #prefix + 1) or ""
  local text = message:sub(#prefix + #line + 1):gsub("^ ", "", 1)
  return display .. ":" .. line .. " " .. errors.spec_text(text)
end

-- Load and run the spec at `path`. Returns the value it returned, or nil and a message of the
-- form "FILE:LINE: problem" or "FILE: problem", on one line.
function M.run(path, display)
  local text, read_err = read_file(path)
  if not text then
    return nil, display .. ": " .. read_err
  end
  local stop = {}
  local env = make_environment(stop)
  -- load itself can raise (the parser's C stack overflow on deep nesting), not only return nil
  local loaded, chunk, syntax_err = pcall(load, text, "=" .. CHUNK_NAME, "t", env)
  local load_err = not loaded and tostring(chunk) or (not chunk and syntax_err) or nil
  if load_err == C_STACK_OVERFLOW then
    return nil, display .. ": " .. C_STACK_OVERFLOW .. " while parsing: the spec nests brackets, "
      .. "calls or blocks too deeply (expected fewer than about 200 levels)"
  elseif load_err then
    return nil, spec_message(load_err, display)
  end
  local ok, result = run_limited(chunk, env, stop, display)
  if not ok then
    if type(result) ~= "string" then
      return nil, display .. ": spec raised an error that is not a string (a " .. type(result) .. ")"
    end
    if result == stop.reason or result == M.TIMEOUT_ERROR then
      return nil, display .. ": " .. result
    end
    return nil, spec_message(result, display)
  end
  return result
end

return M
