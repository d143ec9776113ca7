-- One group post, kept once for every member with room under both per-user caps. ARGV: now (ms),
-- expires (ms), max per user, max per sender per user, max per sender, origin, group, sender,
-- Call-ID, Content-Type, body, received (ISO), expires (ISO), then the members (no duplicates).
-- Returns {'OK', id, member...}, {'NONE'} when nobody had room, or {refusal}.
local now, expires_at, origin = tonumber(ARGV[1]), ARGV[2], ARGV[6]
local room = {}
for i = 14, #ARGV do
  local member = ARGV[i]
  forget_expired(member, now)
  if not no_room(member, origin, ARGV[3], ARGV[4]) then
    room[#room + 1] = member
  end
end
if #room == 0 then
  return {'NONE'}
end
if count_of(SENDERS, origin) >= tonumber(ARGV[5]) then
  return {'SENDER_FULL_IN_STORE'}
end
local id = next_id(now)
redis.call('HSET', message(id), 'r', ARGV[7], 'g', '1', 's', ARGV[8], 'c', ARGV[9], 't', ARGV[10],
  'b', ARGV[11], 'at', ARGV[12], 'x', ARGV[13], 'o', origin)
local result = {'OK', id}
for _, member in ipairs(room) do
  add_entry(member, id, expires_at, origin)
  redis.call('SADD', owed(id), member)
  result[#result + 1] = member
end
redis.call('HINCRBY', SENDERS, origin, 1)
redis.call('ZADD', EXPIRY, expires_at, id)
return result
