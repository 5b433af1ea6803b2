-- The only module that touches the file system for output. Files are written into a temporary
-- folder inside OUT and renamed into place at the end, so an error leaves nothing new behind and
-- the previous OUT/<name>/ untouched.
local errors = require("errors")
local lfs = require("lfs")

local M = {}

-- What is at `path` itself: "directory", "file", "link" (never followed), or nil.
local function kind(path)
  return lfs.symlinkattributes(path, "mode")
end

-- mkdir -p, one component at a time (links to folders are fine on the way to OUT).
local function make_directories(path)
  local prefix = path:sub(1, 1) == "/" and "/" or ""
  for part in path:gmatch("[^/]+") do
    prefix = prefix .. part
    local mode = lfs.attributes(prefix, "mode")
    if mode == nil then
      local ok, err = lfs.mkdir(prefix)
      if not ok and lfs.attributes(prefix, "mode") ~= "directory" then
        errors.raise("gradc: cannot create output folder " .. prefix .. ": " .. tostring(err))
      end
    elseif mode ~= "directory" then
      errors.raise("gradc: output path " .. prefix .. " exists and is not a folder")
    end
    prefix = prefix .. "/"
  end
end

-- Remove a folder this module made (flat: it only ever holds files). A link is removed itself,
-- never what it points to.
local function remove_folder(path)
  if kind(path) ~= "directory" then
    if kind(path) == "link" then
      os.remove(path)
    end
    return
  end
  for entry in lfs.dir(path) do
    if entry ~= "." and entry ~= ".." then
      os.remove(path .. "/" .. entry)
    end
  end
  os.remove(path)
end

-- A new folder named prefix-1, prefix-2, ...: mkdir is atomic, so concurrent runs get their own.
local function fresh_folder(prefix)
  for n = 1, 1000 do
    local path = prefix .. "-" .. n
    if kind(path) == nil and lfs.mkdir(path) then
      return path
    end
  end
  errors.raise("gradc: cannot create a staging folder " .. prefix .. "-N (1000 exist)")
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

-- Write `files` ({ name, text } list) as OUT/<folder>/. Returns the final folder path. The files
-- go into a staging folder first; the old folder is moved aside, the new one renamed into place,
-- and the old one removed. OUT/<folder> must be a real folder (or absent): a link there is refused
-- rather than followed, so a user's folder behind it is never emptied.
function M.folder(out, folder, files)
  make_directories(out)
  local final = out .. "/" .. folder
  local final_kind = kind(final)
  if final_kind == "link" then
    errors.raise("gradc: " .. final .. " is a symbolic link: refusing to replace it "
      .. "(remove the link or choose another OUT)")
  elseif final_kind ~= nil and final_kind ~= "directory" then
    errors.raise("gradc: " .. final .. " exists and is not a folder")
  end
  local staging = fresh_folder(out .. "/." .. folder .. ".gradc-new")
  for _, file in ipairs(files) do
    local written, write_err = write_file(staging .. "/" .. file.name, file.text)
    if not written then
      remove_folder(staging)
      errors.raise("gradc: cannot write " .. final .. "/" .. file.name .. ": " .. tostring(write_err))
    end
  end
  -- Move the old folder aside and the new one in; another run writing the same folder at the
  -- same time can get in between, so try again until the new one is in place (last writer wins).
  local retired, placed, place_err = {}, false, nil
  for _ = 1, 20 do
    if kind(final) == "directory" then
      local aside = fresh_folder(out .. "/." .. folder .. ".gradc-old")
      os.remove(aside) -- only its name was wanted: rename needs the target absent or empty
      if os.rename(final, aside) then
        retired[#retired + 1] = aside
      end
    end
    placed, place_err = os.rename(staging, final)
    if placed then
      break
    end
  end
  if not placed then
    if #retired > 0 and kind(final) == nil then
      os.rename(table.remove(retired), final) -- put the previous output back
    end
    for _, aside in ipairs(retired) do
      remove_folder(aside)
    end
    remove_folder(staging)
    errors.raise("gradc: cannot move the new output into " .. final .. ": " .. tostring(place_err))
  end
  for _, aside in ipairs(retired) do
    remove_folder(aside)
  end
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
