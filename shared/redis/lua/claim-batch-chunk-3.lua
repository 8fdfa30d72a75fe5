--[[
  A batch worker claims a chunk before it sends it to the provider, so a cancelled batch never
  starts another chunk and a chunk that reached the provider is counted once, whatever the retries.
  The started set expires with the batch hash (never, while the batch runs), so a chunk that
  started before a cancel is still known as started when it is retried after it.

  Input:
    KEYS[1]  batch hash ('P:batch:<id>')
    KEYS[2]  started chunks ('P:batch:<id>:started'), set
    KEYS[3]  settled chunks ('P:batch:<id>:settled'), set

    ARGV[1]  chunk number

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
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl > 0 then redis.call('PEXPIRE', KEYS[2], ttl) else redis.call('PERSIST', KEYS[2]) end
  redis.call('HINCRBY', KEYS[1], 'chunks_started', 1)
end
return 'go'
