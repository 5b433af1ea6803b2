-- C text helpers: numeric literals, a line buffer with indentation, and template rendering.
local M = {}

-- The generator's host (gen/host.c) does the rounding and the search below in C, for every
-- parameter of a const-weights build; plain lua5.4 (tests/text/test_fold.lua) has no host and
-- gets them in Lua.
local has_host, host = pcall(require, "gradc.host")

-- `value` rounded to the nearest float (a Lua float again)
local as_float = has_host and host.as_float or function(value)
  return (string.unpack("<f", string.pack("<f", value)))
end

-- The shortest decimal text that reads back as exactly `value`: as a double, or, with `float`,
-- as a float (for values that are floats, such as weights read from a float file).
function M.shortest(value, float)
  if has_host then
    return host.shortest(value, float)
  end
  for digits = 1, 17 do
    local text = string.format("%." .. digits .. "g", value)
    local back = tonumber(text)
    if (float and as_float(back) == value) or (not float and back == value) then
      return text
    end
  end
  return string.format("%.17g", value)
end

-- A literal of the model's real type that reads back exactly: with an f suffix for float, so the
-- compiler rounds it once and no double-to-float conversion happens. A value that is itself a
-- float gets the shortest float text; any other value (a hyperparameter) its shortest double text.
function M.literal(value, dtype)
  local float = dtype == "float" and as_float(value) == value
  local text = M.shortest(value, float)
  -- plain searches: this runs once per parameter
  if not (text:find(".", 1, true) or text:find("e", 1, true) or text:find("n", 1, true)) then
    text = text .. ".0"
  end
  return dtype == "float" and text .. "f" or text
end

-- 1 - value (adam's 1 - beta1, say) as a reader would write it: in float the shortest text of the
-- float nearest 1 - value ("0.1f" for 1 - 0.9, not "0.09999999999999998f"); in double, where
-- 1 - 0.9 is not the double nearest 0.1, the subtraction itself, which the compiler folds exactly
-- as the generator computed it.
function M.one_minus(value, dtype)
  if dtype == "float" then
    return M.literal(as_float(1 - value), dtype)
  end
  return "(" .. M.literal(1, dtype) .. " - " .. M.literal(value, dtype) .. ")"
end

-- a * b (adamw's lr * weight_decay) the same way: the float nearest the product, or in double the
-- product itself, which the compiler folds exactly as the generator computed it.
function M.product(a, b, dtype)
  if dtype == "float" then
    return M.literal(as_float(a * b), dtype)
  end
  return "(" .. M.literal(a, dtype) .. " * " .. M.literal(b, dtype) .. ")"
end

-- a - b (a cosine schedule's lr - min_lr) the same way.
function M.difference(a, b, dtype)
  if dtype == "float" then
    return M.literal(as_float(a - b), dtype)
  end
  return "(" .. M.literal(a, dtype) .. " - " .. M.literal(b, dtype) .. ")"
end

-- The exact value 1/n (or k/n) as a constant expression the compiler rounds once.
function M.ratio(numerator, denominator, dtype)
  return "(" .. M.literal(numerator, dtype) .. " / " .. M.literal(denominator, dtype) .. ")"
end

-- A buffer of lines. `line` takes a format and arguments; `open`/`close` nest blocks, and
-- `loop` opens a counted for loop that is left out where it would run once or never.
local Buffer = {}
Buffer.__index = Buffer

function M.buffer(depth)
  return setmetatable({ lines = {}, depth = depth or 0, scopes = {} }, Buffer)
end

-- gsub(pattern, value) in code only: text inside /* comments */ is left alone.
local function substitute(text, pattern, value)
  local pieces, at = {}, 1
  while at <= #text do
    local open = text:find("/*", at, true)
    local code_end = open and open - 1 or #text
    pieces[#pieces + 1] = text:sub(at, code_end):gsub(pattern, value)
    if not open then
      break
    end
    local close = text:find("*/", open + 2, true) or #text - 1
    pieces[#pieces + 1] = text:sub(open, close + 1)
    at = close + 2
  end
  return table.concat(pieces)
end

-- Integer index arithmetic: a subscript is parsed into sums of products of names, integers and
-- parenthesized subexpressions, so that what a one-trip loop's substituted index leaves
-- ("(0 * 3 + ky) * 3 + kx", "group * 1 + 0") can be folded exactly (C integers: 0 * e = 0,
-- 1 * e = e, e + 0 = e; no division is rearranged). A subscript with anything else in it (a
-- member, a call, a nested subscript) is left as it is.
local parse_sum

local function parse_factor(tokens, at)
  local token = tokens[at]
  if token == "(" then
    local inner, next_at = parse_sum(tokens, at + 1)
    if not inner or tokens[next_at] ~= ")" then
      return nil
    end
    return { kind = "group", inner = inner }, next_at + 1
  elseif token and token:match("^[%w_]+$") and tokens[at + 1] ~= "(" then
    return { kind = "atom", text = token }, at + 1
  end
  return nil
end

-- operand (op operand)*, with `first` as the first operand's op: the operands and their ops.
local function parse_chain(tokens, at, parse_operand, operators, first)
  local operand
  operand, at = parse_operand(tokens, at)
  if not operand then
    return nil
  end
  local operands, ops = { operand }, { first }
  while operators[tokens[at]] do
    local op = tokens[at]
    operand, at = parse_operand(tokens, at + 1)
    if not operand then
      return nil
    end
    operands[#operands + 1] = operand
    ops[#ops + 1] = op
  end
  return operands, ops, at
end

local function parse_product(tokens, at)
  local factors, ops, next_at = parse_chain(tokens, at, parse_factor, { ["*"] = true, ["/"] = true, ["%"] = true }, "*")
  return factors and { kind = "product", factors = factors, ops = ops }, next_at
end

function parse_sum(tokens, at)
  local terms, signs, next_at = parse_chain(tokens, at, parse_product, { ["+"] = true, ["-"] = true }, "+")
  return terms and { kind = "sum", terms = terms, signs = signs }, next_at
end

local function is_literal(node, value)
  return node.kind == "atom" and node.text == value
end

-- The node folded: a sum without zero terms, a product without factors of one (or 0 when a
-- factor of a product of only "*" is 0), a group of one atom as that atom.
local fold_sum

local function fold_product(product)
  local factors, ops = {}, {}
  local only_times = true
  for i, factor in ipairs(product.factors) do
    if factor.kind == "group" then
      factor = fold_sum(factor.inner)
      if #factor.terms == 1 and factor.signs[1] == "+" then
        local single = factor.terms[1]
        local times_only = true
        for k = 2, #single.ops do
          times_only = times_only and single.ops[k] == "*"
        end
        -- (a * b) may lose its parentheses where it is multiplied; (a / b) may not
        if #single.factors == 1 or (times_only and (i == 1 or product.ops[i] == "*")) then
          for k, inner in ipairs(single.factors) do
            factors[#factors + 1] = inner
            ops[#ops + 1] = k == 1 and product.ops[i] or single.ops[k]
          end
          goto next_factor
        end
      end
      factor = { kind = "group", inner = factor }
    end
    factors[#factors + 1] = factor
    ops[#ops + 1] = product.ops[i]
    ::next_factor::
  end
  for i = 2, #ops do
    only_times = only_times and ops[i] == "*"
  end
  if only_times then
    for _, factor in ipairs(factors) do
      if is_literal(factor, "0") then
        return { kind = "product", factors = { factor }, ops = { "*" } }
      end
    end
  end
  local kept, kept_ops = {}, {}
  for i, factor in ipairs(factors) do
    local next_op = ops[i + 1]
    local drop = is_literal(factor, "1") and ((i == 1 and next_op == "*") or (i > 1 and ops[i] ~= "%"))
    if not drop then
      kept[#kept + 1] = factor
      kept_ops[#kept_ops + 1] = #kept == 1 and "*" or ops[i]
    end
  end
  if #kept == 0 then
    kept, kept_ops = { { kind = "atom", text = "1" } }, { "*" }
  end
  return { kind = "product", factors = kept, ops = kept_ops }
end

function fold_sum(sum)
  local terms, signs = {}, {}
  for i, term in ipairs(sum.terms) do
    term = fold_product(term)
    local zero = #term.factors == 1 and is_literal(term.factors[1], "0")
    -- a zero term goes, unless dropping it would leave the sum starting with "- x"
    if not zero or (#terms == 0 and sum.signs[i + 1] == "-") then
      terms[#terms + 1] = term
      signs[#signs + 1] = #terms == 1 and "+" or sum.signs[i]
    end
  end
  if #terms == 0 then
    terms, signs = { { kind = "product", factors = { { kind = "atom", text = "0" } }, ops = { "*" } } }, { "+" }
  end
  return { kind = "sum", terms = terms, signs = signs }
end

local print_sum

local function print_product(product)
  local out = {}
  for i, factor in ipairs(product.factors) do
    if i > 1 then
      out[#out + 1] = " " .. product.ops[i] .. " "
    end
    out[#out + 1] = factor.kind == "group" and "(" .. print_sum(factor.inner) .. ")" or factor.text
  end
  return table.concat(out)
end

function print_sum(sum)
  local out = {}
  for i, term in ipairs(sum.terms) do
    if i > 1 then
      out[#out + 1] = " " .. sum.signs[i] .. " "
    end
    out[#out + 1] = print_product(term)
  end
  return table.concat(out)
end

-- A subscript's text with its index arithmetic folded, or as it was when there is nothing to
-- fold or it is not plain index arithmetic.
-- Whether text holds a 0 or 1 beside an operator that folds it (cheap, to leave most lines alone).
local function may_fold(text)
  return text:find("[%*%+%-/] %(*[01]%f[^%w_.]") or text:find("%f[%w_.][01]%)* [%*%+]")
end

local function fold_subscript(index)
  if not may_fold(index) then
    return index
  end
  local tokens, at = {}, 1
  while at <= #index do
    local space = index:match("^%s+", at)
    if space then
      at = at + #space
    else
      local word = index:match("^[%w_]+", at)
      local token = word or index:sub(at, at)
      if not word and not token:match("^[%+%-%*/%%()]$") then
        return index
      end
      tokens[#tokens + 1] = token
      at = at + #token
    end
  end
  local sum, next_at = parse_sum(tokens, 1)
  if not sum or next_at ~= #tokens + 1 then
    return index
  end
  local folded = print_sum(fold_sum(sum))
  -- nothing folded: keep the text as written (its spacing and parentheses)
  return folded == print_sum(sum) and index or folded
end

-- Every innermost subscript of a line of code, and a `const int` initializer, folded (comments
-- are left alone). The same
-- subscripts recur on many lines, so each is folded once (a cache of pure results).
local folded_subscripts = {}
local function fold_subscripts(text)
  if not may_fold(text) then
    return text
  end
  -- an int's initializer (a coordinate: "const int iy = oy + 0 * 2;") is index arithmetic too
  local head, value = text:match("^(%s*const int [%a_][%w_]* = )([^;]*);$")
  if head then
    text = head .. fold_subscript(value) .. ";"
  end
  if not text:find("[", 1, true) then
    return text
  end
  return substitute(text, "%[([^%[%]]*)%]", function(index)
    local folded = folded_subscripts[index]
    if not folded then
      folded = "[" .. fold_subscript(index) .. "]"
      folded_subscripts[index] = folded
    end
    return folded
  end)
end
M.fold_subscripts = fold_subscripts

-- The code a line becomes inside the open scopes: nil inside a loop that never runs; inside a
-- loop that runs once, its variable replaced by its one value ("i0 + r" with r = 0 becomes "i0").
local function in_scopes(self, text)
  for i = #self.scopes, 1, -1 do
    local scope = self.scopes[i]
    if scope.kind == "never" then
      return nil
    elseif scope.kind == "once" then
      local var = "%f[%w_]" .. scope.var .. "%f[^%w_]"
      if scope.value == 0 then
        -- drop "+ r" only where r is a whole term of a sum: not "r * 2", not "x * r"
        text = substitute(text, " %+ " .. var .. "([%]%),;])", "%1")
        text = substitute(text, " %+ " .. var .. "( [%+%-] )", "%1")
        text = substitute(text, " %+ " .. var .. "$", "")
        text = substitute(text, "([%[%(])" .. var .. " %+ ", "%1")
      end
      text = substitute(text, var, tostring(scope.value))
    end
  end
  return text
end

function Buffer:line(fmt, ...)
  local text = in_scopes(self, select("#", ...) > 0 and string.format(fmt, ...) or fmt)
  text = text and fold_subscripts(text)
  if text == nil then
    return self
  elseif text == "" then
    self.lines[#self.lines + 1] = ""
  else
    self.lines[#self.lines + 1] = string.rep("    ", self.depth) .. text
  end
  return self
end

function Buffer:open(fmt, ...)
  self:line(fmt, ...)
  self.scopes[#self.scopes + 1] = { kind = "block" }
  self.depth = self.depth + 1
  return self
end

-- `for (int var = first; var < limit; var += step) {` (step 1 by default). A loop that would
-- run once is not written: its body follows at the same depth with `var` replaced by `first`.
-- A loop that would never run drops its body. Close it with `close`, like any block.
function Buffer:loop(var, first, limit, step)
  step = step or 1
  if first >= limit then
    self.scopes[#self.scopes + 1] = { kind = "never" }
  elseif first + step >= limit then
    self.scopes[#self.scopes + 1] = { kind = "once", var = var, value = first, from = #self.lines + 1 }
  elseif step == 1 then
    self:open("for (int %s = %d; %s < %d; ++%s) {", var, first, var, limit, var)
  else
    self:open("for (int %s = %d; %s < %d; %s += %d) {", var, first, var, limit, var, step)
  end
  return self
end

-- Whether a line of C declares a variable ("const float a = ...", "float acc[6][1];"). A
-- statement keyword followed by a name looks like a type followed by one ("if (a[i] > 0)",
-- "return x;"), so those words are not types.
local NOT_TYPES = { ["return"] = true, ["else"] = true, ["goto"] = true, ["case"] = true,
  ["if"] = true, ["while"] = true, ["for"] = true, ["switch"] = true, ["do"] = true,
  ["sizeof"] = true }
local function declares(text)
  local first = text:match("^%s*([%a_][%w_]*)%s+%(?%*?%s*[%a_][%w_]*%s*[%[=;,%)]")
  return text:match("^%s*const%s") ~= nil or (first ~= nil and not NOT_TYPES[first])
end

-- The body of a loop left out because it runs once stays at the loop's depth; if it declares
-- anything at that depth, it becomes a plain block instead, so that its names stay its own.
local function scope_once_body(self, scope)
  local indent = string.rep("    ", self.depth)
  for i = scope.from, #self.lines do
    local line = self.lines[i]
    if line:sub(1, #indent) == indent and line:sub(#indent + 1, #indent + 1) ~= " " and declares(line) then
      for j = scope.from, #self.lines do
        if self.lines[j] ~= "" then
          self.lines[j] = "    " .. self.lines[j]:gsub("\n", "\n    ")
        end
      end
      table.insert(self.lines, scope.from, indent .. "{")
      self.lines[#self.lines + 1] = indent .. "}"
      return
    end
  end
end

function Buffer:close(text)
  local scope = table.remove(self.scopes)
  if scope and scope.kind == "once" then
    scope_once_body(self, scope)
    return self
  elseif scope and scope.kind == "never" then
    return self
  end
  self.depth = self.depth - 1
  self:line(text or "}")
  return self
end

-- `} else {`: closes the block opened last and opens its else branch.
function Buffer:otherwise()
  self.depth = self.depth - 1
  self:line("} else {")
  self.depth = self.depth + 1
  return self
end

function Buffer:text()
  return table.concat(self.lines, "\n")
end

-- The column just after the last "(" that the code of `text` leaves open, or nil when it closes
-- them all (comments do not count).
local function open_paren_column(text)
  if text:match("^%s*%*") then
    return nil -- the middle of a block comment
  end
  text = text:gsub("/%*.-%*/", function(comment) return string.rep(" ", #comment) end):gsub("/%*.*$", "")
  local open = {}
  for i = 1, #text do
    local c = text:sub(i, i)
    if c == "(" then
      open[#open + 1] = i
    elseif c == ")" then
      open[#open] = nil
    end
  end
  return open[#open]
end

-- The text after the last newline of `text`. Scanning back from the end keeps this linear in
-- that line's length: a filled placeholder can hold megabytes of generated code, and a pattern
-- anchored with "$" would be retried from every position of it.
local function last_line(text)
  local newline = string.byte("\n")
  for i = #text, 1, -1 do
    if text:byte(i) == newline then
      return text:sub(i + 1)
    end
  end
  return text
end

-- Fill ${key} placeholders. A placeholder without a value, or a value without a placeholder, is a
-- generator bug, so both raise. A template line that continues an argument list (it starts with
-- blanks and the line before leaves a parenthesis open) is aligned after that parenthesis once
-- the names are filled in, whatever their length.
function M.render(template, values, template_name)
  local used = {}
  local function fill(text)
    return (text:gsub("%${([%w_]+)}", function(key)
      local value = values[key]
      if value == nil then
        error(template_name .. ": no value for placeholder ${" .. key .. "}")
      end
      used[key] = true
      return tostring(value)
    end))
  end
  local lines, previous = {}, ""
  for line in (template .. "\n"):gmatch("(.-)\n") do
    local text = fill(line)
    local column = open_paren_column(previous)
    if column and line:match("^%s+[^%s%*]") then
      text = string.rep(" ", column) .. text:match("^%s*(.*)$")
    end
    lines[#lines + 1] = text
    previous = last_line(text)
  end
  local keys = {}
  for key in pairs(values) do
    keys[#keys + 1] = key
  end
  table.sort(keys)
  for _, key in ipairs(keys) do
    if not used[key] then
      error(template_name .. ": value for ${" .. key .. "} has no placeholder")
    end
  end
  return table.concat(lines, "\n")
end

return M
