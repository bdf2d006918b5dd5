-- steam_messages.router (lua/steam_messages/router.lua) between two or three offline instances in
-- one Lua state: per-channel routing with release, accept policies, connected / lost events.
local sm = require "support.sm"
local Router = require "steam_messages.router"

describe("steam_messages.router", function()
  local Steam, A, B, made
  setup(function() Steam = sm.load() end)

  local function instance()
    local inst = sm.instance(Steam)
    made[#made + 1] = inst
    return inst
  end

  before_each(function()
    made = {}
    A, B = instance(), instance()
  end)
  after_each(function()
    for _, inst in ipairs(made) do pcall(inst.Shutdown) end
  end)

  local function update_all(routers)
    return function()
      for _, r in ipairs(routers) do r:update() end
    end
  end

  -- Updates every router until cond() holds; generous timeout.
  local function pump(routers, cond, seconds)
    local step = update_all(routers)
    return sm.pump_until(function() step(); return cond() end, seconds or 10)
  end

  local function id_string(inst) return "steamid:" .. tostring(inst.User.GetSteamID()) end

  it("routes each channel to its handler, both ways, and releases every message", function()
    local ra, rb = Router.new(A), Router.new(B)
    local got = { a = {}, b0 = {}, b7 = {} }
    local kept
    rb:on(0, function(data, peer, msg) got.b0[#got.b0 + 1] = data; kept = msg end)
    rb:on(7, function(data, peer) got.b7[#got.b7 + 1] = { data, peer:ToString() } end)
    ra:on(0, function(data, peer) got.a[#got.a + 1] = data end)
    for i = 1, 5 do
      assert.equal(Steam.k_EResultOK, ra:send(B.User.GetSteamID(), "zero " .. i))
      assert.equal(Steam.k_EResultOK, ra:send(tostring(B.User.GetSteamID()), "seven " .. i, ra.RELIABLE, 7))
    end
    assert.is_true(pump({ ra, rb }, function() return #got.b0 == 5 and #got.b7 == 5 end))
    for i = 1, 5 do
      assert.equal("zero " .. i, got.b0[i])
      assert.same({ "seven " .. i, id_string(A) }, got.b7[i])
    end
    -- The router released the message after the handler returned.
    assert.has_error(function() return kept.m_pData end)
    -- B learned of A by receiving; answer on the same identity, unreliably.
    assert.equal(1, rb:broadcast("back", rb.UNRELIABLE, 0))
    assert.is_true(pump({ ra, rb }, function() return #got.a > 0 end))
    assert.equal("back", got.a[1])
  end)

  it("receives more messages than one batch in a single update", function()
    local ra, rb = Router.new(A), Router.new(B, { batch = 4 })
    local got = {}
    rb:on(2, function(data) got[#got + 1] = data end)
    for i = 1, 30 do ra:send(B.User.GetSteamID(), tostring(i), ra.RELIABLE, 2) end
    assert.is_true(pump({ ra, rb }, function() return #got == 30 end))
    for i = 1, 30 do assert.equal(tostring(i), got[i]) end
  end)

  it("fires connected on both sides and lost when the peer shuts down", function()
    local ra, rb = Router.new(A), Router.new(B)
    local b_name = id_string(B)
    local events = {}
    ra:on_connected(function(peer) events[#events + 1] = "A connected " .. peer:ToString() end)
    rb:on_connected(function(peer) events[#events + 1] = "B connected " .. peer:ToString() end)
    local lost
    ra:on_lost(function(peer, state, info) lost = { peer:ToString(), state, info } end)
    rb:on(0, function(data) events[#events + 1] = "B got " .. data end)
    ra:send(B.User.GetSteamID(), "hi")
    assert.is_true(pump({ ra, rb }, function() return #events == 3 end))
    -- B hears of the connection before the first message on it.
    local connected_at, got_at
    for i, e in ipairs(events) do
      if e:find("^B connected") then connected_at = i elseif e == "B got hi" then got_at = i end
    end
    assert.is_true(connected_at < got_at)
    table.remove(events, got_at)
    table.sort(events)
    assert.same({ "A connected " .. id_string(B), "B connected " .. id_string(A) }, events)
    local st = ra:status(B.User.GetSteamID())
    assert.equal(Steam.k_ESteamNetworkingConnectionState_Connected, st.state)
    -- -1 means "not measured yet", as on Steam.
    assert.is_true(st.quality == -1 or (st.quality >= 0 and st.quality <= 1))
    assert.equal(1, #ra:peer_list())
    -- Closed by the peer: quietly (state 0) when A was idle, ClosedByPeer (4) when an ack of A's
    -- was still on its way.
    B.Shutdown()
    assert.is_true(pump({ ra }, function() return lost ~= nil end, 20))
    assert.equal(b_name, lost[1])
    assert.is_true(lost[2] == 0 or lost[2] == Steam.k_ESteamNetworkingConnectionState_ClosedByPeer,
      "state " .. tostring(lost[2]))
    assert.is_table(lost[3])
  end)

  it("accepts only an allow-list and declines the rest", function()
    local C = instance()
    local rb = Router.new(B, { accept = { A.User.GetSteamID() } })
    local ra, rc = Router.new(A), Router.new(C)
    local got, answers, c_lost = {}, {}, nil
    rb:on(0, function(data, peer) got[#got + 1] = peer:ToString() .. " " .. data end)
    rb:on_request(function(peer, accepted) answers[peer:ToString()] = accepted end)
    rc:on_lost(function(_, state, info) c_lost = { state, info.m_eEndReason } end)
    ra:send(B.User.GetSteamID(), "from A")
    rc:send(B.User.GetSteamID(), "from C")
    assert.is_true(pump({ ra, rb, rc }, function() return #got == 1 and c_lost ~= nil end))
    assert.equal(id_string(A) .. " from A", got[1])
    assert.is_true(answers[id_string(A)])
    assert.is_false(answers[id_string(C)])
    assert.equal(Steam.k_ESteamNetworkingConnectionState_ClosedByPeer, c_lost[1])
    assert.equal(Steam.k_ESteamNetConnectionEnd_App_Min + 1, c_lost[2])
  end)

  it("asks a function, which may leave a request pending for the game to accept later", function()
    local asked = {}
    local rb = Router.new(B, { accept = function(peer) asked[#asked + 1] = peer:ToString(); return nil end })
    local ra = Router.new(A)
    local got = {}
    rb:on(0, function(data) got[#got + 1] = data end)
    ra:send(B.User.GetSteamID(), "knock")
    assert.is_true(pump({ ra, rb }, function() return #asked == 1 end))
    assert.equal(id_string(A), asked[1])
    -- Pending: nothing is delivered until the game accepts.
    for _ = 1, 20 do ra:update(); rb:update() end
    assert.equal(0, #got)
    assert.is_true(B.NetworkingMessages.AcceptSessionWithUser(rb:identity(A.User.GetSteamID())))
    assert.is_true(pump({ ra, rb }, function() return #got == 1 end))
    assert.equal("knock", got[1])
  end)

  it("declines everyone with accept = \"none\"", function()
    local rb = Router.new(B, { accept = "none" })
    local ra = Router.new(A)
    local lost
    ra:on_lost(function(_, state) lost = state end)
    rb:on(0, function() error("must not be called") end)
    ra:send(B.User.GetSteamID(), "knock")
    assert.is_true(pump({ ra, rb }, function() return lost ~= nil end))
    assert.equal(Steam.k_ESteamNetworkingConnectionState_ClosedByPeer, lost)
  end)

  it("takes peers as identities, uint64, decimal strings and identity strings", function()
    local r = Router.new(A)
    local sid = tostring(B.User.GetSteamID())
    local id = B.newSteamNetworkingIdentity()
    id:SetSteamID(sid)
    for _, form in ipairs { id, B.User.GetSteamID(), sid, "steamid:" .. sid } do
      assert.equal("steamid:" .. sid, r:identity(form):ToString())
    end
    assert.equal("ip:127.0.0.1:27015", r:identity("ip:127.0.0.1:27015"):ToString())
    assert.has_error(function() r:identity("nonsense:") end)
    assert.has_error(function() r:on(-1, print) end)
    assert.has_error(function() r:set_accept(42) end)
  end)

  it("works with the global Steam table's shape through run_callbacks = false", function()
    local ra = Router.new(A, { run_callbacks = false })
    local rb = Router.new(B)
    local got = {}
    rb:on(0, function(data) got[#got + 1] = data end)
    ra:send(B.User.GetSteamID(), "x")
    assert.is_true(sm.pump_until(function()
      A.RunCallbacks(); ra:update(); rb:update(); return #got == 1
    end, 10))
    ra:detach()
    assert.is_nil(A.NetworkingMessages.OnSteamNetworkingMessagesSessionRequest)
  end)
end)
