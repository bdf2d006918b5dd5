-- Shared by the three bench programs (sm.lua, raw.lua, enet/main.lua): argument parsing,
-- percentiles, resident memory, and the one-line result every program prints.
--
-- A result line is `RESULT stack=<s> workload=<w> role=<r> key=value ...`; bench/table.lua
-- reads them from every run and prints the table. Nothing here waits: every loop in the
-- programs has a deadline, so a bench run ends even when a peer never shows up.
local M = {}

-- `key=value` arguments into a table (numbers converted).
function M.args(list)
  local o = {}
  for _, a in ipairs(list) do
    local k, v = a:match("^([%w_]+)=(.*)$")
    if k then o[k] = tonumber(v) or v end
  end
  return o
end

function M.percentile(sorted, p)
  if #sorted == 0 then return -1 end
  local i = math.max(1, math.min(#sorted, math.ceil(#sorted * p)))
  return sorted[i]
end

-- VmRSS of this process in KiB (Linux), or -1.
function M.rss_kib()
  local f = io.open("/proc/self/status")
  if not f then return -1 end
  local text = f:read("*a")
  f:close()
  return tonumber(text:match("VmRSS:%s*(%d+)")) or -1
end

function M.result(fields)
  local keys = {}
  for k in pairs(fields) do keys[#keys + 1] = k end
  table.sort(keys)
  local parts = { "RESULT" }
  for _, k in ipairs({ "stack", "workload", "role" }) do
    parts[#parts + 1] = k .. "=" .. tostring(fields[k])
  end
  for _, k in ipairs(keys) do
    if k ~= "stack" and k ~= "workload" and k ~= "role" then
      local v = fields[k]
      if type(v) == "number" and v ~= math.floor(v) then v = string.format("%.4f", v) end
      parts[#parts + 1] = k .. "=" .. tostring(v)
    end
  end
  io.write(table.concat(parts, " "), "\n")
  io.flush()
end

function M.log(fmt, ...)
  io.stderr:write(string.format(fmt, ...), "\n")
end

-- A payload of `n` bytes (content does not matter, length does).
function M.payload(n, tag)
  tag = tag or "D"
  return tag .. string.rep("x", n - #tag)
end

-- Round trips not counted at the start (connection warm-up); fewer in a short run.
function M.warmup(dur)
  return dur >= 1 and 200 or 10
end

-- Messages per round of the Lua-thread cost workload (f): small enough that a round fits in a
-- default 208 KiB socket receive buffer even for raw UDP.
M.COST_ROUND = 200

return M
