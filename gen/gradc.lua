-- The driver: spec -> validated model -> plan -> C text -> files. Each phase is a module.
local cli = require("cli")
local errors = require("errors")
local host = require("gradc.host")
local coder = require("coder")
local plan_builder = require("plan")
local q8_code = require("q8.code")
local q8_calibrate = require("q8.calibrate")
local q8_quantize = require("q8.quantize")
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
  if not options.check then
    -- make gen replaces OUT/<name>/ whole: an input file inside it would be deleted with it.
    -- Where each really is decides (a link, "..", a relative input with an absolute OUT), and a
    -- folder that does not exist yet holds nothing.
    local function normalized(path)
      return (path:gsub("/%./", "/"):gsub("^%./", ""):gsub("//+", "/"))
    end
    local folder = normalized(options.out .. "/" .. model.name .. "/")
    local real_folder = host.realpath(folder)
    for _, input in ipairs({ { options.spec, "spec" }, { options.weights, "weights" },
      { options.calib, "calibration" } }) do
      local real_input = input[1] and real_folder and host.realpath(input[1])
      if real_input and real_input:sub(1, #real_folder + 1) == real_folder .. "/" then
        errors.raise(input[1] .. ": the " .. input[2] .. " file is inside " .. folder .. ", which "
          .. "generating replaces whole; copy it elsewhere or choose another OUT (e.g. OUT=out/deploy)")
      end
    end
  end
  local weights
  if options.weights then
    weights = {
      file = options.weights:match("([^/\\]+)$") or options.weights,
      values = weights_reader.read(options.weights, options.weights, plan),
    }
  end
  local q8
  if options.quant then
    if plan.dtype ~= "float" then
      errors.raise(string.format("%s: dtype: int8 quantization needs dtype float (this spec has "
        .. "dtype %s)", options.spec, plan.dtype))
    end
    local network = q8_quantize.build(plan, weights.values,
      q8_calibrate.read(options.calib, options.calib, plan.inputs))
    for _, warning in ipairs(network.warnings) do
      io.stderr:write("gradc: warning: ", warning, "\n")
    end
    q8 = { network = network, prepared = q8_code.prepare(plan, network),
      calib = options.calib:match("([^/\\]+)$") or options.calib }
  end
  if options.check then
    io.write(summary.text(plan))
    return 0
  end
  local files = coder.files(plan, load_templates(root), weights, q8)
  local folder = write.folder(options.out, plan.name, files)
  io.write(summary.text(plan))
  if q8 then
    io.write(string.format("  int8: %s_q8.c (%s_q8_infer) and %s_qinfer.c, calibrated on %d rows of %s: "
      .. "%d B of const data, %d B of working RAM (%d B and %d B with the Cortex-M DSP kernels)\n",
      plan.name, plan.name, plan.name, q8.network.rows, q8.calib, q8.prepared.weights_bytes,
      q8.prepared.buffer_bytes, q8.prepared.dsp_weights_bytes, q8.prepared.dsp_buffer_bytes))
  end
  io.write(string.format("gradc: wrote %s/\n", folder))
  return 0
end

return M
