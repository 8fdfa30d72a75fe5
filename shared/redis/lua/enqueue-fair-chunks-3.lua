--[[
  Queues a batch's chunks for the fair-share picker (shared/fair-chunk-queue.ts): each chunk gets
  a virtual start tag, and chunks are taken in tag order (start-time fair queueing). A tenant's
  chunks are spaced by its stride (a fixed scale divided by its weight, shared/fair-share.ts), so
  a tenant of weight 2 gets two chunks taken for every one of a tenant of weight 1 while both
  wait; its first chunk starts at the virtual time now (the tag of the chunk taken last), so a
  newcomer waits behind nobody's backlog and a tenant gains no credit while it had nothing queued.

  Virtual time only grows while something waits: when nothing is pending it starts again at 0
  (every tenant's tag with it), so tags stay small integers (exact in a double).

  The API adds the chunks' jobs next: until then (or until its grace runs out, should the API die
  in between) a marker says how many chunks are still getting their jobs, so a worker counting
  jobless chunks does not count these (count-fair-chunks-3.lua).

  Input:
    KEYS[1]  pending chunks ('P:fair-share:pending'), zset: chunk JSON -> start tag
    KEYS[2]  virtual clock ('P:fair-share:clock'), hash: 'v' -> virtual time,
             't:<tenant>' -> the tenant's next start tag
    KEYS[3]  chunks getting their jobs ('P:fair-share:queuing'), zset: '<count>:<batch id>' ->
             deadline (Redis time, ms)

    ARGV[1]  tenant name
    ARGV[2]  the tenant's stride (an integer >= 1)
    ARGV[3]  the marker ('<count>:<batch id>')
    ARGV[4]  the marker's grace, ms
    ARGV[5], ARGV[6], ...  the chunks, in the order they should run (unique strings)

  Output: the tenant's next start tag (after these chunks)
]]
if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('DEL', KEYS[2]) end
local field = 't:' .. ARGV[1]
local clock = redis.call('HMGET', KEYS[2], 'v', field)
local tag = math.max(tonumber(clock[1] or '0'), tonumber(clock[2] or '0'))
local stride = tonumber(ARGV[2])
for i = 5, #ARGV do
  -- %.17g: a Lua number passed as is would be formatted with 14 digits.
  redis.call('ZADD', KEYS[1], string.format('%.17g', tag), ARGV[i])
  tag = tag + stride
end
local next_tag = string.format('%.17g', tag)
redis.call('HSET', KEYS[2], field, next_tag)
local now = redis.call('TIME')
redis.call('ZADD', KEYS[3], now[1] * 1000 + math.floor(now[2] / 1000) + tonumber(ARGV[4]), ARGV[3])
return next_tag
