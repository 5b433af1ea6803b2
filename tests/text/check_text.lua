-- Generated text a reviewer would accept: checks every generated .c and .h file named on the
-- command line (a const-weights file's initializer is data: its literals are not checked) for
--   * loops that run once (or never): `for (int r = 0; r < 1; ++r)`, `i0 < 6; i0 += 6`;
--   * constants computed in double and printed as their rounding: 0.09999999999999998 for 1 - 0.9;
--   * tile registers named like parameters: `b1` beside `p->b1`, `a0`;
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
