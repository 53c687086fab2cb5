#!/usr/bin/env bash
# Gateway overhead benchmark: the same ~1 KB MCP tools/call load, side by side in one run on
# loopback, against
#   direct         a fast upstream (nginx answering every POST with a fixed JSON-RPC result)
#   nginx          nginx as a plain keep-alive reverse proxy in front of it
#   bare           a bare YARP IHttpForwarder in front of it (BareForwarder/)
#   gateway        src/Gateway in front of it
#   gateway+extra  a second gateway with GATEWAY_EXTRA_ENV applied (only when that is set); the
#                  placeholders {STATE_DIR} and {UPSTREAM_ORIGIN} are replaced in its values. The
#                  upstream also answers Salesforce's token endpoint (/services/oauth2/token) with a
#                  Salesforce-shaped response, so the OAuth modes can be measured, and accepts OTLP/HTTP
#                  exports on /v1/*, so exporting telemetry can be (README beside this).
# Closed loop (wrk): requests/s, p50, p99. Fixed rate (h2load --rps): p50, p99 and the p99 added
# over direct. See README.md beside this script for the knobs and how to read the output.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

DURATION="${DURATION:-10}"             # seconds of each closed-loop measurement
WARMUP="${WARMUP:-2}"                  # seconds of closed-loop warm-up before each measurement
FIRST_WARMUP="${FIRST_WARMUP:-10}"    # the same in round 1: the gateway needs ~10 s of load to reach tier-1 code
ROUNDS="${ROUNDS:-3}"
THREADS="${THREADS:-1}"                # wrk -t
CONNECTIONS="${CONNECTIONS:-32}"       # wrk -c
FIXED_RATE="${FIXED_RATE:-2000}"       # requests/s of the fixed-rate phase; 0 skips it
FIXED_CLIENTS="${FIXED_CLIENTS:-8}"    # connections (one h2load each) sharing FIXED_RATE
FIXED_DURATION="${FIXED_DURATION:-5}"  # seconds of each fixed-rate measurement
UPSTREAM_WORKERS="${UPSTREAM_WORKERS:-1}"
NGINX_WORKERS="${NGINX_WORKERS:-2}"
API_KEY="${API_KEY:-bench-key-0123456789}"
GATEWAY_EXTRA_ENV="${GATEWAY_EXTRA_ENV:-}"
KEEP_WORKDIR="${KEEP_WORKDIR:-0}"
if [[ -n "$GATEWAY_EXTRA_ENV" ]]; then
  TARGETS="${TARGETS:-direct nginx bare gateway gateway+extra}"
else
  TARGETS="${TARGETS:-direct nginx bare gateway}"
fi

readonly upstream_session_id="bench-session-1"
readonly protocol_version="2025-06-18"

log() { printf '[overhead] %s\n' "$*" >&2; }
die() { printf '[overhead] FAILED: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------
# Arguments and tools
# ---------------------------------------------------------------------------------------------
for n in DURATION WARMUP FIRST_WARMUP ROUNDS THREADS CONNECTIONS FIXED_RATE FIXED_CLIENTS FIXED_DURATION \
         UPSTREAM_WORKERS NGINX_WORKERS; do
  [[ "${!n}" =~ ^[0-9]+$ ]] || die "$n must be a whole number, got '${!n}'"
done
(( DURATION > 0 && ROUNDS > 0 && THREADS > 0 && CONNECTIONS >= THREADS )) \
  || die "DURATION and ROUNDS must be positive and CONNECTIONS >= THREADS"
(( FIXED_RATE == 0 || (FIXED_CLIENTS > 0 && FIXED_DURATION > 0 && FIXED_RATE >= FIXED_CLIENTS) )) \
  || die "FIXED_RATE needs FIXED_CLIENTS > 0, FIXED_DURATION > 0 and FIXED_RATE >= FIXED_CLIENTS"

read -r -a targets <<<"$TARGETS"
(( ${#targets[@]} > 0 )) || die "TARGETS is empty"
need_gateway=0
for t in "${targets[@]}"; do
  case "$t" in
    direct | nginx | bare) ;;
    gateway) need_gateway=1 ;;
    gateway+extra)
      need_gateway=1
      [[ -n "$GATEWAY_EXTRA_ENV" ]] || die "target gateway+extra needs GATEWAY_EXTRA_ENV" ;;
    *) die "unknown target '$t' (known: direct nginx bare gateway gateway+extra)" ;;
  esac
done

# Installs a Debian package only when its command is missing.
ensure_command() {
  local command="$1" package="$2"
  command -v "$command" >/dev/null 2>&1 && return 0
  log "installing $package (for $command)"
  if [[ "$(id -u)" -eq 0 ]]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y "$package" >/dev/null 2>&1 || {
      apt-get update >/dev/null 2>&1
      DEBIAN_FRONTEND=noninteractive apt-get install -y "$package" >/dev/null
    }
  else
    die "$command is missing; install the Debian package $package"
  fi
  command -v "$command" >/dev/null 2>&1 || die "$command is still missing after installing $package"
}
ensure_command nginx nginx
ensure_command wrk wrk
ensure_command curl curl
ensure_command sha256sum coreutils
if (( FIXED_RATE > 0 )); then
  ensure_command h2load nghttp2-client
fi
command -v dotnet >/dev/null 2>&1 || die "dotnet is missing"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# ---------------------------------------------------------------------------------------------
# Process bookkeeping: everything started here is stopped on exit
# ---------------------------------------------------------------------------------------------
work="$(mktemp -d)"
# nginx workers run as an unprivileged user when the master is root; let them reach their prefix.
chmod 755 "$work"
declare -A pid=() port=() url=() session=()
helpers=()   # background load-generator processes of the fixed-rate phase
failed=1

cleanup() {
  local p alive i
  # The servers and their direct children (nginx workers), so that none outlives a KILL of its master.
  local -a all=("${helpers[@]}") children
  for p in "${pid[@]}"; do
    mapfile -t children < <(pgrep -P "$p" || true)
    all+=("$p" "${children[@]}")
  done
  for p in "${all[@]}"; do
    kill -TERM "$p" 2>/dev/null || true
  done
  for i in $(seq 1 50); do
    alive=0
    for p in "${all[@]}"; do
      if kill -0 "$p" 2>/dev/null; then alive=1; fi
    done
    (( alive == 0 )) && break
    sleep 0.1
  done
  for p in "${all[@]}"; do
    kill -KILL "$p" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  if (( failed == 0 )) && [[ "$KEEP_WORKDIR" != 1 ]]; then
    rm -rf "$work"
  else
    log "logs and configuration kept in $work"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Prints the tail of a server's log, for failure messages.
show_log() {
  local name="$1"
  if [[ -s "$work/$name.log" ]]; then
    printf -- '--- last lines of the %s log ---\n' "$name" >&2
    tail -n 40 "$work/$name.log" >&2
    printf -- '---\n' >&2
  fi
}

# Picks an unused loopback port below the ephemeral range, so no client socket of the load
# generators can be holding it. Sets REPLY (not echoed: a subshell would lose the bookkeeping).
taken_ports=" "
free_port() {
  local p _
  for _ in $(seq 1 500); do
    p=$((20000 + RANDOM % 12000))
    [[ "$taken_ports" == *" $p "* ]] && continue
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      taken_ports+="$p "
      REPLY="$p"
      return 0
    fi
  done
  die "no free port found"
}

# Polls URL (GET) until it answers 200, for at most ~30 s, failing early if NAME's process died.
wait_ready() {
  local name="$1" probe="$2" code _
  for _ in $(seq 1 150); do
    kill -0 "${pid[$name]}" 2>/dev/null || { show_log "$name"; die "$name exited during startup"; }
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$probe" || true)"
    [[ "$code" == 200 ]] && return 0
    sleep 0.2
  done
  show_log "$name"
  die "$name did not answer 200 on $probe within 30 s (last status: ${code:-none})"
}

# ---------------------------------------------------------------------------------------------
# Request bodies
# ---------------------------------------------------------------------------------------------
body_file="$work/tools-call.json"
init_file="$work/initialize.json"
fields="Id, Name"
i=1
query_tail=" FROM Account WHERE Industry = 'Technology' ORDER BY Name LIMIT 200"
while :; do
  body="{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"soqlQuery\",\"arguments\":{\"query\":\"SELECT ${fields}${query_tail}\"}}}"
  (( ${#body} >= 1000 )) && break
  fields+="$(printf ', Custom_Field_%03d__c' "$i")"
  i=$((i + 1))
done
printf '%s' "$body" >"$body_file"
# The fixed upstream answers id 1, so the initialize request uses id 1 too.
printf '%s' "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"$protocol_version\",\"capabilities\":{},\"clientInfo\":{\"name\":\"gateway-overhead-bench\",\"version\":\"1.0.0\"}}}" >"$init_file"
fixed_result='{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"ok"}],"isError":false}}'
# A Salesforce token response (no expires_in; issued_at in ms) whose JWT access token expires in
# 2100: the gateway reads exp and serves the token from memory for the whole run.
b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
bench_jwt="$(printf '%s' '{"alg":"HS256","typ":"JWT"}' | b64url).$(printf '%s' '{"sub":"005000000000001AAA","exp":4102444800,"iat":1700000000}' | b64url).$(printf 'bench-signature' | b64url)"
token_response="{\"access_token\":\"$bench_jwt\",\"instance_url\":\"http://127.0.0.1\",\"id\":\"http://127.0.0.1/id/00D000000000001AAA/005000000000001AAA\",\"token_type\":\"Bearer\",\"issued_at\":\"1700000000000\",\"signature\":\"c2ln\"}"

# ---------------------------------------------------------------------------------------------
# Build
# ---------------------------------------------------------------------------------------------
# Builds a project in Release and sets REPLY to the path of its dll.
build_project() {
  local project="$1" name="$2"
  log "building $name (Release)"
  if ! (cd "$repo" && dotnet build -c Release --nologo -v q -nodeReuse:false -p:UseSharedCompilation=false "$project") >"$work/build-$name.log" 2>&1; then
    tail -n 40 "$work/build-$name.log" >&2
    die "building $project failed"
  fi
  REPLY="$(cd "$repo" && dotnet msbuild "$project" -getProperty:TargetPath -p:Configuration=Release)"
  [[ -f "$REPLY" ]] || die "build of $project produced no $REPLY"
}

need_bare=0
need_proxy=0
for t in "${targets[@]}"; do
  [[ "$t" == bare ]] && need_bare=1
  [[ "$t" == nginx ]] && need_proxy=1
done
if (( need_bare )); then
  build_project tests/Gateway.Overhead/BareForwarder/BareForwarder.csproj bare
  bare_dll="$REPLY"
fi
if (( need_gateway )); then
  build_project src/Gateway/Gateway.csproj gateway
  gateway_dll="$REPLY"
fi

# ---------------------------------------------------------------------------------------------
# Servers
# ---------------------------------------------------------------------------------------------
# Writes an nginx prefix directory with the given http{} body and starts nginx in the foreground
# (daemon off) as a background job of this script.
start_nginx() {
  local name="$1" workers="$2" http_body="$3" prefix="$work/$1"
  mkdir -p "$prefix/conf" "$prefix/logs" "$prefix/tmp"
  cat >"$prefix/conf/nginx.conf" <<EOF
daemon off;
worker_processes $workers;
pid logs/nginx.pid;
error_log logs/error.log warn;
events {
    worker_connections 4096;
}
http {
    access_log off;
    server_tokens off;
    # nginx closes a client connection after 1000 requests by default; Kestrel and wrk do not.
    keepalive_requests 1000000;
    keepalive_timeout 75s;
    client_body_buffer_size 64k;
    client_body_temp_path tmp/body;
    proxy_temp_path tmp/proxy;
    fastcgi_temp_path tmp/fastcgi;
    uwsgi_temp_path tmp/uwsgi;
    scgi_temp_path tmp/scgi;
$http_body
}
EOF
  nginx -p "$prefix" -c conf/nginx.conf -e logs/error.log -t >"$work/$name.log" 2>&1 \
    || { show_log "$name"; die "nginx configuration for $name is invalid"; }
  nginx -p "$prefix" -c conf/nginx.conf -e logs/error.log >>"$work/$name.log" 2>&1 &
  pid[$name]=$!
}

free_port
port[direct]="$REPLY"
# `return` makes nginx read and discard the request body before answering, so keep-alive holds.
start_nginx direct "$UPSTREAM_WORKERS" "    server {
        listen 127.0.0.1:${port[direct]} backlog=4096;
        location /mcp {
            default_type application/json;
            add_header Mcp-Session-Id $upstream_session_id always;
            return 200 '$fixed_result';
        }
        location = /services/oauth2/token {
            default_type application/json;
            return 200 '$token_response';
        }
        # An OTLP/HTTP collector stand-in (/v1/traces, /v1/metrics, /v1/logs): accepts every export and
        # keeps nothing, so a gateway given OTEL_EXPORTER_OTLP_ENDPOINT={UPSTREAM_ORIGIN} pays for exporting.
        location /v1/ {
            default_type application/x-protobuf;
            return 200 '';
        }
    }"
url[direct]="http://127.0.0.1:${port[direct]}/mcp"
session[direct]="$upstream_session_id"
wait_ready direct "${url[direct]}"

if (( need_proxy )); then
  free_port
  port[nginx]="$REPLY"
  start_nginx nginx "$NGINX_WORKERS" "    upstream mcp_upstream {
        server 127.0.0.1:${port[direct]};
        keepalive 64;
        keepalive_requests 1000000;
    }
    server {
        listen 127.0.0.1:${port[nginx]} backlog=4096;
        location /mcp {
            proxy_pass http://mcp_upstream;
            proxy_http_version 1.1;
            proxy_set_header Connection \"\";
        }
    }"
  url[nginx]="http://127.0.0.1:${port[nginx]}/mcp"
  session[nginx]="$upstream_session_id"
  wait_ready nginx "${url[nginx]}"
fi

# Starts a .NET app from its output directory (its content root, as when deployed).
start_dotnet() {
  local name="$1" dll="$2"
  shift 2
  (cd "$(dirname "$dll")" && exec env "$@" dotnet "$(basename "$dll")") >"$work/$name.log" 2>&1 &
  pid[$name]=$!
}

if (( need_bare )); then
  free_port
  port[bare]="$REPLY"
  start_dotnet bare "$bare_dll" \
    ASPNETCORE_URLS="http://127.0.0.1:${port[bare]}" \
    ASPNETCORE_ENVIRONMENT=Production \
    Logging__LogLevel__Default=Warning \
    UPSTREAM="${url[direct]}"
  url[bare]="http://127.0.0.1:${port[bare]}/mcp"
  session[bare]="$upstream_session_id"
  wait_ready bare "${url[bare]}"
fi

api_key_sha256="$(printf '%s' "$API_KEY" | sha256sum | cut -d' ' -f1)"

# Starts one gateway instance; extra arguments are additional KEY=VALUE environment entries.
start_gateway() {
  local name="$1" state="$work/$1-state"
  shift
  mkdir -p "$state"
  local -a extra=("${@//\{STATE_DIR\}/$state}")
  extra=("${extra[@]//\{UPSTREAM_ORIGIN\}/http://127.0.0.1:${port[direct]}}")
  free_port
  port[$name]="$REPLY"
  start_dotnet "$name" "$gateway_dll" \
    ASPNETCORE_URLS="http://127.0.0.1:${port[$name]}" \
    ASPNETCORE_ENVIRONMENT=Production \
    Logging__LogLevel__Default=Warning \
    Gateway__Upstream__Endpoint="${url[direct]}" \
    Gateway__Upstream__Credential__Mode=Static \
    Gateway__Upstream__Credential__StaticToken=bench-upstream-token \
    Gateway__Inbound__ApiKeys__0__Id=bench \
    Gateway__Inbound__ApiKeys__0__Sha256="$api_key_sha256" \
    Gateway__State__DataDirectory="$state" \
    "${extra[@]}"
  url[$name]="http://127.0.0.1:${port[$name]}/mcp"
  wait_ready "$name" "http://127.0.0.1:${port[$name]}/healthz/live"

  # The gateway seals the upstream's session id into its own: open a session, keep its id.
  local code sid
  code="$(curl -sS -o "$work/$name-initialize.body" -D "$work/$name-initialize.headers" -w '%{http_code}' \
    --max-time 10 -X POST "${url[$name]}" \
    -H "x-api-key: $API_KEY" \
    -H 'Accept: application/json, text/event-stream' \
    -H 'Content-Type: application/json' \
    -H "MCP-Protocol-Version: $protocol_version" \
    --data-binary "@$init_file" || true)"
  sid="$(tr -d '\r' <"$work/$name-initialize.headers" | awk -F': *' 'tolower($1) == "mcp-session-id" { print $2; exit }')"
  if [[ "$code" != 200 || -z "$sid" ]]; then
    printf -- '--- %s initialize response (HTTP %s) ---\n' "$name" "${code:-none}" >&2
    cat "$work/$name-initialize.headers" "$work/$name-initialize.body" >&2 || true
    printf '\n' >&2
    show_log "$name"
    die "$name: initialize did not return 200 with an Mcp-Session-Id header"
  fi
  session[$name]="$sid"
}

for t in "${targets[@]}"; do
  case "$t" in
    gateway)
      # GATEWAY_ENV: extra KEY=VALUE entries for the base gateway (e.g. to turn telemetry off).
      read -r -a base_env <<<"${GATEWAY_ENV:-}"
      start_gateway gateway "${base_env[@]}" ;;
    gateway+extra)
      read -r -a extra_env <<<"$GATEWAY_EXTRA_ENV"
      for kv in "${extra_env[@]}"; do
        [[ "$kv" == *=* ]] || die "GATEWAY_EXTRA_ENV entries must be KEY=VALUE, got '$kv'"
      done
      start_gateway gateway+extra "${extra_env[@]}" ;;
  esac
done

# One request per target before any load: it must answer 200 with the upstream's result, so a
# target that fails cannot report a fast number.
for t in "${targets[@]}"; do
  code="$(curl -sS -o "$work/check-$t.body" -D "$work/check-$t.headers" -w '%{http_code}' \
    --max-time 10 -X POST "${url[$t]}" \
    -H "x-api-key: $API_KEY" \
    -H 'Accept: application/json, text/event-stream' \
    -H 'Content-Type: application/json' \
    -H "MCP-Protocol-Version: $protocol_version" \
    -H "Mcp-Session-Id: ${session[$t]}" \
    --data-binary "@$body_file" || true)"
  if [[ "$code" != 200 ]] || ! grep -q '"isError":false' "$work/check-$t.body"; then
    printf -- '--- %s tools/call response (HTTP %s) ---\n' "$t" "${code:-none}" >&2
    cat "$work/check-$t.headers" "$work/check-$t.body" >&2 || true
    printf '\n' >&2
    show_log "$t"
    die "$t did not answer the tools/call with 200 and the upstream's result"
  fi
done

# ---------------------------------------------------------------------------------------------
# Load
# ---------------------------------------------------------------------------------------------
# wrk prints latencies as 812.00us / 1.23ms / 1.02s / 1.50m; converts one to microseconds.
to_us() {
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    if (u == "us") f = 1; else if (u == "ms") f = 1000; else if (u == "s") f = 1000000;
    else if (u == "m") f = 60000000; else if (u == "h") f = 3600000000; else { print "NaN"; exit }
    printf "%.1f", n * f }'
}

clk_tck="$(getconf CLK_TCK)"

# CPU time (clock ticks, user + system) used so far by target T's server: the .NET process, or the
# nginx master and its workers. For direct that is the upstream; for a proxy, the proxy alone.
cpu_ticks() {
  local root="${pid[$1]}" p total=0 ticks
  for p in "$root" $(pgrep -P "$root" || true); do
    # Fields after the ")" closing the command name: state is 1st, utime 12th, stime 13th.
    ticks="$(awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$p/stat" 2>/dev/null || echo 0)"
    total=$((total + ${ticks:-0}))
  done
  echo "$total"
}

# Runs wrk against target T for D seconds; with "measure", appends a results row for round R.
run_wrk() {
  local t="$1" d="$2" mode="$3" r="${4:-0}" out="$work/wrk-$1-$2-$3-${4:-0}.txt"
  local ticks_before ticks_after
  ticks_before="$(cpu_ticks "$t")"
  if ! BENCH_BODY_FILE="$body_file" BENCH_API_KEY="$API_KEY" BENCH_SESSION_ID="${session[$t]}" \
      timeout --foreground $((d + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${d}s" --latency -s "$here/post.lua" "${url[$t]}" \
      >"$out" 2>&1; then
    cat "$out" >&2
    die "wrk against $t failed"
  fi
  ticks_after="$(cpu_ticks "$t")"
  local requests non2xx socket_errors rps p50 p99
  requests="$(awk '/requests in/ { print $1; exit }' "$out")"
  non2xx="$(awk -F': *' '/Non-2xx or 3xx responses/ { print $2; exit }' "$out")"
  socket_errors="$(awk '/Socket errors/ { gsub(/,/, ""); print $4 + $6 + $8 + $10; exit }' "$out")"
  rps="$(awk '/^Requests\/sec/ { print $2; exit }' "$out")"
  p50="$(awk '$1 == "50%" { print $2; exit }' "$out")"
  p99="$(awk '$1 == "99%" { print $2; exit }' "$out")"
  if [[ -z "$requests" || "$requests" == 0 || -z "$rps" || -z "$p50" || -z "$p99" ]]; then
    cat "$out" >&2
    die "wrk against $t completed no requests (or its output was not understood)"
  fi
  if [[ -n "$non2xx" && "$non2xx" != 0 ]]; then
    cat "$out" >&2
    show_log "$t"
    die "$t answered $non2xx of $requests requests with a non-2xx status"
  fi
  if [[ -n "$socket_errors" && "$socket_errors" != 0 ]]; then
    cat "$out" >&2
    show_log "$t"
    die "$t had $socket_errors socket errors (connect/read/write/timeout) under load"
  fi
  if [[ "$mode" == measure ]]; then
    local cpu_us
    cpu_us="$(awk -v t=$((ticks_after - ticks_before)) -v hz="$clk_tck" -v n="$requests" 'BEGIN { printf "%.1f", t * 1000000 / hz / n }')"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$t" "$rps" "$(to_us "$p50")" "$(to_us "$p99")" "$requests" "$cpu_us" \
      >>"$work/closed.tsv"
  fi
}

# Fixed-rate phase: FIXED_CLIENTS HTTP/1.1 connections share FIXED_RATE requests/s for FIXED_DURATION
# s. One h2load process per connection, started a fraction of a period apart: a single h2load fires
# every client's --rps timer in the same tick, which sends the requests in bursts and measures the
# queueing of the burst. Percentiles come from h2load's per-request logs.
run_fixed() {
  local t="$1" r="$2" reqlog="$work/h2load-$1-$2.tsv"
  local per_client=$((FIXED_RATE / FIXED_CLIENTS)) k
  local stagger
  stagger="$(awk -v r="$FIXED_RATE" 'BEGIN { printf "%.6f", 1 / r }')"
  local -a jobs=()
  for k in $(seq 1 "$FIXED_CLIENTS"); do
    timeout $((FIXED_DURATION + 30)) h2load --h1 -t 1 -c 1 --rps "$per_client" \
      -D "$FIXED_DURATION" -d "$body_file" \
      -H "x-api-key: $API_KEY" \
      -H 'Accept: application/json, text/event-stream' \
      -H 'Content-Type: application/json' \
      -H "MCP-Protocol-Version: $protocol_version" \
      -H "Mcp-Session-Id: ${session[$t]}" \
      --log-file "$reqlog.$k" "${url[$t]}" >"$work/h2load-$t-$r.$k.txt" 2>&1 &
    jobs+=("$!")
    helpers+=("$!")
    sleep "$stagger"
  done
  for k in "${!jobs[@]}"; do
    if ! wait "${jobs[$k]}"; then
      cat "$work/h2load-$t-$r.$((k + 1)).txt" >&2
      die "h2load against $t failed"
    fi
  done
  helpers=()
  cat "$reqlog".* >"$reqlog"
  local out="$work/h2load-$t-$r.1.txt"
  # Columns: start (us since epoch), status (-1 = failed stream), duration (us).
  local n bad
  n="$(wc -l <"$reqlog")"
  bad="$(awk -F'\t' '$2 != 200 { bad++ } END { print bad + 0 }' "$reqlog")"
  if [[ "$n" == 0 ]]; then
    cat "$out" >&2
    die "h2load against $t completed no requests"
  fi
  if [[ "$bad" != 0 ]]; then
    cat "$out" >&2
    show_log "$t"
    die "$t answered $bad of $n fixed-rate requests with a status other than 200"
  fi
  cut -f3 "$reqlog" >"$reqlog.durations"
  sort -n "$reqlog.durations" | awk -v n="$n" -v d="$FIXED_DURATION" -v r="$r" -v t="$t" '
    { v[NR] = $1 }
    END {
      i50 = int(n * 0.50 + 0.999999); if (i50 < 1) i50 = 1
      i99 = int(n * 0.99 + 0.999999); if (i99 < 1) i99 = 1
      printf "%s\t%s\t%.1f\t%.1f\t%.1f\t%d\n", r, t, n / d, v[i50], v[i99], n
    }' >>"$work/fixed.tsv"
}

: >"$work/closed.tsv"
: >"$work/fixed.tsv"

print_round() {
  local r="$1" fixed_note="fixed rate off"
  if (( FIXED_RATE > 0 )); then
    fixed_note="fixed rate $FIXED_RATE req/s for ${FIXED_DURATION}s"
  fi
  printf '\nRound %s/%s  (wrk -t%s -c%s -d%ss; %s)\n' "$r" "$ROUNDS" "$THREADS" "$CONNECTIONS" "$DURATION" "$fixed_note"
  awk -F'\t' -v r="$r" -v fixed="$work/fixed.tsv" '
    BEGIN {
      while ((getline line < fixed) > 0) {
        split(line, f, "\t"); if (f[1] == r) { fr[f[2]] = f[3]; f50[f[2]] = f[4]; f99[f[2]] = f[5] }
      }
      printf "  %-14s %9s %8s %8s %11s  |  %11s %8s %8s\n", "target", "req/s", "p50 ms", "p99 ms", "cpu us/req", "fixed req/s", "p50 ms", "p99 ms"
    }
    $1 == r {
      printf "  %-14s %9.0f %8.3f %8.3f %11.1f  |  ", $2, $3, $4 / 1000, $5 / 1000, $7
      if ($2 in fr) printf "%11.0f %8.3f %8.3f\n", fr[$2], f50[$2] / 1000, f99[$2] / 1000
      else printf "%11s %8s %8s\n", "-", "-", "-"
    }' "$work/closed.tsv"
}

log "targets: ${targets[*]}; $ROUNDS rounds, each target: ${WARMUP}s warm-up (${FIRST_WARMUP}s in round 1), ${DURATION}s closed loop, ${FIXED_DURATION}s fixed rate (FIXED_RATE=$FIXED_RATE)"
for r in $(seq 1 "$ROUNDS"); do
  # Even rounds run the targets in reverse order: the machine drifts within a round (its neighbours,
  # heat), and a target always measured last (or always right after the same one) would carry it.
  order=("${targets[@]}")
  if (( r % 2 == 0 )); then
    order=()
    for (( i = ${#targets[@]} - 1; i >= 0; i-- )); do
      order+=("${targets[i]}")
    done
  fi
  for t in "${order[@]}"; do
    warmup="$WARMUP"
    if (( r == 1 )); then
      warmup="$FIRST_WARMUP"
    fi
    if (( warmup > 0 )); then
      run_wrk "$t" "$warmup" warmup
    fi
    run_wrk "$t" "$DURATION" measure "$r"
    if (( FIXED_RATE > 0 )); then
      run_fixed "$t" "$r"
    fi
  done
  print_round "$r"
done

# ---------------------------------------------------------------------------------------------
# Summary: medians across rounds. Ratios and added latencies are taken within each round (the two
# sides measured at most a minute apart), then the median of those is shown.
# ---------------------------------------------------------------------------------------------
awk -F'\t' -v fixed="$work/fixed.tsv" -v order="${targets[*]}" -v rounds="$ROUNDS" '
  function median(list,    a, n, i, j, x) {
    n = split(list, a, " ")
    for (i = 2; i <= n; i++) { x = a[i] + 0; for (j = i - 1; j >= 1 && a[j] + 0 > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
    if (n == 0) return ""
    return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  function range(list,    a, n, i, lo, hi) {
    n = split(list, a, " "); lo = hi = a[1] + 0
    for (i = 2; i <= n; i++) { if (a[i] + 0 < lo) lo = a[i] + 0; if (a[i] + 0 > hi) hi = a[i] + 0 }
    return sprintf("%.2f-%.2f", lo, hi)
  }
  function ratio(num, den,    r, l_rps, l_p99, l_cpu) {
    if (!(num in seen) || !(den in seen)) return
    l_rps = l_p99 = l_cpu = ""
    for (r = 1; r <= rounds; r++) {
      l_rps = l_rps " " rps[r, num] / rps[r, den]
      l_p99 = l_p99 " " p99[r, num] / p99[r, den]
      if (cpu[r, den] > 0) l_cpu = l_cpu " " cpu[r, num] / cpu[r, den]
    }
    printf "  %-24s %-22s %-22s %s\n", num "/" den, sprintf("%.2f (%s)", median(l_rps), range(l_rps)), \
      sprintf("%.2f (%s)", median(l_p99), range(l_p99)), sprintf("%.2f (%s)", median(l_cpu), range(l_cpu))
  }
  {
    seen[$2] = 1; rps[$1, $2] = $3; p99[$1, $2] = $5; cpu[$1, $2] = $7
    c_rps[$2] = c_rps[$2] " " $3; c50[$2] = c50[$2] " " $4; c99[$2] = c99[$2] " " $5; c_cpu[$2] = c_cpu[$2] " " $7
  }
  END {
    while ((getline line < fixed) > 0) {
      split(line, f, "\t"); fseen[f[2]] = 1; nfixed++
      f_rps[f[2]] = f_rps[f[2]] " " f[3]; f50[f[2]] = f50[f[2]] " " f[4]; f99[f[2]] = f99[f[2]] " " f[5]
      fp50[f[1], f[2]] = f[4]; fp99[f[1], f[2]] = f[5]
    }
    nt = split(order, t, " ")
    printf "\nSummary: median of %d rounds (closed loop)\n", rounds
    printf "  %-14s %9s %8s %8s %11s\n", "target", "req/s", "p50 ms", "p99 ms", "cpu us/req"
    for (i = 1; i <= nt; i++)
      printf "  %-14s %9.0f %8.3f %8.3f %11.1f\n", t[i], median(c_rps[t[i]]), median(c50[t[i]]) / 1000, median(c99[t[i]]) / 1000, median(c_cpu[t[i]])
    printf "\nRatios, per round then median (min-max over rounds)\n"
    printf "  %-24s %-22s %-22s %s\n", "", "req/s", "p99", "cpu us/req"
    ratio("gateway", "bare"); ratio("gateway", "nginx"); ratio("bare", "nginx")
    ratio("gateway+extra", "gateway"); ratio("gateway+extra", "bare"); ratio("gateway+extra", "nginx")
    if (nfixed > 0) {
      printf "\nFixed rate: median of %d rounds; added = target minus direct in the same round, median\n", rounds
      printf "  %-14s %9s %8s %8s %10s %10s\n", "target", "req/s", "p50 ms", "p99 ms", "+p50 ms", "+p99 ms"
      for (i = 1; i <= nt; i++) {
        if (!(t[i] in fseen)) continue
        a50 = a99 = "-"
        if (("direct" in fseen) && t[i] != "direct") {
          l50 = l99 = ""
          for (r = 1; r <= rounds; r++) { l50 = l50 " " fp50[r, t[i]] - fp50[r, "direct"]; l99 = l99 " " fp99[r, t[i]] - fp99[r, "direct"] }
          a50 = sprintf("%+.3f", median(l50) / 1000); a99 = sprintf("%+.3f", median(l99) / 1000)
        }
        printf "  %-14s %9.0f %8.3f %8.3f %10s %10s\n", t[i], median(f_rps[t[i]]), median(f50[t[i]]) / 1000, median(f99[t[i]]) / 1000, a50, a99
      }
    }
  }' "$work/closed.tsv"

# Peak resident memory (VmHWM) of each .NET target over the whole run: what its load cost in memory.
# nginx is left out (a master and workers; its figure would not compare).
printf '\nPeak resident memory over the run (VmHWM)\n'
for t in "${targets[@]}"; do
  [[ "$t" == direct || "$t" == nginx ]] && continue
  hwm="$(awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/${pid[$t]}/status" 2>/dev/null || true)"
  printf '  %-14s %6s MB\n' "$t" "${hwm:--}"
done

failed=0
