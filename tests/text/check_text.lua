-- Generated text a reviewer would accept: checks every generated .c and .h file named on the
-- command line (a const-weights file's initializer is data: its literals are not checked) for
--   * loops that run once (or never): `for (int r = 0; r < 1; ++r)`, `i0 < 6; i0 += 6`;
--   * constants computed in double and printed as their rounding: 0.09999999999999998 for 1 - 0.9;
--   * tile registers named like parameters: `b1` beside `p->b1`, `a0`;
--   * index arithmetic a substituted one-trip loop variable leaves unfolded: `(0 * 3 + ky)`,
--     `group * 1 + 0`, `[0 + j]`;
--   * braces around one statement that declares nothing (`{`, `if (a > top) top = a;`, `}`): left
--     around the body of a loop that was folded away because it runs once;
--   * continuation lines that do not line up: an argument list continues after its "(", and a
--     sum's "+ " lines put their terms under the first term.
-- Prints each problem as FILE:LINE: problem and exits 1 if there was any.
--   lua5.4 tests/text/check_text.lua FILE...
local problems = 0

local function report(file, number, text)
  io.write(string.format("%s:%d: %s\n", file, number, text))
  problems = problems + 1
end

-- The code of a line: comments blanked out (a comment that is still open runs to the end).
local function code_of(line, in_comment)
  local out, i = {}, 1
  while i <= #line do
    if in_comment then
      local close = line:find("*/", i, true)
      if not close then
        out[#out + 1] = string.rep(" ", #line - i + 1)
        return table.concat(out), true
      end
      out[#out + 1] = string.rep(" ", close + 2 - i)
      i, in_comment = close + 2, false
    else
      local open = line:find("/*", i, true)
      if not open then
        out[#out + 1] = line:sub(i)
        break
      end
      out[#out + 1] = line:sub(i, open - 1)
      i, in_comment = open, true
    end
  end
  return table.concat(out), in_comment
end

local function open_paren_column(code)
  local open = {}
  for i = 1, #code do
    local c = code:sub(i, i)
    if c == "(" then
      open[#open + 1] = i
    elseif c == ")" then
      open[#open] = nil
    end
  end
  return open[#open]
end

-- Words that start a statement and may be followed by a name, as a type is by a declared one.
local STATEMENT_WORDS = { ["return"] = true, ["else"] = true, ["goto"] = true, ["case"] = true,
  ["if"] = true, ["while"] = true, ["for"] = true, ["switch"] = true, ["do"] = true,
  ["sizeof"] = true }

-- Whether a line of code declares a name: after its qualifiers, two names apart by blanks or
-- stars (`float x = ...`, `const __m256 a`, `model_real *p;`), the first not a statement word.
local function is_declaration(code)
  local first = code:gsub("^%s*", ""):gsub("^static%s+", ""):gsub("^const%s+", "")
    :match("^([%a_][%w_]*)[%s%*]+[%a_]")
  return first ~= nil and not STATEMENT_WORDS[first]
end

-- Whether the line is a lone "{" opening a plain block (the code line before it ends a statement
-- or a block: not a function's signature, not an initializer) around one statement that declares
-- nothing, with its "}" on the line after: braces that scope no name.
local function braces_around_a_statement(codes, i)
  local indent = codes[i]:match("^(%s*){%s*$")
  if not indent or i + 2 > #codes then
    return false
  end
  local before = i - 1
  while before >= 1 and not codes[before]:find("%S") do
    before = before - 1
  end
  local inner = indent .. "    "
  local body, close = codes[i + 1], codes[i + 2]
  return before >= 1 and codes[before]:match("[;{}]%s*$") ~= nil
    and close:match("^(%s*)}%s*$") == indent
    and body:sub(1, #inner) == inner and body:sub(#inner + 1, #inner + 1):match("%S") ~= nil
    and body:match(";%s*$") ~= nil and not is_declaration(body)
end

-- Integer arithmetic with a 0 or 1 that folds away (0 * e, e * 1, e + 0, 0 + e), as a Lua
-- pattern per form (a frontier keeps "10", "0.5" and names like "a0" out).
local UNFOLDED = {
  "[%[%(]0 %* ", "[%[%(]1 %* ", "[^%w_.]0 %+ ", " %* 1%f[^%w_.]", " [%+%-] 0%f[^%w_.]", " %* 0%f[^%w_.]",
}

local function trips(first, limit, step)
  if first >= limit then
    return 0
  end
  return (limit - first + step - 1) // step
end

local function check_file(file)
  local lines = {}
  for line in io.lines(file) do
    lines[#lines + 1] = line
  end
  local in_comment = false
  local codes = {}
  for i, line in ipairs(lines) do
    codes[i], in_comment = code_of(line, in_comment)
  end
  local statement_start -- first line of the statement a "+ " continuation belongs to
  local in_data = false -- inside the initializer of <name>_weights
  for i, code in ipairs(codes) do
    local var, first, limit, rest = code:match("for %(int ([%w_]+) = (%-?%d+); [%w_]+ < (%-?%d+); ([^)]*)%)")
    if var then
      local step = rest:match("%+= (%d+)") or (rest:match("^%+%+") and "1")
      if step and trips(tonumber(first), tonumber(limit), tonumber(step)) <= 1 then
        report(file, i, "a loop that runs " .. trips(tonumber(first), tonumber(limit), tonumber(step))
          .. " time(s): " .. code:match("for %b()"))
      end
    end
    if code:match("^const [%w_]+_params [%w_]+_weights = {") then
      in_data = true
    elseif in_data and code:match("^};") then
      in_data = false
    end
    for literal in (in_data and "" or code):gmatch("%f[%w.]%d*%.%d+[eE]?[-+]?%d*f?") do
      if literal:match("%d*%.%d-(9999999)") or literal:match("%d*%.%d-(0000000)%d") then
        report(file, i, "a constant printed as its rounding: " .. literal)
      end
    end
    for _, form in ipairs(UNFOLDED) do
      local at = (in_data and "" or code):find(form)
      if at then
        report(file, i, "index arithmetic left unfolded: " .. code:sub(math.max(1, at - 12), at + 12))
        break
      end
    end
    if braces_around_a_statement(codes, i) then
      report(file, i, "braces around one statement that declares nothing: " .. codes[i + 1]:match("^%s*(.-)%s*$"))
    end
    local register = code:match("const __m[%d]+d? ([ab]%d+) =")
    if register then
      report(file, i, "a tile register named like a parameter or activation: " .. register)
    end
    if i > 1 and code:match("^%s+%S") and not code:match("^%s*%+ ") and not lines[i]:match("^%s*%*") then
      local column = open_paren_column(codes[i - 1])
      local starts = #code:match("^%s*")
      if column and starts ~= column then
        report(file, i, string.format("argument list continues at column %d, not after the '(' at %d",
          starts + 1, column))
      end
    end
    local plus = code:match("^(%s*)%+ ")
    if plus and statement_start then
      local head = codes[statement_start]
      local rhs = head:find("= ", 1, true)
      if rhs then
        local term = rhs + 2
        local wrapped = head:sub(term):match("^[%w_.]+ %* %(")
        if wrapped then
          term = term + #wrapped
        end
        if #plus + 2 ~= term - 1 then
          report(file, i, string.format("a sum continues with its terms at column %d, not under the first term at %d",
            #plus + 3, term))
        end
      end
    elseif not plus then
      statement_start = i
    end
  end
end

for _, file in ipairs(arg) do
  check_file(file)
end
if problems > 0 then
  io.write(string.format("check-text: %d problem(s)\n", problems))
  os.exit(1)
end
io.write(string.format("check-text: %d generated files read cleanly\n", #arg))
