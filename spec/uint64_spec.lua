-- 64-bit IDs: exact on every Lua (5.1 and LuaJIT have only doubles). Needs no backend.
local sm = require "support.sm"

describe("uint64", function()
  local Steam, P
  setup(function()
    Steam = sm.load()
    P = Steam.Extra.ParseUint64
  end)

  describe("ParseUint64", function()
    it("parses decimal strings exactly", function()
      assert.equal("76561197960287930", tostring(P("76561197960287930")))
      assert.equal("18446744073709551615", tostring(P("18446744073709551615")))
      assert.equal("18446744073709551614", tostring(P("18446744073709551614")))
      assert.equal("9007199254740993", tostring(P("9007199254740993"))) -- 2^53 + 1: no double holds it
      assert.equal("0", tostring(P("0")))
      assert.equal("1", tostring(P("1")))
    end)

    it("returns a uint64 userdata", function()
      assert.equal("userdata", type(P("1")))
      assert.equal("userdata", type(P("abc")))
    end)

    it("parses small integers", function()
      assert.equal("12345", tostring(P(12345)))
      assert.equal("0", tostring(P(0)))
      assert.equal("9007199254740991", tostring(P(2 ^ 53 - 1)))
    end)

    it("gives 0 for anything that is no uint64", function()
      for _, bad in ipairs { "abc", "", "12x", "-1", "1.5", "0x10", "18446744073709551616",
                             "99999999999999999999999" } do
        assert.equal("0", tostring(P(bad)), "ParseUint64(" .. bad .. ")")
      end
      assert.equal("0", tostring(P(-1)))
      assert.equal("0", tostring(P(1.5)))
    end)

    it("gives 0 for numbers at or above 2^53, which lost precision before they reached it", function()
      assert.equal("0", tostring(P(2 ^ 53)))
      assert.equal("0", tostring(P(2 ^ 60)))
      assert.equal("0", tostring(P(76561197960287930)))
      -- An integer literal on 5.4, a double on 5.1 and LuaJIT: rejected on every Lua alike.
      assert.equal("0", tostring(P(0x1000000000000000)))
    end)

    it("copies a uint64", function()
      local a = P(sm.MAX_U64)
      assert.equal(sm.MAX_U64, tostring(P(a)))
    end)
  end)

  describe("operators", function()
    it("== compares values, not userdata identity", function()
      assert.is_true(P(sm.STEAMID) == P(sm.STEAMID))
      assert.is_true(P(sm.MAX_U64) == P(sm.MAX_U64))
      assert.is_false(P(sm.STEAMID) == P(sm.STEAMID2))
      assert.is_true(P(sm.STEAMID) ~= P(sm.STEAMID2))
      -- Only 1 apart, and above 2^53 where a double could not tell them apart.
      assert.is_false(P("18446744073709551614") == P(sm.MAX_U64))
    end)

    it("< and <= order values exactly", function()
      local a, b = P("18446744073709551614"), P(sm.MAX_U64)
      assert.is_true(a < b)
      assert.is_false(b < a)
      assert.is_true(a <= b)
      assert.is_true(b <= b)
      assert.is_false(b <= a)
      assert.is_true(b > a)
      assert.is_true(b >= a)
      assert.is_true(P("0") < P("1"))
      assert.is_true(P(sm.STEAMID) < P(sm.STEAMID2))
      assert.is_false(P(sm.STEAMID) < P(sm.STEAMID))
    end)

    it(".. concatenates the exact decimal", function()
      local u = P(sm.STEAMID)
      assert.equal("id=" .. sm.STEAMID, "id=" .. u)
      assert.equal(sm.STEAMID .. "!", u .. "!")
      assert.equal(sm.STEAMID .. sm.MAX_U64, u .. P(sm.MAX_U64))
    end)

    it("tostring is the exact decimal on every Lua", function()
      assert.equal("76561197960287930", tostring(P("76561197960287930")))
      assert.equal("18446744073709551615", tostring(P("18446744073709551615")))
      assert.equal("76561197960287930", string.format("%s", tostring(P("76561197960287930"))))
    end)

    it("works as a table key by value through tostring", function()
      local seen = {}
      seen[tostring(P(sm.STEAMID))] = true
      assert.is_true(seen[tostring(P(sm.STEAMID))])
    end)
  end)

  describe("where a uint64 is taken", function()
    it("takes a uint64, its decimal string, or a small exact integer", function()
      local id = Steam.newSteamNetworkingIdentity()
      id:SetSteamID(P(sm.STEAMID))
      assert.equal(sm.STEAMID, tostring(id:GetSteamID()))
      id:SetSteamID(sm.STEAMID2)
      assert.equal(sm.STEAMID2, tostring(id:GetSteamID()))
      assert.is_true(id:GetSteamID() == P(sm.STEAMID2))
    end)

    it("rejects a number at or above 2^53 with an error that says to pass a string", function()
      local id = Steam.newSteamNetworkingIdentity()
      for _, n in ipairs { 2 ^ 60, 2 ^ 53, 76561197960287930, 0x1000000000000000 } do
        local err = sm.error_of(function() id:SetSteamID(n) end)
        assert.is_string(err, "SetSteamID(" .. tostring(n) .. ") did not raise a string")
        assert.truthy(err:find("bad argument #1 to 'SetSteamID'", 1, true), err)
        assert.truthy(err:find("string", 1, true), err)
      end
    end)

    it("rejects negative and fractional numbers", function()
      local id = Steam.newSteamNetworkingIdentity()
      for _, n in ipairs { -1, 1.5 } do
        local err = sm.error_of(function() id:SetSteamID(n) end)
        assert.is_string(err)
        assert.truthy(err:find("bad argument #1 to 'SetSteamID'", 1, true), err)
      end
    end)

    it("rejects a string that is not a decimal uint64", function()
      local id = Steam.newSteamNetworkingIdentity()
      for _, s in ipairs { "abc", "", "-5", "18446744073709551616" } do
        local err = sm.error_of(function() id:SetSteamID(s) end)
        assert.is_string(err, "SetSteamID('" .. s .. "') did not raise a string")
        assert.truthy(err:find("bad argument #1 to 'SetSteamID'", 1, true), err)
      end
    end)
  end)
end)
