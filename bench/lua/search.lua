-- wrk script for R15: each request searches the knowledge base for the next
-- query of a list,
--   GET /api/v1/search?q=QUERY
-- with the query's letters written differently from one request to the
-- next, so that the response cache, which keys on the target as sent, does
-- not answer it. Each letter is written in one of four ways: as itself, as
-- its capital, or either of those percent-encoded; the server decodes and
-- folds them all to the same words, so every request does the same search
-- work. A counter, started at a random point in every run, picks the
-- spelling: its digits in base 4, one per letter. A query of n letters has
-- 4^n spellings, all different as targets, and comes back to one only
-- after 4^n requests of it. (A letter as %XX or %xx gave one target for
-- the many letters whose code has no hex letter, 'e' = %65, and most
-- requests were answered from the cache.)
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

-- query with its letters spelled by the digits of variant in base 4: 0 the
-- letter, 1 its capital, 2 and 3 those percent-encoded.
local function spelled(query, variant)
  local out = {}
  for i = 1, #query do
    local c = query:sub(i, i)
    if c:match("%a") then
      local digit = variant % 4
      variant = (variant - digit) / 4
      if digit % 2 == 1 then c = c:upper() end
      if digit >= 2 then c = string.format("%%%02X", c:byte()) end
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
