--[[
  Writes a chunk's results and counts, once per chunk whatever the retries, and finalizes the
  batch when this was its last chunk (or the last one in flight after a cancel), so exactly one
  caller finalizes a batch.

  Expiry: a running batch's keys do not expire, however long its chunks wait in the backlog; each
  settle removes any expiry left on them (the one set at creation, or a key created since). The
  batch's RESULT_TTL_S starts when it is final, and a later settle (a stalled run) refreshes it.

  Input:
    KEYS[1]  batch hash ('P:batch:<id>')
    KEYS[2]  settled chunks ('P:batch:<id>:settled'), set
    KEYS[3]  results ('P:batch:<id>:results'), hash: item index -> JSON result
    KEYS[4]  items ('P:batch:<id>:items'), list (only its expiry changes)
    KEYS[5]  started chunks ('P:batch:<id>:started'), set (only its expiry changes)

    ARGV[1]  chunk number
    ARGV[2]  batch TTL in seconds, from the moment it is final
    ARGV[3]  now, in epoch milliseconds (finished_at)
    ARGV[4]  items of the chunk that completed
    ARGV[5]  items of the chunk that failed
    ARGV[6], ARGV[7], ...  pairs: item index, JSON result

  Output:
    'completed' | 'completed_with_errors' | 'cancelled'  this call finalized the batch
    ''  otherwise (already settled, batch expired or not final yet)
]]
if redis.call('EXISTS', KEYS[1]) == 0 then return '' end
if redis.call('SADD', KEYS[2], ARGV[1]) == 0 then return '' end
for i = 6, #ARGV, 2 do redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1]) end
redis.call('HINCRBY', KEYS[1], 'completed', ARGV[4])
redis.call('HINCRBY', KEYS[1], 'failed', ARGV[5])
local settled = redis.call('HINCRBY', KEYS[1], 'chunks_settled', 1)
local m = redis.call('HMGET', KEYS[1], 'status', 'chunks', 'chunks_started', 'cancel', 'failed')
local final = false
if m[1] == 'running' then
  if settled >= tonumber(m[2]) then
    if tonumber(m[5]) > 0 then final = 'completed_with_errors' else final = 'completed' end
  elseif m[4] == '1' and settled >= tonumber(m[3]) then
    final = 'cancelled'
  end
  if final then redis.call('HSET', KEYS[1], 'status', final, 'finished_at', ARGV[3]) end
end
if m[1] == 'running' and not final then
  for i = 1, #KEYS do redis.call('PERSIST', KEYS[i]) end
  return ''
end
for i = 1, #KEYS do redis.call('EXPIRE', KEYS[i], ARGV[2]) end
return final or ''
