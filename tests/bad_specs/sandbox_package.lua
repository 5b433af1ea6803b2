-- Reaching loaded modules through package.
local os_library = package.loaded.os
