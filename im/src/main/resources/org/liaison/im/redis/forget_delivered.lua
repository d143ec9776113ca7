-- Deletes the recipient's messages every named device has. ARGV: recipient, devices... (at least
-- one). A group post leaves only this member's queue; it is deleted once no member is owed it.
-- Returns how many left the queue.
local r = ARGV[1]
local forgotten = 0
for _, id in ipairs(redis.call('ZRANGE', queue(r), 0, -1)) do
  local everyone = true
  for i = 2, #ARGV do
    if redis.call('SISMEMBER', acks(id, r), ARGV[i]) == 0 then
      everyone = false
      break
    end
  end
  if everyone then
    local kept = redis.call('HMGET', message(id), 'o', 'g')
    forgotten = forgotten + remove_entry(r, id, kept[1])
    if kept[2] then
      redis.call('SREM', owed(id), r)
    end
    if not kept[2] or redis.call('SCARD', owed(id)) == 0 then
      delete_message(id, kept[1])
    end
  end
end
return forgotten
