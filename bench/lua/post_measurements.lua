-- wrk script for R7: each request reports a new figure,
--   POST /api/v1/indicators/{indicator}/measurements
-- with the administrator token. The figures follow one sequence (the same as
-- bench/sqlite_write_baseline.cc): figure k is indicator k / (cities * months),
-- city (k / months) % cities, and the month k % months before the last one,
-- so no two requests write the same indicator, city and month.
--
--   wrk -tT ... -s post_measurements.lua URL -- TOKEN INDICATORS CITIES LAST_PERIOD MONTHS T [FIRST]
-- INDICATORS and CITIES are comma-separated; LAST_PERIOD is YYYY-MM; T is
-- the number of writing threads (thread i writes figures FIRST + i,
-- FIRST + i + T, FIRST + i + 2T, ...). FIRST (default 0) lets several wrk
-- processes share one sequence (R18: two processes of one thread each, with
-- T = 2 and FIRST 0 and 1), so that no two of them write the same figure.
-- wrk runs LuaJIT (Lua 5.1): no integer division operator.

local thread_count = 0

function setup(thread)
  thread:set("thread_index", thread_count)
  thread_count = thread_count + 1
end

local function split(text)
  local out = {}
  for item in string.gmatch(text, "[^,]+") do table.insert(out, item) end
  return out
end

local token, indicators, cities, last_month_index, months, stride, k

function init(args)
  token = args[1]
  indicators = split(args[2])
  cities = split(args[3])
  local year, month = string.match(args[4], "^(%d+)-(%d+)$")
  last_month_index = tonumber(year) * 12 + tonumber(month) - 1
  months = tonumber(args[5])
  stride = tonumber(args[6])
  k = thread_index + (tonumber(args[7]) or 0)
end

function request()
  local per_indicator = #cities * months
  local indicator = indicators[math.floor(k / per_indicator) % #indicators + 1]
  local city = cities[math.floor(k / months) % #cities + 1]
  local index = last_month_index - (k % months)
  local period = string.format("%04d-%02d", math.floor(index / 12), index % 12 + 1)
  local value = (k % 1000) / 10
  k = k + stride
  return wrk.format("POST", "/api/v1/indicators/" .. indicator .. "/measurements",
    {["Authorization"] = "Bearer " .. token,
     ["Content-Type"] = "application/json"},
    string.format('{"city":"%s","period":"%s","value":%.1f}', city, period, value))
end
