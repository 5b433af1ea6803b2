-- Reading a weights file for a const-weights build (`--weights`): checks it against the plan the
-- way <name>_load does (format in templates/model_io.c.in) and returns the parameters as numbers.
local architecture = require("architecture")
local errors = require("errors")
local lfs = require("lfs")
local host = require("gradc.host")

local M = {}

local MAGIC = "GRADCWT\0"
local VERSION = 1
local HEADER_BYTES = 32
local DTYPES = { [1] = "float", [2] = "double" }

local function fail(display, problem)
  errors.raise(display .. ": " .. problem)
end

-- An int64 read from an unsigned 64-bit field, in decimal: one past 2^63 reads as negative.
local function unsigned_text(n)
  if n >= 0 then
    return tostring(n)
  end
  local tens = (n >> 1) // 5 -- n // 10 as unsigned
  return tostring(tens) .. tostring(n - tens * 10)
end

-- Returns a list of M.count parameter values (Lua floats, exact for both dtypes).
function M.read(path, display, plan)
  local spec_name = plan.model.file:match("([^/\\]+)$")
  local real_bytes = plan.dtype == "float" and 4 or 8
  local expected_size = HEADER_BYTES + plan.param_count * real_bytes + 8
  -- a FIFO, a device or a folder is refused before anything reads from it (see host.read_file)
  local data, read_err, problem = host.read_file(path, expected_size + 1)
  if not data then
    fail(display, problem == "type" and "weights file is " .. read_err
      or "cannot " .. problem .. " weights file: " .. read_err)
  end
  if data:sub(1, 8) ~= MAGIC then
    fail(display, "not a gradc weights file (no GRADCWT header)")
  elseif #data < HEADER_BYTES then
    fail(display, string.format("truncated: %d bytes, shorter than the %d-byte header", #data, HEADER_BYTES))
  end
  local version, dtype_code, count, hash = string.unpack("<I4I4i8i8", data, 9)
  if version ~= VERSION then
    fail(display, string.format("weights format version %d is not supported (expected %d)", version, VERSION))
  end
  local dtype = DTYPES[dtype_code] or ("unknown dtype " .. dtype_code)
  if dtype ~= plan.dtype then
    fail(display, string.format("weights are %s but spec %s has dtype %s", dtype, spec_name, plan.dtype))
  end
  -- the input standardization's two statistics per input, present on one side only
  local statistics = 2 * plan.inputs
  if plan.model.standardize and count == plan.param_count - statistics then
    fail(display, string.format("weights hold %d parameters, without the input standardization "
      .. "spec %s asks for (standardize = true: input_mean and input_inv_scale, %d more); train "
      .. "them with make train on this spec", count, spec_name, statistics))
  elseif not plan.model.standardize and count == plan.param_count + statistics then
    fail(display, string.format("weights hold %d parameters, %d more than spec %s: input "
      .. "statistics from a spec with standardize = true (add it to this spec)", count,
      statistics, spec_name))
  end
  if count ~= plan.param_count then
    fail(display, string.format("weights hold %s parameters but spec %s has %d", unsigned_text(count),
      spec_name, plan.param_count))
  end
  if hash ~= architecture.hash(plan) then
    fail(display, string.format("weights are for another architecture than spec %s "
      .. "(input, units, activations or alpha differ)", spec_name))
  end
  if #data < expected_size then
    fail(display, string.format("truncated: %d bytes, expected %d", #data, expected_size))
  elseif #data > expected_size then
    -- at most one byte past the expected size is read: the file's own size says how long it is
    local size = lfs.attributes(path, "size")
    fail(display, string.format("trailing bytes: %s bytes, expected %d",
      size and tostring(size) or "more than " .. expected_size, expected_size))
  end
  local body_end = expected_size - 8
  local stored = string.unpack("<i8", data, body_end + 1)
  if stored ~= architecture.fnv1a64(data:sub(1, body_end)) then
    fail(display, "checksum mismatch: the file is corrupted")
  end
  local format = plan.dtype == "float" and "<f" or "<d"
  local values = {}
  local position = HEADER_BYTES + 1
  for i = 1, count do
    local value
    value, position = string.unpack(format, data, position)
    if value ~= value or value == math.huge or value == -math.huge then
      fail(display, string.format("parameter %d is %s: refusing to embed it", i - 1, tostring(value)))
    end
    values[i] = value
  end
  -- a batchnorm's running variance below 0 would give NaN (float) or no int8 scale at all: the
  -- file was not written by training, which never makes one
  for _, tensor in ipairs(plan.tensors) do
    if tensor.name:match("^var%d+$") then
      for k = 1, tensor.count do
        local value = values[tensor.offset + k]
        if value < 0 then
          fail(display, string.format("parameter %d, %s[%d] (a batchnorm's running variance), is %s: "
            .. "a variance is never negative", tensor.offset + k - 1, tensor.name, k - 1, tostring(value)))
        end
      end
    end
  end
  return values
end

return M
