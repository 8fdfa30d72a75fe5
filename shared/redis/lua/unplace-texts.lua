--[[
  Ends the in-flight marks of a pack whose job could not be added, so no later request joins an
  item that will never exist. Marks that name another job's items are left alone.

  Input (the number of keys varies, so it has no -N suffix):
    KEYS[1..n]  in-flight marks ('P:inflight:<sha256>')

    ARGV[1]  id of the job that was never added

  Output: 0
]]
local prefix = ARGV[1] .. '.'
for i = 1, #KEYS do
  local owner = redis.call('GET', KEYS[i])
  if owner and string.sub(owner, 1, #prefix) == prefix then redis.call('DEL', KEYS[i]) end
end
return 0
