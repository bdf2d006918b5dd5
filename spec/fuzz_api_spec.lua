-- Fuzzes the Lua API: every function and method called with random argument tuples (nil,
-- booleans, NaN, ±inf, huge and negative numbers, 2^53, empty, huge and binary strings, tables,
-- functions, coroutines, the wrong userdata, released messages, identities of every type) on
-- offline instances. An error is fine but must be a string; a crash, a hang or a wrong success
-- is not. Seeded (SM_FUZZ_SEED, default fixed) and bounded (SM_FUZZ_API_CALLS calls, default 4000).
local sm = require "support.sm"

local SEED = tonumber(os.getenv("SM_FUZZ_SEED") or "") or 20260601
local CALLS = tonumber(os.getenv("SM_FUZZ_API_CALLS") or "") or 4000
-- Any single call slower than this is a hang (the slowest legitimate one opens a socket).
local SLOW_CALL = 5

describe("Lua API under random arguments", function()
  local Steam, a, b, b_id, live_msgs, released
  local pool = {}
  local calls, errors, successes = 0, 0, 0
  -- Setter successes whose value was read back.
  local read_back = 0

  local function add(v) pool[#pool + 1] = v end

  local function exchange(from, to, to_id, n)
    for i = 1, n do
      from.NetworkingMessages.SendMessageToUser(to_id, "msg" .. i, 4, Steam.k_nSteamNetworkingSend_Reliable, i % 3)
    end
    local got = {}
    sm.pump_until(function()
      for ch = 0, 2 do
        local c, list = to.NetworkingMessages.ReceiveMessagesOnChannel(ch, 100)
        for i = 1, c do got[#got + 1] = list[i] end
      end
      return #got >= n
    end, 10, from, to)
    return got
  end

  setup(function()
    Steam = sm.load()
    math.randomseed(SEED)
    a = sm.instance(Steam)
    b = sm.instance(Steam)
    b.NetworkingMessages.OnSteamNetworkingMessagesSessionRequest = function(d)
      b.NetworkingMessages.AcceptSessionWithUser(d.m_identityRemote)
    end
    b_id = a.newSteamNetworkingIdentity()
    b_id:SetSteamID(b.User.GetSteamID())
    live_msgs = exchange(a, b, b_id, 6)
    assert(#live_msgs >= 6, "the two instances could not exchange messages")
    released = live_msgs[#live_msgs]
    released:Release()

    for _, v in ipairs { true, false, 0, 1, -1, 2, 3, 8, 9, 16, 32, 0.5, -0.5, 1e308, -1e308,
      2 ^ 31 - 1, 2 ^ 31, -2 ^ 31, 2 ^ 32, 2 ^ 53, 2 ^ 53 - 1, -2 ^ 53, 2 ^ 63, -2 ^ 63, 2 ^ 64,
      65535, 65536, 524288, 524289, 1000000000 } do
      add(v)
    end
    add(0 / 0); add(math.huge); add(-math.huge)
    for _, s in ipairs { "", "0", "1", "-1", "abc", "\0", "\0\1\2\255", "nan", "inf", "0x10", " 5 ",
      "76561197960287930", "76561197960287931", "18446744073709551615", "18446744073709551616",
      "-76561197960287930", "ip:127.0.0.1:1", "ip:[::1]:27015", "str:hello", "gen:00ff",
      "steamid:76561197960287930", "invalid", "127.0.0.1", "0.0.0.0", "localhost:1", "offline",
      "steam", "auto", string.rep("x", 300), string.rep("\255", 70000),
      string.rep("z", 524288), string.rep("y", 524289) } do
      add(s)
    end
    add({}); add({ 1, 2, 3 }); add({ backend = "offline" }); add({ backend = "steam" })
    add({ backend = "offline", bind = "127.0.0.1", key = "k" }); add({ steamid = {} })
    add({ netsim = { loss = 0 / 0 } }); add({ peers = { 5 } }); add({ key = "" })
    add(setmetatable({}, { __index = function() error("trap") end, __tostring = function() error("trap") end }))
    add(function() end); add(function() error("hook error") end); add(select)
    add(coroutine.create(function() end))
    add(io.stdout)
    add(Steam.Extra.ParseUint64("76561197960287930")); add(Steam.Extra.ParseUint64("0"))
    add(Steam.Extra.ParseUint64("18446744073709551615"))
    -- Identities of every type.
    local function ident(f) local id = Steam.newSteamNetworkingIdentity(); pcall(f, id); add(id) end
    ident(function(id) end)
    ident(function(id) id:SetSteamID("76561197960287930") end)
    ident(function(id) id:SetSteamID(b.User.GetSteamID()) end)
    ident(function(id) id:SetSteamID(a.User.GetSteamID()) end)
    ident(function(id) id:SetIPv4Addr(0x7f000001, 1) end)
    ident(function(id) id:SetIPv4Addr(0, 0) end)
    ident(function(id) id:SetLocalHost() end)
    ident(function(id) id:SetGenericString("name") end)
    ident(function(id) id:SetGenericBytes("\0\1", 2) end)
    ident(function(id) id:ParseString("ip:[::1]:5") end)
    add(b_id)
    for i = 1, #live_msgs - 1 do add(live_msgs[i]) end
    add(released)
    add(a); add(Steam.NetworkingMessages)
  end)

  teardown(function()
    Steam.Extra.SetDebugOutput(1, nil)
    if a then a.Shutdown() end
    if b then b.Shutdown() end
    Steam.Shutdown(); Steam.GameServerShutdown()
  end)

  local function random_value()
    return pool[math.random(#pool)]
  end

  -- A random tuple of 0..6 values (holes included: nil is in the pool).
  local function random_args()
    local n = math.random(0, 6)
    local t = {}
    for i = 1, n do t[i] = random_value() end
    return t, n
  end

  local now = sm.now
  local unpack = table.unpack or unpack

  -- Calls f with args; returns ok, results. An error must be a string; a call must not hang.
  local function call(name, f, args, n)
    calls = calls + 1
    local t0 = now()
    local r = { pcall(f, unpack(args, 1, n)) }
    local took = now() - t0
    assert(took < SLOW_CALL, name .. " took " .. took .. " s")
    if r[1] then
      successes = successes + 1
    else
      errors = errors + 1
      assert(type(r[2]) == "string", name .. " raised a " .. type(r[2]) .. ": " .. tostring(r[2]))
      if not name:find("RunCallbacks") then
        -- Hooks' errors come back with their traceback, by design; ours never carry one.
        assert(not r[2]:find("stack traceback", 1, true), name .. ": " .. r[2])
        assert(not r[2]:find("runtime error", 1, true), name .. ": " .. r[2])
      end
    end
    return r
  end

  local function is_int(v) return type(v) == "number" and v == v and v == math.floor(v) and v > -2 ^ 53 and v < 2 ^ 53 end
  local function int_or_numeric(v)
    if type(v) == "string" then v = tonumber(v) end
    return v
  end

  -- The wrong successes the contract rules out, per function.
  local checks = {}
  checks.SendMessageToUser = function(r, args)
    if not r[1] then return end
    local data, size = args[2], int_or_numeric(args[3])
    local len = type(data) == "string" and #data or #tostring(data)
    assert(is_int(size) and size >= 0 and size <= len,
      "SendMessageToUser accepted cbData " .. tostring(args[3]) .. " for " .. len .. " bytes")
    assert(math.type == nil or math.type(r[2]) == "integer", "EResult is not an integer")
    local ok_results = { [1] = true, [2] = true, [3] = true, [8] = true, [9] = true, [25] = true,
      [7] = true, [33] = true, [10] = true }
    assert(ok_results[r[2]], "SendMessageToUser returned " .. tostring(r[2]))
  end
  checks.ReceiveMessagesOnChannel = function(r, args)
    if not r[1] then return end
    local ch, max = int_or_numeric(args[1]), int_or_numeric(args[2])
    assert(is_int(ch) and ch >= 0 and ch <= 2 ^ 31 - 1, "accepted channel " .. tostring(args[1]))
    assert(is_int(max) and max >= 1 and max <= 65536, "accepted maxMessages " .. tostring(args[2]))
    assert(type(r[2]) == "number" and type(r[3]) == "table" and #r[3] == r[2] and r[2] <= max)
    for _, m in ipairs(r[3]) do live_msgs[#live_msgs + 1] = m; add(m) end
  end
  checks.CloseChannelWithUser = function(r, args)
    if not r[1] then return end
    local ch = int_or_numeric(args[2])
    assert(is_int(ch) and ch >= 0, "accepted channel " .. tostring(args[2]))
    assert(type(r[2]) == "boolean")
  end
  for _, name in ipairs { "AcceptSessionWithUser", "CloseSessionWithUser" } do
    checks[name] = function(r) if r[1] then assert(type(r[2]) == "boolean", name) end end
  end
  checks.GetSessionConnectionInfo = function(r)
    if r[1] then assert(type(r[2]) == "number" and type(r[3]) == "table" and type(r[4]) == "table") end
  end
  checks.GetStats = function(r)
    if not r[1] then return end
    assert(type(r[2]) == "table")
    for k, v in pairs(r[2]) do assert(type(k) == "string" and type(v) == "number" and v >= 0, k) end
  end
  checks.ParseUint64 = function(r) if r[1] then assert(type(r[2]) == "userdata") end end
  checks.SetSteamID64 = function(r, args)
    local v = args[1]
    if r[1] and type(v) == "number" then assert(is_int(v), "SetSteamID64 took the inexact number " .. v) end
  end
  checks.SetSteamID = checks.SetSteamID64
  checks.ParseString = function(r) if r[1] then assert(type(r[2]) == "boolean") end end

  -- Setters: a success must leave a value that reads back as set; a refusal (false) must leave
  -- the old value. `ctx.recv` is a method's receiver, `ctx.owner` a function's table, and
  -- `ctx.before` what the value read before the call.
  local function as_text(v)
    if type(v) == "number" or type(v) == "string" then return tostring(v) end
  end
  local function identity_refused(name, r, ctx, why)
    assert(r[2] == false, name .. " returned " .. tostring(r[2]) .. " for " .. why)
    assert(tostring(ctx.recv) == ctx.before, name .. " refused " .. why .. " but changed the identity")
  end
  checks.SetGenericString = function(r, args, ctx)
    if not (r[1] and ctx.recv) then return end
    local text = as_text(args[1])
    assert(text, "SetGenericString took a " .. type(args[1]))
    if #text == 0 or #text > 31 or text:find("\0", 1, true) then
      return identity_refused("SetGenericString", r, ctx, string.format("%q", text:sub(1, 40)))
    end
    assert(r[2] == true, "SetGenericString refused " .. string.format("%q", text))
    assert(ctx.recv:GetGenericString() == text, "SetGenericString: reads back another string")
    read_back = read_back + 1
    assert(ctx.recv:GetType() == Steam.k_ESteamNetworkingIdentityType_GenericString)
  end
  checks.SetGenericBytes = function(r, args, ctx)
    if not (r[1] and ctx.recv) then return end
    local data = as_text(args[1])
    assert(data, "SetGenericBytes took a " .. type(args[1]))
    local len = args[2] == nil and #data or int_or_numeric(args[2])
    assert(is_int(len) and len >= 0 and len <= #data, "SetGenericBytes took cbLen " .. tostring(args[2]))
    if len == 0 or len > 32 then
      return identity_refused("SetGenericBytes", r, ctx, len .. " bytes")
    end
    assert(r[2] == true, "SetGenericBytes refused " .. len .. " bytes")
    assert(ctx.recv:GetGenericBytes() == data:sub(1, len), "SetGenericBytes: reads back other bytes")
    read_back = read_back + 1
    assert(ctx.recv:GetType() == Steam.k_ESteamNetworkingIdentityType_GenericBytes)
  end
  checks.SetIPv4Addr = function(r, args, ctx)
    if not (r[1] and ctx.recv) then return end
    local ip, port = args[1], int_or_numeric(args[2])
    assert(is_int(port) and port >= 0 and port <= 65535, "SetIPv4Addr took port " .. tostring(args[2]))
    assert(ctx.recv:GetType() == Steam.k_ESteamNetworkingIdentityType_IPAddress)
    assert(tostring(ctx.recv):find(":" .. port .. "$"), "SetIPv4Addr: " .. tostring(ctx.recv))
    if type(ip) == "number" then
      assert(is_int(ip) and ip >= 0 and ip < 2 ^ 32, "SetIPv4Addr took address " .. ip)
      assert(ctx.recv:GetIPv4() == ip, "SetIPv4Addr: reads back another address")
    end
    read_back = read_back + 1
  end
  checks.SetLocalHost = function(r, _, ctx)
    if r[1] and ctx.recv then assert(ctx.recv:IsLocalHost(), "SetLocalHost: not localhost") end
  end

  local CONFIG_INT32, CONFIG_FLOAT = 1, 3
  -- What SetGlobalConfigValue*(key, value) stores, converted as Steam's SetConfigValue converts a
  -- value of another type: `convert(value, data_type)` gives the number to expect, or nil when
  -- the value cannot be read as one (the call must then refuse).
  -- After a call that returned true: the key is known, the value was convertible, and it reads
  -- back as the conversion (or, clamped to the key's range, a bound of it: a value that reads back
  -- as itself); false leaves the old value.
  local function check_config_set(name, r, args, ctx, convert)
    if not r[1] then return end
    assert(type(r[2]) == "boolean", name .. " returned a " .. type(r[2]))
    local get, key = ctx.owner.GetGlobalConfigValue, int_or_numeric(args[1])
    local now_value = get(key)
    if not r[2] then
      assert(now_value == ctx.before or (now_value ~= now_value and ctx.before ~= ctx.before),
        name .. " refused key " .. tostring(key) .. " but changed it")
      return
    end
    read_back = read_back + 1
    local _, data_type = ctx.owner.GetConfigValueInfo(key)
    assert(data_type == CONFIG_INT32 or data_type == CONFIG_FLOAT,
      name .. " accepted key " .. tostring(key) .. " of type " .. tostring(data_type))
    local value = convert(args[2], data_type)
    assert(value ~= nil, name .. " accepted " .. tostring(args[2]) .. " for a value of type " .. data_type)
    assert(type(now_value) == "number" and now_value == now_value and math.abs(now_value) < math.huge,
      name .. ": reads back " .. tostring(now_value))
    if value ~= value or math.abs(now_value - value) > 1e-6 * math.max(1, math.abs(value)) then
      -- Clamped: the bound it read back is in range, so setting it reads it back unchanged.
      local setter = data_type == CONFIG_FLOAT and ctx.owner.SetGlobalConfigValueFloat
        or ctx.owner.SetGlobalConfigValueInt32
      assert(setter(key, now_value) and get(key) == now_value,
        name .. ": " .. tostring(value) .. " read back as " .. now_value .. ", not a bound")
    end
  end
  checks.SetGlobalConfigValueInt32 = function(r, args, ctx)
    check_config_set("SetGlobalConfigValueInt32", r, args, ctx, function(v)
      v = int_or_numeric(v)
      if is_int(v) and v >= -2 ^ 31 and v < 2 ^ 31 then return v end
    end)
  end
  checks.SetGlobalConfigValueFloat = function(r, args, ctx)
    check_config_set("SetGlobalConfigValueFloat", r, args, ctx, function(v, data_type)
      v = int_or_numeric(v)
      if type(v) ~= "number" then return nil end
      -- An int value takes the float rounded half up; past int32 (or NaN) x64 gives INT_MIN.
      if data_type == CONFIG_INT32 then
        local rounded = math.floor(v + 0.5)
        if rounded ~= rounded or rounded < -2 ^ 31 or rounded >= 2 ^ 31 then return -2 ^ 31 end
        return rounded
      end
      return v
    end)
  end
  checks.SetGlobalConfigValueString = function(r, args, ctx)
    check_config_set("SetGlobalConfigValueString", r, args, ctx, function(v, data_type)
      local text = as_text(v)
      if not text then return nil end
      -- sscanf: "%d" for an int value, "%f" for a float; what follows the number is ignored.
      if data_type == CONFIG_INT32 then
        local digits = text:match("^[ \t\n\v\f\r]*([+-]?%d+)")
        if not digits then return nil end
        local n = tonumber(digits)
        return math.max(-2 ^ 31, math.min(2 ^ 31 - 1, n))
      end
      local lead = text:match("^[ \t\n\v\f\r]*(.*)$")
      local lower = lead:sub(1, 9):lower()
      if lower:match("^[+-]?inf") then return lower:sub(1, 1) == "-" and -math.huge or math.huge end
      if lower:match("^[+-]?nan") then return 0 / 0 end
      local num = lead:match("^[+-]?%d*%.?%d*")
      if not num:match("%d") then return nil end
      local exp = lead:sub(#num + 1):match("^[eE][+-]?%d+")
      return tonumber(num .. (exp or "")) or tonumber(num .. "0")
    end)
  end

  local function targets()
    local list = {}
    local function functions_of(prefix, t, skip)
      for k, v in pairs(t) do
        if type(v) == "function" and not (skip and skip[k]) then
          list[#list + 1] = { name = prefix .. k, short = k, f = v, owner = t }
        end
      end
    end
    local never = { Shutdown = true, GameServerShutdown = true, _Test = true, Panic = true }
    functions_of("Steam.", Steam, never)
    for _, inst in ipairs { a } do
      functions_of("inst.", inst, never)
      functions_of("inst.User.", inst.User)
      functions_of("inst.Extra.", inst.Extra, { NewOfflineInstance = true })
      functions_of("inst.NetworkingMessages.", inst.NetworkingMessages)
      functions_of("inst.NetworkingUtils.", inst.NetworkingUtils)
    end
    functions_of("Steam.NetworkingMessages.", Steam.NetworkingMessages)
    functions_of("Steam.NetworkingUtils.", Steam.NetworkingUtils)
    functions_of("Steam.GameServerNetworkingMessages.", Steam.GameServerNetworkingMessages)
    functions_of("Steam.User.", Steam.User)
    functions_of("Steam.Extra.", Steam.Extra, { _Test = true })
    -- Methods, called on a random receiver of the right type or not.
    local id = Steam.newSteamNetworkingIdentity()
    for _, m in ipairs { "Clear", "IsInvalid", "SetSteamID", "GetSteamID", "SetSteamID64",
      "GetSteamID64", "SetIPv4Addr", "GetIPv4", "SetLocalHost", "IsLocalHost", "SetGenericString",
      "GetGenericString", "SetGenericBytes", "GetGenericBytes", "ToString", "ParseString", "GetType" } do
      if type(id[m]) == "function" then
        list[#list + 1] = { name = "identity:" .. m, short = m, f = id[m], method = "identity" }
      end
    end
    for _, m in ipairs { "Release", "GetData", "GetSize", "GetChannel", "GetMessageNumber",
      "GetTimeReceived", "GetIdentityPeer" } do
      if type(live_msgs[1][m]) == "function" then
        list[#list + 1] = { name = "message:" .. m, short = m, f = live_msgs[1][m], method = "message" }
      end
    end
    return list
  end

  it("raises only string errors, never crashes, hangs or wrongly succeeds", function()
    local list = targets()
    assert(#list > 50, "only " .. #list .. " functions found")
    local idents = {}
    for _, v in ipairs(pool) do
      local ok, text = pcall(tostring, v)
      if type(v) == "userdata" and ok and (text:find("^[a-z]+:") or text == "invalid") then
        idents[#idents + 1] = v
      end
    end
    for i = 1, CALLS do
      local t = list[math.random(#list)]
      local args, n = random_args()
      local with_receiver = false
      if t.method and math.random() < 0.8 then
        with_receiver = true
        -- Mostly the right receiver, so the arguments after it get checked.
        local recv = t.method == "identity" and idents[math.random(#idents)] or live_msgs[math.random(#live_msgs)]
        table.insert(args, 1, recv); n = n + 1
      end
      local ctx = { owner = t.owner }
      if with_receiver then
        ctx.recv = args[1]
        if t.method == "identity" then ctx.before = tostring(ctx.recv) end
      elseif t.short:find("^SetGlobalConfigValue") then
        local ok, v = pcall(t.owner.GetGlobalConfigValue, args[1])
        ctx.before = ok and v or nil
      end
      local r = call(t.name, t.f, args, n)
      if checks[t.short] and not t.method then checks[t.short](r, args, ctx) end
      if checks[t.short] and with_receiver then checks[t.short](r, { select(2, unpack(args, 1, n)) }, ctx) end
      -- Whatever Init a random call made live, end it, so the next call starts clean.
      if t.short == "Init" or t.short == "GameServerInit" then
        Steam.Shutdown(); Steam.GameServerShutdown()
      end
      -- Random hooks may have been installed by assignments elsewhere; callbacks run now and then.
      if i % 50 == 0 then pcall(a.RunCallbacks); pcall(b.RunCallbacks) end
    end
    print(string.format("\n# fuzz_api: %d calls (%d returned, %d raised string errors, %d setter successes read back), seed %d, %s",
      calls, successes, errors, read_back, SEED, _VERSION .. (jit and (" " .. jit.version) or "")))
  end)

  it("a released message raises on every field and method but Release", function()
    for _, k in ipairs { "m_pData", "m_cbSize", "m_identityPeer", "m_nChannel", "m_nMessageNumber",
      "m_usecTimeReceived", "m_nFlags", "m_conn", "m_nUserData", "m_nConnUserData", "m_idxLane" } do
      local ok, err = pcall(function() return released[k] end)
      assert(not ok and type(err) == "string" and err:find("released", 1, true), k)
    end
    for _, m in ipairs { "GetData", "GetSize", "GetChannel", "GetMessageNumber", "GetTimeReceived" } do
      local ok, err = pcall(released[m], released)
      assert(not ok and type(err) == "string", m)
    end
    assert(pcall(released.Release, released))
  end)

  it("the module still works after the fuzzing", function()
    -- The fuzzed instances may have been configured into silence (100 % fake loss, say), which
    -- is their right; fresh ones must work, and the fuzzed ones must still answer.
    Steam.Extra.SetDebugOutput(1, nil)
    assert.are.equal("table", type(a.Extra.GetStats()))
    local c, d = sm.instance(Steam), sm.instance(Steam)
    d.NetworkingMessages.OnSteamNetworkingMessagesSessionRequest = function(x)
      d.NetworkingMessages.AcceptSessionWithUser(x.m_identityRemote)
    end
    local d_id = c.newSteamNetworkingIdentity(); d_id:SetSteamID(d.User.GetSteamID())
    local got = exchange(c, d, d_id, 3)
    assert.are.equal(3, #got)
    c.Shutdown(); d.Shutdown()
  end)
end)
