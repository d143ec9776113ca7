-- One message for one recipient. ARGV: recipient, now (ms), expires (ms), max per user,
-- max per sender per user, max per sender, origin, sender, Call-ID, Content-Type, body,
-- received (ISO), expires (ISO). Returns {'OK', id} or {refusal}.
local r, now, expires_at, origin = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[7]
forget_expired(r, now)
local refusal = no_room(r, origin, ARGV[4], ARGV[5])
if refusal then
  return {refusal}
end
if count_of(SENDERS, origin) >= tonumber(ARGV[6]) then
  return {'SENDER_FULL_IN_STORE'}
end
local id = next_id(now)
redis.call('HSET', message(id), 'r', r, 's', ARGV[8], 'c', ARGV[9], 't', ARGV[10], 'b', ARGV[11],
  'at', ARGV[12], 'x', ARGV[13], 'o', origin)
add_entry(r, id, expires_at, origin)
redis.call('HINCRBY', SENDERS, origin, 1)
redis.call('ZADD', EXPIRY, expires_at, id)
return {'OK', id}
