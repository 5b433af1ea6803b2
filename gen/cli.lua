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

function M.parse(args)
  local options = { out = "out" }
  local i = 1
  while i <= #args do
    local arg = args[i]
    if arg == "--out" or arg == "-o" then
      options.out = args[i + 1]
      if not options.out or options.out == "" then
        errors.raise("gradc: --out needs a folder\n" .. M.USAGE)
      end
      i = i + 1
    elseif arg == "--weights" or arg == "-w" then
      options.weights = args[i + 1]
      if not options.weights or options.weights == "" then
        errors.raise("gradc: --weights needs a weights file\n" .. M.USAGE)
      end
      i = i + 1
    elseif arg == "--quant" then
      options.quant = args[i + 1]
      if not options.quant or options.quant == "" then
        errors.raise("gradc: --quant needs a scheme (int8)")
      end
      i = i + 1
    elseif arg == "--calib" then
      options.calib = args[i + 1]
      if not options.calib or options.calib == "" then
        errors.raise("gradc: --calib needs a calibration file (CSV)")
      end
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
      errors.raise("gradc: unknown option " .. arg .. "\n" .. M.USAGE)
    elseif options.spec then
      errors.raise("gradc: only one spec at a time (got " .. options.spec .. " and " .. arg .. ")")
    else
      options.spec = arg
    end
    i = i + 1
  end
  if not options.spec and not options.help and not options.version then
    errors.raise("gradc: no spec given\n" .. M.USAGE)
  end
  if options.quant and options.quant ~= "int8" then
    errors.raise("gradc: --quant: unknown scheme '" .. errors.spec_text(options.quant) .. "' (expected int8)")
  elseif options.quant and not options.weights then
    errors.raise("gradc: --quant int8 needs --weights FILE: the trained weights to quantize")
  elseif options.quant and not options.calib then
    errors.raise("gradc: --quant int8 needs --calib FILE: the rows that calibrate the int8 ranges")
  elseif options.calib and not options.quant then
    errors.raise("gradc: --calib is for an int8 build: give --quant int8 as well")
  end
  options.out = options.out:gsub("(.)/+$", "%1")
  return options
end

return M
