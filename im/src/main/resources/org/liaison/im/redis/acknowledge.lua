-- The device has the message. ARGV: recipient, device, id. In one script so an acknowledgement
-- racing the message's deletion on another node cannot leave an orphan ack set behind.
local r, id = ARGV[1], ARGV[3]
if not redis.call('ZSCORE', queue(r), id) then
  return 0
end
return redis.call('SADD', acks(id, r), ARGV[2])
