-- wrk script for benchmarks/submissions.py: POST the same form again and again.
--
-- Arguments (after `--`): a file of "cookie<TAB>csrf token" lines (an empty token means a bare
-- endpoint: no cookie, no token, no key), a file with the url-encoded form, the path to POST
-- to, and a prefix that makes this run's one-time submission keys differ from every other run's.
-- The form file ends with its description; each request ends it with its own number, so that no
-- two requests carry the same filled form.
-- When done, prints what was sent, the failures (wrk counts every status of 400 or more, and
-- every socket error or timeout) and the p50 and p99 latency in microseconds.

local sessions = {}
local body = ""
local path = "/"
local prefix = ""
local sent = 0
local thread_number = 0

function setup(thread)
  thread_number = thread_number + 1
  thread:set("thread_number", thread_number)
end

function init(args)
  for line in io.lines(args[1]) do
    local cookie, token = line:match("([^\t]*)\t(.*)")
    sessions[#sessions + 1] = { cookie = cookie, token = token }
  end
  local file = io.open(args[2])
  body = file:read("*a")
  file:close()
  path = args[3]
  prefix = args[4] .. string.format("%02d", thread_number)
end

function request()
  sent = sent + 1
  local session = sessions[(sent % #sessions) + 1]
  local headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
  local data = body .. string.format("%s%010d", prefix, sent)
  if session.token ~= "" then
    headers["Cookie"] = session.cookie
    data = data .. "&csrf_token=" .. session.token
      .. string.format("&submission_key=%s%010d", prefix, sent)
  end
  return wrk.format("POST", path, headers, data)
end

function done(summary, latency, requests)
  local errors = summary.errors
  local failed = errors.connect + errors.read + errors.write + errors.timeout + errors.status
  io.write(string.format("REQUESTS %d %d\n", summary.requests, summary.duration))
  io.write(string.format("FAILED %d\n", failed))
  io.write(string.format("LATENCY %d %d\n", latency:percentile(50), latency:percentile(99)))
end
