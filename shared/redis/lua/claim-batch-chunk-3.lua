--[[
  A batch worker claims a chunk before it sends it to the provider, so a cancelled batch never
  starts another chunk and a chunk that reached the provider is counted once, whatever the retries.

  Input:
    KEYS[1]  batch hash ('P:batch:<id>')
    KEYS[2]  started chunks ('P:batch:<id>:started'), set
    KEYS[3]  settled chunks ('P:batch:<id>:settled'), set

    ARGV[1]  chunk number
    ARGV[2]  batch TTL in seconds

  Output:
    'go'       translate the chunk (marked started)
    'skip'     cancelled before it started: never send it
    'abandon'  started before a cancel, retried after it: settle it without results
    'done'     already settled (a stalled job run again), or the batch expired
]]
if redis.call('EXISTS', KEYS[1]) == 0 then return 'done' end
if redis.call('SISMEMBER', KEYS[3], ARGV[1]) == 1 then return 'done' end
local started = redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 1
if redis.call('HGET', KEYS[1], 'cancel') == '1' then
  if started then return 'abandon' end
  return 'skip'
end
if not started then
  redis.call('SADD', KEYS[2], ARGV[1])
  redis.call('EXPIRE', KEYS[2], ARGV[2])
  redis.call('HINCRBY', KEYS[1], 'chunks_started', 1)
end
return 'go'
