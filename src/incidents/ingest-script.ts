// The one atomic step of alert ingest, as a Redis Lua script: two front processes receiving the same
// storm see one incident per site, retried deliveries count once, stale resolves close nothing.
// Keys (P = `<prefix>:incident-state`, apart from the BullMQ queue `<prefix>:incidents:*`):  P:site:<site> {current, seq} · P:inc:<id> (hash) · P:inc:<id>:alerts
// {fingerprint|start -> firing|resolved} · P:inc:<id>:sources (set) · P:seen:<site>
// {fingerprint|start -> incident id, "-" for a resolve seen before its firing} · P:open (zset).
// Key names are built in the script, so on Redis Cluster the prefix needs a hash tag ({check502}).

export const INGEST_SCRIPT = `
local P = ARGV[1]
local nowIso = ARGV[2]
local nowMs = tonumber(ARGV[3])
local seenTtl = tonumber(ARGV[4])
local editMs = tonumber(ARGV[5])
local alerts = cjson.decode(ARGV[6])
local out = {}
-- A batch holds many alerts for few sites, and every redis.call costs the server: each site's and
-- incident's state is read once, changed here, and written once at the end (the script is atomic, so
-- nobody sees the difference). What remains per alert are the two reads of its delivery identity.
local sites = {}
local incs = {}
local incOrder = {}
local function site(name)
  local s = sites[name]
  if not s then
    s = { key = P .. ':site:' .. name, seenKey = P .. ':seen:' .. name, seen = {}, written = {}, order = {} }
    s.current = redis.call('HGET', s.key, 'current')
    sites[name] = s
  end
  return s
end
local function newInc(id)
  local c = { key = P .. ':inc:' .. id, set = {}, statuses = {}, written = {}, order = {},
    sources = {}, sourceOrder = {} }
  incs[id] = c
  incOrder[#incOrder + 1] = id
  return c
end
local function inc(id)
  if incs[id] then return incs[id] end
  local c = newInc(id)
  local f = redis.call('HMGET', c.key, 'state', 'gen', 'opened', 'openQueuedMs', 'editQueuedMs', 'alerts', 'active')
  c.state = f[1]
  c.gen = tonumber(f[2])
  c.opened = f[3] == '1'
  c.openAsked = tonumber(f[4] or '0') or 0
  c.editQueued = tonumber(f[5] or '0') or 0
  c.alerts = tonumber(f[6] or '0') or 0
  c.active = tonumber(f[7] or '0') or 0
  return c
end
-- A hash field as this batch left it: read from Redis once (false when absent), then from memory.
local function cached(values, key, name)
  local v = values[name]
  if v == nil then
    v = redis.call('HGET', key, name)
    values[name] = v
  end
  return v
end
local function change(values, t, name, value)
  if not t.written[name] then
    t.written[name] = true
    t.order[#t.order + 1] = name
  end
  values[name] = value
end
local function set(c, name, value) c.set[name] = value end
local function seenOf(s, akey) return cached(s.seen, s.seenKey, akey) end
local function remember(s, akey, value) change(s.seen, s, akey, value) end
local function statusOf(c, akey) return cached(c.statuses, c.key .. ':alerts', akey) end
local function setStatus(c, akey, value) change(c.statuses, c, akey, value) end
for i, a in ipairs(alerts) do
  local s = site(a.site)
  local akey = a.fingerprint .. '|' .. a.start
  local cur = s.current
  local c = false
  local state = false
  if cur then
    c = inc(cur)
    state = c.state
  end
  local r = { i = i - 1, action = 'stale', id = cur or '' }
  if a.status == 'firing' then
    local seen = false
    if a.start ~= '' then seen = seenOf(s, akey) end
    if seen then
      r.action = 'duplicate'
    else
      if (not state) or state == 'resolved' then
        local seq = redis.call('HINCRBY', s.key, 'seq', 1)
        local id = a.site .. '#' .. seq
        local n = newInc(id)
        n.fresh = true
        n.state = 'open'; n.gen = 1; n.opened = false; n.openAsked = 0; n.editQueued = 0
        n.alerts = 0; n.active = 0
        n.set = { id = id, site = a.site, state = 'open', firstSeen = nowIso, summary = a.summary,
          editQueuedMs = 0, noteAt = nowIso, noteAlerts = 1 }
        if state then n.set.previous = cur end
        -- a monitor's alert names its channel: the incident is posted there, not in the alert channel
        if type(a.route) == 'table' and (a.route.platform == 'slack' or a.route.platform == 'discord')
          and type(a.route.channel) == 'string' then
          n.set['route:' .. a.route.platform] = a.route.channel
        end
        -- the site's pointer is written now: it is one write per opening, and rare
        redis.call('HSET', s.key, 'current', id)
        s.current = id
        cur = id
        c = n
        r.action = 'opened'
      elseif state == 'resolving' then
        -- a flap: the alert fired again while we were waiting to confirm the resolve
        c.state = 'open'; set(c, 'state', 'open')
        c.gen = (c.gen or 0) + 1
        r.action = 'reopened'
      else
        r.action = 'counted'
      end
      r.id = cur
      c.alerts = c.alerts + 1
      if not c.sources[a.source] then c.sources[a.source] = true; c.sourceOrder[#c.sourceOrder + 1] = a.source end
      if statusOf(c, akey) ~= 'firing' then
        setStatus(c, akey, 'firing')
        c.active = c.active + 1
      end
      if a.start ~= '' then remember(s, akey, cur) end
      c.touched = true
    end
  else
    local st = false
    local firing = {}
    if c and a.start == '*' then
      -- a sender whose resolve names no episode (PagerDuty after a reopen): every episode of this
      -- fingerprint that is still firing ends
      local prefix = a.fingerprint .. '|'
      local entries = redis.call('HGETALL', c.key .. ':alerts')
      local all = {}
      for k = 1, #entries, 2 do
        if c.statuses[entries[k]] == nil then all[entries[k]] = entries[k + 1] end
      end
      for k, v in pairs(c.statuses) do if v then all[k] = v end end
      for k, v in pairs(all) do
        if string.sub(k, 1, #prefix) == prefix then
          if v == 'firing' then firing[#firing + 1] = k
          elseif not st then st = 'resolved' end
        end
      end
      if #firing > 0 then st = 'firing' end
    elseif c then
      st = statusOf(c, akey)
      if st == 'firing' then firing[1] = akey end
    end
    if st == 'firing' and (state == 'open' or state == 'resolving') then
      local active = 0
      for _, k in ipairs(firing) do
        setStatus(c, k, 'resolved')
        c.active = c.active - 1
        active = c.active
      end
      if active <= 0 and state == 'open' then
        c.state = 'resolving'
        set(c, 'state', 'resolving'); set(c, 'rechecks', 0); set(c, 'resolvingSince', nowIso)
        c.gen = (c.gen or 0) + 1
        r.action = 'resolving'
      else
        r.action = 'resolve-partial'
      end
    else
      if st == 'resolved' then r.action = 'duplicate' end
      -- a resolve that overtook its firing: remember it, so the late firing opens nothing
      if (not st) and a.start ~= '' and a.start ~= '*' and (not seenOf(s, akey)) then
        remember(s, akey, '-')
      end
    end
  end
  if c and r.action ~= 'stale' then
    if c.gen then r.gen = c.gen end
    -- ask the front to queue the root post on opening, then at most every 5 s until it is posted
    -- (a front that died before queueing it is covered by the next alert or the reconciler)
    if not c.opened then
      if r.action == 'opened' or nowMs - c.openAsked >= 5000 then
        c.openAsked = nowMs; set(c, 'openQueuedMs', nowMs)
        r.needsOpen = true
      end
    end
    if r.action == 'counted' or r.action == 'reopened' or r.action == 'resolve-partial' then
      if nowMs - c.editQueued >= editMs then
        c.editQueued = nowMs; set(c, 'editQueuedMs', nowMs)
        r.edit = true
      end
    end
  end
  out[#out + 1] = r
end
-- The writes, once per key; field/value lists go in chunks (Lua's unpack has a stack limit).
local function write(command, key, args)
  for from = 1, #args, 1000 do
    redis.call(command, key, unpack(args, from, math.min(from + 999, #args)))
  end
end
local function changes(values, order)
  local args = {}
  for _, name in ipairs(order) do args[#args + 1] = name; args[#args + 1] = values[name] end
  return args
end
local open = {}
for _, id in ipairs(incOrder) do
  local c = incs[id]
  local fields = {}
  for name, value in pairs(c.set) do fields[#fields + 1] = name; fields[#fields + 1] = value end
  -- counters and gen are written whole: only the scripts change them, and a script runs alone
  if c.touched then
    fields[#fields + 1] = 'alerts'; fields[#fields + 1] = c.alerts
    fields[#fields + 1] = 'lastSeen'; fields[#fields + 1] = nowIso
    open[#open + 1] = nowMs; open[#open + 1] = id
  end
  if #c.order > 0 or c.fresh then
    fields[#fields + 1] = 'active'; fields[#fields + 1] = c.active
  end
  if c.set.state and c.gen then fields[#fields + 1] = 'gen'; fields[#fields + 1] = c.gen end
  if #fields > 0 then write('HSET', c.key, fields) end
  if #c.order > 0 then write('HSET', c.key .. ':alerts', changes(c.statuses, c.order)) end
  if #c.sourceOrder > 0 then write('SADD', c.key .. ':sources', c.sourceOrder) end
end
if #open > 0 then write('ZADD', P .. ':open', open) end
for _, s in pairs(sites) do
  if #s.order > 0 then
    write('HSET', s.seenKey, changes(s.seen, s.order))
    redis.call('EXPIRE', s.seenKey, seenTtl)
  end
end
if #out == 0 then return '[]' end
return cjson.encode(out)
`;

/** Settles a re-check: closes the incident when the bot agrees, else counts the attempt. */
export const SETTLE_SCRIPT = `
local key = ARGV[1]
local gen = ARGV[2]
local healthy = ARGV[3] == '1'
local nowIso = ARGV[4]
local maxRechecks = tonumber(ARGV[5])
local openKey = ARGV[6]
local id = ARGV[7]
if redis.call('HGET', key, 'state') ~= 'resolving' or redis.call('HGET', key, 'gen') ~= gen then
  return 'skip'
end
if healthy then
  redis.call('HSET', key, 'state', 'resolved', 'resolvedAt', nowIso)
  redis.call('ZREM', openKey, id)
  return 'resolved'
end
local n = redis.call('HINCRBY', key, 'rechecks', 1)
if n >= maxRechecks then
  redis.call('HSET', key, 'state', 'open')
  redis.call('HINCRBY', key, 'gen', 1)
  return 'gave-up'
end
return 'retry'
`;
