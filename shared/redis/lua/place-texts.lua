--[[
  Places the texts of one pack of sync requests, atomically: for each text, answers it from the
  cache, joins the job item already translating it, or marks it in flight for the new job.
  Used by api/request-packer.ts before the pack's job is added.

  Input (n texts; the number of keys varies, so it has no -N suffix):
    KEYS[1..n]      cache keys ('P:cache:<sha256>'), one per text
    KEYS[n+1..2n]   in-flight marks ('P:inflight:<sha256>'), same order

    ARGV[1]  id of the job about to be added
    ARGV[2]  mark TTL in milliseconds
    ARGV[3]  '1' when the cache is read, '0' when it is off

  Output: one string per text, in order:
    'c' .. cached JSON     answered from the cache
    'j' .. item id         an identical text is in flight as that item ('<job id>.<index>')
    'n' .. index           new: marked in flight as item '<ARGV[1]>.<index>' (0, 1, ... in order)
]]
local n = #KEYS / 2
local out = {}
local next = 0
for i = 1, n do
  local cached = false
  if ARGV[3] == '1' then cached = redis.call('GET', KEYS[i]) end
  if cached then
    out[i] = 'c' .. cached
  else
    local owner = redis.call('GET', KEYS[n + i])
    if owner then
      out[i] = 'j' .. owner
    else
      redis.call('SET', KEYS[n + i], ARGV[1] .. '.' .. next, 'PX', ARGV[2])
      out[i] = 'n' .. next
      next = next + 1
    end
  end
end
return out
