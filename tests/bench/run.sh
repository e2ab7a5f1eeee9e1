#!/usr/bin/env bash
# Benchmark: the Dev Forge pool against a minimal libfcgi responder with the
# same number of processes, behind the same lighttpd, measured with wrk in
# alternating rounds of one run; logins against the raw scrypt rate of this
# machine (tests/bench/scrypt-rate on every core, measured in each round).
# Prints a Markdown table for docs/PERFORMANCE.md, with the response
# cache's hit rate of the marketplace mixes (one of them download-heavy).
# Measures at two catalogue sizes in one run: the demo catalogue (51
# extensions, sql/seed) and a generated one (devforgectl demo-catalogue,
# BENCH_CATALOGUE extensions) with the targets of issue 10 at scale,
# uncached (a distinct URL per request), and prints one table with both
# sizes, the memory per worker and every goal met or not met.
#
# usage: tests/bench/run.sh
# knobs: DF_BUILD_DIR (a non-sanitizer build; default: the checkout, else
#        build/), DF_WORKERS (4), BENCH_DURATION (10, seconds per wrk run),
#        BENCH_ROUNDS (3), BENCH_THREADS (2), BENCH_CONNECTIONS (64),
#        BENCH_LOGIN_CONNECTIONS (16: logins queue behind scrypt, more
#        connections only add latency), BENCH_SCRYPT_SECONDS (3),
#        BENCH_PORT (18090), BENCH_STACK_DIR (.stack/bench: removed and
#        made afresh), BENCH_MAX_LOAD (0.5: the 1-minute load average a
#        quiet machine stays under), BENCH_QUIET_WAIT (120: seconds to
#        wait for it), BENCH_ALLOW_BUSY (0; 1 runs anyway and marks the
#        table as measured on a busy machine), BENCH_CATALOGUE (60000:
#        extensions of the generated catalogue; 0 measures the demo
#        catalogue only), BENCH_CATALOGUE_STACK_DIR (BENCH_STACK_DIR-cat:
#        the second stack, which holds it), BENCH_KEEP_CATALOGUE (0; 1
#        reuses that stack when it already holds a catalogue of that size
#        instead of generating one afresh), BENCH_SCALE_ROUNDS (2: rounds
#        at the generated size), BENCH_DB_BUFFER_POOL (1G: MariaDB's buffer
#        pool for the generated catalogue's stack). Everything listens on
#        loopback only.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
STACK=$ROOT/scripts/stack.sh
# shellcheck source=tests/bench/lib.sh
. "$ROOT/tests/bench/lib.sh"

bench_stack_env bench 18090
# The demo catalogue: the marketplace targets browse and search it.
export DF_SEED=1
export DF_JOBS=0     # no periodic jobs touching the database mid-run
LOGIN_CONNS=${BENCH_LOGIN_CONNECTIONS:-16}
SCRYPT_SECS=${BENCH_SCRYPT_SECONDS:-3}
CATALOGUE=${BENCH_CATALOGUE:-60000}
KEEP_CATALOGUE=${BENCH_KEEP_CATALOGUE:-0}
# Two rounds at scale keep a default run near 15 minutes, generation
# included.
SCALE_ROUNDS=${BENCH_SCALE_ROUNDS:-2}
S0=$DF_STACK_DIR
S_CAT=${BENCH_CATALOGUE_STACK_DIR:-$S0-cat}
# The login and /me targets hammer one account from one address: the
# per-address auth limit and the per-user default limit would refuse
# them, and the access token must outlive the run.
export DEVFORGE_RATELIMIT_AUTH=1000000/min
export DEVFORGE_RATELIMIT_DEFAULT=1000000/min
export DEVFORGE_ACCESS_TOKEN_TTL=86400
BENCH_EMAIL=loadtest@bench.example
BENCH_USER=bench_login
BENCH_PASSWORD=Granite-Kettle-Orbit-42

# use_stack DIR: the stack (and its minimal responders) the next steps
# start, measure and stop.
use_stack() {
	S=$1
	export DF_STACK_DIR=$S
}
use_stack "$S0"

[[ $CATALOGUE =~ ^[0-9]+$ ]] || die "BENCH_CATALOGUE must be a whole number, not '$CATALOGUE'"
bench_check_counts DURATION ROUNDS THREADS CONNS LOGIN_CONNS SCRYPT_SECS DF_WORKERS SCALE_ROUNDS
bench_need wrk

# A busy machine hides the worker's own cost: wait for a quiet one, or
# measure anyway when told to and say so (tests/bench/lib.sh).
bench_wait_quiet

bench_build_dir
scrypt_rate=$DF_BUILD_DIR/tests/bench/scrypt-rate
[ -x "$scrypt_rate" ] ||
	die "no $scrypt_rate: run make in $DF_BUILD_DIR (it builds the scrypt-rate helper)"

bench_on_exit

# ---------------------------------------------------------------- start

# bring_up FRESH: starts the stack of use_stack (FRESH 1: from an empty
# directory) with the minimal responders beside it, and logs the bench
# account in (registering it first on a new stack): sets ACCESS.
bring_up() {
	local fresh=$1 reg code
	bench_stack_up "$fresh" 1
	# The account the login and /me targets use, registered through the
	# API like any other (so its hash has the configured cost); a kept
	# stack has it already.
	reg=$(curl -s --max-time 10 -H 'Content-Type: application/json' \
		-d "$(printf '{"email":"%s","username":"%s","password":"%s"}' \
			"$BENCH_EMAIL" "$BENCH_USER" "$BENCH_PASSWORD")" \
		-w '\n%{http_code}' "$BASE/api/v1/auth/register" || true)
	if [ "${reg##*$'\n'}" != 201 ]; then
		[ "$fresh" = 0 ] || die "registering the bench account failed: $reg"
		reg=$(curl -s --max-time 10 -H 'Content-Type: application/json' \
			-d "$LOGIN_BODY" -w '\n%{http_code}' "$BASE/api/v1/auth/login" || true)
		[ "${reg##*$'\n'}" = 200 ] || die "the bench login answers: $reg"
	fi
	ACCESS=$(sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p' <<<"${reg%$'\n'*}")
	[ -n "$ACCESS" ] || die "no access token in the register answer"
	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 \
		-H 'Content-Type: application/json' -d "$LOGIN_BODY" "$BASE/api/v1/auth/login" || true)
	[ "$code" = 200 ] || die "the bench login answers $code, not 200"
}

# worker_mem: "average maximum" private memory of the pool's workers in
# MB (Private_Clean + Private_Dirty of /proc/PID/smaps_rollup: what a
# worker holds that no other process shares).
worker_mem() {
	local sup pid kb all=()
	sup=$(cat "$S/fcgi.pid" 2>/dev/null || true)
	[[ $sup =~ ^[0-9]+$ ]] || { echo "n/a n/a"; return; }
	for pid in $(ps -o pid= --ppid "$sup"); do
		kb=$(awk '/^Private_(Clean|Dirty):/ { s += $2 } END { print s + 0 }' \
			"/proc/$pid/smaps_rollup" 2>/dev/null || echo 0)
		all+=("$kb")
	done
	[ "${#all[@]}" -gt 0 ] || { echo "n/a n/a"; return; }
	printf '%s\n' "${all[@]}" | awk '{ s += $1; if ($1 > m) m = $1 }
		END { printf "%.1f %.1f\n", s / NR / 1024, m / 1024 }'
}

LOGIN_BODY=$(printf '{"email":"%s","password":"%s"}' "$BENCH_EMAIL" "$BENCH_PASSWORD")
# A fresh stack for the demo catalogue every run: one left over from an
# interrupted run would lack the minimal mapping, and the figures should
# not depend on old data.
bring_up 1

LOGIN_LUA=$S/login.lua
cat >"$LOGIN_LUA" <<EOF
-- Written by tests/bench/run.sh: one account's right credentials, so the
-- lockout never engages and every request costs one scrypt verification.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '$LOGIN_BODY'
EOF

# The marketplace mixes: browse (list pages of every sort and category),
# one listing by slug, and search; the first two are public reads the
# workers cache, search runs both cached (the same queries again, as
# users repeat them) and uncached (a distinct query string every time, so
# every request reaches MariaDB's FULLTEXT index).
SLUGS=$(curl -s --max-time 10 "$BASE/api/v1/extensions?limit=100" |
	grep -o '"slug":"[a-z0-9-]*"' | sed 's/"slug":"\(.*\)"/\1/' | tr '\n' ' ')
[ -n "$SLUGS" ] || die "no seeded extensions (sql/seed)"
lua_list() { # NAME PATH...: a wrk script cycling over the paths
	local f=$S/$1.lua p
	shift
	{
		echo "-- Written by tests/bench/run.sh."
		echo "local paths = {"
		for p in "$@"; do printf '\t"%s",\n' "$p"; done
		echo "}"
		echo "local i = math.random(#paths)"
		echo "request = function()"
		echo "	i = i % #paths + 1"
		echo "	return wrk.format(\"GET\", paths[i])"
		echo "end"
	} >"$f"
}
browse_paths=()
for sort in popular newest rating price; do
	browse_paths+=("/api/v1/extensions?sort=$sort")
	browse_paths+=("/api/v1/extensions?sort=$sort&limit=50")
done
for cat in languages themes debuggers linters formatters snippets scm testing data-science ai keymaps other; do
	browse_paths+=("/api/v1/extensions?category=$cat")
done
browse_paths+=("/api/v1/categories" "/api/v1/extensions?price=free" "/api/v1/extensions?price=paid")
lua_list browse "${browse_paths[@]}"
ext_paths=()
for sl in $SLUGS; do ext_paths+=("/api/v1/extensions/$sl"); done
lua_list ext "${ext_paths[@]}"
WORDS=(rust python docker kubernetes "git%20blame" "markdown%20preview" vim
	emacs solarized dark jupyter haskell zig "merge%20conflicts" shellcheck
	"commit%20messages" theme debugger formatter snippets test golang)
search_paths=()
for w in "${WORDS[@]}"; do search_paths+=("/api/v1/extensions?q=$w"); done
lua_list search "${search_paths[@]}"
{
	echo "-- Written by tests/bench/run.sh: a distinct query string every time."
	printf 'local words = {'
	for w in "${WORDS[@]}"; do printf '"%s", ' "$w"; done
	echo '}'
	echo 'local n = 0'
	echo 'setup = function(thread) thread:set("tid", math.random(1000000)) end'
	echo 'request = function()'
	echo '	n = n + 1'
	echo '	return wrk.format("GET", "/api/v1/extensions?q=" .. words[n % #words + 1] .. "&nocache=" .. tid .. "-" .. n)'
	echo 'end'
} >"$S/search-uncached.lua"

# The download-heavy mix: the browse paths with one download of a free
# published version after every ten reads. Downloads are counted in
# batches and must not empty the cache: its hit rate is reported.
dl_paths=()
for sl in $(curl -s --max-time 10 "$BASE/api/v1/extensions?price=free&limit=100" |
	grep -o '"slug":"[a-z0-9-]*"' | sed 's/"slug":"\(.*\)"/\1/'); do
	v=$(curl -s --max-time 10 "$BASE/api/v1/extensions/$sl" |
		sed -n 's/.*"latest_version":"\([^"]*\)".*/\1/p')
	[ -n "$v" ] || continue
	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 \
		"$BASE/api/v1/extensions/$sl/versions/$v/download" || true)
	[ "$code" = 200 ] && dl_paths+=("/api/v1/extensions/$sl/versions/$v/download")
done
[ "${#dl_paths[@]}" -gt 0 ] || die "no downloadable seeded version for the download mix"
{
	echo "-- Written by tests/bench/run.sh: 10 browse reads, then 1 download."
	echo "local reads = {"
	for p in "${browse_paths[@]}"; do printf '\t"%s",\n' "$p"; done
	echo "}"
	echo "local dls = {"
	for p in "${dl_paths[@]}"; do printf '\t"%s",\n' "$p"; done
	echo "}"
	echo "local n, r, d = 0, math.random(#reads), 0"
	echo "request = function()"
	echo "	n = n + 1"
	echo "	if n % 11 == 0 then"
	echo "		d = d % #dls + 1"
	echo "		return wrk.format(\"GET\", dls[d])"
	echo "	end"
	echo "	r = r % #reads + 1"
	echo "	return wrk.format(\"GET\", reads[r])"
	echo "end"
} >"$S/download-mix.lua"

me_code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 \
	-H "Authorization: Bearer $ACCESS" "$BASE/api/v1/me" || true)
have_me=0
if [ "$me_code" = 200 ]; then
	have_me=1
else
	say "GET /api/v1/me answers $me_code: not measured"
fi

# The scrypt cost the workers use: the bench stack's effective
# configuration (file, defaults and environment), as devforgectl reads it.
SC_LN=$(bench_config password_scrypt_ln)
SC_R=$(bench_config password_scrypt_r)
SC_P=$(bench_config password_scrypt_p)
[[ $SC_LN =~ ^[0-9]+$ && $SC_R =~ ^[0-9]+$ && $SC_P =~ ^[0-9]+$ ]] ||
	die "no password_scrypt_* in devforgectl check-config's output"
scrypt_args=(-l "$SC_LN" -r "$SC_R" -p "$SC_P")
NPROC=$(nproc)

# ---------------------------------------------------------------- measure

# run NAME URL ROUND CONNECTIONS [WRK ARGS...]: one wrk run; appends
# "name round rps p50 p99 errors" to RESULTS.
RESULTS=$S0/bench-results.txt
CACHE_COUNTS=$S0/cache-counts.txt
: >"$RESULTS"
: >"$CACHE_COUNTS"
run() {
	local name=$1 url=$2 round=$3 conns=$4
	shift 4
	bench_wrk "$name" "$conns" "$@" "$url"
	bench_record "$name" "$round"
}

# scrypt_run ROUND: the raw hash rate with every core busy (as many
# processes as CPUs, the stack idle meanwhile); appends "scrypt round
# hashes/s ms-per-hash-on-one-core" to RESULTS.
scrypt_run() {
	local out one all
	out=$("$scrypt_rate" "${scrypt_args[@]}" -j "$NPROC" -t "$SCRYPT_SECS") ||
		die "scrypt-rate failed: $out"
	printf '%s\n' "$out" >>"$S/logs/scrypt-rate.log"
	one=$(sed -n 's/.* processes=1 .*ms_per_hash=\([0-9.]*\).*/\1/p' <<<"$out")
	all=$(sed -n "s/.* processes=$NPROC .*hashes_per_s=\([0-9.]*\).*/\1/p" <<<"$out")
	[ -n "$one" ] && [ -n "$all" ] || die "cannot read scrypt-rate's output: $out"
	printf 'scrypt %s %s %s 0 0\n' "$1" "$all" "$one" >>"$RESULTS"
	say "$(printf 'scrypt   round %s: %10s hashes/s in %s processes, %s ms per hash alone' \
		"$1" "$all" "$NPROC" "$one")"
}

# target NAME ROUND [SECONDS]: one wrk run of a target (SECONDS given:
# a warm-up, nothing recorded).
target() {
	local url conns extra=()
	case $1 in
	health) url=$BASE/health conns=$CONNS ;;
	ready) url=$BASE/api/v1/health/ready conns=$CONNS ;;
	minimal) url=$BASE/minimal/ conns=$CONNS ;;
	login) url=$BASE/api/v1/auth/login conns=$LOGIN_CONNS extra=(-s "$LOGIN_LUA") ;;
	me) url=$BASE/api/v1/me conns=$CONNS extra=(-H "Authorization: Bearer $ACCESS") ;;
	browse) url=$BASE/api/v1/extensions conns=$CONNS extra=(-s "$S/browse.lua") ;;
	ext) url=$BASE/api/v1/extensions conns=$CONNS extra=(-s "$S/ext.lua") ;;
	search) url=$BASE/api/v1/extensions conns=$CONNS extra=(-s "$S/search.lua") ;;
	search_nc) url=$BASE/api/v1/extensions conns=$CONNS extra=(-s "$S/search-uncached.lua") ;;
	dlmix) url=$BASE/api/v1/extensions conns=$CONNS extra=(-s "$S/download-mix.lua") ;;
	# At the generated catalogue's size (_L): the same kinds of target,
	# scripts from the catalogue stack's directory.
	minimal_L) url=$BASE/minimal/ conns=$CONNS ;;
	browse_L) url=$BASE/api/v1/extensions conns=$CONNS extra=(-s "$S/browse.lua") ;;
	ext_L) url=$BASE/api/v1/extensions conns=$CONNS extra=(-s "$S/ext.lua") ;;
	admin_L) url=$BASE/api/v1/admin/users conns=$CONNS
		extra=(-s "$S/admin.lua" -H "Authorization: Bearer $ADMIN_ACCESS") ;;
	*_L) url=$BASE/api/v1/extensions conns=$CONNS extra=(-s "$S/${1%_L}.lua") ;;
	*) die "no target $1" ;;
	esac
	if [ -n "${3:-}" ]; then
		wrk -t"$THREADS" -c"$conns" -d"$3s" "${extra[@]}" "$url" >/dev/null
	else
		local before after
		before=$(cache_counts)
		run "$1" "$url" "$2" "$conns" "${extra[@]}"
		after=$(cache_counts)
		# Hits and misses during this run: "cache NAME hits misses".
		printf 'cache %s %s %s\n' "$1" "$before" "$after" |
			awk '{ print "cache-" $2, $5 - $3, $6 - $4 }' >>"$CACHE_COUNTS"
	fi
	# When wrk stops, logins it gave up on are still queued in the
	# workers (up to a second of scrypt): let them drain, or they land
	# in the next target's latency.
	if [ "$1" = login ]; then
		sleep 2
	fi
	# At scale a slow target leaves queries running after wrk is gone
	# (issue 10: a filter that matches nothing kept MariaDB busy for 15 s):
	# wait until the pool answers again, so they do not land on the next
	# target.
	if [[ $1 == *_L ]]; then
		drain
	fi
}

# drain: waits (up to 11 minutes) until readiness answers 200 within 10 s
# (a worker whose query outlived db_read_timeout answers 503 for a while).
drain() {
	local i
	for ((i = 0; i < 60; i++)); do
		curl -sf -o /dev/null --max-time 10 "$BASE/api/v1/health/ready" && return 0
		sleep 1
	done
	say "warning: the pool was still busy 10 minutes after a target"
}

targets=(health ready minimal login browse ext search search_nc dlmix)
[ "$have_me" = 1 ] && targets+=(me)

# cache_counts: "hits misses" of the response cache, from the metrics.
cache_counts() {
	{ curl -s --max-time 60 "$BASE/api/v1/metrics" || true; } | awk '
		/^devforge_cache_hits_total / { h = $2 }
		/^devforge_cache_misses_total / { m = $2 }
		END { printf "%d %d\n", h, m }'
}

say "warming up"
for t in "${targets[@]}"; do
	target "$t" 0 2
done

say "$ROUNDS rounds of ${DURATION}s per target, $THREADS threads, $CONNS connections ($LOGIN_CONNS for logins)"
n=${#targets[@]}
for ((r = 1; r <= ROUNDS; r++)); do
	# Alternate the order so no target always runs on the warmest caches.
	order=()
	for ((i = 0; i < n; i++)); do
		if ((r % 2)); then order+=("$i"); else order+=($((n - 1 - i))); fi
	done
	scrypt_run "$r"
	for i in "${order[@]}"; do
		target "${targets[$i]}" "$r"
	done
done

# Memory after the demo catalogue's rounds (the cache as full as they made it).
read -r MEM_AVG MEM_MAX <<<"$(worker_mem)"

# ---------------------------------------------------------------- at scale

# The same stack again with a generated catalogue of CATALOGUE extensions,
# and the targets of issue 10 at that size. Generated once into its own
# stack directory; with BENCH_KEEP_CATALOGUE=1 a directory that already
# holds a catalogue of that size is reused.
GEN_SECONDS=
SCALE_KEPT=0
if [ "$CATALOGUE" -gt 0 ]; then
	say "stopping the demo-catalogue stack"
	"$STACK" stop >&2
	bench_minimal_down "$S"
	started=0
	# 60,000 extensions with their versions, users and rollups are about
	# 1 GB of InnoDB pages: a stack's default 64M pool would measure the
	# disk, not the statements.
	export DF_DB_BUFFER_POOL=${BENCH_DB_BUFFER_POOL:-1G}
	use_stack "$S_CAT"
	fresh=1
	if [ "$KEEP_CATALOGUE" = 1 ] && [ -d "$S/mysql" ]; then
		bring_up 0
		have=$(bench_sql "SELECT COUNT(*) FROM extensions WHERE slug LIKE 'gen-%'" || echo 0)
		if [ "$have" = "$CATALOGUE" ]; then
			fresh=0
			SCALE_KEPT=1
			say "reusing the catalogue of $have extensions in $S"
		else
			say "$S holds $have generated extensions, not $CATALOGUE: generating afresh"
		fi
	fi
	if [ "$fresh" = 1 ]; then
		bring_up 1
		say "generating $CATALOGUE extensions (devforgectl demo-catalogue)"
		t_gen=$(date +%s.%N)
		"$DF_BUILD_DIR/devforgectl" -c "$S/devforge.conf" demo-catalogue \
			--extensions "$CATALOGUE" >"$S/logs/demo-catalogue.log" 2>&1 || {
			cat "$S/logs/demo-catalogue.log" >&2
			die "devforgectl demo-catalogue failed"
		}
		GEN_SECONDS=$(awk -v a="$t_gen" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", b - a }')
		say "generated in ${GEN_SECONDS}s"
		# Workers started before the catalogue existed: start them
		# again, so nothing they hold predates it.
		bring_up 0
	fi
	# The admin user search needs an admin: the bench account, promoted
	# and logged in again (the token carries the role).
	"$DF_BUILD_DIR/devforgectl" -c "$S/devforge.conf" create-admin --promote \
		--username "$BENCH_USER" >>"$S/logs/ctl.log" 2>&1 || die "promoting $BENCH_USER failed"
	reg=$(curl -s --max-time 10 -H 'Content-Type: application/json' \
		-d "$LOGIN_BODY" "$BASE/api/v1/auth/login" || true)
	ADMIN_ACCESS=$(sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p' <<<"$reg")
	[ -n "$ADMIN_ACCESS" ] || die "no access token for the promoted bench account: $reg"

	# What the scripts draw from: every generated slug, the vocabulary's
	# 2,000 most common words (the ones people search for), and the
	# categories.
	bench_sql "SELECT slug FROM extensions WHERE slug LIKE 'gen-%' AND status = 'published'" \
		>"$S/slugs.txt"
	[ "$(wc -l <"$S/slugs.txt")" -ge 200 ] || die "the generated catalogue has under 200 slugs"
	"$DF_BUILD_DIR/devforgectl" demo-catalogue --vocabulary | head -2000 >"$S/words.txt"
	lua_table() { # NAME FILE: a Lua table of the file's lines
		printf 'local %s = {\n' "$1"
		sed 's/.*/\t"&",/' "$2"
		echo '}'
	}
	# uncached_lua NAME BODY: a wrk script whose request() builds a path
	# from BODY (Lua, returning the path); "&nocache=<thread>-<n>" makes
	# every URL distinct, so the response cache can answer none.
	uncached_lua() {
		{
			echo "-- Written by tests/bench/run.sh: a distinct URL every request."
			lua_table words "$S/words.txt"
			lua_table slugs "$S/slugs.txt"
			echo 'local cats = {"languages", "themes", "debuggers", "linters", "formatters", "snippets", "scm", "testing", "data-science", "ai", "keymaps", "other"}'
			echo 'local sorts = {"popular", "newest", "rating", "price"}'
			echo 'local n = 0'
			echo 'setup = function(thread) thread:set("tid", math.random(1000000)) end'
			echo 'local function pick(t) return t[math.random(#t)] end'
			echo 'request = function()'
			echo '	n = n + 1'
			echo '	local nc = "nocache=" .. tid .. "-" .. n'
			printf '%s\n' "$2"
			echo 'end'
		} >"$S/$1.lua"
	}
	uncached_lua search2 '	return wrk.format("GET", "/api/v1/extensions?q=" .. pick(words) .. "%20" .. pick(words) .. "&" .. nc)'
	uncached_lua nomatch '	if n % 2 == 0 then return wrk.format("GET", "/api/v1/extensions?category=no-such-" .. n .. "&" .. nc) end
	return wrk.format("GET", "/api/v1/extensions?tag=no-such-" .. n .. "&" .. nc)'
	uncached_lua filter '	return wrk.format("GET", "/api/v1/extensions?category=" .. pick(cats) .. "&sort=" .. pick(sorts) .. "&min_rating=" .. (30 + math.random(0, 15)) / 10 .. "&" .. nc)'
	uncached_lua slug '	return wrk.format("GET", "/api/v1/extensions/" .. pick(slugs) .. "?" .. nc)'
	uncached_lua sorts '	if n % 5 == 0 then return wrk.format("GET", "/api/v1/extensions?sort=relevance&q=" .. pick(words) .. "&" .. nc) end
	return wrk.format("GET", "/api/v1/extensions?sort=" .. pick(sorts) .. "&" .. nc)'
	uncached_lua admin '	return wrk.format("GET", "/api/v1/admin/users?q=gen-u" .. math.random(1, 200000) .. "&" .. nc)'

	# Cursor walks: page 1 and page 500 of the popular list, 20 a page,
	# the cursor of page 500 found by walking there once.
	cursor=
	for ((p = 1; p < 500; p++)); do
		page=$(curl -s --max-time 10 "$BASE/api/v1/extensions?sort=popular&limit=20${cursor:+&cursor=$cursor}")
		cursor=$(sed -n 's/.*"next_cursor":"\([^"]*\)".*/\1/p' <<<"$page")
		[ -n "$cursor" ] || die "the popular list ends before page 500 (at page $p)"
	done
	uncached_lua cursor1 '	return wrk.format("GET", "/api/v1/extensions?sort=popular&limit=20&" .. nc)'
	uncached_lua cursor500 "	return wrk.format(\"GET\", \"/api/v1/extensions?sort=popular&limit=20&cursor=$cursor&\" .. nc)"

	# Update checks of 200 installed extensions: 16 bodies of 200 slugs
	# each, at their first version, so most have an update.
	{
		echo "-- Written by tests/bench/run.sh: POST /extensions/updates, 200 installed."
		echo 'wrk.method = "POST"'
		echo 'wrk.headers["Content-Type"] = "application/json"'
		echo 'local bodies = {'
		for b in $(seq 1 16); do
			body=$(printf '{"engine":"1.90.0","installed":['
				awk -v seed="$b" 'BEGIN { srand(seed) } { s[NR] = $0 }
					END { for (i = 0; i < 200; i++) printf "%s{\"slug\":\"%s\",\"version\":\"1.0.0\"}",
						(i ? "," : ""), s[int(rand() * NR) + 1] }' "$S/slugs.txt"
				printf ']}')
			[ "$b" = 1 ] && printf '%s' "$body" >"$S/update-body.json"
			printf "\t'%s',\n" "$body"
		done
		echo '}'
		echo 'local n = 0'
		echo 'request = function()'
		echo '	n = n + 1'
		echo '	return wrk.format(nil, "/api/v1/extensions/updates", nil, bodies[n % #bodies + 1])'
		echo 'end'
	} >"$S/updates.lua"
	# The cached mixes again, at this size: the browse paths of the demo
	# run and 100 generated listings.
	lua_list browse "${browse_paths[@]}"
	gen_ext_paths=()
	for sl in $(head -100 "$S/slugs.txt"); do gen_ext_paths+=("/api/v1/extensions/$sl"); done
	lua_list ext "${gen_ext_paths[@]}"

	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -H 'Content-Type: application/json' \
		-d @"$S/update-body.json" "$BASE/api/v1/extensions/updates")
	[ "$code" = 200 ] || die "the update check answers $code, not 200"
	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 \
		-H "Authorization: Bearer $ADMIN_ACCESS" "$BASE/api/v1/admin/users?q=gen-u1")
	[ "$code" = 200 ] || die "the admin user search answers $code, not 200"

	scale_targets=(minimal_L browse_L ext_L search2_L nomatch_L filter_L slug_L sorts_L
		cursor1_L cursor500_L updates_L admin_L)
	say "warming up at $CATALOGUE extensions"
	for t in "${scale_targets[@]}"; do
		target "$t" 0 1
	done
	say "$SCALE_ROUNDS rounds of ${DURATION}s per target at $CATALOGUE extensions"
	n=${#scale_targets[@]}
	for ((r = 1; r <= SCALE_ROUNDS; r++)); do
		order=()
		for ((i = 0; i < n; i++)); do
			if ((r % 2)); then order+=("$i"); else order+=($((n - 1 - i))); fi
		done
		for i in "${order[@]}"; do
			target "${scale_targets[$i]}" "$r"
		done
	done
	read -r MEM_AVG_L MEM_MAX_L <<<"$(worker_mem)"
fi

# ---------------------------------------------------------------- report

# median NAME COLUMN: over the rounds (column 3 rps, 4 p50, 5 p99).
median() { awk -v n="$1" -v c="$2" '$1 == n { print $c }' "$RESULTS" | med; }
errors() { awk -v n="$1" '$1 == n { s += $6 } END { print s + 0 }' "$RESULTS"; }
# ratio NAME [BASE]: the median over the rounds of NAME's requests/s
# divided by BASE's (default: the minimal responder's) in the same round.
# Both ran in the same round, so a load elsewhere on the machine weighs
# on both sides of a ratio.
ratio() {
	awk -v n="$1" -v m="${2:-minimal}" '$1 == n { a[$2] = $3 } $1 == m { b[$2] = $3 }
		END { for (r in a) if (b[r] > 0) printf "%.3f\n", a[r] / b[r] }' "$RESULTS" |
		med | awk '{ printf "%.2f", $1 }'
}

health_rps=$(median health 3)
min_rps=$(median minimal 3)
login_rps=$(median login 3)
hash_rate=$(median scrypt 3)
hash_ms=$(median scrypt 4)
sc_desc="ln=$SC_LN, r=$SC_R, p=$SC_P, as the workers use it"
# hit_rate NAME: the response cache's hits / (hits + misses) over NAME's
# measured runs, in percent.
hit_rate() {
	awk -v n="cache-$1" '$1 == n { h += $2; m += $3 }
		END { if (h + m > 0) printf "%.1f", 100 * h / (h + m); else print "n/a" }' \
		"$CACHE_COUNTS"
}
measured() { awk -v n="$1" '$1 == n { f = 1 } END { exit !f }' "$RESULTS"; }
# cells NAME [BASE]: "req/s | p99 ms | ours/BASE" of a target, dashes
# when it was not measured.
cells() {
	if [ -n "$1" ] && measured "$1"; then
		local base=${2:-minimal}
		[[ $1 == *_L ]] && base=${2:-minimal_L}
		printf '%s | %s | %s' "$(median "$1" 3)" "$(median "$1" 5)" "$(ratio "$1" "$base")"
	else
		printf '— | — | —'
	fi
}
# ge A B / lt A B: numeric comparisons that fail on a missing figure.
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a ~ /^[0-9.]+$/ && a + 0 >= b + 0) }'; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a ~ /^[0-9.]+$/ && a + 0 < b + 0) }'; }
# verdict CHECK NAME...: "met" when CHECK holds for every measured NAME
# (and one was measured), else "**not met**".
verdict() {
	local check=$1 any=0 nm
	shift
	for nm in "$@"; do
		[ -n "$nm" ] && measured "$nm" || continue
		any=1
		$check "$nm" || { echo "**not met**"; return; }
	done
	[ "$any" = 1 ] && echo met || echo "not measured"
}
base_of() { [[ $1 == *_L ]] && echo minimal_L || echo minimal; }
ratio_ge() { ge "$(ratio "$1" "$(base_of "$1")")" "$GOAL"; }
p99_lt() { lt "$(median "$1" 5)" "$GOAL"; }
search_goal() { ge "$(ratio "$1" "$(base_of "$1")")" 0.25 && lt "$(median "$1" 5)" 20; }
cursor_goal() { lt "$(median "$1" 5)" 20 && ge "$(median cursor500_L 3)" "$(awk -v r="$(median cursor1_L 3)" 'BEGIN { print r * 0.8 }')"; }
g() { GOAL=$1; shift; verdict "$@"; }
L=${CATALOGUE}
[ "$CATALOGUE" -gt 0 ] || L="(none)"
row() { # LABEL PATH NAME51 NAMEL GOAL VERDICT
	printf '| %s | %s | %s | %s | %s | %s |\n' "$1" "$2" "$(cells "$3")" "$(cells "$4")" "$5" "$6"
}
if [ "$have_me" = 1 ]; then me_name=me; else me_name=; fi
mem_ok() { lt "$1" 8 && echo met || echo "**not met**"; }
hit_ok() { ge "$1" 90.01 && echo met || echo "**not met**"; }
rev=$(bench_rev)
LOAD_END=$(load1)
busy_line=
if [ "$BUSY" = 1 ]; then
	busy_line=$'\n'"**Busy machine: the load average was over $MAX_LOAD when the run began; these ratios flatter our own cost.**"
fi
cpu=$(bench_cpu)
if [ "$CATALOGUE" -gt 0 ]; then
	if [ "$SCALE_KEPT" = 1 ]; then
		gen_line="The generated catalogue ($CATALOGUE extensions, devforgectl demo-catalogue) was reused from $S_CAT (BENCH_KEEP_CATALOGUE=1)."
	else
		gen_line="The generated catalogue ($CATALOGUE extensions, $((CATALOGUE * 10)) versions, $((CATALOGUE * 10 / 3)) users) took ${GEN_SECONDS}s to generate (devforgectl demo-catalogue)."
	fi
else
	gen_line="No generated catalogue (BENCH_CATALOGUE=0)."
fi

cat <<EOF

### Benchmark $(date -u +%Y-%m-%d) (commit $rev)

lighttpd $(bench_lighttpd_version), $DF_WORKERS FastCGI processes on each side,
wrk -t$THREADS -c$CONNS -d${DURATION}s --latency on loopback, median of $ROUNDS alternating rounds
($SCALE_ROUNDS at $L extensions), $(nproc) CPUs ($cpu), load generator on the same machine.
Load average (1 min) $LOAD_START before the run, $LOAD_END after it (the run's own load).$busy_line
$gen_line

| target | path | 51: req/s | 51: p99 ms | 51: ours/minimal | $L: req/s | $L: p99 ms | $L: ours/minimal | goal | |
|---|---|---:|---:|---:|---:|---:|---:|---|---|
$(row "Liveness" "\`/health\`" health "" "≥ 0.90 of minimal" "$(g 0.90 ratio_ge health)")
$(row "Readiness (DB query)" "\`/api/v1/health/ready\`" ready "" "—" "")
| Login (one scrypt verification; $LOGIN_CONNS connections; ratio to the raw scrypt rate) | \`POST /api/v1/auth/login\` | $login_rps | $(median login 5) | $(ratio login scrypt) | — | — | — | ≥ 0.90 of scrypt | $(ge "$(ratio login scrypt)" 0.90 && echo met || echo "**not met**") |
$(row "Profile (JWT + user row)" "\`GET /api/v1/me\`" "$me_name" "" "≥ 0.60 of minimal" "$(g 0.60 ratio_ge $me_name)")
$(row "Browse mix (cached)" "\`GET /api/v1/extensions?sort=…&category=…\`" browse browse_L "≥ 0.80 of minimal" "$(g 0.80 ratio_ge browse browse_L)")
$(row "One listing by slug (cached)" "\`GET /api/v1/extensions/{slug}\`" ext ext_L "≥ 0.85 of minimal" "$(g 0.85 ratio_ge ext ext_L)")
$(row "Search, repeated queries (cached)" "\`GET /api/v1/extensions?q=…\`" search "" "—" "")
$(row "Search, distinct queries (51: one word; $L: two words of the vocabulary)" "\`?q=…&nocache=…\`" search_nc search2_L "≥ 0.25 of minimal, p99 < 20 ms" "$(verdict search_goal search_nc search2_L)")
$(row "Browse with 1 download per 10 reads" "browse mix + \`…/download\`" dlmix "" "hit rate > 90 %: $(hit_rate dlmix) %" "$(hit_ok "$(hit_rate dlmix)")")
$(row "A category or a tag that matches nothing" "\`?category=no-such-…\`, \`?tag=no-such-…\`" "" nomatch_L "p99 < 5 ms" "$(g 5 p99_lt nomatch_L)")
$(row "Real category + sort + min_rating (uncached)" "\`?category=…&sort=…&min_rating=…\`" "" filter_L "p99 < 20 ms" "$(g 20 p99_lt filter_L)")
$(row "One listing by slug (random, uncached)" "\`GET /api/v1/extensions/{slug}?nocache=…\`" "" slug_L "≥ 0.5 of minimal" "$(g 0.5 ratio_ge slug_L)")
$(row "Pages of every sort (uncached; relevance with q)" "\`?sort=popular|newest|rating|price|relevance\`" "" sorts_L "p99 < 20 ms" "$(g 20 p99_lt sorts_L)")
$(row "Cursor walk: page 1 (uncached)" "\`?sort=popular&limit=20\`" "" cursor1_L "p99 < 20 ms" "$(g 20 p99_lt cursor1_L)")
$(row "Cursor walk: page 500 (uncached)" "\`?sort=popular&limit=20&cursor=…\`" "" cursor500_L "p99 < 20 ms, ≥ 0.8 of page 1's req/s" "$(verdict cursor_goal cursor500_L)")
$(row "Update check, 200 installed" "\`POST /api/v1/extensions/updates\`" "" updates_L "p99 < 20 ms" "$(g 20 p99_lt updates_L)")
$(row "Admin user search" "\`GET /api/v1/admin/users?q=…\`" "" admin_L "p99 < 20 ms" "$(g 20 p99_lt admin_L)")
$(row "minimal libfcgi responder" "\`/minimal/\`" minimal minimal_L "" "")
| Private memory per worker after the run, average / largest (MB) | smaps_rollup | $MEM_AVG / $MEM_MAX | | | ${MEM_AVG_L:-—} / ${MEM_MAX_L:-—} | | | < 8 MB | $(mem_ok "$MEM_MAX")${MEM_MAX_L:+ / $(mem_ok "$MEM_MAX_L")} |
| Response-cache hit rate: browse mix / by slug (%) | metrics | $(hit_rate browse) / $(hit_rate ext) | | | $(hit_rate browse_L) / $(hit_rate ext_L) | | | browse > 90 % | $(hit_ok "$(hit_rate browse)")$( [ "$CATALOGUE" -gt 0 ] && echo " / $(hit_ok "$(hit_rate browse_L)")") |

Medians over the rounds; "ours / minimal" is the median of the per-round
ratios of requests/s to the minimal responder measured in the same round
at the same catalogue size. Errors (non-2xx answers plus socket errors)
over all rounds: $(awk '{ e[$1] += $6 } END { for (n in e) if (e[n] > 0) { printf "%s%s %d", (k++ ? "; " : ""), n, e[n] }
	if (!k) printf "none" }' "$RESULTS").
Uncached targets put a distinct \`nocache=\` parameter on every request,
so the response cache answers none of them.

Raw scrypt rate ($sc_desc), measured in every round by
tests/bench/scrypt-rate in $NPROC processes while the stack was idle:
$hash_rate hashes/s on all cores, $hash_ms ms per hash on one core.
Response-cache hit rates: repeated searches $(hit_rate search) %, distinct
searches $(hit_rate search_nc) %.
EOF
