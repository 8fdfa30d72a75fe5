--[[
  Takes one provider request's characters and the request itself from the fleet's two token
  buckets, checked and charged in one atomic step with Redis' clock (workers' clocks may differ).
  A bucket with capacity 0 is off. A request bigger than a whole bucket waits for a full bucket
  and drives it negative, so the average rate still holds.

  Input:
    KEYS[1]  characters bucket ('P:quota:chars'), hash: tokens, ts
    KEYS[2]  requests bucket ('P:quota:requests'), hash: tokens, ts

    ARGV[1]  characters of the request (cost in bucket 1)
    ARGV[2]  capacity of bucket 1 (characters per minute; 0: off)
    ARGV[3]  refill of bucket 1 per millisecond
    ARGV[4]  cost in bucket 2 (1: one request)
    ARGV[5]  capacity of bucket 2 (requests per second; 0: off)
    ARGV[6]  refill of bucket 2 per millisecond

  Output:
    0        charged: the request may go
    ms > 0   nothing charged: milliseconds until both buckets could pay
]]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local wait = 0
local levels = {}
for i = 1, 2 do
  local cost = tonumber(ARGV[i * 3 - 2])
  local capacity = tonumber(ARGV[i * 3 - 1])
  local perMs = tonumber(ARGV[i * 3])
  if capacity > 0 then
    local saved = redis.call('HMGET', KEYS[i], 'tokens', 'ts')
    local tokens = tonumber(saved[1]) or capacity
    local ts = tonumber(saved[2]) or now
    tokens = math.min(capacity, tokens + math.max(0, now - ts) * perMs)
    levels[i] = tokens
    local need = math.min(cost, capacity)
    if tokens < need then wait = math.max(wait, math.ceil((need - tokens) / perMs)) end
  end
end
if wait > 0 then return wait end
for i = 1, 2 do
  local capacity = tonumber(ARGV[i * 3 - 1])
  if capacity > 0 then
    redis.call('HSET', KEYS[i], 'tokens', levels[i] - tonumber(ARGV[i * 3 - 2]), 'ts', now)
    redis.call('PEXPIRE', KEYS[i], math.ceil(capacity / tonumber(ARGV[i * 3])) + 60000)
  end
end
return 0
