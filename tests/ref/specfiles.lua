-- tests/ref/specfiles.lua: what the test-case writers (tests/cases.lua, tests/q8/q8_cases.lua,
-- tests/torch/spec2json.lua) share: evaluating a spec with the globals the generator's sandbox
-- (gen/sandbox.lua) gives it, reading and rewriting files, and the coverage tally of a case family.
-- Written independently of the generator (no gen/ module is used). The specs are trusted (they
-- have passed the generator, or a test drew them), so their evaluation needs no bound here.

-- The globals gen/sandbox.lua gives a spec: no I/O, no require, no randomness.
local function sandbox_env()
  local env = { string = string, table = table, utf8 = utf8, math = {}, _VERSION = _VERSION }
  for key, value in pairs(math) do
    if key ~= "random" and key ~= "randomseed" then
      env.math[key] = value
    end
  end
  for _, key in ipairs({ "assert", "error", "ipairs", "next", "pairs", "select", "tonumber",
    "tostring", "type", "rawequal", "rawget", "rawlen", "rawset", "pcall", "xpcall" }) do
    env[key] = _G[key]
  end
  env._G = env
  return env
end

local function read_file(path)
  local f = io.open(path, "rb")
  if not f then
    return nil
  end
  local text = f:read("a")
  f:close()
  return text
end

-- The spec at path (or, given, its text, named as path in errors), evaluated in the sandbox.
local function load_spec(path, text)
  local chunk
  if text then
    chunk = assert(load(text, "=" .. path, "t", sandbox_env()))
  else
    chunk = assert(loadfile(path, "t", sandbox_env()))
  end
  return chunk()
end

-- Rewrites path only when its text changes, so make sees no change when there is none.
local function write_if_changed(path, text)
  if read_file(path) == text then
    return
  end
  local f = assert(io.open(path, "wb"))
  f:write(text)
  f:close()
end

-- The keys of `required` (in their order) that coverage_keys(case) gives for no case.
local function missing_coverage(cases, coverage_keys, required)
  local seen = {}
  for _, case in ipairs(cases) do
    for _, key in ipairs(coverage_keys(case)) do
      seen[key] = true
    end
  end
  local missing = {}
  for _, key in ipairs(required) do
    if not seen[key] then
      missing[#missing + 1] = key
    end
  end
  return missing
end

return {
  sandbox_env = sandbox_env,
  read_file = read_file,
  load_spec = load_spec,
  write_if_changed = write_if_changed,
  missing_coverage = missing_coverage,
}
