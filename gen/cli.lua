-- Command line: argv -> options table.
local errors = require("errors")

local M = {}

M.USAGE = [[
usage: gradc [--out DIR] [--weights FILE] [--check] SPEC.lua
  --out DIR       write DIR/<name>/ (default: out)
  --weights FILE  also emit FILE's weights as constant data with <name>_infer (checked against SPEC)
  --check         validate the spec (and weights) and print the summary; write nothing
  --name          validate the spec and print only its name
  --version       print the generator's version
  --help          print this text]]

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
  options.out = options.out:gsub("(.)/+$", "%1")
  return options
end

return M
