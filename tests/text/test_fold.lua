-- The generator's folding of index arithmetic (gen/emit.lua fold_subscripts) keeps every
-- subscript's value: each expression below, and a few thousand drawn at random from names,
-- 0, 1, 2, 3, + - * / % and parentheses, is evaluated as C would (integers, division truncating
-- toward zero) before and after folding, for several values of its names. Also checks the
-- folded forms of the noise a one-trip loop leaves, written out by hand.
--   lua5.4 tests/text/test_fold.lua GEN_DIR
package.path = assert(arg[1], "usage: lua5.4 tests/text/test_fold.lua GEN_DIR") .. "/?.lua;" .. package.path
local emit = require("emit")
local failures = 0

local function fail(text)
  io.write("FAIL fold: ", text, "\n")
  failures = failures + 1
end

local FOLDED = {
  { "taps[(0 * 3 + ky) * 3 + kx]", "taps[ky * 3 + kx]" },
  { "A0[(0 * 8 + iy) * 8 + ix]", "A0[iy * 8 + ix]" },
  { "taps[(0 * 1) * 1]", "taps[0]" },
  { "A1[((group * 1) * 2 + iy) * 4 + ix]", "A1[(group * 2 + iy) * 4 + ix]" },
  { "Z2[(group * 1 + 0) * 8 + position][0]", "Z2[group * 8 + position][0]" },
  { "A[(ch * 8 + oy * 2 + 0) * 8 + ox * 2 + 0][j]", "A[(ch * 8 + oy * 2) * 8 + ox * 2][j]" },
  { "A0[k][0 + j]", "A0[k][j]" },
  { "b[x * (a / 1)]", "b[x * a]" },
  { "    const int iy = oy + 0 * 2;", "    const int iy = oy;" },
  { "const int ix = 0 + kx;", "const int ix = kx;" },
  { "const float f = 0 + x;", "const float f = 0 + x;" },
  -- nothing to fold, or not plain index arithmetic: left exactly as written
  { "x[(f / 4 * 2 + ch)]", "x[(f / 4 * 2 + ch)]" },
  { "q[x / (a * 1)]", "q[x / a]" },
  { "q[(a * b) / c]", "q[(a * b) / c]" },
  { "q[0 - i] + q[-1] + q[i0 + 1] + q[p->n * 1] + q[f(0) + 1]", "q[0 - i] + q[-1] + q[i0 + 1] + q[p->n * 1] + q[f(0) + 1]" },
  { "/* A[0 * 3 + k] */ x = 1 * y;", "/* A[0 * 3 + k] */ x = 1 * y;" },
}
for _, case in ipairs(FOLDED) do
  local got = emit.fold_subscripts(case[1])
  if got ~= case[2] then
    fail(string.format("'%s' gave '%s', expected '%s'", case[1], got, case[2]))
  end
end

-- A random expression as a tree, printed with parentheses where the tree wants them.
local seed = 12345
local function random(n)
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed % n
end
local ATOMS = { "0", "1", "2", "3", "a", "b", "c" }
local function expression(depth)
  if depth == 0 or random(3) == 0 then
    return ATOMS[random(#ATOMS) + 1]
  end
  local op = ({ "+", "-", "*", "*", "/", "%" })[random(6) + 1]
  local left, right = expression(depth - 1), expression(depth - 1)
  if random(2) == 0 then left = "(" .. left .. ")" end
  if random(2) == 0 or op == "/" or op == "%" or op == "-" then right = "(" .. right .. ")" end
  return left .. " " .. op .. " " .. right
end

-- Evaluates C integer arithmetic: + - * at their precedence, / and % truncating toward zero.
local function evaluate(text, env)
  local pos, list, at = 1, {}, 1
  while at <= #text do
    local c = text:sub(at, at)
    if c:match("%s") then
      at = at + 1
    elseif c:match("[%w_]") then
      local word = text:match("^[%w_]+", at)
      list[#list + 1] = word
      at = at + #word
    else
      list[#list + 1] = c
      at = at + 1
    end
  end
  local sum
  local function factor()
    local token = list[pos]
    pos = pos + 1
    if token == "(" then
      local value = sum()
      pos = pos + 1
      return value
    end
    return tonumber(token) or env[token]
  end
  local function product()
    local value = factor()
    while list[pos] == "*" or list[pos] == "/" or list[pos] == "%" do
      local op = list[pos]
      pos = pos + 1
      local right = factor()
      if value == nil or right == nil then
        value = nil
      elseif op == "*" then
        value = value * right
      elseif right == 0 then
        value = nil
      else
        local quotient = math.abs(value) // math.abs(right)
        if (value < 0) ~= (right < 0) then quotient = -quotient end
        value = op == "/" and quotient or value - quotient * right
      end
    end
    return value
  end
  function sum()
    local value = product()
    while list[pos] == "+" or list[pos] == "-" do
      local op = list[pos]
      pos = pos + 1
      local right = product()
      if value == nil or right == nil then
        value = nil
      else
        value = op == "+" and value + right or value - right
      end
    end
    return value
  end
  return sum()
end

local ENVS = { { a = 0, b = 1, c = 2 }, { a = 5, b = -3, c = 7 }, { a = -4, b = 9, c = -2 }, { a = 13, b = 2, c = 1 } }
local folded_count = 0
for _ = 1, 3000 do
  local text = expression(4)
  local folded = emit.fold_subscripts("x[" .. text .. "]"):match("^x%[(.*)%]$")
  if folded ~= text then
    folded_count = folded_count + 1
  end
  for _, env in ipairs(ENVS) do
    local before, after = evaluate(text, env), evaluate(folded, env)
    -- folding may remove a division by zero (0 * (a / 0)), never add one or change a value
    if before ~= nil and before ~= after then
      fail(string.format("'%s' folded to '%s': %s before, %s after (a=%d b=%d c=%d)", text, folded,
        tostring(before), tostring(after), env.a, env.b, env.c))
      break
    end
  end
end
if folded_count < 100 then
  fail("only " .. folded_count .. " of the random expressions folded: the test draws too few")
end
if failures > 0 then
  os.exit(1)
end
io.write(string.format("fold: %d hand cases, 3000 random expressions (%d folded) keep their values\n", #FOLDED, folded_count))
