-- Takes the delivery lease of r's device for term ms if no delivery holds it (SET NX PX: atomic,
-- so of two nodes taking it at the same instant exactly one gets it).
-- ARGV: r, device, token, term (ms). Returns 0 when taken, else the ms until the holder's lease lapses.
local key = lease(ARGV[1], ARGV[2])
if redis.call('SET', key, ARGV[3], 'NX', 'PX', ARGV[4]) then
  return 0
end
return math.max(redis.call('PTTL', key), 1)
