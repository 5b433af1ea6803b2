-- tests/q8/q8_cases.lua OUTDIR SPEC.lua ... [-- RANDOM_SPEC.lua ...]
--
-- The cases of make check-q8-ref (the int8 comparison with the reference engine), written into
-- OUTDIR (which must exist):
--   <name>.lua      a float copy of each RANDOM_SPEC (the random families of tests/cases.lua draw
--                   double nets too; the int8 quantizer takes float ones only)
--   q8_cases.c      every case as a reference-engine ref_net (tests/ref/refspec.lua), in one table
--   q8_cases.mk     Q8_CASES and, per case, Q8_SPEC_<name>, Q8_UNAME_<name> and, for a random
--                   case, Q8_RANDOM_<name> := 1
-- The SPECs (the examples) are used where they are; a double one is left out (QUANT refuses it).
-- Files are rewritten only when their text changes.

local here = arg[0]:match("^(.*)/[^/]*$") or "."
local refspec = dofile(here .. "/../ref/refspec.lua")
local specfiles = dofile(here .. "/../ref/specfiles.lua")

-- What the int8 scheme treats differently, per case: every activation as a layer's (and how the
-- scheme quantizes it: relu and linear clamp, sigmoid/tanh/leaky_relu tables, softmax last), every
-- layer kind, batchnorm folded into a conv or dense layer and standing alone, and the conv
-- geometry (padding, strides, dilation, groups, no bias).
local function coverage_keys(case)
  local keys = {}
  local function add(key) keys[#keys + 1] = key end
  local last = case.layers[#case.layers]
  if last.activation == "softmax" then add("softmax last") end
  local previous
  for l, layer in ipairs(case.layers) do
    add("layer " .. layer.kind)
    if layer.kind == "dense" or layer.filters or layer.kind == "batchnorm" then
      add("activation " .. layer.activation)
    end
    if layer.kind == "batchnorm" then
      local folds = previous and (previous.kind == "dense" or previous.filters) and previous.activation == "linear"
      add(folds and ("batchnorm folded into " .. (previous.filters and "conv" or "dense"))
        or l == 1 and "batchnorm first" or "batchnorm alone after " .. (previous.filters and "conv"
          or previous.kind == "dense" and "dense" or previous.kind == "batchnorm" and "batchnorm" or "pool or flatten"))
    end
    if layer.filters then
      for i = layer.kind == "conv1d" and 2 or 1, 2 do
        if layer.pad_before[i] > 0 then add("padding > 0") end
        if layer.pad_before[i] ~= layer.pad_after[i] then add("asymmetric same padding") end
        if layer.stride[i] > 1 then add("conv stride 2") end
        if layer.dilation[i] > 1 then add("dilation 2") end
      end
      local in_channels = l == 1 and case.input_shape.c or previous.out.c
      if layer.groups > 1 then
        add(layer.groups == in_channels and layer.groups == layer.filters and "depthwise" or "groups")
      end
      if not layer.bias then add("no bias") end
    end
    if layer.kind:match("pool%dd$") and layer.stride[2] ~= layer.kernel[2] then
      add("pool stride ~= kernel")
    end
    if layer.kind == "dense" and (l == 1 and case.input_shape.rank or previous.out.rank) ~= 0 then
      add("dense on a spatial input")
    end
    previous = layer
  end
  return keys
end

local REQUIRED = {
  "softmax last", "activation linear", "activation relu", "activation sigmoid", "activation tanh",
  "activation leaky_relu", "layer dense", "layer conv1d", "layer conv2d", "layer maxpool1d",
  "layer avgpool1d", "layer maxpool2d", "layer avgpool2d", "layer global_avgpool", "layer flatten",
  "layer batchnorm", "batchnorm folded into conv", "batchnorm folded into dense", "batchnorm first",
  "batchnorm alone after conv", "batchnorm alone after dense", "batchnorm alone after pool or flatten",
  "padding > 0", "asymmetric same padding", "conv stride 2", "dilation 2", "groups", "depthwise",
  "no bias", "pool stride ~= kernel", "dense on a spatial input",
}

local function check_coverage(cases)
  local missing = specfiles.missing_coverage(cases, coverage_keys, REQUIRED)
  if #missing > 0 then
    error("the int8 cases do not cover '" .. table.concat(missing, "', '") .. "': add cases in tests/q8/ref.mk", 0)
  end
end

local function main(args)
  local outdir = assert(args[1], "usage: lua5.4 tests/q8/q8_cases.lua OUTDIR SPEC.lua ... [-- RANDOM.lua ...]")
  local cases, random = {}, false
  for i = 2, #args do
    local path = args[i]
    if path == "--" then
      random = true
    else
      local spec = specfiles.load_spec(path)
      if random then
        -- The same net in float: its dtype line replaced, or one added after the loss.
        local text = assert(specfiles.read_file(path))
        local float_text, replaced = text:gsub('\n  dtype = "double",', '\n  dtype = "float",')
        if replaced == 0 and not text:find('\n  dtype = "float",', 1, true) then
          float_text = text:gsub('\n(  loss = "[a-z]+",)', '\n%1\n  dtype = "float",', 1)
        end
        path = outdir .. "/" .. spec.name .. ".lua"
        specfiles.write_if_changed(path, float_text)
        spec = specfiles.load_spec(path, float_text)
        assert(spec.dtype == "float", path .. ": not float")
      end
      if (spec.dtype or refspec.DEFAULTS.dtype) == "float" then
        cases[#cases + 1] = refspec.resolve(spec, path)
        cases[#cases].random = random
      end
    end
  end

  check_coverage(cases)
  local c = { "/* Generated by tests/q8/q8_cases.lua; do not edit. The int8 cases as reference nets. */",
    "#include <stddef.h>", "", "#include \"q8_cases.h\"", "" }
  local mk = { "# Generated by tests/q8/q8_cases.lua; do not edit." }
  local names, entries = {}, {}
  for i, case in ipairs(cases) do
    c[#c + 1] = refspec.ref_net_text(case, "net_" .. case.name, "layers_" .. case.name)
    names[i] = case.name
    entries[i] = string.format("    &net_%s,", case.name)
    mk[#mk + 1] = string.format("Q8_SPEC_%s := %s", case.name, case.path)
    mk[#mk + 1] = string.format("Q8_UNAME_%s := %s", case.name, case.name:upper())
    if case.random then
      mk[#mk + 1] = string.format("Q8_RANDOM_%s := 1", case.name)
    end
  end
  c[#c + 1] = "const ref_net *const q8_cases[] = {"
  table.move(entries, 1, #entries, #c + 1, c)
  c[#c + 1] = "    NULL,"
  c[#c + 1] = "};"
  table.insert(mk, 2, "Q8_CASES := " .. table.concat(names, " "))
  specfiles.write_if_changed(outdir .. "/q8_cases.c", table.concat(c, "\n") .. "\n")
  specfiles.write_if_changed(outdir .. "/q8_cases.mk", table.concat(mk, "\n") .. "\n")
end

main(arg)
