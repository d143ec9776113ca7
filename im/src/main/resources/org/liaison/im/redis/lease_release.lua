-- Ends the lease of r's device only if token holds it (compare and delete): a lease that lapsed
-- and was taken by another node stays that node's.
-- ARGV: r, device, token. Returns 1 when it was released, 0 when token did not hold it.
local key = lease(ARGV[1], ARGV[2])
if redis.call('GET', key) == ARGV[3] then
  return redis.call('DEL', key)
end
return 0
