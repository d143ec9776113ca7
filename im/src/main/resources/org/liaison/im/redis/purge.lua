-- Deletes up to batch expired messages, for every recipient. ARGV: now (ms), batch. Returns
-- {messages deleted, queue entries removed}; the store calls again while a batch came back full,
-- so no one script holds Redis for long.
local now, batch = tonumber(ARGV[1]), tonumber(ARGV[2])
local ids = redis.call('ZRANGEBYSCORE', EXPIRY, '-inf', now, 'LIMIT', 0, batch)
local removed = 0
for _, id in ipairs(ids) do
  local kept = redis.call('HMGET', message(id), 'o', 'g', 'r')
  if kept[2] then
    for _, member in ipairs(redis.call('SMEMBERS', owed(id))) do
      removed = removed + remove_entry(member, id, kept[1])
    end
  else
    removed = removed + remove_entry(kept[3], id, kept[1])
  end
  delete_message(id, kept[1])
end
return {#ids, removed}
