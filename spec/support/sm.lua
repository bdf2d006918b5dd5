-- Shared helpers for the steam_messages specs (not a spec itself: no _spec in the name).
-- Load with `local sm = require "support.sm"` (.busted puts spec/?.lua on package.path).
local M = {}

-- The module under test: the test-hooks build that .busted puts first on package.cpath.
function M.load()
  return require "steam_messages"
end

-- pcall(fn, ...) and return only the error value (nil when fn did not raise).
function M.error_of(fn, ...)
  local ok, err = pcall(fn, ...)
  if ok then return nil end
  return err
end

-- The source and line of the caller, as luaL_where would put them in front of an error:
-- `local where = sm.here(); f()` on one line gives the position f's error should carry.
function M.here()
  local info = debug.getinfo(2, "Sl")
  return info.short_src .. ":" .. info.currentline .. ":"
end

-- Asserts that err is a plain error string of the form `<caller position>: <message>`, where
-- message is found as a plain string (no patterns), and carries no mlua/Rust decoration.
function M.assert_plain_error(err, message, where)
  assert(type(err) == "string", "error is a " .. type(err) .. ", not a string: " .. tostring(err))
  assert(not err:find("runtime error", 1, true), "error has a 'runtime error' prefix: " .. err)
  assert(not err:find("stack traceback", 1, true), "error carries a traceback: " .. err)
  assert(not err:find("stack backtrace", 1, true), "error carries a Rust backtrace: " .. err)
  assert(not err:find("\n", 1, true), "error has more than one line: " .. err)
  if where then
    local expected = where .. " " .. message
    assert(err == expected, "expected error\n  " .. expected .. "\ngot\n  " .. err)
  else
    assert(err:find(message, 1, true), "expected error containing\n  " .. message .. "\ngot\n  " .. err)
  end
end

-- A wall clock in seconds: luasocket's when installed, else os.time (1 s resolution).
local ok_socket, socket = pcall(require, "socket")
local gettime = ok_socket and type(socket) == "table" and socket.gettime or nil
function M.now()
  if gettime then return gettime() end
  return os.time()
end

-- The most a call said to be "well under a second" may take by M.now(): 1 s where the clock is
-- fine-grained; with os.time a call that starts just before a second's edge reads 1, so 2.
M.UNDER_A_SECOND = gettime and 1 or 2

-- Opens an offline instance on loopback. Returns the instance, or raises with the reason so
-- the spec that needed it fails and says why.
function M.instance(Steam, opts)
  opts = opts or {}
  if opts.bind == nil then opts.bind = "127.0.0.1" end
  local ok, inst, reason = pcall(Steam.Extra.NewOfflineInstance, opts)
  if not ok then error("NewOfflineInstance raised: " .. tostring(inst), 2) end
  if not inst then error("NewOfflineInstance failed: " .. tostring(reason), 2) end
  return inst
end

-- Runs inst.RunCallbacks (and any extra pumps) until cond() is true or timeout seconds pass.
function M.pump_until(cond, timeout, ...)
  local pumps = { ... }
  local deadline = M.now() + (timeout or 10)
  repeat
    for _, p in ipairs(pumps) do p.RunCallbacks() end
    if cond() then return true end
    M.sleep(0.005)
  until M.now() > deadline
  return cond()
end

-- The data of the first message that arrives on `channel` of `nm` (a NetworkingMessages table),
-- released; runs the pumps' RunCallbacks meanwhile (see pump_until). nil after the timeout.
function M.receive_data(nm, channel, timeout, ...)
  local got
  M.pump_until(function()
    local n, msgs = nm.ReceiveMessagesOnChannel(channel, 8)
    if n > 0 then got = msgs[1].m_pData; msgs[1]:Release() end
    return got ~= nil
  end, timeout, ...)
  return got
end

-- A SteamNetworkingIdentity for an instance's SteamID.
function M.identity_of(Steam, peer)
  local id = Steam.newSteamNetworkingIdentity()
  id:SetSteamID(peer.User.GetSteamID())
  return id
end

-- A short sleep: luasocket's when installed, else a busy wait on os.clock.
function M.sleep(seconds)
  local ok, socket = pcall(require, "socket")
  if ok and type(socket) == "table" and socket.sleep then return socket.sleep(seconds) end
  local stop = os.clock() + seconds
  while os.clock() < stop do end
end

-- A valid individual SteamID (account 22202, public universe, desktop instance).
M.STEAMID = "76561197960287930"
M.STEAMID2 = "76561197960287931"
M.MAX_U64 = "18446744073709551615"

-- A fresh valid individual SteamID as a decimal string, different per call and per process, for
-- specs that register a local SteamID with the offline backend (parallel runs must not collide).
local counter = 0
function M.random_steamid()
  counter = counter + 1
  local addr = tonumber(tostring({}):match("0x(%x+)") or "0", 16) or 0
  local account = (os.time() * 7919 + math.floor(os.clock() * 1e6) + addr + counter * 104729) % 2000000000 + 1
  -- 76561197960265728 + account, as text: the low ten digits never carry for account < 2039734272.
  return "7656119" .. string.format("%010.0f", 7960265728 + account)
end

return M
