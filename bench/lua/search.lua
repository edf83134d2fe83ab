-- wrk script for R15: each request searches the knowledge base for the next
-- query of a list, with a counter that keeps the response cache from
-- answering it (the search route ignores the parameter n),
--   GET /api/v1/search?q=QUERY&n=COUNTER
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
  counter = thread_index * 1000000
end

function request()
  counter = counter + 1
  local query = queries[(counter % #queries) + 1]
  return wrk.format("GET", wrk.path .. "?q=" .. query .. "&n=" .. counter)
end
