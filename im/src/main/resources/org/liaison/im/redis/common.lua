-- Shared head of every RedisOfflineStore script (the store prepends it to each one).
-- Each script runs atomically in Redis: no other node's command runs between its first and last
-- call, so the checks (caps, "not acknowledged yet") and the changes they guard never race.
-- Keys (P = liaison:im:); <id> is fixed-width, so a key ending in a recipient name is unambiguous:
--   P..'msg:'<id>           hash   the message: s sender, c Call-ID, t Content-Type, b body,
--                                  at received, x expires (ISO-8601), o origin, r recipient (own) or
--                                  g=1 (a group post, kept once for every member)
--   P..'owed:'<id>          set    members a group post is still owed to
--   P..'q:'<r>              zset   r's waiting ids, all score 0: lexical order = arrival order
--   P..'exp:'<r>            zset   the same ids, scored by expiry (ms), to find r's expired ones
--   P..'from:'<r>           hash   origin -> how many of r's waiting messages it sent
--   P..'ack:'<id>':'<r>     set    devices of r that have the message
--   P..'expiry'             zset   every message once, scored by expiry (ms), for the purge
--   P..'senders'            hash   origin -> messages it has waiting in the store (a post once)
--   P..'count'              string waiting (recipient, message) pairs, as count() reports
--   P..'last-id'            string the last id handed out, so ids never go backwards
--   P..'lease:'<r>':'<d>    string the token of the one delivery to r's device d (RedisDeliveryLeases),
--                                  with a TTL; r is a user name, which holds no ':' (RFC 3261 §25.1)
-- Channel P..'filled' (EmptyQueues.FILLED_CHANNEL): r, each time r's queue is added to, so that no node
-- keeps believing r has nothing waiting.
local P = 'liaison:im:'
local EXPIRY, SENDERS, COUNT, LAST_ID = P .. 'expiry', P .. 'senders', P .. 'count', P .. 'last-id'
local FILLED = P .. 'filled'

local function message(id) return P .. 'msg:' .. id end
local function owed(id) return P .. 'owed:' .. id end
local function queue(r) return P .. 'q:' .. r end
local function expiries(r) return P .. 'exp:' .. r end
local function origins(r) return P .. 'from:' .. r end
local function acks(id, r) return P .. 'ack:' .. id .. ':' .. r end
local function lease(r, device) return P .. 'lease:' .. r .. ':' .. device end

local function count_of(hash, field)
  return tonumber(redis.call('HGET', hash, field) or 0)
end

local function decrement(hash, field)
  if redis.call('HINCRBY', hash, field, -1) <= 0 then
    redis.call('HDEL', hash, field)
  end
end

-- Why r's queue has no room for one more message from origin, or nil when it has (expired
-- messages already forgotten).
local function no_room(r, origin, max_per_user, max_per_sender_per_user)
  if redis.call('ZCARD', queue(r)) >= tonumber(max_per_user) then
    return 'QUEUE_FULL'
  end
  if count_of(origins(r), origin) >= tonumber(max_per_sender_per_user) then
    return 'SENDER_FULL_FOR_USER'
  end
  return nil
end

-- Ids sort as strings in arrival order: epoch ms, a dash, a sequence within that ms (as
-- MessageIds on one machine); kept here so that two nodes, or a node whose clock went back,
-- never hand out an id below one already given.
local function next_id(now)
  local last = redis.call('GET', LAST_ID)
  local millis, sequence = -1, 999999
  if last then
    millis, sequence = tonumber(string.sub(last, 1, 13)), tonumber(string.sub(last, 15))
  end
  if now > millis then
    millis, sequence = now, 0
  elseif sequence == 999999 then
    millis, sequence = millis + 1, 0
  else
    sequence = sequence + 1
  end
  local id = string.format('%013d-%06d', millis, sequence)
  redis.call('SET', LAST_ID, id)
  return id
end

-- The one place a queue is added to (a message, each member of a group post): it says so on FILLED.
local function add_entry(r, id, expires_at, origin)
  redis.call('ZADD', queue(r), 0, id)
  redis.call('PUBLISH', FILLED, r)
  redis.call('ZADD', expiries(r), expires_at, id)
  redis.call('HINCRBY', origins(r), origin, 1)
  redis.call('INCR', COUNT)
end

-- Takes id out of r's queue with its acknowledgements; 1 when it was there, else 0.
local function remove_entry(r, id, origin)
  if redis.call('ZREM', queue(r), id) == 0 then
    return 0
  end
  redis.call('ZREM', expiries(r), id)
  decrement(origins(r), origin)
  redis.call('DEL', acks(id, r))
  redis.call('DECR', COUNT)
  return 1
end

local function delete_message(id, origin)
  redis.call('DEL', message(id), owed(id))
  redis.call('ZREM', EXPIRY, id)
  decrement(SENDERS, origin)
end

-- Expired messages are owed to nobody and must not fill r's queue until the next purge. An
-- expired group post only leaves r's queue: the purge deletes it for every member at once.
local function forget_expired(r, now)
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', expiries(r), '-inf', now)) do
    local kept = redis.call('HMGET', message(id), 'o', 'g')
    remove_entry(r, id, kept[1])
    if not kept[2] then
      delete_message(id, kept[1])
    end
  end
end

