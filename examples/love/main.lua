-- Two LÖVE instances on the offline backend: each moves a square, sends its position unreliably
-- every frame (channel 0) and events reliably (channel 1), and shows each peer's session status.
--
--   make build LUA=luajit          # once: build/luajit/steam_messages.so + libsteam_api.so
--   love examples/love host        # first window  (SteamID 76561197960265729)
--   love examples/love join        # second window (SteamID 76561197960265730), calls the host
--
-- Arrow keys or WASD move your square, space sends a reliable "ping", escape quits.
-- Environment: STEAM_MESSAGES_STEAMID (your SteamID), SM_LOVE_PEER (whom `join` calls: a SteamID or
-- an identity string such as ip:192.168.1.20:27015), STEAM_MESSAGES_PORT and SM_LOVE_BIND (LAN play:
-- SM_LOVE_BIND=0.0.0.0), SM_MODULE_DIR (where steam_messages.so is), SM_LOVE_TEST=<seconds>
-- (headless: print to stdout and quit after that many seconds; see conf.lua).

local HOST_ID = "76561197960265729"
local JOIN_ID = "76561197960265730"
local STATE_CHANNEL, EVENT_CHANNEL = 0, 1

-- Where the native module is found: $SM_MODULE_DIR, else beside main.lua (how a game shipped as a
-- folder carries steam_messages.so and libsteam_api.so), else this checkout's build/luajit/.
-- The helper steam_messages/router.lua is found beside main.lua by LÖVE's own loader, else in the
-- checkout's lua/.
local function add_search_paths()
  local source = love.filesystem.getSource()
  local ext = (jit and jit.os == "Windows") and "dll" or "so"
  local dirs = { source, source .. "/../../build/luajit" }
  if os.getenv("SM_MODULE_DIR") then table.insert(dirs, 1, os.getenv("SM_MODULE_DIR")) end
  local cpath = {}
  for _, dir in ipairs(dirs) do cpath[#cpath + 1] = dir .. "/?." .. ext end
  package.cpath = table.concat(cpath, ";") .. ";" .. package.cpath
  package.path = source .. "/../../lua/?.lua;" .. package.path
end

local headless = os.getenv("SM_LOVE_TEST") ~= nil
local test_seconds = tonumber(os.getenv("SM_LOVE_TEST") or "")

local Steam, Router, net
local role, me, peer_to_call
local players = {}    -- identity string -> { x, y, states = n, events = n }
local my = { x = 100, y = 100, states = 0, events = 0 }
local log = {}
local started, sent_events, quitting = 0, 0, false
local lost_at  -- headless: when a peer was lost (the game quits a second later)
local next_call = 0  -- join: when to (re)call the host if there is no session
local failure  -- text shown (or printed) when the module could not start

local STATE_NAMES = {
  [0] = "none", [1] = "connecting", [2] = "finding route", [3] = "connected",
  [4] = "closed by peer", [5] = "problem detected locally",
}

local function say(fmt, ...)
  local line = string.format(fmt, ...)
  table.insert(log, 1, line)
  log[13] = nil
  if headless then print("SM " .. line) end
end

local function player(key)
  players[key] = players[key] or { x = 0, y = 0, states = 0, events = 0 }
  return players[key]
end

local function start_network()
  local ok, mod = pcall(require, "steam_messages")
  if not ok then
    return nil, "cannot load steam_messages: " .. tostring(mod) ..
      "\nbuild it with `make build LUA=luajit`, or put steam_messages.so and libsteam_api.so beside main.lua"
  end
  Steam = mod
  Router = require "steam_messages.router"
  local ready, why = Steam.Init {
    backend = "offline",
    steamid = os.getenv("STEAM_MESSAGES_STEAMID") or (role == "host" and HOST_ID or JOIN_ID),
    bind = os.getenv("SM_LOVE_BIND"),
  }
  if not ready then return nil, "Steam.Init failed: " .. tostring(why) end
  me = Steam.User.GetSteamID()

  net = Router.new(Steam, { accept = "all" })
  net:on(STATE_CHANNEL, function(data, peer)
    local x, y = data:match("^(%-?%d+) (%-?%d+)$")
    if not x then return end
    local p = player(peer:ToString())
    p.x, p.y, p.states = tonumber(x), tonumber(y), p.states + 1
    if p.states == 1 then say("first state from %s", peer:ToString()) end
  end)
  net:on(EVENT_CHANNEL, function(data, peer)
    local p = player(peer:ToString())
    p.events = p.events + 1
    say("event from %s: %s", peer:ToString(), data)
  end)
  net:on_connected(function(peer) say("connected %s", peer:ToString()) end)
  net:on_lost(function(peer, state, info)
    say("lost %s state=%d reason=%d %s", peer:ToString(), state, info.m_eEndReason, info.m_szEndDebug)
    lost_at = lost_at or (love.timer.getTime() - started)
  end)

  if role == "join" then peer_to_call = net:watch(os.getenv("SM_LOVE_PEER") or HOST_ID) end
  say("ready role=%s steamid=%s backend=%s", role, tostring(me), Steam.GetBackend())
  return true
end

function love.load(args)
  if headless then io.stdout:setvbuf("line") end
  role = args[1] or os.getenv("SM_LOVE_ROLE") or "host"
  if role ~= "host" and role ~= "join" then
    failure = "usage: love examples/love host | love examples/love join"
  else
    add_search_paths()
    local ok, why = start_network()
    if not ok then failure = why end
  end
  if failure and headless then
    print("SM error " .. failure)
    love.event.quit(1)
  end
  started = love.timer.getTime()
end

local function send_event(text)
  sent_events = sent_events + 1
  for _, p in ipairs(net:peer_list()) do
    if p.state == Steam.k_ESteamNetworkingConnectionState_Connected then
      net:send(p.identity, text, net.RELIABLE, EVENT_CHANNEL)
    end
  end
end

local function quality(q)
  if q < 0 then return "?" end
  return string.format("%.0f%%", q * 100)
end

-- One line per peer: what the window shows and the headless mode prints (so the test sees it too).
local function status_lines()
  local lines = {}
  for _, p in ipairs(net:peer_list()) do
    local key = p.identity:ToString()
    local counts = players[key] or { states = 0, events = 0 }
    lines[#lines + 1] = string.format("%s  %s  ping %d ms  quality %s / %s  states %d  events %d", key,
      STATE_NAMES[p.state] or tostring(p.state), p.ping, quality(p.quality), quality(p.quality_remote),
      counts.states, counts.events)
  end
  return lines
end

local next_status = 1  -- headless: print the status lines once a second

function love.update(dt)
  if failure or quitting then return end
  local t = love.timer.getTime() - started
  if headless then
    -- No keyboard: move in a circle, send an event every half second, cap at ~60 frames/s.
    my.x = 200 + math.floor(math.cos(t * 2) * 80)
    my.y = 200 + math.floor(math.sin(t * 2) * 80)
    if t > sent_events * 0.5 then send_event("event " .. (sent_events + 1)) end
    love.timer.sleep(1 / 60)
  else
    local speed = 200 * dt
    local down = love.keyboard.isDown
    if down("left", "a") then my.x = my.x - speed end
    if down("right", "d") then my.x = my.x + speed end
    if down("up", "w") then my.y = my.y - speed end
    if down("down", "s") then my.y = my.y + speed end
  end

  -- The joiner calls the host, and calls again while there is no session (the host was not up
  -- yet, or left and came back): a failed session restarts with AutoRestartBrokenSession.
  if role == "join" and t >= next_call then
    local state = net:status(peer_to_call).state
    if state == 0 or state > Steam.k_ESteamNetworkingConnectionState_Connected then
      net:send(peer_to_call, "hello from " .. tostring(me),
        net.RELIABLE + Steam.k_nSteamNetworkingSend_AutoRestartBrokenSession, EVENT_CHANNEL)
    end
    next_call = t + 2
  end

  net:update()
  net:broadcast(string.format("%d %d", math.floor(my.x), math.floor(my.y)), net.UNRELIABLE, STATE_CHANNEL)

  if headless and t >= next_status then
    next_status = next_status + 1
    for _, line in ipairs(status_lines()) do print("SM status " .. line) end
  end

  if headless and ((test_seconds and t > test_seconds) or (lost_at and t > lost_at + 1)) then
    love.event.quit(0)
  end
end

function love.keypressed(key)
  if key == "escape" then love.event.quit() end
  if key == "space" and net then send_event("ping " .. (sent_events + 1)) end
end

function love.quit()
  if quitting then return end
  quitting = true
  if net then
    for key, p in pairs(players) do
      print(string.format("SM summary from %s states=%d events=%d", key, p.states, p.events))
    end
    print(string.format("SM summary sent_events=%d", sent_events))
    Steam.Shutdown()
  end
  print("SM quit")
end

function love.draw()
  local g = love.graphics
  g.clear(0.1, 0.1, 0.12)
  if failure then
    g.setColor(1, 0.5, 0.5)
    g.printf(failure, 20, 20, 600)
    return
  end
  g.setColor(0.3, 0.8, 0.4)
  g.rectangle("fill", my.x - 10, my.y - 10, 20, 20)
  g.print("you", my.x - 10, my.y + 12)
  g.setColor(0.4, 0.6, 1)
  for key, p in pairs(players) do
    g.rectangle("fill", p.x - 10, p.y - 10, 20, 20)
    g.print(key:sub(-4), p.x - 10, p.y + 12)
  end
  g.setColor(1, 1, 1)
  g.print(string.format("%s  steamid:%s  (space: ping, arrows: move)", role, tostring(me)), 10, 10)
  local y = 30
  local lines = status_lines()
  for _, line in ipairs(lines) do
    g.print(line, 10, y)
    y = y + 16
  end
  if #lines == 0 then g.print("waiting for a peer...", 10, y) end
  g.setColor(0.8, 0.8, 0.8)
  for i, line in ipairs(log) do g.print(line, 10, 420 - 16 * i) end
end
