--[[
  A chunk job takes the chunk it runs (shared/fair-chunk-queue.ts): the pending chunk with the
  lowest start tag, recorded against the job's id in the same step, so a job retried, requeued or
  taken over after a crash runs the same chunk again and no chunk is lost between the two.
  Taking advances virtual time to the chunk's tag.

  Input:
    KEYS[1]  pending chunks ('P:fair-share:pending'), zset: chunk JSON -> start tag
    KEYS[2]  virtual clock ('P:fair-share:clock'), hash
    KEYS[3]  taken chunks ('P:fair-share:taken'), hash: job id -> chunk JSON

    ARGV[1]  the chunk job's id
    ARGV[2]  '1': the job is done with the chunk it holds (it needed no work) and takes the next;
             '0': the chunk it holds, if any, otherwise the next

  Output: the chunk (JSON), or false when no chunk is pending (the job then holds none)
]]
if ARGV[2] ~= '1' then
  local held = redis.call('HGET', KEYS[3], ARGV[1])
  if held then return held end
end
local popped = redis.call('ZPOPMIN', KEYS[1])
if #popped == 0 then
  redis.call('HDEL', KEYS[3], ARGV[1])
  return false
end
redis.call('HSET', KEYS[2], 'v', popped[2])
redis.call('HSET', KEYS[3], ARGV[1], popped[1])
return popped[1]
