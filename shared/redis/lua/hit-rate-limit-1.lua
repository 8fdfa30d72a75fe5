--[[
  Counts one request against a client's rate-limit window in one round trip: the first hit starts
  the window; a counter left without a TTL gets one again.

  Input:
    KEYS[1]  the client's counter ('P:ratelimit:<client>')

    ARGV[1]  window length in milliseconds

  Output: {hits, ttl}
    hits  requests counted in this window, this one included
    ttl   milliseconds left in the window
]]
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}
