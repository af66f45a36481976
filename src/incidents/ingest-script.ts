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
-- Writes whose value is the same for the whole batch are done once per key at the end: in a storm a
-- batch holds many alerts for few sites, and every redis.call costs the server.
local touched = {}
local touchedOrder = {}
local seenKeys = {}
local seenOrder = {}
local function markSeen(key)
  if not seenKeys[key] then seenKeys[key] = true; seenOrder[#seenOrder + 1] = key end
end
for i, a in ipairs(alerts) do
  local siteKey = P .. ':site:' .. a.site
  local seenKey = P .. ':seen:' .. a.site
  local akey = a.fingerprint .. '|' .. a.start
  local cur = redis.call('HGET', siteKey, 'current')
  local incKey = false
  local state = false
  local gen = false
  local opened = false
  local openAsked = 0
  local editQueued = 0
  if cur then
    incKey = P .. ':inc:' .. cur
    local f = redis.call('HMGET', incKey, 'state', 'gen', 'opened', 'openQueuedMs', 'editQueuedMs')
    state = f[1]
    gen = tonumber(f[2])
    opened = f[3] == '1'
    openAsked = tonumber(f[4] or '0') or 0
    editQueued = tonumber(f[5] or '0') or 0
  end
  local r = { i = i - 1, action = 'stale', id = cur or '' }
  if a.status == 'firing' then
    local seen = false
    if a.start ~= '' then seen = redis.call('HGET', seenKey, akey) end
    if seen then
      r.action = 'duplicate'
    else
      if (not state) or state == 'resolved' then
        local seq = redis.call('HINCRBY', siteKey, 'seq', 1)
        local id = a.site .. '#' .. seq
        local key = P .. ':inc:' .. id
        redis.call('HSET', key, 'id', id, 'site', a.site, 'state', 'open', 'alerts', 0, 'active', 0,
          'gen', 1, 'firstSeen', nowIso, 'summary', a.summary, 'editQueuedMs', 0,
          'noteAt', nowIso, 'noteAlerts', 1)
        if state then redis.call('HSET', key, 'previous', cur) end
        -- a monitor's alert names its channel: the incident is posted there, not in the alert channel
        if type(a.route) == 'table' and (a.route.platform == 'slack' or a.route.platform == 'discord')
          and type(a.route.channel) == 'string' then
          redis.call('HSET', key, 'route:' .. a.route.platform, a.route.channel)
        end
        redis.call('HSET', siteKey, 'current', id)
        cur = id
        incKey = key
        state = 'open'
        gen = 1
        opened = false
        openAsked = 0
        editQueued = 0
        r.action = 'opened'
      elseif state == 'resolving' then
        -- a flap: the alert fired again while we were waiting to confirm the resolve
        redis.call('HSET', incKey, 'state', 'open')
        gen = redis.call('HINCRBY', incKey, 'gen', 1)
        r.action = 'reopened'
      else
        r.action = 'counted'
      end
      r.id = cur
      redis.call('HINCRBY', incKey, 'alerts', 1)
      redis.call('SADD', incKey .. ':sources', a.source)
      if redis.call('HGET', incKey .. ':alerts', akey) ~= 'firing' then
        redis.call('HSET', incKey .. ':alerts', akey, 'firing')
        redis.call('HINCRBY', incKey, 'active', 1)
      end
      if a.start ~= '' then
        redis.call('HSET', seenKey, akey, cur)
        markSeen(seenKey)
      end
      -- lastSeen and the open index take this batch's time: written once per incident below
      if not touched[cur] then touched[cur] = incKey; touchedOrder[#touchedOrder + 1] = cur end
    end
  else
    local st = false
    local firing = {}
    if incKey and a.start == '*' then
      -- a sender whose resolve names no episode (PagerDuty after a reopen): every episode of this
      -- fingerprint that is still firing ends
      local prefix = a.fingerprint .. '|'
      local entries = redis.call('HGETALL', incKey .. ':alerts')
      for k = 1, #entries, 2 do
        if string.sub(entries[k], 1, #prefix) == prefix then
          if entries[k + 1] == 'firing' then firing[#firing + 1] = entries[k]
          elseif not st then st = 'resolved' end
        end
      end
      if #firing > 0 then st = 'firing' end
    elseif incKey then
      st = redis.call('HGET', incKey .. ':alerts', akey)
      if st == 'firing' then firing[1] = akey end
    end
    if st == 'firing' and (state == 'open' or state == 'resolving') then
      local active = 0
      for _, k in ipairs(firing) do
        redis.call('HSET', incKey .. ':alerts', k, 'resolved')
        active = redis.call('HINCRBY', incKey, 'active', -1)
      end
      if active <= 0 and state == 'open' then
        redis.call('HSET', incKey, 'state', 'resolving', 'rechecks', 0, 'resolvingSince', nowIso)
        gen = redis.call('HINCRBY', incKey, 'gen', 1)
        r.action = 'resolving'
      else
        r.action = 'resolve-partial'
      end
    else
      if st == 'resolved' then r.action = 'duplicate' end
      -- a resolve that overtook its firing: remember it, so the late firing opens nothing
      if (not st) and a.start ~= '' and a.start ~= '*' and (not redis.call('HGET', seenKey, akey)) then
        redis.call('HSET', seenKey, akey, '-')
        markSeen(seenKey)
      end
    end
  end
  if incKey and r.action ~= 'stale' then
    if gen then r.gen = gen end
    -- ask the front to queue the root post on opening, then at most every 5 s until it is posted
    -- (a front that died before queueing it is covered by the next alert or the reconciler)
    if not opened then
      if r.action == 'opened' or nowMs - openAsked >= 5000 then
        redis.call('HSET', incKey, 'openQueuedMs', nowMs)
        r.needsOpen = true
      end
    end
    if r.action == 'counted' or r.action == 'reopened' or r.action == 'resolve-partial' then
      if nowMs - editQueued >= editMs then
        redis.call('HSET', incKey, 'editQueuedMs', nowMs)
        r.edit = true
      end
    end
  end
  out[#out + 1] = r
end
for _, id in ipairs(touchedOrder) do
  redis.call('HSET', touched[id], 'lastSeen', nowIso)
  redis.call('ZADD', P .. ':open', nowMs, id)
end
for _, key in ipairs(seenOrder) do redis.call('EXPIRE', key, seenTtl) end
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
