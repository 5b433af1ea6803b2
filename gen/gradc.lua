-- The driver: spec -> validated model -> plan -> C text -> files. Each phase is a module.
local cli = require("cli")
local errors = require("errors")
local coder = require("coder")
local plan_builder = require("plan")
local spec = require("spec")
local summary = require("summary")
local version = require("version")
local weights_reader = require("weights")
local write = require("write")

local M = {}

local function load_templates(root)
  return {
    header = write.read(root .. "/templates/model.h.in"),
    source = write.read(root .. "/templates/model.c.in"),
    kernels = write.read(root .. "/templates/model_kernels.h.in"),
    io = write.read(root .. "/templates/model_io.c.in"),
    weights = write.read(root .. "/templates/model_weights.c.in"),
    runtime = write.read(root .. "/runtime/gradc_rt.h"),
  }
end

-- Returns the process exit status; user errors are raised (see errors.lua).
function M.main(root, args)
  local options = cli.parse(args)
  if options.help then
    print(cli.USAGE)
    return 0
  end
  if options.version then
    print("gradc " .. version)
    return 0
  end
  local model = spec.load(options.spec, options.spec)
  if options.name_only then
    print(model.name)
    return 0
  end
  local plan = plan_builder.build(model)
  local weights
  if options.weights then
    -- make gen replaces OUT/<name>/ whole: a weights file inside it would be deleted with it
    local function normalized(path)
      return (path:gsub("/%./", "/"):gsub("^%./", ""):gsub("//+", "/"))
    end
    local folder = normalized(options.out .. "/" .. model.name .. "/")
    if normalized(options.weights):sub(1, #folder) == folder then
      errors.raise(options.weights .. ": the weights file is inside " .. folder .. ", which "
        .. "generating replaces whole; copy it elsewhere or choose another OUT (e.g. OUT=out/deploy)")
    end
    weights = {
      file = options.weights:match("([^/\\]+)$") or options.weights,
      values = weights_reader.read(options.weights, options.weights, plan),
    }
  end
  if options.check then
    io.write(summary.text(plan))
    return 0
  end
  local files = coder.files(plan, load_templates(root), weights)
  local folder = write.folder(options.out, plan.name, files)
  io.write(summary.text(plan))
  io.write(string.format("gradc: wrote %s/\n", folder))
  return 0
end

return M
