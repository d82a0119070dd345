-- wrk script of the petition benchmark: file reports, read them, or the minimal view.
--
-- Environment:
--   BENCH_MODE          "submit", "track" or "minimal"
--   BENCH_PATH          path; for "track", "{code}" is replaced by a tracking code
--   BENCH_CODES         for "track": file with "CODE SECRET" per line
--   BENCH_CATEGORY      for "submit": code of the public category to file under
--   BENCH_REGION        for "submit": statistical code of the township
--   BENCH_MAX_REQUESTS  maximum responses per wrk thread (0 = no cap)
--   BENCH_SEED          seed of the phone numbers, new for each run of wrk
-- done() prints one JSON line starting with "BENCH " for bench.loadgen to parse.

local counter = 0

function setup(thread)
   counter = counter + 1
   thread:set("id", counter)
end

function init(args)
   mode = os.getenv("BENCH_MODE") or "minimal"
   path = os.getenv("BENCH_PATH") or "/"
   category = os.getenv("BENCH_CATEGORY") or ""
   region = os.getenv("BENCH_REGION") or ""
   max_requests = tonumber(os.getenv("BENCH_MAX_REQUESTS") or "0")
   responses = 0
   codes = {}
   secrets = {}
   local file = os.getenv("BENCH_CODES")
   if mode == "track" and file and file ~= "" then
      for line in io.lines(file) do
         local code, secret = line:match("^(%S+)%s+(%S+)$")
         if code then
            table.insert(codes, code)
            table.insert(secrets, secret)
         end
      end
   end
   -- A seed per wrk run: the same seed in every round would send the same phone numbers
   -- again, and each report would then be linked as a repeat of the earlier ones.
   math.randomseed(tonumber(os.getenv("BENCH_SEED") or "3000") + id)
end

function request()
   if mode == "track" then
      local i = math.random(#codes)
      local target = string.gsub(path, "{code}", codes[i])
      return wrk.format("GET", target, { ["X-Tracking-Secret"] = secrets[i] })
   end
   if mode == "submit" then
      -- A new phone number for each report, so none is linked as a repeat.
      local phone = string.format("139%04d%04d", math.random(0, 9999), math.random(0, 9999))
      local body = string.format(
         '{"kind": "request", "category": "%s", "region": "%s", ' ..
         '"text": "村道路面破损，雨天积水，请求维修。", "anonymous": false, ' ..
         '"name": "王建国", "phone": "%s"}', category, region, phone)
      return wrk.format("POST", path, { ["Content-Type"] = "application/json" }, body)
   end
   return wrk.format("GET", path)
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
