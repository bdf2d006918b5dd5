-- Builds the Lua side of every exported function. Rust functions report a programming mistake
-- by returning the sentinel ERR and a message; the wrapper raises it as a plain string with the
-- caller's position (level 2), as luaL_error does; a third value `true` raises the message as
-- it is (a hook's error that already carries its position and traceback). One wrapper per return count, so a call
-- returns exactly as many values as the C API would and no frame is lost to a tail call.
local ERR = ...
local error = error
local factories = {}
factories[0] = function(f)
  return function(...)
    local a, b, c = f(...)
    if a == ERR then error(b, c and 0 or 2) end
  end
end
factories[1] = function(f)
  return function(...)
    local a, b, c = f(...)
    if a == ERR then error(b, c and 0 or 2) end
    return a
  end
end
factories[2] = function(f)
  return function(...)
    local a, b, c = f(...)
    if a == ERR then error(b, c and 0 or 2) end
    return a, b
  end
end
factories[3] = function(f)
  return function(...)
    local a, b, c = f(...)
    if a == ERR then error(b, c and 0 or 2) end
    return a, b, c
  end
end
-- Up to three values, trailing nils dropped: `true` or `false, message`.
factories.v = function(f)
  return function(...)
    local a, b, c = f(...)
    if a == ERR then error(b, c and 0 or 2) end
    if c ~= nil then return a, b, c end
    if b ~= nil then return a, b end
    return a
  end
end
-- __index for userdata: methods from a table, fields from a checked Rust getter.
factories.index = function(methods, getter)
  return function(self, key)
    local m = methods[key]
    if m ~= nil then return m end
    local a, b, c = getter(self, key)
    if a == ERR then error(b, c and 0 or 2) end
    return a
  end
end
return factories
