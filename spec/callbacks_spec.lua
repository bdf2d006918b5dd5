-- Callback dispatch in RunCallbacks (API.md "Callbacks"), driven by the test hooks
-- (Extra._Test.InjectSessionRequest / InjectSessionFailed) on NewOfflineInstance peers, so no
-- second peer and no network traffic is needed. Needs the offline backend to open (loopback).
local sm = require "support.sm"

describe("callbacks", function()
  local Steam, inst, NM, T
  setup(function() Steam = sm.load() end)
  before_each(function()
    inst = sm.instance(Steam)
    NM = inst.NetworkingMessages
    T = inst.Extra._Test
  end)
  after_each(function()
    if inst then
      NM.OnSteamNetworkingMessagesSessionRequest = nil
      NM.OnSteamNetworkingMessagesSessionFailed = nil
      inst.NetworkingUtils.SetGlobalCallback_MessagesSessionRequest(nil)
      inst.NetworkingUtils.SetGlobalCallback_MessagesSessionFailed(nil)
      inst.Shutdown()
    end
    inst, NM, T = nil, nil, nil
  end)

  local function identity(text)
    local id = inst.newSteamNetworkingIdentity()
    assert(id:ParseString(text), text)
    return id
  end

  it("an instance is shaped like Steam", function()
    for _, name in ipairs { "RunCallbacks", "Shutdown", "GetBackend", "newSteamNetworkingIdentity" } do
      assert.is_function(inst[name], name)
    end
    assert.is_function(inst.User.GetSteamID)
    assert.is_function(NM.SendMessageToUser)
    assert.equal(NM, inst.NetworkingMessages_SteamAPI)
    assert.equal(8, inst.k_nSteamNetworkingSend_Reliable)
    assert.equal("offline", inst.GetBackend())
    assert.are_not.equal(Steam.NetworkingMessages, NM)
  end)

  it("RunCallbacks with nothing queued does nothing", function()
    local calls = 0
    NM.OnSteamNetworkingMessagesSessionRequest = function() calls = calls + 1 end
    NM.OnSteamNetworkingMessagesSessionFailed = function() calls = calls + 1 end
    inst.RunCallbacks()
    inst.RunCallbacks()
    assert.equal(0, calls)
  end)

  it("SessionRequest hands the hook data.m_identityRemote", function()
    local got
    NM.OnSteamNetworkingMessagesSessionRequest = function(data) got = data end
    T.InjectSessionRequest(identity("steamid:" .. sm.STEAMID))
    inst.RunCallbacks()
    assert.is_table(got)
    local remote = got.m_identityRemote
    assert.equal("userdata", type(remote))
    assert.equal("steamid:" .. sm.STEAMID, remote:ToString())
    assert.equal(sm.STEAMID, tostring(remote:GetSteamID()))
    assert.is_true(remote == identity("steamid:" .. sm.STEAMID))
  end)

  it("SessionRequest carries non-SteamID identities too", function()
    local got
    NM.OnSteamNetworkingMessagesSessionRequest = function(data) got = data.m_identityRemote end
    T.InjectSessionRequest(identity("ip:127.0.0.1:27015"))
    inst.RunCallbacks()
    assert.equal("ip:127.0.0.1:27015", tostring(got))
  end)

  it("SessionFailed hands the hook data.m_info", function()
    local got
    NM.OnSteamNetworkingMessagesSessionFailed = function(data) got = data end
    T.InjectSessionFailed(identity("steamid:" .. sm.STEAMID2),
      inst.k_ESteamNetConnectionEnd_Misc_Timeout, "timed out connecting")
    inst.RunCallbacks()
    assert.is_table(got)
    local info = got.m_info
    assert.is_table(info)
    assert.equal(5003, info.m_eEndReason)
    assert.equal("steamid:" .. sm.STEAMID2, tostring(info.m_identityRemote))
    assert.equal("timed out connecting", info.m_szEndDebug)
    assert.is_number(info.m_eState)
    assert.is_string(info.m_addrRemote)
    assert.is_string(info.m_szConnectionDescription)
  end)

  it("SessionFailed with no debug text gives an empty string", function()
    local got
    NM.OnSteamNetworkingMessagesSessionFailed = function(data) got = data.m_info end
    T.InjectSessionFailed(identity("steamid:" .. sm.STEAMID), 4001)
    inst.RunCallbacks()
    assert.equal(4001, got.m_eEndReason)
    assert.equal("", got.m_szEndDebug)
  end)

  it("dispatches events in the order they happened", function()
    local seen = {}
    NM.OnSteamNetworkingMessagesSessionRequest = function(d)
      seen[#seen + 1] = "req " .. tostring(d.m_identityRemote)
    end
    NM.OnSteamNetworkingMessagesSessionFailed = function(d)
      seen[#seen + 1] = "fail " .. tostring(d.m_info.m_identityRemote) .. " " .. d.m_info.m_eEndReason
    end
    T.InjectSessionRequest(identity("str:a"))
    T.InjectSessionFailed(identity("str:b"), 5003, "")
    T.InjectSessionRequest(identity("str:c"))
    T.InjectSessionFailed(identity("str:d"), 4001, "")
    T.InjectSessionRequest(identity("str:e"))
    inst.RunCallbacks()
    assert.same({ "req str:a", "fail str:b 5003", "req str:c", "fail str:d 4001", "req str:e" }, seen)
    -- Delivered once: the queue is empty now.
    inst.RunCallbacks()
    assert.equal(5, #seen)
  end)

  it("a hook that errors does not lose later events; RunCallbacks then raises the first error", function()
    local seen = {}
    NM.OnSteamNetworkingMessagesSessionRequest = function(d)
      local who = d.m_identityRemote:GetGenericString()
      seen[#seen + 1] = who
      if who == "b" then error("hook failed on b") end
      if who == "d" then error("second failure on d") end
    end
    for _, who in ipairs { "a", "b", "c", "d", "e" } do
      T.InjectSessionRequest(identity("str:" .. who))
    end
    local ok, err = pcall(inst.RunCallbacks)
    assert.is_false(ok)
    assert.same({ "a", "b", "c", "d", "e" }, seen)
    assert.is_string(err)
    assert.truthy(err:find("hook failed on b", 1, true), err)
    assert.is_nil(err:find("second failure on d", 1, true), err)
    assert.truthy(err:find("traceback", 1, true), err)
    -- The hook's own position, not RunCallbacks' caller's, is in front.
    assert.truthy(err:find("callbacks_spec.lua:", 1, true), err)
    assert.is_nil(err:find("runtime error", 1, true), err)
    -- The queue was finished: nothing is delivered twice.
    seen = {}
    inst.RunCallbacks()
    assert.same({}, seen)
  end)

  it("an error in a SessionFailed hook does not lose the SessionRequest after it", function()
    local requests = 0
    NM.OnSteamNetworkingMessagesSessionFailed = function() error("failed hook") end
    NM.OnSteamNetworkingMessagesSessionRequest = function() requests = requests + 1 end
    T.InjectSessionFailed(identity("str:x"), 5003, "")
    T.InjectSessionRequest(identity("str:y"))
    local err = sm.error_of(inst.RunCallbacks)
    assert.is_string(err)
    assert.truthy(err:find("failed hook", 1, true), err)
    assert.equal(1, requests)
  end)

  it("a hook that errors with a non-string value still makes RunCallbacks raise a string", function()
    NM.OnSteamNetworkingMessagesSessionRequest = function() error({ code = 1 }) end
    T.InjectSessionRequest(identity("str:x"))
    local err = sm.error_of(inst.RunCallbacks)
    assert.is_string(err)
  end)

  it("hooks may call the API from inside", function()
    local accepted, state, sent, conn_err
    NM.OnSteamNetworkingMessagesSessionRequest = function(d)
      accepted = NM.AcceptSessionWithUser(d.m_identityRemote)
      state = NM.GetSessionConnectionInfo(d.m_identityRemote)
      local ok, e = pcall(NM.ReceiveMessagesOnChannel, 0, 10)
      if not ok then conn_err = e end
      sent = inst.User.GetSteamID()
    end
    T.InjectSessionRequest(identity("steamid:" .. sm.STEAMID2))
    assert.has_no.errors(function() inst.RunCallbacks() end)
    assert.is_boolean(accepted)
    assert.is_number(state)
    assert.is_nil(conn_err)
    assert.equal("userdata", type(sent))
  end)

  it("a hook may inject more events; they are delivered by a later RunCallbacks", function()
    local seen = {}
    NM.OnSteamNetworkingMessagesSessionRequest = function(d)
      local who = d.m_identityRemote:GetGenericString()
      seen[#seen + 1] = who
      if who == "first" then T.InjectSessionRequest(identity("str:second")) end
    end
    T.InjectSessionRequest(identity("str:first"))
    inst.RunCallbacks()
    inst.RunCallbacks()
    assert.same({ "first", "second" }, seen)
  end)

  it("SetGlobalCallback_MessagesSession* functions are called too", function()
    local seen = {}
    NM.OnSteamNetworkingMessagesSessionRequest = function(d) seen[#seen + 1] = "hook req " .. tostring(d.m_identityRemote) end
    NM.OnSteamNetworkingMessagesSessionFailed = function(d) seen[#seen + 1] = "hook fail " .. d.m_info.m_eEndReason end
    local U = inst.NetworkingUtils
    U.SetGlobalCallback_MessagesSessionRequest(function(d) seen[#seen + 1] = "global req " .. tostring(d.m_identityRemote) end)
    U.SetGlobalCallback_MessagesSessionFailed(function(d) seen[#seen + 1] = "global fail " .. d.m_info.m_eEndReason end)
    T.InjectSessionRequest(identity("str:p"))
    T.InjectSessionFailed(identity("str:q"), 5003, "")
    inst.RunCallbacks()
    table.sort(seen)
    assert.same({ "global fail 5003", "global req str:p", "hook fail 5003", "hook req str:p" }, seen)
  end)

  it("global callbacks work with no On* hook assigned", function()
    local got
    inst.NetworkingUtils.SetGlobalCallback_MessagesSessionRequest(function(d) got = d.m_identityRemote end)
    T.InjectSessionRequest(identity("str:only-global"))
    inst.RunCallbacks()
    assert.equal("str:only-global", tostring(got))
  end)

  it("a global callback set to nil is no longer called", function()
    local calls = 0
    local U = inst.NetworkingUtils
    U.SetGlobalCallback_MessagesSessionRequest(function() calls = calls + 1 end)
    U.SetGlobalCallback_MessagesSessionRequest(nil)
    T.InjectSessionRequest(identity("str:x"))
    inst.RunCallbacks()
    assert.equal(0, calls)
  end)

  it("with no hook assigned, events are dropped silently", function()
    T.InjectSessionRequest(identity("str:x"))
    T.InjectSessionFailed(identity("str:y"), 5003, "")
    assert.has_no.errors(function() inst.RunCallbacks() end)
    -- And they are gone: a hook assigned now sees nothing.
    local calls = 0
    NM.OnSteamNetworkingMessagesSessionRequest = function() calls = calls + 1 end
    NM.OnSteamNetworkingMessagesSessionFailed = function() calls = calls + 1 end
    inst.RunCallbacks()
    assert.equal(0, calls)
  end)

  it("a non-function hook value is ignored", function()
    NM.OnSteamNetworkingMessagesSessionRequest = "not a function"
    T.InjectSessionRequest(identity("str:x"))
    assert.has_no.errors(function() inst.RunCallbacks() end)
  end)

  it("instances dispatch independently", function()
    local other = sm.instance(Steam)
    local mine, theirs = 0, 0
    NM.OnSteamNetworkingMessagesSessionRequest = function() mine = mine + 1 end
    other.NetworkingMessages.OnSteamNetworkingMessagesSessionRequest = function() theirs = theirs + 1 end
    T.InjectSessionRequest(identity("str:x"))
    other.RunCallbacks()
    assert.equal(0, theirs)
    inst.RunCallbacks()
    assert.equal(1, mine)
    other.Extra._Test.InjectSessionRequest(identity("str:y"))
    other.Extra._Test.InjectSessionRequest(identity("str:z"))
    other.RunCallbacks()
    assert.equal(1, mine)
    assert.equal(2, theirs)
    other.Shutdown()
  end)

  it("events injected before Shutdown are not delivered after it, and RunCallbacks then raises", function()
    local calls = 0
    NM.OnSteamNetworkingMessagesSessionRequest = function() calls = calls + 1 end
    T.InjectSessionRequest(identity("str:x"))
    inst.Shutdown()
    local err = sm.error_of(inst.RunCallbacks)
    assert.is_string(err)
    assert.truthy(err:find("not initialized", 1, true), err)
    assert.equal(0, calls)
  end)

  describe("on the global Steam table", function()
    after_each(function()
      Steam.NetworkingMessages.OnSteamNetworkingMessagesSessionRequest = nil
      Steam.Shutdown()
    end)

    it("dispatches in Steam.RunCallbacks once Init{backend='offline'} is live", function()
      local ok, reason = Steam.Init { backend = "offline", bind = "127.0.0.1" }
      assert.is_true(ok, reason)
      local got
      Steam.NetworkingMessages.OnSteamNetworkingMessagesSessionRequest = function(d) got = d.m_identityRemote end
      local id = Steam.newSteamNetworkingIdentity()
      id:SetSteamID(sm.STEAMID)
      Steam.Extra._Test.InjectSessionRequest(id)
      Steam.RunCallbacks()
      assert.equal("steamid:" .. sm.STEAMID, tostring(got))
    end)
  end)
end)
