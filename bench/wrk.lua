-- wrk script for bench/run.sh.
--
-- With WB_QUERIES set to a file of query strings (one a line, as made by
-- `waymark-bench queries`), every request asks /api/search for the next one.
-- Without it, wrk asks for the URL it was given, again and again.
--
-- At the end the run's figures are appended to WB_RESULTS as JSON lines:
-- WB_FIGURE_rps, WB_FIGURE_p50_ms, WB_FIGURE_p99_ms and WB_FIGURE_errors
-- (socket errors plus answers other than 2xx or 3xx), for corpus WB_CORPUS
-- and round WB_ROUND.

local queries = nil
local file = os.getenv("WB_QUERIES")
if file and file ~= "" then
  queries = {}
  for line in io.lines(file) do
    if line ~= "" then
      queries[#queries + 1] = line
    end
  end
end

-- The list is cut into one segment per thread per round (WB_THREADS threads,
-- WB_ROUNDS rounds), so with a list long enough no query is asked twice in
-- a run, nor in a later round: the server cannot answer from its cache.
local round = tonumber(os.getenv("WB_ROUND") or "1")
local rounds = tonumber(os.getenv("WB_ROUNDS") or "1")
local nthreads = tonumber(os.getenv("WB_THREADS") or "2")

local threads = 0
function setup(thread)
  thread:set("segment", (round - 1) * nthreads + threads)
  threads = threads + 1
end

local counter = 0
function init(args)
  if queries then
    counter = (segment or 0) * math.floor(#queries / (rounds * nthreads))
  end
end

if queries then
  function request()
    counter = counter + 1
    return wrk.format("GET", "/api/search?" .. queries[(counter % #queries) + 1])
  end
end

function done(summary, latency, requests)
  local out = assert(io.open(os.getenv("WB_RESULTS"), "a"))
  local name = os.getenv("WB_FIGURE")
  local corpus = os.getenv("WB_CORPUS")
  local round = os.getenv("WB_ROUND") or "1"
  local function emit(figure, value, unit)
    out:write(string.format(
      '{"figure":"%s_%s","corpus":"%s","round":%s,"value":%.3f,"unit":"%s"}\n',
      name, figure, corpus, round, value, unit))
  end
  local e = summary.errors
  emit("rps", summary.requests / (summary.duration / 1e6), "req/s")
  emit("p50_ms", latency:percentile(50) / 1000, "ms")
  emit("p99_ms", latency:percentile(99) / 1000, "ms")
  emit("errors", e.connect + e.read + e.write + e.status + e.timeout, "requests")
  out:close()
end
