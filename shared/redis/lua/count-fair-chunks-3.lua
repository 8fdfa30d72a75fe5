--[[
  What a worker needs to see whether chunks wait without a chunk job to take them
  (worker/processors/batch-chunk-processor.ts): chunks pending, chunks held by jobs, and chunks an
  API is still adding jobs for (markers past their deadline are dropped: that API died).

  Input:
    KEYS[1]  pending chunks ('P:fair-share:pending'), zset
    KEYS[2]  taken chunks ('P:fair-share:taken'), hash: job id -> chunk JSON
    KEYS[3]  chunks getting their jobs ('P:fair-share:queuing'), zset: '<count>:<batch id>' ->
             deadline (Redis time, ms)

    ARGV[1]  unused (scripts take at least one argument)

  Output: {pending, held, queuing}
]]
local now = redis.call('TIME')
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. (now[1] * 1000 + math.floor(now[2] / 1000)))
local queuing = 0
for _, marker in ipairs(redis.call('ZRANGE', KEYS[3], 0, -1)) do
  queuing = queuing + (tonumber(string.match(marker, '^(%d+):')) or 0)
end
return {redis.call('ZCARD', KEYS[1]), redis.call('HLEN', KEYS[2]), queuing}
