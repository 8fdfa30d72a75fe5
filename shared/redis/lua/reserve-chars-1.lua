--[[
  Reserves characters against a day's budget: checked and counted in one step, so concurrent API
  processes cannot overshoot together. Nothing is counted when the reservation does not fit.

  Input:
    KEYS[1]  the day's counter ('P:budget:<YYYY-MM-DD>', UTC)

    ARGV[1]  characters to reserve
    ARGV[2]  the daily budget
    ARGV[3]  counter TTL in milliseconds (set when the day's first reservation creates it)

  Output:
    total >= 0  reserved: the day's total afterwards
    -1          refused: it would go past the budget
]]
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
local n = tonumber(ARGV[1])
if used + n > tonumber(ARGV[2]) then return -1 end
local total = redis.call('INCRBY', KEYS[1], n)
if total == n then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return total
