--[[
  Cancels a running batch: chunks not yet claimed will be skipped. When no chunk is in flight the
  batch is finalized here, otherwise by the settle of its last chunk in flight.

  Input:
    KEYS[1]  batch hash ('P:batch:<id>')

    ARGV[1]  now, in epoch milliseconds (finished_at)

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
  return {'cancelled', 1}
end
return {'running', 0}
