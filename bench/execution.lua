-- wrk script: logged-in GETs spread over many codes, stopping at a request cap.
--
-- Environment:
--   BENCH_PATH          path template; "{code}" is replaced by a code
--   BENCH_CODES         file with one code per line (optional)
--   BENCH_COOKIE        Cookie header sent with every request (optional)
--   BENCH_MAX_REQUESTS  maximum responses per wrk thread (0 = no cap)
--   BENCH_UNIQUE        "1" adds a query parameter that differs on every request
-- done() prints one JSON line starting with "BENCH " for bench.loadgen to parse.

local counter = 0
local threads = {}

function setup(thread)
   counter = counter + 1
   thread:set("id", counter)
   table.insert(threads, thread)
end

function init(args)
   path_template = os.getenv("BENCH_PATH") or "/"
   max_requests = tonumber(os.getenv("BENCH_MAX_REQUESTS") or "0")
   responses = 0
   codes = {}
   local file = os.getenv("BENCH_CODES")
   if file and file ~= "" then
      for line in io.lines(file) do
         if line ~= "" then table.insert(codes, line) end
      end
   end
   cookie = os.getenv("BENCH_COOKIE") or ""
   unique = os.getenv("BENCH_UNIQUE") == "1"
   sent = 0
   math.randomseed(1000 + id)
end

function request()
   local path = path_template
   if #codes > 0 then
      local code = codes[math.random(#codes)]
      path = string.gsub(path_template, "{code}", code)
   end
   if unique then
      sent = sent + 1
      path = path .. "&unique=" .. id .. "-" .. sent
   end
   local headers = {}
   if cookie ~= "" then headers["Cookie"] = cookie end
   return wrk.format("GET", path, headers)
end

function response(status, headers, body)
   responses = responses + 1
   if max_requests > 0 and responses >= max_requests then
      wrk.thread:stop()
   end
end

function done(summary, latency, requests)
   local errors = summary.errors
   io.write(string.format(
      'BENCH {"requests": %d, "duration_us": %d, "status_errors": %d, ' ..
      '"socket_errors": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d}\n',
      summary.requests, summary.duration, errors.status,
      errors.connect + errors.read + errors.write + errors.timeout,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
