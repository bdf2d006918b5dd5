--- The loop every networked game writes, once: receive on every channel that has a handler, hand
--- each message to it and release it, answer session requests by a policy, and report peers that
--- connect or are lost. Knows nothing of serializers: messages are strings in and out.
---
--- ```lua
--- local Router = require "steam_messages.router"
--- local net = Router.new(Steam, { accept = "all" })   -- Steam, or a NewOfflineInstance table
--- net:on(0, function(data, peer) ... end)             -- channel 0 handler
--- net:on_connected(function(peer) print("hello", peer) end)
--- net:on_lost(function(peer, state, info) print("lost", peer, info.m_eEndReason) end)
--- net:send(peer, "text", net.RELIABLE, 1)             -- peer: identity, uint64, "7656...", "ip:..."
--- -- every frame:
--- net:update()
--- ```
---
--- Works with the global `Steam` table (after `Steam.Init`) and with a table from
--- `Steam.Extra.NewOfflineInstance`. It owns the interface's `OnSteamNetworkingMessagesSession*`
--- hooks: assign them through the router (`on_request`, `on_lost`), not directly.
local Router = {}
Router.__index = Router

local CONNECTED = 3

--- @alias steam_messages.router.Peer SteamNetworkingIdentity|uint64|string

--- @alias steam_messages.router.AcceptPolicy
---| "all"                                      # accept every request (the default)
---| "none"                                     # decline every request
---| (steam_messages.router.Peer)[]             # accept only these peers, decline the rest
---| fun(peer: SteamNetworkingIdentity): boolean? # true accepts, false declines, nil leaves it pending

--- @class steam_messages.router.Options
--- @field accept? steam_messages.router.AcceptPolicy who may open a session with us (default "all")
--- @field server? boolean use GameServerNetworkingMessages / GameServerRunCallbacks of the global Steam table
--- @field run_callbacks? boolean call RunCallbacks inside `update` (default true; false if the game calls it)
--- @field batch? integer messages received per channel per ReceiveMessagesOnChannel call (default 64)

--- @class steam_messages.router.PeerStatus
--- @field identity SteamNetworkingIdentity
--- @field state integer k_ESteamNetworkingConnectionState_* (0 when there is no session)
--- @field ping integer milliseconds (0 until measured)
--- @field quality number local connection quality, 0..1 (-1 until measured)
--- @field quality_remote number the peer's view of the connection quality, 0..1 (-1 until measured)

--- @class steam_messages.router.Router
--- @field steam table the Steam table or offline instance this router drives
--- @field RELIABLE integer k_nSteamNetworkingSend_Reliable
--- @field UNRELIABLE integer k_nSteamNetworkingSend_Unreliable
--- @field UNRELIABLE_NO_DELAY integer k_nSteamNetworkingSend_UnreliableNoDelay

local function key_of(identity)
  return identity:ToString()
end

--- Makes a router for `steam` (the global Steam table or a NewOfflineInstance table).
--- @param steam table
--- @param opts? steam_messages.router.Options
--- @return steam_messages.router.Router
function Router.new(steam, opts)
  assert(type(steam) == "table" and steam.NetworkingMessages,
    "Router.new: expected the Steam table or an offline instance")
  opts = opts or {}
  local self = setmetatable({}, Router)
  self.steam = steam
  if opts.server then
    self.nm = assert(steam.GameServerNetworkingMessages, "Router.new: no GameServerNetworkingMessages")
    self.pump = steam.GameServerRunCallbacks
  else
    self.nm = steam.NetworkingMessages
    self.pump = steam.RunCallbacks
  end
  if opts.run_callbacks == false then self.pump = nil end
  self.batch = opts.batch or 64
  self.RELIABLE = steam.k_nSteamNetworkingSend_Reliable
  self.UNRELIABLE = steam.k_nSteamNetworkingSend_Unreliable
  self.UNRELIABLE_NO_DELAY = steam.k_nSteamNetworkingSend_UnreliableNoDelay
  self.handlers = {}      -- channel -> function(data, peer, msg)
  self.channels = {}      -- sorted list of channels with a handler
  self.peers = {}         -- identity string -> steam_messages.router.PeerStatus
  self.listeners = { connected = {}, lost = {}, request = {} }
  self:set_accept(opts.accept or "all")

  local nm = self.nm
  nm.OnSteamNetworkingMessagesSessionRequest = function(data) self:_request(data.m_identityRemote) end
  nm.OnSteamNetworkingMessagesSessionFailed = function(data)
    local info = data.m_info
    self:_observe(info.m_identityRemote, info.m_eState, info)
  end
  return self
end

--- Builds an identity from a peer given as an identity, a uint64, a decimal SteamID string or an
--- identity string (`"steamid:..."`, `"ip:1.2.3.4:27015"`, `"str:..."`).
--- @param peer steam_messages.router.Peer
--- @return SteamNetworkingIdentity
function Router:identity(peer)
  -- An identity prints as its ToString ("steamid:...", "ip:...", "invalid"), a uint64 as digits.
  if type(peer) == "userdata" and not tostring(peer):find("^%d+$") then return peer end
  local id = self.steam.newSteamNetworkingIdentity()
  if type(peer) == "string" and peer:find("^%a+:") then
    if not id:ParseString(peer) then error("not an identity: " .. peer, 2) end
  else
    id:SetSteamID(peer)
  end
  return id
end

--- Sets who may open a session with us (see `steam_messages.router.AcceptPolicy`).
--- @param policy steam_messages.router.AcceptPolicy
function Router:set_accept(policy)
  if policy == "all" then
    self.accept = function() return true end
  elseif policy == "none" then
    self.accept = function() return false end
  elseif type(policy) == "table" then
    local allowed = {}
    for _, p in ipairs(policy) do allowed[key_of(self:identity(p))] = true end
    self.accept = function(identity) return allowed[key_of(identity)] == true end
  elseif type(policy) == "function" then
    self.accept = policy
  else
    error("accept policy must be \"all\", \"none\", a list of peers or a function", 2)
  end
end

--- Routes messages on `channel` to `handler(data, peer, msg)`; nil removes it. The router receives
--- on every channel that has a handler and releases each message after its handler returns, so
--- the handler must not keep `msg` (copy what it needs; `data` and `peer` are safe to keep).
--- @param channel integer
--- @param handler? fun(data: string, peer: SteamNetworkingIdentity, msg: SteamNetworkingMessage_t)
function Router:on(channel, handler)
  if type(channel) ~= "number" or channel < 0 or channel % 1 ~= 0 then
    error("bad argument #1 to 'on' (channel must be an integer >= 0)", 2)
  end
  self.handlers[channel] = handler
  local list = {}
  for ch in pairs(self.handlers) do list[#list + 1] = ch end
  table.sort(list)
  self.channels = list
end

--- `fn(peer, info)` runs when a session with a peer becomes Connected.
--- @param fn fun(peer: SteamNetworkingIdentity, info: SteamNetConnectionInfo_t)
function Router:on_connected(fn) table.insert(self.listeners.connected, fn) end

--- `fn(peer, state, info)` runs when a connected or connecting session ends: closed by the peer
--- (state 4), a problem detected locally (5, a timeout), or gone quietly (0; also 1 when a send
--- had already opened a new session to that peer). After a failure,
--- sends to that peer return k_EResultNoConnection until `close(peer)` or a send with
--- k_nSteamNetworkingSend_AutoRestartBrokenSession.
--- @param fn fun(peer: SteamNetworkingIdentity, state: integer, info: SteamNetConnectionInfo_t)
function Router:on_lost(fn) table.insert(self.listeners.lost, fn) end

--- `fn(peer, accepted)` runs after each session request was answered by the policy (`accepted` is
--- true, false, or nil when the policy left it pending).
--- @param fn fun(peer: SteamNetworkingIdentity, accepted: boolean?)
function Router:on_request(fn) table.insert(self.listeners.request, fn) end

local function emit(list, ...)
  for i = 1, #list do list[i](...) end
end

function Router:_request(identity)
  local verdict = self.accept(identity)
  if verdict == true then
    self.nm.AcceptSessionWithUser(identity)
    self:watch(identity)
  elseif verdict == false then
    self.nm.CloseSessionWithUser(identity)
  end
  emit(self.listeners.request, identity, verdict)
end

-- Records a peer's new state and fires connected / lost on the transitions.
function Router:_observe(identity, state, info, status)
  local key = key_of(identity)
  local p = self.peers[key]
  if not p then return end
  local before = p.state
  p.state = state
  if status then
    p.ping = status.m_nPing
    p.quality = status.m_flConnectionQualityLocal
    p.quality_remote = status.m_flConnectionQualityRemote
  end
  if state == CONNECTED and before ~= CONNECTED then
    emit(self.listeners.connected, p.identity, info)
  elseif (before == CONNECTED and state ~= CONNECTED)
      or (before >= 1 and before < CONNECTED and (state == 0 or state > CONNECTED)) then
    -- From Connected to anything else is a loss even when a send already opened a new session
    -- (Connected -> Connecting between two polls).
    emit(self.listeners.lost, p.identity, state, info)
  end
end

--- Starts tracking a peer's session status (done for you when you send to a peer, receive from
--- one or accept one).
--- @param peer steam_messages.router.Peer
--- @return SteamNetworkingIdentity
function Router:watch(peer)
  local identity = self:identity(peer)
  local key = key_of(identity)
  if not self.peers[key] then
    self.peers[key] = { identity = identity, state = 0, ping = 0, quality = 0, quality_remote = 0 }
  end
  return self.peers[key].identity
end

--- Stops tracking a peer (no more connected / lost events for it).
--- @param peer steam_messages.router.Peer
function Router:forget(peer)
  self.peers[key_of(self:identity(peer))] = nil
end

--- Sends `data` (a string) to `peer`. `flags` defaults to reliable, `channel` to 0. Returns the
--- EResult (k_EResultOK = 1 when queued).
--- @param peer steam_messages.router.Peer
--- @param data string
--- @param flags? integer k_nSteamNetworkingSend_* (default Reliable)
--- @param channel? integer (default 0)
--- @return integer result
function Router:send(peer, data, flags, channel)
  local identity = self:watch(peer)
  local result = self.nm.SendMessageToUser(identity, data, #data, flags or self.RELIABLE, channel or 0)
  -- The send opened a session if there was none: count it as Connecting now, so that a refusal
  -- arriving before the next poll is still reported as lost.
  local p = self.peers[key_of(identity)]
  if result == self.steam.k_EResultOK and p.state == 0 then p.state = 1 end
  return result
end

--- Sends `data` to every tracked peer whose session is Connected. Returns how many it went to.
--- @param data string
--- @param flags? integer
--- @param channel? integer
--- @return integer count
function Router:broadcast(data, flags, channel)
  local n = 0
  for _, p in pairs(self.peers) do
    if p.state == CONNECTED then
      self.nm.SendMessageToUser(p.identity, data, #data, flags or self.RELIABLE, channel or 0)
      n = n + 1
    end
  end
  return n
end

--- Closes the session with `peer` (and forgets it). Returns what CloseSessionWithUser returned.
--- @param peer steam_messages.router.Peer
--- @return boolean
function Router:close(peer)
  local identity = self:identity(peer)
  self.peers[key_of(identity)] = nil
  return self.nm.CloseSessionWithUser(identity)
end

--- One frame of networking: RunCallbacks (unless `run_callbacks = false`), then every message on
--- every handled channel to its handler, each released after, then each tracked peer's status.
--- Returns the number of messages handled.
--- @return integer handled
function Router:update()
  if self.pump then self.pump() end
  local nm, handled = self.nm, 0
  for _, ch in ipairs(self.channels) do
    repeat
      local n, msgs = nm.ReceiveMessagesOnChannel(ch, self.batch)
      for i = 1, n do
        -- A handler that raises leaves the rest of this batch to __gc, which releases them.
        local msg = msgs[i]
        local handler = self.handlers[ch]
        if handler then
          local peer = msg.m_identityPeer
          local p = self.peers[key_of(self:watch(peer))]
          -- A peer's first message comes after its connected event.
          if p.state ~= CONNECTED then self:_refresh(p) end
          handler(msg.m_pData, peer, msg)
        end
        msg:Release()
        handled = handled + 1
      end
    until n < self.batch
  end
  for _, p in pairs(self.peers) do self:_refresh(p) end
  return handled
end

function Router:_refresh(p)
  local state, info, status = self.nm.GetSessionConnectionInfo(p.identity)
  self:_observe(p.identity, state, info, status)
end

--- The tracked peers' session status, in no particular order.
--- @return steam_messages.router.PeerStatus[]
function Router:peer_list()
  local list = {}
  for _, p in pairs(self.peers) do list[#list + 1] = p end
  return list
end

--- One peer's status (nil if not tracked).
--- @param peer steam_messages.router.Peer
--- @return steam_messages.router.PeerStatus?
function Router:status(peer)
  return self.peers[key_of(self:identity(peer))]
end

--- Removes the router's session hooks from the interface.
function Router:detach()
  self.nm.OnSteamNetworkingMessagesSessionRequest = nil
  self.nm.OnSteamNetworkingMessagesSessionFailed = nil
end

return Router
