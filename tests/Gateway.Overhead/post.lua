-- wrk script for the overhead benchmark (run.sh): the same ~1 KB MCP tools/call POST, repeated.
--
-- Parameterised by environment variables, so one script serves every target:
--   BENCH_BODY_FILE   file holding the JSON-RPC request body (required)
--   BENCH_API_KEY     value of the x-api-key header (optional)
--   BENCH_SESSION_ID  value of the Mcp-Session-Id header (optional)
--
-- No request()/response() callbacks: wrk then formats the request once per thread and counts
-- non-2xx/3xx answers itself, so the load generator stays as cheap as it can be.

local function read_all(path)
  assert(path and path ~= "", "BENCH_BODY_FILE is not set")
  local file = assert(io.open(path, "rb"))
  local content = file:read("*a")
  file:close()
  return content
end

wrk.method = "POST"
wrk.body = read_all(os.getenv("BENCH_BODY_FILE"))
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json, text/event-stream"
wrk.headers["MCP-Protocol-Version"] = "2025-06-18"

local api_key = os.getenv("BENCH_API_KEY")
if api_key and api_key ~= "" then
  wrk.headers["x-api-key"] = api_key
end

local session_id = os.getenv("BENCH_SESSION_ID")
if session_id and session_id ~= "" then
  wrk.headers["Mcp-Session-Id"] = session_id
end
