-- The LuaLS annotations (types/steam_messages.lua) against the real module: every function, table
-- and constant the module has is annotated, with the right kind and value, and every annotation
-- names something that exists. types/steam_messages.lua is plain Lua that builds stubs of the
-- module's shape, so the tables are compared by walking both. What Lua cannot enumerate (userdata
-- methods behind a protected metatable, message fields served by a getter, option names) is read
-- from the Rust source that defines it, then probed on real values.
local sm = require "support.sm"

local META = "types/steam_messages.lua"

local function read(path)
  local f = assert(io.open(path, "rb"))
  local text = f:read("*a")
  f:close()
  return text
end

-- { [class name] = { field = true, ... } } from the `---@class` / `---@field` blocks.
local function annotated_fields(text)
  local classes, current = {}, nil
  for line in (text .. "\n"):gmatch("([^\n]*)\n") do
    local class = line:match("^%-%-%-@class%s+([%w_.]+)")
    if class then
      current = {}
      classes[class] = current
    elseif current and line:find("^%-%-%-") then
      local name = line:match("^%-%-%-@field%s+([%w_]+)")
      if name then current[name] = true end
    else
      current = nil
    end
  end
  return classes
end

local function set_of(text, pattern)
  local set = {}
  for name in text:gmatch(pattern) do set[name] = true end
  return set
end

local function keys(t)
  local list = {}
  for k in pairs(t) do list[#list + 1] = tostring(k) end
  table.sort(list)
  return list
end

local function merged(...)
  local out = {}
  for _, t in ipairs { ... } do
    for k, v in pairs(t) do out[k] = v end
  end
  return out
end

-- Walks `real` and `stub` together; returns the list of mismatches.
local function compare(real, stub, path, problems, seen)
  problems, seen = problems or {}, seen or {}
  if seen[real] then return problems end
  seen[real] = true
  for k, v in pairs(real) do
    local name = path .. "." .. tostring(k)
    local s = stub[k]
    if k == "_Test" then
      -- Test hooks exist only in test builds; they are not API.
    elseif s == nil then
      problems[#problems + 1] = name .. ": has no annotation"
    elseif type(s) ~= type(v) then
      problems[#problems + 1] = ("%s: annotated as a %s, is a %s"):format(name, type(s), type(v))
    elseif type(v) == "number" and s ~= v then
      problems[#problems + 1] = ("%s: annotated as %s, is %s"):format(name, tostring(s), tostring(v))
    elseif type(v) == "table" then
      compare(v, s, name, problems, seen)
    end
  end
  for k in pairs(stub) do
    if real[k] == nil then
      problems[#problems + 1] = path .. "." .. tostring(k) .. ": annotation names nothing"
    end
  end
  return problems
end

local function assert_no_problems(problems)
  table.sort(problems)
  assert(#problems == 0, #problems .. " problem(s):\n  " .. table.concat(problems, "\n  "))
end

-- Both ways: every name in `real` is in `annotated` and the reverse.
local function assert_same_names(what, real, annotated)
  local problems = {}
  for name in pairs(real) do
    if not annotated[name] then problems[#problems + 1] = what .. "." .. name .. ": has no annotation" end
  end
  for name in pairs(annotated) do
    if not real[name] then problems[#problems + 1] = what .. "." .. name .. ": annotation names nothing" end
  end
  assert_no_problems(problems)
end

describe("LuaLS annotations (" .. META .. ")", function()
  local Steam, stub, stubs, classes

  setup(function()
    Steam = sm.load()
    stub, stubs = dofile(META)
    classes = annotated_fields(read(META))
  end)

  it("is a ---@meta file for steam_messages", function()
    assert.truthy(read(META):find("^%-%-%-@meta steam_messages\n"))
  end)

  it("annotate every function, table and constant of the Steam table, and nothing else", function()
    assert_no_problems(compare(Steam, merged(stub, stubs.Constants), "Steam"))
  end)

  it("annotate every name of an offline instance", function()
    local inst = sm.instance(Steam)
    local problems = compare(inst, merged(stubs.Instance, stubs.Constants), "instance")
    inst.Shutdown()
    assert_no_problems(problems)
  end)

  it("annotate every SteamNetworkingIdentity method (the names src/lua/identity.rs registers)", function()
    local real = set_of(read("src/lua/identity.rs"), 'methods%.set%(%s*"([%w_]+)"')
    assert.is_true(next(real) ~= nil, "no method names found in src/lua/identity.rs")
    local id = Steam.newSteamNetworkingIdentity()
    for name in pairs(real) do assert.is_function(id[name], "identity:" .. name) end
    for name in pairs(stubs.SteamNetworkingIdentity) do assert.is_function(id[name], "identity:" .. name) end
    assert_same_names("SteamNetworkingIdentity", real, stubs.SteamNetworkingIdentity)
  end)

  describe("with two offline instances", function()
    local A, B, idA, idB
    before_each(function()
      A, B = sm.instance(Steam), sm.instance(Steam)
      idA, idB = Steam.newSteamNetworkingIdentity(), Steam.newSteamNetworkingIdentity()
      idA:SetSteamID(A.User.GetSteamID())
      idB:SetSteamID(B.User.GetSteamID())
    end)
    after_each(function()
      A.Shutdown()
      B.Shutdown()
    end)

    local function one_message()
      B.NetworkingMessages.OnSteamNetworkingMessagesSessionRequest = function(data)
        B.NetworkingMessages.AcceptSessionWithUser(data.m_identityRemote)
      end
      A.NetworkingMessages.SendMessageToUser(idB, "hello", 5, Steam.k_nSteamNetworkingSend_Reliable, 3)
      local msg
      assert.is_true(sm.pump_until(function()
        local n, msgs = B.NetworkingMessages.ReceiveMessagesOnChannel(3, 1)
        msg = msg or (n > 0 and msgs[1])
        return msg
      end, 10, A, B))
      return msg
    end

    it("annotate every message field (src/lua/message.rs) and method, each present on a message", function()
      local source = read("src/lua/message.rs")
      local msg = one_message()
      local fields = set_of(source, '"(m_[%w_]+)"%s*=>')
      assert.is_true(next(fields) ~= nil, "no field names found in src/lua/message.rs")
      assert_same_names("SteamNetworkingMessage_t field", fields, classes.SteamNetworkingMessage_t)
      for name in pairs(classes.SteamNetworkingMessage_t) do
        assert.is_not_nil(msg[name], "message." .. name)
      end
      -- Method names: `methods.set("Release", ...` and the getters' `("GetData", b"m_pData"),`.
      local methods = set_of(source, '%(%s*"(%u[%w_]+)",')
      assert_same_names("SteamNetworkingMessage_t method", methods, stubs.SteamNetworkingMessage_t)
      for name in pairs(methods) do assert.is_function(msg[name], "message:" .. name) end
      msg:Release()
    end)

    it("annotate the info, status and stats tables and both callbacks' data, as the module fills them", function()
      local request, failed
      B.NetworkingMessages.OnSteamNetworkingMessagesSessionRequest = function(data)
        request = data
        B.NetworkingMessages.CloseSessionWithUser(data.m_identityRemote)
      end
      A.NetworkingMessages.OnSteamNetworkingMessagesSessionFailed = function(data) failed = data end
      A.NetworkingMessages.SendMessageToUser(idB, "knock", 5, Steam.k_nSteamNetworkingSend_Reliable, 0)
      assert.is_true(sm.pump_until(function() return request and failed end, 10, A, B))
      local hooks = {}
      for name in pairs(classes["steam_messages.NetworkingMessages"]) do hooks[name] = true end
      assert_same_names("NetworkingMessages hook", {
        OnSteamNetworkingMessagesSessionRequest = true, OnSteamNetworkingMessagesSessionFailed = true,
      }, hooks)
      assert_same_names("SteamNetworkingMessagesSessionRequest_t", set_of(table.concat(keys(request), " "), "%S+"),
        classes.SteamNetworkingMessagesSessionRequest_t)
      assert_same_names("SteamNetworkingMessagesSessionFailed_t", set_of(table.concat(keys(failed), " "), "%S+"),
        classes.SteamNetworkingMessagesSessionFailed_t)
      local _, info, status = A.NetworkingMessages.GetSessionConnectionInfo(idB)
      assert_same_names("SteamNetConnectionInfo_t", set_of(table.concat(keys(info), " "), "%S+"),
        classes.SteamNetConnectionInfo_t)
      assert_same_names("SteamNetConnectionInfo_t (SessionFailed m_info)",
        set_of(table.concat(keys(failed.m_info), " "), "%S+"), classes.SteamNetConnectionInfo_t)
      assert_same_names("SteamNetConnectionRealTimeStatus_t", set_of(table.concat(keys(status), " "), "%S+"),
        classes.SteamNetConnectionRealTimeStatus_t)
      assert_same_names("steam_messages.Stats", set_of(table.concat(keys(A.Extra.GetStats()), " "), "%S+"),
        classes["steam_messages.Stats"])
      local _, relay = A.NetworkingUtils.GetRelayNetworkStatus()
      assert_same_names("SteamRelayNetworkStatus_t", set_of(table.concat(keys(relay), " "), "%S+"),
        classes.SteamRelayNetworkStatus_t)
    end)
  end)

  it("annotate every option Init reads (src/lua/options.rs) and every netsim shorthand", function()
    local source = read("src/lua/options.rs")
    assert_same_names("InitOptions", set_of(source, 'field%("([%w_]+)"%)'), classes["steam_messages.InitOptions"])
    assert_same_names("NetSim", set_of(source, '%("([%w_]+)", config::FAKE_'), classes["steam_messages.NetSim"])
  end)

  it("document every public function of steam_messages.router with a --- comment", function()
    local Router = require "steam_messages.router"
    local text = "\n" .. read("lua/steam_messages/router.lua")
    local problems = {}
    for name, v in pairs(Router) do
      if type(v) == "function" and not name:find("^_") then
        local escaped = name:gsub("%p", "%%%0")
        if not text:find("%-%-%-[^\n]*\nfunction Router[.:]" .. escaped .. "%(") then
          problems[#problems + 1] = "steam_messages.router." .. name .. ": no --- comment"
        end
      end
    end
    assert_no_problems(problems)
  end)
end)
