--[[
  Cancels a running batch: chunks not yet claimed will be skipped. When no chunk is in flight the
  batch is finalized here, and its keys start their RESULT_TTL_S (a running batch's keys do not
  expire); otherwise the settle of its last chunk in flight finalizes it.

  Input:
    KEYS[1]  batch hash ('P:batch:<id>')
    KEYS[2]  settled chunks ('P:batch:<id>:settled'), set
    KEYS[3]  results ('P:batch:<id>:results'), hash
    KEYS[4]  items ('P:batch:<id>:items'), list
    KEYS[5]  started chunks ('P:batch:<id>:started'), set

    ARGV[1]  now, in epoch milliseconds (finished_at)
    ARGV[2]  batch TTL in seconds, from the moment it is final

  Output: {status, finalized}
    {'', 0}             unknown batch
    {status, 0}         already final (its status), or still 'running' with chunks in flight
    {'cancelled', 1}    this call finalized the batch
]]
if redis.call('EXISTS', KEYS[1]) == 0 then return {'', 0} end
local m = redis.call('HMGET', KEYS[1], 'status', 'chunks_started', 'chunks_settled')
if m[1] ~= 'running' then return {m[1], 0} end
redis.call('HSET', KEYS[1], 'cancel', '1')
if tonumber(m[3]) >= tonumber(m[2]) then
  redis.call('HSET', KEYS[1], 'status', 'cancelled', 'finished_at', ARGV[1])
  for i = 1, #KEYS do redis.call('EXPIRE', KEYS[i], ARGV[2]) end
  return {'cancelled', 1}
end
return {'running', 0}
