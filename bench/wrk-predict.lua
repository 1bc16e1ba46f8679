-- wrk script for `npm run bench:service`: POSTs JSON bodies read from a file, one body
-- per line, cycling through them so every server sees the same varied texts.
--
--   wrk -t2 -c16 -d10s --latency -s bench/wrk-predict.lua http://127.0.0.1:PORT/v1/predict -- BODIES_FILE THREADS
--
-- Each thread starts at a different offset (thread k at k * n / THREADS) so two threads
-- do not send the same text at the same moment, which would flatter any cache.
-- The requests are formatted once in init(), not in request(): wrk shares the CPU with
-- the server under test, and re-formatting per request would spend that CPU on Lua.

local next_id = 0

-- Runs in the main Lua state once per thread, before init(): numbers the threads.
function setup(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
end

-- Runs in each thread's own Lua state.
function init(args)
  local path = args[1]
  local threads = tonumber(args[2]) or 1
  if not path then error("wrk-predict.lua: pass the bodies file after --") end
  local headers = { ["Content-Type"] = "application/json" }
  requests = {}
  for line in io.lines(path) do
    if #line > 0 then requests[#requests + 1] = wrk.format("POST", wrk.path, headers, line) end
  end
  if #requests == 0 then error("wrk-predict.lua: no request bodies in " .. path) end
  position = ((thread_id or 0) * math.floor(#requests / threads)) % #requests
end

function request()
  position = position % #requests + 1
  return requests[position]
end

-- wrk's --latency block has no 95th percentile; print it (microseconds) for the table.
function done(summary, latency, requests)
  io.write(string.format("Latency p95: %.0fus\n", latency:percentile(95)))
end
