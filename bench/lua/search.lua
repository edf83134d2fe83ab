-- wrk script for R15: each request searches the knowledge base for the next
-- query of a list,
--   GET /api/v1/search?q=QUERY
-- with the query's letters written differently from one request to the
-- next (each letter as itself, %XX or %xx, chosen by a counter that starts
-- at a random point in every run), so that the response cache, which keys
-- on the target as sent, does not answer it; the server decodes them all
-- to the same words, so every request does the same search work.
--
--   wrk ... -s search.lua URL -- QUERIES
-- QUERIES is comma-separated; a query of two words joins them with '+'.

local thread_count = 0

function setup(thread)
  thread:set("thread_index", thread_count)
  thread_count = thread_count + 1
end

local queries, counter

function init(args)
  queries = {}
  for query in string.gmatch(args[1], "[^,]+") do table.insert(queries, query) end
  -- Each run (the warm-up, every round) and each thread starts somewhere
  -- else, so that no run asks what an earlier one left in the cache.
  math.randomseed(os.time() * 64 + thread_index)
  counter = math.random(0, 2 ^ 30) * #queries
end

-- query with its letters spelled by the digits of variant in base 3.
local function spelled(query, variant)
  local out = {}
  for i = 1, #query do
    local c = query:sub(i, i)
    if c:match("%a") then
      local digit = variant % 3
      variant = (variant - digit) / 3
      if digit == 1 then
        c = string.format("%%%02X", c:byte())
      elseif digit == 2 then
        c = string.format("%%%02x", c:byte())
      end
    end
    table.insert(out, c)
  end
  return table.concat(out)
end

function request()
  counter = counter + 1
  local query = queries[(counter % #queries) + 1]
  local variant = math.floor(counter / #queries)
  return wrk.format("GET", wrk.path .. "?q=" .. spelled(query, variant))
end
