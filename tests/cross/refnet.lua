-- lua5.4 tests/cross/refnet.lua SPEC.lua > refnet.h
-- lua5.4 tests/cross/refnet.lua SPEC.lua macs
--
-- The spec as the reference engine's ref_net (tests/ref/ref.h), every docs/spec.md default applied,
-- as `static const ref_net cross_ref_net` (its layers in `cross_ref_net_layers`). With `macs`, the
-- network's multiply-adds instead, counted from that same resolved description (not from the
-- generator's own count): `infer_macs N` for one sample through the network, and
-- `train_step_macs N` for one train step on a batch. The spec has already passed the generator
-- (make cross generates first), so it is valid and its evaluation is bounded.
local usage = "usage: lua5.4 refnet.lua SPEC.lua [macs]"
local path = assert(arg[1], usage)
local what = arg[2]
assert(what == nil or what == "macs", usage)

-- The spec evaluated with the globals the generator's sandbox gives it (tests/ref/specfiles.lua,
-- shared with the model suite's case writers).
local here = arg[0]:match("^(.*)/[^/]*$") or "."
local spec = dofile(here .. "/../ref/specfiles.lua").load_spec(path)

-- Every default applied and the C text written by tests/ref/refspec.lua, the same code that
-- writes the model suite's case headers: v1 specs and v2 ones (input shapes, conv / pool /
-- batchnorm / flatten layers, weight decay, adamw) alike.
local refspec = dofile(here .. "/../ref/refspec.lua")
local case = refspec.resolve(spec, path)

-- A layer's multiply-adds for one sample: each weight meets one input per output position (a
-- dense layer has one position; a convolution's filter rows have out.h * out.w). Pools and
-- batchnorm have no weight matrix and count none; the bias adds are not multiply-adds.
local function sample_macs(layer)
  local W = layer.tensors[1]
  if not (W and W.name:sub(1, 1) == "W") then
    return 0
  end
  return W.rows * W.cols * layer.out.h * layer.out.w
end

if what == "macs" then
  -- A train step: forward over the batch, then backward, which takes the same multiply-adds
  -- again for the weights' gradient, and once more for the gradient of the layer's input when a
  -- layer below has parameters to train (nothing needs the gradient of the network's input).
  local infer, train, params_below = 0, 0, false
  for _, layer in ipairs(case.layers) do
    local macs = sample_macs(layer)
    infer = infer + macs
    train = train + macs * case.batch * (params_below and 3 or 2)
    params_below = params_below or #layer.tensors > 0
  end
  io.write(string.format("infer_macs %d\ntrain_step_macs %d\n", infer, train))
  return
end

io.write("/* " .. path:match("[^/]*$") .. " as a ref_net; written by tests/cross/refnet.lua, do not edit. */\n",
  refspec.ref_net_text(case, "cross_ref_net", "cross_ref_net_layers"))
