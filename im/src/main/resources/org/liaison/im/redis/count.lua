-- How many (recipient, message) pairs are waiting. No ARGV.
return tonumber(redis.call('GET', COUNT) or 0)
