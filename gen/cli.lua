-- Command line: argv -> options table.
local errors = require("errors")

local M = {}

M.USAGE = [==[
usage: gradc [--out DIR] [--weights FILE [--quant int8 --calib FILE]] [--check] SPEC.lua
  --out DIR       write DIR/<name>/ (default: out)
  --weights FILE  also emit FILE's weights as constant data with <name>_infer (checked against SPEC)
  --quant int8    also emit integer-only int8 inference (<name>_q8.c, <name>_qinfer.c), with --weights
  --calib FILE    the CSV (make train's format) whose rows calibrate the int8 ranges (with --quant)
  --check         validate the spec (and weights) and print the summary; write nothing
  --name          validate the spec and print only its name
  --version       print the generator's version
  --help          print this text]==]

-- The argument after the option at args[i], which must be there and not empty; else `missing`.
local function option_value(args, i, missing)
  local value = args[i + 1]
  if not value or value == "" then
    errors.raise(missing)
  end
  return value
end

function M.parse(args)
  local options = { out = "out" }
  local i = 1
  while i <= #args do
    local arg = args[i]
    if arg == "--out" or arg == "-o" then
      options.out = option_value(args, i, "gradc: --out needs a folder (see gradc --help)")
      i = i + 1
    elseif arg == "--weights" or arg == "-w" then
      options.weights = option_value(args, i, "gradc: --weights needs a weights file (see gradc --help)")
      i = i + 1
    elseif arg == "--quant" then
      options.quant = option_value(args, i, "gradc: --quant needs a scheme (int8)")
      i = i + 1
    elseif arg == "--calib" then
      options.calib = option_value(args, i, "gradc: --calib needs a calibration file (CSV)")
      i = i + 1
    elseif arg == "--name" then
      options.name_only = true
    elseif arg == "--check" then
      options.check = true
    elseif arg == "--version" then
      options.version = true
    elseif arg == "--help" or arg == "-h" then
      options.help = true
    elseif arg:sub(1, 1) == "-" and arg ~= "-" then
      errors.raise("gradc: unknown option " .. arg, M.USAGE)
    elseif arg == "" then
      errors.raise("gradc: the spec path is empty (expected a spec file such as net.lua)")
    elseif options.spec then
      errors.raise("gradc: only one spec at a time (got " .. options.spec .. " and " .. arg .. ")")
    else
      options.spec = arg
    end
    i = i + 1
  end
  if not options.spec and not options.help and not options.version then
    errors.raise("gradc: no spec given", M.USAGE)
  end
  if options.quant and options.quant ~= "int8" then
    errors.raise("gradc: --quant: unknown scheme '" .. errors.spec_text(options.quant) .. "' (expected int8)")
  elseif options.quant and not options.weights then
    errors.raise("gradc: --quant int8 needs --weights FILE (make gen: WEIGHTS=file): the trained weights to quantize")
  elseif options.quant and not options.calib then
    errors.raise("gradc: --quant int8 needs --calib FILE (make gen: CALIB=file.csv): the rows that calibrate the int8 ranges")
  elseif options.calib and not options.quant then
    errors.raise("gradc: --calib is for an int8 build: give --quant int8 as well (make gen: QUANT=int8)")
  end
  options.out = options.out:gsub("(.)/+$", "%1")
  return options
end

return M
