-- The only module that touches the file system for output. Files are written into a temporary
-- folder inside OUT and renamed into place at the end, so an error leaves nothing new behind and
-- the previous OUT/<name>/ untouched.
local errors = require("errors")
local lfs = require("lfs")

local M = {}

local function kind(path)
  return lfs.attributes(path, "mode")
end

-- mkdir -p, one component at a time.
local function make_directories(path)
  local prefix = path:sub(1, 1) == "/" and "/" or ""
  for part in path:gmatch("[^/]+") do
    prefix = prefix .. part
    local mode = kind(prefix)
    if mode == nil then
      local ok, err = lfs.mkdir(prefix)
      if not ok and kind(prefix) ~= "directory" then
        errors.raise("gradc: cannot create output folder " .. prefix .. ": " .. tostring(err))
      end
    elseif mode ~= "directory" then
      errors.raise("gradc: output path " .. prefix .. " exists and is not a folder")
    end
    prefix = prefix .. "/"
  end
end

-- Remove a folder this module made (flat: it only ever holds files).
local function remove_folder(path)
  if kind(path) ~= "directory" then
    return
  end
  for entry in lfs.dir(path) do
    if entry ~= "." and entry ~= ".." then
      os.remove(path .. "/" .. entry)
    end
  end
  os.remove(path)
end

local function write_file(path, text)
  local f, err = io.open(path, "wb")
  if not f then
    return nil, err
  end
  local ok, write_err = f:write(text)
  local closed, close_err = f:close()
  if not ok or not closed then
    return nil, write_err or close_err
  end
  return true
end

-- Write `files` ({ name, text } list) as OUT/<folder>/. Returns the final folder path.
function M.folder(out, folder, files)
  make_directories(out)
  local final = out .. "/" .. folder
  local staging = out .. "/." .. folder .. ".gradc-new"
  local retired = out .. "/." .. folder .. ".gradc-old"
  if kind(final) ~= nil and kind(final) ~= "directory" then
    errors.raise("gradc: " .. final .. " exists and is not a folder")
  end
  remove_folder(staging)
  remove_folder(retired)
  local ok, err = lfs.mkdir(staging)
  if not ok then
    errors.raise("gradc: cannot create " .. staging .. ": " .. tostring(err))
  end
  for _, file in ipairs(files) do
    local written, write_err = write_file(staging .. "/" .. file.name, file.text)
    if not written then
      remove_folder(staging)
      errors.raise("gradc: cannot write " .. final .. "/" .. file.name .. ": " .. tostring(write_err))
    end
  end
  if kind(final) == "directory" then
    local moved, move_err = os.rename(final, retired)
    if not moved then
      remove_folder(staging)
      errors.raise("gradc: cannot replace " .. final .. ": " .. tostring(move_err))
    end
  end
  local placed, place_err = os.rename(staging, final)
  if not placed then
    os.rename(retired, final)
    remove_folder(staging)
    errors.raise("gradc: cannot move the new output into " .. final .. ": " .. tostring(place_err))
  end
  remove_folder(retired)
  return final
end

-- Read a file of the generator's own (templates, runtime); a failure is an installation bug.
function M.read(path)
  local f = assert(io.open(path, "rb"))
  local text = f:read("a")
  f:close()
  return text
end

return M
