--[[
  Called once a new batch's chunk jobs are queued: its keys stop expiring until it is final (the
  settle and cancel scripts start its TTL then). A batch already final (its chunks ran faster than
  this call) keeps the TTL its finalizer set.

  Input:
    KEYS[1]  batch hash ('P:batch:<id>')
    KEYS[2]  items ('P:batch:<id>:items'), list

    ARGV[1]  unused (scripts take at least one argument)

  Output:
    1  the batch runs and no longer expires
    0  unknown (expired) or already final: nothing changed
]]
if redis.call('HGET', KEYS[1], 'status') ~= 'running' then return 0 end
redis.call('PERSIST', KEYS[1])
redis.call('PERSIST', KEYS[2])
return 1
