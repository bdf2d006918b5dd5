-- SteamNetworkingIdentity: luasteam's methods and the SDK's text forms. Needs no backend.
local sm = require "support.sm"

describe("SteamNetworkingIdentity", function()
  local Steam
  setup(function() Steam = sm.load() end)
  local function new() return Steam.newSteamNetworkingIdentity() end

  it("starts invalid", function()
    local id = new()
    assert.is_true(id:IsInvalid())
    assert.equal("invalid", id:ToString())
    assert.is_true(Steam.newSteamNetworkingIdentity({}):IsInvalid())
  end)

  describe("ToString / ParseString", function()
    local forms = {
      "steamid:76561197960287930",
      "steamid:18446744073709551615", -- not a valid peer ID: see below, must not parse
      "ip:127.0.0.1:27015",
      "ip:10.1.2.3:0",
      "ip:[::1]:0",
      "ip:[::1]:27015",
      "ip:[2001:db8::1]:65535",
      "str:lobby-7",
      "str:" .. string.rep("x", 31),
      "gen:00ff10",
      "gen:" .. string.rep("ab", 32),
      "invalid",
    }
    for _, text in ipairs(forms) do
      if text ~= "steamid:18446744073709551615" then
        it("round trips " .. text, function()
          local id = new()
          assert.is_true(id:ParseString(text), "ParseString(" .. text .. ")")
          assert.equal(text, id:ToString())
          assert.equal(text, tostring(id))
          local again = new()
          assert.is_true(again:ParseString(id:ToString()))
          assert.is_true(again == id)
        end)
      end
    end

    it("parses 'invalid' to an invalid identity", function()
      local id = new()
      id:SetSteamID(sm.STEAMID)
      assert.is_true(id:ParseString("invalid"))
      assert.is_true(id:IsInvalid())
    end)

    it("parses a steamid: form to the SteamID", function()
      local id = new()
      assert.is_true(id:ParseString("steamid:" .. sm.STEAMID))
      assert.equal(sm.STEAMID, tostring(id:GetSteamID()))
      assert.is_false(id:IsInvalid())
    end)

    it("parses an ip: form to the address", function()
      local id = new()
      assert.is_true(id:ParseString("ip:127.0.0.1:27015"))
      assert.equal(0x7f000001, id:GetIPv4())
    end)

    local bad = {
      "", "nonsense", "nonsense:1", "steamid:", "steamid:abc", "steamid:0", "steamid:-5",
      "steamid:99999999999999999999", "steamid:18446744073709551615", "ip:", "ip:nowhere:1",
      "str:", "str:" .. string.rep("x", 32), "gen:", "gen:abc", "gen:zz",
      "gen:" .. string.rep("ab", 33),
    }
    for _, text in ipairs(bad) do
      it("rejects '" .. text .. "' and leaves the identity invalid", function()
        local id = new()
        id:SetSteamID(sm.STEAMID)
        assert.is_false(id:ParseString(text))
        assert.is_true(id:IsInvalid())
        assert.equal("invalid", id:ToString())
      end)
    end
  end)

  describe("SetSteamID / GetSteamID", function()
    it("takes a valid ID as a decimal string", function()
      local id = new()
      id:SetSteamID(sm.STEAMID)
      assert.is_false(id:IsInvalid())
      assert.equal(sm.STEAMID, tostring(id:GetSteamID()))
      assert.equal("steamid:" .. sm.STEAMID, id:ToString())
    end)

    it("takes a uint64", function()
      local id = new()
      id:SetSteamID(Steam.Extra.ParseUint64(sm.STEAMID2))
      assert.equal(sm.STEAMID2, tostring(id:GetSteamID()))
      assert.is_true(id:GetSteamID() == Steam.Extra.ParseUint64(sm.STEAMID2))
    end)

    it("takes what GetSteamID returned", function()
      local a, b = new(), new()
      a:SetSteamID(sm.STEAMID)
      b:SetSteamID(a:GetSteamID())
      assert.is_true(a == b)
    end)

    it("has SetSteamID64 / GetSteamID64 as the same", function()
      local id = new()
      id:SetSteamID64(sm.STEAMID)
      assert.equal(sm.STEAMID, tostring(id:GetSteamID64()))
      assert.equal(sm.STEAMID, tostring(id:GetSteamID()))
    end)

    it("takes a game-server ID", function()
      -- Universe 1, account type 3 (game server), instance 0, account 1.
      local gs = "85568392920039425"
      local id = new()
      id:SetSteamID(gs)
      assert.equal("steamid:" .. gs, id:ToString())
    end)

    it("gives 0 for an identity that holds no SteamID", function()
      local id = new()
      assert.equal("0", tostring(id:GetSteamID()))
      id:SetLocalHost()
      assert.equal("0", tostring(id:GetSteamID()))
    end)

    for _, bad in ipairs { "0", "1", sm.MAX_U64 } do
      it("raises for the invalid ID " .. bad .. " and makes the identity invalid", function()
        local id = new()
        id:SetSteamID(sm.STEAMID)
        local err = sm.error_of(function() id:SetSteamID(bad) end)
        assert.is_string(err)
        assert.truthy(err:find("bad argument #1 to 'SetSteamID'", 1, true), err)
        assert.is_true(id:IsInvalid())
      end)
    end
  end)

  describe("IPv4 and local host", function()
    it("SetIPv4Addr / GetIPv4", function()
      local id = new()
      id:SetIPv4Addr(0x7f000001, 27015)
      assert.equal(0x7f000001, id:GetIPv4())
      assert.equal("ip:127.0.0.1:27015", id:ToString())
      id:SetIPv4Addr(0xC0A80102, 1)
      assert.equal(0xC0A80102, id:GetIPv4())
      assert.equal("ip:192.168.1.2:1", id:ToString())
    end)

    it("GetIPv4 is 0 for other identities", function()
      local id = new()
      assert.equal(0, id:GetIPv4())
      id:SetSteamID(sm.STEAMID)
      assert.equal(0, id:GetIPv4())
      id:SetLocalHost() -- ::1 is IPv6
      assert.equal(0, id:GetIPv4())
    end)

    it("SetLocalHost / IsLocalHost", function()
      local id = new()
      assert.is_false(id:IsLocalHost())
      id:SetLocalHost()
      assert.is_true(id:IsLocalHost())
      assert.is_false(id:IsInvalid())
      assert.equal("ip:[::1]:0", id:ToString())
      id:SetIPv4Addr(0x7f000001, 5)
      assert.is_true(id:IsLocalHost())
      id:SetIPv4Addr(0x0A000001, 5)
      assert.is_false(id:IsLocalHost())
      id:SetSteamID(sm.STEAMID)
      assert.is_false(id:IsLocalHost())
    end)
  end)

  describe("generic string and bytes", function()
    it("takes a string of up to 31 characters", function()
      local id = new()
      local s = string.rep("a", 31)
      assert.is_true(id:SetGenericString(s))
      assert.equal(s, id:GetGenericString())
      assert.equal("str:" .. s, id:ToString())
    end)

    it("refuses a string of 32 characters or more, or an empty one", function()
      assert.is_false(new():SetGenericString(string.rep("a", 32)))
      assert.is_false(new():SetGenericString(string.rep("a", 100)))
      assert.is_false(new():SetGenericString(""))
    end)

    it("GetGenericString is nil for other identities", function()
      assert.is_nil(new():GetGenericString())
    end)

    it("takes up to 32 bytes", function()
      local id = new()
      local b = string.rep("\255", 32)
      assert.is_true(id:SetGenericBytes(b, #b))
      assert.equal("gen:" .. string.rep("ff", 32), id:ToString())
      assert.is_true(id:SetGenericBytes("\0\1\2"))
      assert.equal("gen:000102", id:ToString())
    end)

    it("takes a prefix when len is less than the data", function()
      local id = new()
      assert.is_true(id:SetGenericBytes("\1\2\3\4", 2))
      assert.equal("gen:0102", id:ToString())
    end)

    it("refuses 33 bytes or more", function()
      assert.is_false(new():SetGenericBytes(string.rep("x", 33), 33))
      assert.is_false(new():SetGenericBytes(string.rep("x", 100)))
    end)
  end)

  describe("comparison and text", function()
    it("tostring(identity) is ToString()", function()
      local id = new()
      assert.equal(id:ToString(), tostring(id))
      id:SetSteamID(sm.STEAMID)
      assert.equal(id:ToString(), tostring(id))
      id:SetIPv4Addr(0x7f000001, 27015)
      assert.equal(id:ToString(), tostring(id))
      id:SetGenericString("room")
      assert.equal(id:ToString(), tostring(id))
      id:SetGenericBytes("\1\2")
      assert.equal(id:ToString(), tostring(id))
    end)

    it("== compares what the identities hold", function()
      local a, b = new(), new()
      assert.is_true(a == b) -- both invalid
      a:SetSteamID(sm.STEAMID)
      assert.is_false(a == b)
      b:SetSteamID(sm.STEAMID)
      assert.is_true(a == b)
      b:SetSteamID(sm.STEAMID2)
      assert.is_false(a == b)
      assert.is_true(a ~= b)
      a:SetIPv4Addr(0x7f000001, 1)
      b:SetIPv4Addr(0x7f000001, 1)
      assert.is_true(a == b)
      b:SetIPv4Addr(0x7f000001, 2)
      assert.is_false(a == b)
      a:SetGenericString("x")
      b:SetGenericBytes("x")
      assert.is_false(a == b)
    end)

    it("an identity is never equal to a uint64", function()
      local id = new()
      id:SetSteamID(sm.STEAMID)
      assert.is_false(id == Steam.Extra.ParseUint64(sm.STEAMID))
    end)

    it("Clear makes it invalid", function()
      local id = new()
      id:SetSteamID(sm.STEAMID)
      id:Clear()
      assert.is_true(id:IsInvalid())
      assert.equal("invalid", tostring(id))
    end)

    it("identities are independent copies", function()
      local a = new()
      a:SetSteamID(sm.STEAMID)
      local b = new()
      assert.is_true(b:ParseString(a:ToString()))
      a:Clear()
      assert.equal("steamid:" .. sm.STEAMID, b:ToString())
    end)
  end)
end)
