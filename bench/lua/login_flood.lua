-- wrk script for R8's login flood: POST /api/v1/sessions with a wrong
-- password, each request under a name of its own. Unknown names cost the
-- server the same password hash as a known one (it hashes a stand-in), and
-- one name per request keeps the per-account lockout (100 failures an hour)
-- from turning the flood into cheap 429 answers.

local thread_count = 0

function setup(thread)
  thread:set("thread_index", thread_count)
  thread_count = thread_count + 1
end

local counter = 0

function request()
  counter = counter + 1
  return wrk.format("POST", "/api/v1/sessions",
    {["Content-Type"] = "application/json"},
    string.format('{"username":"flood-%d-%d","password":"not-the-password-%d"}',
                  thread_index, counter, counter))
end
