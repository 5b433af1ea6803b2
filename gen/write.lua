-- The only module that touches the file system for output. Files are written into a staging folder
-- inside OUT and swapped into place at the end, so an error leaves nothing new behind and the
-- previous OUT/<name>/ untouched, and no moment of the swap leaves OUT/<name>/ missing:
--
--   * OUT is locked (flock on the folder itself, released by the kernel however a run ends) from
--     before the staging folder is made until the swap is done. Holding the lock, a run knows that
--     every .<name>.gradc-new-N and .<name>.gradc-old-N in OUT was left by a run that was killed:
--     it puts an orphaned previous output back where OUT/<name>/ is missing, and removes the rest.
--     Concurrent runs into one OUT take turns (writing takes milliseconds); the last one wins.
--   * The swap is one renameat2(RENAME_EXCHANGE), after which the staging name holds the previous
--     output, removed whole. Where the file system does not offer the exchange, the previous output
--     is renamed aside and the new one renamed in; a kill between the two is what the next run's
--     restore repairs.
local errors = require("errors")
local host = require("gradc.host")
local lfs = require("lfs")

local M = {}

-- How long a run waits for another one's lock on OUT before giving up (a run holds it for
-- milliseconds; only something else holding it for this long makes a run fail).
M.LOCK_SECONDS = 3

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
    if mode == nil and kind(prefix) == "link" then
      errors.raise("gradc: output path " .. prefix .. " is a symbolic link to nothing (its target "
        .. "does not exist)")
    elseif mode == nil then
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

-- Remove a folder and everything in it, or a link or file itself; links are never followed.
local function remove_tree(path)
  return host.remove_tree(path)
end

-- A new folder named prefix-1, prefix-2, ...: mkdir is atomic, so no two runs get the same one.
-- Only a name that exists is skipped; any other refusal (a read-only file system, no inodes left,
-- no permission) is the system's reason, reported once.
local function fresh_folder(out, prefix)
  local n = 1
  while true do
    local path = prefix .. "-" .. n
    if kind(path) == nil then
      local made, err = lfs.mkdir(path)
      if made then
        return path
      elseif kind(path) == nil then
        errors.raise("gradc: cannot create a staging folder in " .. out .. ": " .. tostring(err))
      end
    end
    n = n + 1
  end
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

-- The staging and aside folders in OUT: { { path, name, role ("new" or "old"), n } ... }.
local function leftovers(out)
  local found = {}
  for entry in lfs.dir(out) do
    local name, role, n = entry:match("^%.(.+)%.gradc%-(%l+)%-(%d+)$")
    if name and (role == "new" or role == "old") then
      found[#found + 1] = { path = out .. "/" .. entry, name = name, role = role, n = tonumber(n) }
    end
  end
  return found
end

-- Called with OUT locked, so every leftover is a killed run's. Where OUT/<name> is missing and
-- a previous output was moved aside (a kill between the fallback's two renames), the newest such
-- folder goes back; everything else is removed. Best effort: what cannot be removed stays.
local function tidy(out)
  local found = leftovers(out)
  local restore = {}
  for _, left in ipairs(found) do
    if left.role == "old" and kind(left.path) == "directory" and kind(out .. "/" .. left.name) == nil then
      local best = restore[left.name]
      local written = lfs.attributes(left.path, "modification") or 0
      if not best or written > best.written or (written == best.written and left.n > best.n) then
        restore[left.name] = { path = left.path, written = written, n = left.n }
      end
    end
  end
  for name, aside in pairs(restore) do
    os.rename(aside.path, out .. "/" .. name)
  end
  for _, left in ipairs(found) do
    if kind(left.path) == "directory" or kind(left.path) == "link" then
      remove_tree(left.path)
    end
  end
end

-- Put `staging` in place of `final` (absent or a folder). Returns true, or nil and the reason.
local function place(out, folder, staging, final)
  local exchange_works = true
  local place_err
  -- Another run without a lock on OUT (a file system without flock) can get in between: try
  -- again until the new folder is in place (last writer wins).
  for _ = 1, 20 do
    if kind(final) == "directory" then
      if exchange_works then
        if host.exchange(staging, final) then
          remove_tree(staging) -- now the previous output
          return true
        end
        exchange_works = kind(final) ~= "directory" -- gone meanwhile: exchange may still work
      end
      if kind(final) == "directory" then
        local aside = fresh_folder(out, out .. "/." .. folder .. ".gradc-old")
        lfs.rmdir(aside) -- only its name was wanted: rename needs the target absent or empty
        local moved, move_err = os.rename(final, aside)
        place_err = move_err
        if moved then
          local placed, err = os.rename(staging, final)
          if not placed and kind(final) == nil then
            os.rename(aside, final) -- put the previous output back
          end
          remove_tree(aside)
          if placed then
            return true
          end
          place_err = err
        end
      end
    end
    if kind(final) == nil then
      local placed, err = os.rename(staging, final)
      if placed then
        return true
      end
      place_err = err
    end
  end
  return nil, place_err or "another run keeps replacing it"
end

-- Whether the folder `path` may be replaced as an earlier output of model `folder`: it is empty, or
-- holds <folder>.h with the banner gradc writes. Anything else there (a checkout's docs/ for a spec
-- named "docs", a user's own folder) is not replaced: the spec, which names the folder, is
-- untrusted, and replacing removes everything in it. BANNER is the header's first line as
-- templates/model.h.in writes it.
local BANNER = ": generated by gradc "
local function earlier_output(path, folder)
  local empty = true
  for entry in lfs.dir(path) do
    if entry ~= "." and entry ~= ".." then
      empty = false
      break
    end
  end
  if empty then
    return true
  end
  local header = path .. "/" .. folder .. ".h"
  if kind(header) ~= "file" then
    return false
  end
  local start = host.read_file(header, 4096)
  return start ~= nil and start:find(folder .. ".h" .. BANNER, 1, true) ~= nil
end

-- Write `files` ({ name, text } list) as OUT/<folder>/. Returns the final folder path. OUT/<folder>
-- must be a real folder (or absent): a link there is refused rather than followed, so a user's
-- folder behind it is never emptied; and a folder there must be an earlier output.
function M.folder(out, folder, files)
  make_directories(out)
  local final = out .. "/" .. folder
  local lock <close> = host.lock_folder(out, M.LOCK_SECONDS)
  if lock == false then
    errors.raise(string.format("gradc: cannot lock %s: another process has held it for %d s", out,
      M.LOCK_SECONDS))
  elseif lock then
    tidy(out)
  end -- nil: a folder that cannot be locked; runs there leave each other's folders alone
  local final_kind = kind(final)
  if final_kind == "link" then
    errors.raise("gradc: " .. final .. " is a symbolic link: refusing to replace it "
      .. "(remove the link or choose another OUT)")
  elseif final_kind ~= nil and final_kind ~= "directory" then
    errors.raise("gradc: " .. final .. " exists and is not a folder")
  elseif final_kind == "directory" and not earlier_output(final, folder) then
    errors.raise("gradc: " .. final .. " exists and is not an earlier output of gradc (no " .. folder
      .. ".h of its own in it): refusing to replace it, which would remove everything in it "
      .. "(choose another OUT, or another name in the spec)")
  end
  local staging = fresh_folder(out, out .. "/." .. folder .. ".gradc-new")
  for _, file in ipairs(files) do
    local written, write_err = write_file(staging .. "/" .. file.name, file.text)
    if not written then
      remove_tree(staging)
      errors.raise("gradc: cannot write " .. final .. "/" .. file.name .. ": " .. tostring(write_err))
    end
  end
  local placed, place_err = place(out, folder, staging, final)
  if not placed then
    remove_tree(staging)
    errors.raise("gradc: cannot move the new output into " .. final .. ": " .. tostring(place_err))
  end
  return final
end

-- `gradc --install STAGED OUT` (what make train runs last): OUT/<name>/ becomes a copy of the
-- folder STAGED (named <name>, regular files only), by M.folder's staging, lock and swap. Returns
-- the process exit status.
function M.install(args)
  local staged, out = args[2], args[3]
  if #args ~= 3 or staged == "" or out == "" then
    errors.raise("gradc: usage: gradc --install STAGED_FOLDER OUT")
  end
  staged = staged:gsub("(.)/+$", "%1")
  out = out:gsub("(.)/+$", "%1")
  local folder = staged:match("([^/]+)$")
  if lfs.attributes(staged, "mode") ~= "directory" or not folder or folder:sub(1, 1) == "." then
    errors.raise("gradc: " .. staged .. " is not a folder to install")
  end
  local files = {}
  for entry in lfs.dir(staged) do
    if entry ~= "." and entry ~= ".." then
      files[#files + 1] = entry
    end
  end
  table.sort(files)
  for i, entry in ipairs(files) do
    local path = staged .. "/" .. entry
    local text, err = host.read_file(path, math.maxinteger)
    if not text then
      errors.raise("gradc: cannot install " .. path .. ": " .. err)
    end
    files[i] = { name = entry, text = text }
  end
  io.write(string.format("gradc: wrote %s/\n", M.folder(out, folder, files)))
  return 0
end

-- Read a file of the generator's own (templates, runtime); a failure is an installation bug.
function M.read(path)
  local f = assert(io.open(path, "rb"))
  local text = f:read("a")
  f:close()
  return text
end

return M
