-- Keeps each given lease for term ms more if its token holds it, or holds it again if it lapsed
-- and no other delivery took it meanwhile (Redis was out of reach longer than a term).
-- ARGV: term (ms), then r, device, token for each lease. Returns how many the tokens hold now.
local term, holding = ARGV[1], 0
for i = 2, #ARGV, 3 do
  local key, token = lease(ARGV[i], ARGV[i + 1]), ARGV[i + 2]
  local holder = redis.call('GET', key)
  if holder == token then
    redis.call('PEXPIRE', key, term)
    holding = holding + 1
  elseif not holder then
    redis.call('SET', key, token, 'PX', term)
    holding = holding + 1
  end
end
return holding
