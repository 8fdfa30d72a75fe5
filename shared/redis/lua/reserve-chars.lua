--[[
  Reserves characters against one or more day budgets (the deployment's DAILY_CHAR_BUDGET, a
  key's chars_per_day): all checked, then all counted, in one step, so concurrent API processes
  cannot overshoot together and a refusal by one budget counts nothing against the others.

  Input:
    KEYS[1..n]  the day's counters, one per budget ('P:budget:<YYYY-MM-DD>',
                'P:key-budget:<tenant>:<YYYY-MM-DD>'; UTC days)

    ARGV[1]     characters to reserve
    ARGV[2]     counter TTL in milliseconds (set when the day's first reservation creates a counter)
    ARGV[2+i]   the budget of KEYS[i]

  Output:
    0   reserved against every budget
    i   refused: it would go past the budget of KEYS[i] (nothing counted)
]]
local n = tonumber(ARGV[1])
for i = 1, #KEYS do
  local used = tonumber(redis.call('GET', KEYS[i]) or '0')
  if used + n > tonumber(ARGV[2 + i]) then return i end
end
for i = 1, #KEYS do
  if redis.call('INCRBY', KEYS[i], n) == n then redis.call('PEXPIRE', KEYS[i], ARGV[2]) end
end
return 0
