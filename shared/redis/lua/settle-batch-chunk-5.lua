--[[
  Writes a chunk's results and counts, once per chunk whatever the retries, refreshes the batch's
  TTL, and finalizes the batch when this was its last chunk (or the last one in flight after a
  cancel), so exactly one caller finalizes a batch.

  Input:
    KEYS[1]  batch hash ('P:batch:<id>')
    KEYS[2]  settled chunks ('P:batch:<id>:settled'), set
    KEYS[3]  results ('P:batch:<id>:results'), hash: item index -> JSON result
    KEYS[4]  items ('P:batch:<id>:items'), list (only its TTL is refreshed)
    KEYS[5]  started chunks ('P:batch:<id>:started'), set (only its TTL is refreshed)

    ARGV[1]  chunk number
    ARGV[2]  batch TTL in seconds
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
for i = 1, #KEYS do redis.call('EXPIRE', KEYS[i], ARGV[2]) end
local m = redis.call('HMGET', KEYS[1], 'status', 'chunks', 'chunks_started', 'cancel', 'failed')
if m[1] ~= 'running' then return '' end
local final = false
if settled >= tonumber(m[2]) then
  if tonumber(m[5]) > 0 then final = 'completed_with_errors' else final = 'completed' end
elseif m[4] == '1' and settled >= tonumber(m[3]) then
  final = 'cancelled'
end
if final then
  redis.call('HSET', KEYS[1], 'status', final, 'finished_at', ARGV[3])
  return final
end
return ''
