-- A seeded spec fuzzer: writes COUNT spec files made from the valid SEED_SPECs by mutating their
-- tables (values of random types, deleted, duplicated and misspelt fields, broken layer lists),
-- by mutating their text (random tokens, cut spans, truncation, random bytes), by building random
-- tables from nothing, and now and then by adding a costly statement. The same seed gives the
-- same files (Lua 5.4's math.random is xoshiro256**, seeded explicitly).
--
--   lua5.4 tests/fuzz/fuzz_specs.lua SEED COUNT DIR SEED_SPEC...
--
-- Writes DIR/case_NNNNN.lua and DIR/manifest, one line per case: "NNNNN MODE KIND", MODE being
-- "check" (run with --check) or "write" (generate into a fresh OUT).
local seed, count, dir = tonumber(arg[1]), tonumber(arg[2]), arg[3]
if not (seed and count and dir and arg[4]) then
  io.stderr:write("usage: lua5.4 fuzz_specs.lua SEED COUNT DIR SEED_SPEC...\n")
  os.exit(2)
end
math.randomseed(seed)

local function pick(list)
  return list[math.random(#list)]
end

local function chance(p)
  return math.random() < p
end

-- ------------------------------------------------------------------ vocabulary
local TOP_FIELDS = { "name", "input", "batch", "layers", "loss", "dtype", "optimizer", "init", "unroll" }
local LAYER_FIELDS = { "units", "activation", "alpha" }
local OPTIMIZER_FIELDS = { "type", "lr", "beta", "beta1", "beta2", "eps" }
local INIT_FIELDS = { "scheme", "seed" }
local WORDS = {
  "linear", "sigmoid", "tanh", "relu", "leaky_relu", "softmax", "bce", "mse", "ce", "float",
  "double", "auto", "full", "loops", "sgd", "momentum", "adam", "xavier", "he", "uniform",
  "", "x", "victim", "net", "../x", "a/b", "/tmp/x", ".", "..", "X", "Net", "gradc_rt", "_", "1net",
  "my-net", "4", "2.5", "0x10", "1e3", "nan", "inf", "true", "nil", "\0", "a\0b", "a\nb", "\"", "\\",
  "%s%d", "%", "\255\254", string.rep("a", 32), string.rep("a", 33), string.rep("z", 100),
}
local INTEGERS = {
  0, 1, 2, 3, -1, -2, 7, 32, 255, 256, 1000, 1001, 4095, 4096, 65536, 1048576, 1048577,
  16777216, 16777217, 2147483647, 2147483648, 4294967295, 4294967296, math.maxinteger,
  math.mininteger,
}
local FLOATS = {
  0.0, -0.0, 0.5, 1.0, 2.0, 3.0, 0.9, 0.999, 0.01, 1e-8, -0.5, 1.5, 1e308, -1e308, 1e-320,
  0 / 0, 1 / 0, -1 / 0, 2.0 ^ 24, 2.0 ^ 32, 2.0 ^ 53, 2.0 ^ 63, 1e9,
}
local TOKENS = {
  "end", "(", ")", "{", "}", "[", "]", ",", ";", "=", "==", "~=", "return", "nil", "true",
  "function", "local", "do", "then", "if", "else", "for", "in", "while", "repeat", "until", "..",
  "...", "#", "[[", "]]", "--", "--[[", "\"", "'", "0x", "1e", "1e999", "goto", "::x::", "<close>",
  "<const>", "//", "\\", "\0", "\255", "\n", " ", "math.huge", "0/0", "-", "+", "*", "^", "%",
  "string.rep('a', 1000)", "{}", "{{}}", "layers", "units", "name", "=\"relu\"",
}

-- ------------------------------------------------------------------ random values
local random_value

local function random_string()
  if chance(0.1) then
    local chars = {}
    for i = 1, math.random(0, 12) do
      chars[i] = string.char(math.random(0, 255))
    end
    return table.concat(chars)
  end
  return pick(WORDS)
end

local function random_number()
  if chance(0.5) then
    return chance(0.7) and pick(INTEGERS) or math.random(-10, 100)
  end
  return chance(0.8) and pick(FLOATS) or (math.random() * 10 - 5)
end

local function random_layer()
  local layer = { units = math.random(1, 8), activation = pick({ "linear", "sigmoid", "tanh", "relu", "leaky_relu", "softmax" }) }
  if layer.activation == "leaky_relu" and chance(0.5) then
    layer.alpha = math.random() * 0.5
  end
  return layer
end

local function random_table(depth)
  local t = {}
  local kind = math.random(4)
  if kind == 1 then -- an array
    for i = 1, math.random(0, 4) do
      t[i] = random_value(depth + 1)
    end
  elseif kind == 2 then -- a record with field names from the spec's vocabulary
    local names = pick({ TOP_FIELDS, LAYER_FIELDS, OPTIMIZER_FIELDS, INIT_FIELDS })
    for _ = 1, math.random(0, 4) do
      t[pick(names)] = random_value(depth + 1)
    end
  elseif kind == 3 then
    return random_layer()
  end
  return t
end

function random_value(depth)
  depth = depth or 0
  local kind = math.random(depth >= 3 and 4 or 5)
  if kind == 1 then
    return random_number()
  elseif kind == 2 then
    return random_string()
  elseif kind == 3 then
    return chance(0.5)
  elseif kind == 4 then
    return nil
  end
  return random_table(depth)
end

-- A misspelling: one letter inserted, deleted, replaced or swapped, or the case changed. Letters
-- only, so the result is a plain key (keys with newlines are covered by bad_specs/top_key_newline).
local function typo(word)
  local letters = "abcdefghijklmnopqrstuvwxyz_"
  local i = math.random(#word + 1)
  local c = letters:sub(math.random(#letters), math.random(#letters))
  c = c:sub(1, 1) ~= "" and c:sub(1, 1) or "x"
  local op = math.random(5)
  if op == 1 then
    return word:sub(1, i - 1) .. c .. word:sub(i)
  elseif op == 2 and #word > 1 then
    return word:sub(1, i - 1) .. word:sub(i + 1)
  elseif op == 3 then
    return word:sub(1, i - 1) .. c .. word:sub(i + 1)
  elseif op == 4 and #word > 1 then
    local j = math.random(#word - 1)
    return word:sub(1, j - 1) .. word:sub(j + 1, j + 1) .. word:sub(j, j) .. word:sub(j + 2)
  end
  return word:upper()
end

-- ------------------------------------------------------------------ table mutations
local function deep_copy(v)
  if type(v) ~= "table" then
    return v
  end
  local copy = {}
  for k, x in pairs(v) do
    copy[k] = deep_copy(x)
  end
  return copy
end

local function sorted_keys(t)
  local keys = {}
  for k in pairs(t) do
    keys[#keys + 1] = k
  end
  table.sort(keys, function(a, b)
    local ta, tb = type(a), type(b)
    if ta ~= tb then
      return ta < tb
    end
    if ta == "number" or ta == "string" then
      return a < b
    end
    return tostring(a) < tostring(b)
  end)
  return keys
end

-- The records of a spec a mutation may touch, each with the field names it normally has.
local function records(spec)
  local list = { { spec, TOP_FIELDS } }
  if type(spec.layers) == "table" then
    for _, l in ipairs(sorted_keys(spec.layers)) do
      if type(spec.layers[l]) == "table" then
        list[#list + 1] = { spec.layers[l], LAYER_FIELDS }
      end
    end
  end
  if type(spec.optimizer) == "table" then
    list[#list + 1] = { spec.optimizer, OPTIMIZER_FIELDS }
  end
  if type(spec.init) == "table" then
    list[#list + 1] = { spec.init, INIT_FIELDS }
  end
  return list
end

local MUTATIONS = {
  function(spec) -- a field set to a random value of a random type
    local record, fields = table.unpack(pick(records(spec)))
    record[pick(fields)] = random_value(1)
  end,
  function(spec) -- a field deleted
    local record = pick(records(spec))[1]
    local keys = sorted_keys(record)
    if #keys > 0 then
      record[pick(keys)] = nil
    end
  end,
  function(spec) -- a field renamed to a misspelling
    local record = pick(records(spec))[1]
    local keys = sorted_keys(record)
    local key = #keys > 0 and pick(keys)
    if type(key) == "string" then
      record[typo(key)], record[key] = record[key], nil
    end
  end,
  function(spec) -- a misspelt duplicate next to the original
    local record = pick(records(spec))[1]
    local keys = sorted_keys(record)
    local key = #keys > 0 and pick(keys)
    if type(key) == "string" then
      record[typo(key)] = deep_copy(record[key])
    end
  end,
  function(spec) -- a field of another record, or an unknown one
    local record = pick(records(spec))[1]
    record[pick({ pick(TOP_FIELDS), pick(LAYER_FIELDS), pick(OPTIMIZER_FIELDS), pick(INIT_FIELDS), "bias", "lr" })] = random_value(1)
  end,
  function(spec) -- the layer list rearranged
    if type(spec.layers) ~= "table" then
      spec.layers = {}
    end
    local layers = spec.layers
    local n = #layers
    local op = math.random(8)
    if op == 1 then
      spec.layers = {}
    elseif op == 2 then
      layers[n + 1] = random_layer()
    elseif op == 3 and n > 0 then
      table.insert(layers, math.random(n), deep_copy(layers[math.random(n)]))
    elseif op == 4 and n > 1 then
      table.remove(layers, math.random(n))
    elseif op == 5 then
      layers[pick({ 0, n + 2, -1, 1.5 })] = random_layer()
    elseif op == 6 then
      layers[pick({ "output", "hidden", "n" })] = random_layer()
    elseif op == 7 and n > 0 then
      layers[math.random(n)] = random_value(2)
    else
      for i = 1, math.random(1, 12) do
        layers[i] = random_layer()
      end
    end
  end,
  function(spec) -- a sub-table replaced by a random value
    spec[pick({ "optimizer", "init", "layers" })] = random_value(1)
  end,
  function(spec) -- big sizes
    spec[pick({ "input", "batch" })] = pick({ 4096, 65536, 1048576, 16777216 })
    if type(spec.layers) == "table" and type(spec.layers[1]) == "table" then
      spec.layers[1].units = pick({ 64, 4096, 65536, 16777216 })
    end
    if chance(0.5) then
      spec.unroll = pick({ "full", "loops", "auto" })
    end
  end,
}

-- ------------------------------------------------------------------ serialization
local IDENTIFIER = "^[%a_][%w_]*$"
local KEYWORDS = {}
for word in ([[and break do else elseif end false for function goto if in local nil not or
  repeat return then true until while]]):gmatch("%a+") do
  KEYWORDS[word] = true
end

local function number_text(v)
  if math.type(v) == "integer" then
    return v == math.mininteger and "math.mininteger" or string.format("%d", v)
  elseif v ~= v then
    return "(0/0)"
  elseif v == 1 / 0 then
    return "(1/0)"
  elseif v == -1 / 0 then
    return "(-1/0)"
  end
  local text = string.format("%.17g", v)
  if not text:find("[%.eEn]") then
    text = text .. ".0"
  end
  return text
end

local function serialize(v, indent)
  local kind = type(v)
  if kind == "number" then
    return number_text(v)
  elseif kind == "string" then
    return string.format("%q", v)
  elseif kind ~= "table" then
    return tostring(v)
  end
  local inner = indent .. "  "
  local parts = {}
  local n = #v
  local positional = n > 0 and chance(0.7)
  if positional then
    for i = 1, n do
      parts[#parts + 1] = inner .. serialize(v[i], inner)
    end
  end
  for _, k in ipairs(sorted_keys(v)) do
    if not (positional and math.type(k) == "integer" and k >= 1 and k <= n) then
      local key
      if type(k) == "string" and k:match(IDENTIFIER) and not KEYWORDS[k] then
        key = k
      else
        key = "[" .. serialize(k, inner) .. "]"
      end
      parts[#parts + 1] = inner .. key .. " = " .. serialize(v[k], inner)
    end
  end
  if #parts == 0 then
    return "{}"
  end
  return "{\n" .. table.concat(parts, ",\n") .. ",\n" .. indent .. "}"
end

-- ------------------------------------------------------------------ text mutations
local function mutate_text(text)
  local op = math.random(6)
  local len = #text
  local at = math.random(0, len)
  if op == 1 then
    return text:sub(1, at) .. " " .. pick(TOKENS) .. " " .. text:sub(at + 1)
  elseif op == 2 then
    return text:sub(1, at) .. text:sub(at + math.random(1, 20))
  elseif op == 3 then
    local span = text:sub(at + 1, at + math.random(1, 40))
    return text:sub(1, at) .. span .. text:sub(at + 1)
  elseif op == 4 then
    return text:sub(1, at)
  elseif op == 5 and len > 0 then
    local i = math.random(len)
    return text:sub(1, i - 1) .. string.char(math.random(0, 255)) .. text:sub(i + 1)
  end
  local lines = {}
  for line in (text .. "\n"):gmatch("(.-)\n") do
    lines[#lines + 1] = line
  end
  if #lines > 1 then
    local i, j = math.random(#lines), math.random(#lines)
    lines[i], lines[j] = lines[j], lines[i]
  end
  return table.concat(lines, "\n")
end

-- Statements that cost something, put in front of a spec now and then. All end quickly, by
-- themselves or at the memory cap: endless Lua loops (a second of CPU each) are the business of
-- tests/bad_specs/loop_*, where the known timer bug (tests/cli/KNOWN_BUGS) is accounted for.
local function costly_prefix()
  if chance(0.05) then
    return "local t = {} for i = 1, math.maxinteger do t[i] = i end\n"
  end
  return pick({
    string.format("local _s = string.rep('x', 2^%d)\n", math.random(10, 40)),
    string.format("for _i = 1, %d do end\n", math.random(1, 100000)),
    string.format("local _t = {} for i = 1, %d do _t[i] = {} end\n", math.random(1, 100000)),
    "local _ok = pcall(error, {})\n",
    "local _ok = pcall(string.rep, 'x', -1)\n",
    string.format("local _f = string.find(string.rep('a', %d), 'a-b')\n", math.random(1, 3000)),
    "local _x = select('#', table.unpack({}, 1, 100))\n",
    "local _u = utf8.char(0x7FFFFFFF)\n",
    "local _m = math.tointeger(2^53)\n",
  })
end

-- ------------------------------------------------------------------ seed specs
local seeds = {}
for i = 4, #arg do
  local f = assert(io.open(arg[i], "rb"))
  local text = f:read("a")
  f:close()
  local env = { string = string, table = table, math = math, pairs = pairs, ipairs = ipairs,
    select = select, tostring = tostring, tonumber = tonumber, pcall = pcall, error = error,
    assert = assert, utf8 = utf8, type = type }
  local chunk = assert(load(text, "@" .. arg[i], "t", env))
  local value = chunk()
  assert(type(value) == "table", arg[i] .. " does not return a table")
  seeds[#seeds + 1] = { text = text, value = value }
end

-- ------------------------------------------------------------------ cases
local manifest = assert(io.open(dir .. "/manifest", "wb"))
for n = 1, count do
  local id = string.format("%05d", n)
  local seed_spec = pick(seeds)
  local text, kind
  local r = math.random(100)
  if r <= 55 then -- table mutations
    local spec = deep_copy(seed_spec.value)
    local ops = {}
    for _ = 1, math.random(1, 3) do
      local op = math.random(#MUTATIONS)
      MUTATIONS[op](spec)
      ops[#ops + 1] = op
    end
    text = "return " .. serialize(spec, "") .. "\n"
    kind = "table:" .. table.concat(ops, "+")
  elseif r <= 85 then -- text mutations, of the seed's own text or of a serialized copy
    text = chance(0.5) and seed_spec.text or ("return " .. serialize(seed_spec.value, "") .. "\n")
    for _ = 1, math.random(1, 3) do
      text = mutate_text(text)
    end
    kind = "text"
  elseif r <= 95 then -- a random table
    local t = random_table(0)
    for _ = 1, math.random(0, 6) do
      t[pick(TOP_FIELDS)] = random_value(1)
    end
    text = "return " .. serialize(t, "") .. "\n"
    kind = "random"
  else -- a costly statement in front of a valid or mutated spec
    local spec = deep_copy(seed_spec.value)
    if chance(0.5) then
      MUTATIONS[math.random(#MUTATIONS)](spec)
    end
    text = costly_prefix() .. "return " .. serialize(spec, "") .. "\n"
    kind = "costly"
  end
  local f = assert(io.open(dir .. "/case_" .. id .. ".lua", "wb"))
  f:write(text)
  f:close()
  manifest:write(id, " ", n % 8 == 0 and "write" or "check", " ", kind, "\n")
end
manifest:close()
