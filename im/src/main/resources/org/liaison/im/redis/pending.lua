-- Up to max messages of the recipient that the device has not acknowledged and that have not
-- expired, oldest first. ARGV: recipient, device, now (ms), max. Returns, per message: id,
-- sender, Call-ID, Content-Type, body, received, expires, origin.
local r, device, now, max = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local result, found = {}, 0
for _, id in ipairs(redis.call('ZRANGE', queue(r), 0, -1)) do
  if found == max then
    break
  end
  if tonumber(redis.call('ZSCORE', expiries(r), id)) > now
      and redis.call('SISMEMBER', acks(id, r), device) == 0 then
    found = found + 1
    local kept = redis.call('HMGET', message(id), 's', 'c', 't', 'b', 'at', 'x', 'o')
    result[#result + 1] = id
    for i = 1, 7 do
      result[#result + 1] = kept[i]
    end
  end
end
return result
