# Helpers shared by the benchmark runners (tests/bench/run.sh,
# webhook.sh, license.sh, support.sh); sourced, not run. The caller sets
# -euo pipefail, ROOT, STACK (scripts/stack.sh), BASE and S (the stack
# directory) before it calls them.

say() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }

# bench_stack_env NAME PORT: the runner's stack, lighttpd in front of
# DF_WORKERS (4) workers: DF_STACK_DIR (BENCH_STACK_DIR, else
# .stack/NAME of the checkout) and DF_PORT (BENCH_PORT, else PORT),
# exported; S and BASE.
bench_stack_env() {
	export DF_STACK_DIR=${BENCH_STACK_DIR:-$ROOT/.stack/$1}
	export DF_PORT=${BENCH_PORT:-$2}
	export DF_WORKERS=${DF_WORKERS:-4}
	export DF_FRONT=lighttpd
	S=$DF_STACK_DIR
	BASE=http://127.0.0.1:$DF_PORT
}

# bench_unlimited: one client address registers everyone and asks for
# everything, and the tokens outlive the run (sign-ups, default routes,
# access tokens); the runners that need more add their own lines.
bench_unlimited() {
	export DEVFORGE_RATELIMIT_AUTH=1000000/min
	export DEVFORGE_RATELIMIT_AUTH_GLOBAL=1000000/min
	export DEVFORGE_RATELIMIT_DEFAULT=1000000/min
	export DEVFORGE_ACCESS_TOKEN_TTL=86400
}

# The knobs every runner has: seconds per wrk run, rounds, wrk's threads
# and connections.
# shellcheck disable=SC2034 # the runners read them
{
	DURATION=${BENCH_DURATION:-10}
	ROUNDS=${BENCH_ROUNDS:-3}
	THREADS=${BENCH_THREADS:-2}
	CONNS=${BENCH_CONNECTIONS:-64}
}

# bench_check_counts VAR...: each a positive integer, and at least as many
# connections as threads; dies otherwise.
bench_check_counts() {
	local v
	for v in "$@"; do
		[[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer, not '${!v}'"
	done
	[ "$CONNS" -ge "$THREADS" ] || die "BENCH_CONNECTIONS must be at least BENCH_THREADS"
}
# bench_need COMMAND...: dies unless each is installed.
bench_need() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null || die "$c is not installed"
	done
}

# The stacks a benchmark starts run no periodic jobs (scripts/stack.sh
# DF_JOBS): a pass mid-measurement would be noise.
export DF_JOBS=0

# A busy machine hides the worker's own cost (contention slows the
# baseline as much as ours, and the ratios look better than they are):
# bench_wait_quiet waits up to BENCH_QUIET_WAIT seconds (120) for the
# 1-minute load average to fall to BENCH_MAX_LOAD (0.5), then refuses to
# go on unless BENCH_ALLOW_BUSY=1, in which case the table must say so.
# Sets MAX_LOAD, LOAD_START and BUSY (1: measured on a busy machine).
MAX_LOAD=${BENCH_MAX_LOAD:-0.5}
QUIET_WAIT=${BENCH_QUIET_WAIT:-120}
load1() { cut -d' ' -f1 /proc/loadavg; }
is_quiet() { awk -v l="$(load1)" -v m="$MAX_LOAD" 'BEGIN { exit !(l <= m) }'; }
bench_wait_quiet() {
	local waited=0
	[[ $MAX_LOAD =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "BENCH_MAX_LOAD must be a number, not '$MAX_LOAD'"
	[[ $QUIET_WAIT =~ ^[0-9]+$ ]] || die "BENCH_QUIET_WAIT must be a whole number of seconds, not '$QUIET_WAIT'"
	while ! is_quiet && [ "$waited" -lt "$QUIET_WAIT" ]; do
		[ "$waited" = 0 ] && say "load average $(load1) is over $MAX_LOAD: waiting up to ${QUIET_WAIT}s for a quiet machine"
		sleep 5
		waited=$((waited + 5))
	done
	LOAD_START=$(load1)
	BUSY=0
	if ! is_quiet; then
		[ "${BENCH_ALLOW_BUSY:-0}" = 1 ] ||
			die "the machine is busy (load average $LOAD_START > $MAX_LOAD): stop what runs, or set BENCH_ALLOW_BUSY=1 to measure anyway (the table will say so)"
		BUSY=1
		say "measuring on a busy machine (load average $LOAD_START): the table says so"
	fi
}

# bench_build_dir: sets DF_BUILD_DIR (given, else the checkout or build/
# of ROOT, whichever has devforge-fcgi) and warns of a sanitizer build.
bench_build_dir() {
	local d
	if [ -z "${DF_BUILD_DIR:-}" ]; then
		for d in "$ROOT" "$ROOT/build"; do
			if [ -x "$d/devforge-fcgi" ]; then
				DF_BUILD_DIR=$d
				break
			fi
		done
	fi
	[ -n "${DF_BUILD_DIR:-}" ] && [ -x "$DF_BUILD_DIR/devforge-fcgi" ] ||
		die "no devforge-fcgi in the checkout or build/: build first, or set DF_BUILD_DIR"
	export DF_BUILD_DIR
	if grep -qs 'enable-sanitizers' "$DF_BUILD_DIR/config.log"; then
		say "warning: $DF_BUILD_DIR looks like a sanitizer build; figures will be low"
	fi
}

# to_ms VALUE: wrk prints latencies as 812.00us, 1.20ms, 1.02s or 2.00m.
to_ms() {
	awk -v v="$1" 'BEGIN {
		n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
		if (u == "us") n /= 1000; else if (u == "s") n *= 1000;
		else if (u == "m") n *= 60000;
		printf "%.2f", n }'
}

# med: the median of the numbers on stdin.
med() {
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR % 2) print v[(NR + 1) / 2];
		else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# The baseline responder (tests/bench/minimal.c) beside the workers, for
# a benchmark that measures a route as a ratio to it (tests/bench/
# license.sh). bench_minimal_up DIR N: starts N of them on DIR/minimal.sock
# (spawn-fcgi; the build dir's minimal-fcgi, else one built into DIR with
# release flags) and writes DIR/bench-lighttpd.conf, which maps /minimal/
# to them with the workers' own fastcgi options: pass it to stack.sh as
# DF_FRONT_EXTRA. bench_minimal_down DIR stops them (only processes named
# minimal-fcgi that DIR's pid file lists). Needs ROOT and DF_BUILD_DIR.
bench_minimal_up() {
	local dir=$1 n=$2 bin=$DF_BUILD_DIR/tests/bench/minimal-fcgi
	command -v spawn-fcgi >/dev/null || die "spawn-fcgi is not installed (apt-get install spawn-fcgi)"
	mkdir -p "$dir/logs"
	if [ ! -x "$bin" ]; then
		bin=$dir/minimal-fcgi
		say "building $bin"
		# shellcheck disable=SC2046
		${CC:-cc} -std=gnu11 -O2 -o "$bin" "$ROOT/tests/bench/minimal.c" \
			$(pkg-config --cflags --libs fcgi) || die "cannot build minimal.c"
	fi
	spawn-fcgi -s "$dir/minimal.sock" -M 0660 -F "$n" -P "$dir/minimal.pid" -- "$bin" \
		>>"$dir/logs/minimal.stderr" 2>&1 || die "spawn-fcgi of the minimal responder failed"
	cat >"$dir/bench-lighttpd.conf" <<CONF
# Written by tests/bench/lib.sh: the minimal responder beside the workers.
fastcgi.server += (
	"/minimal/" => ( "minimal" => (
		"socket"      => "$dir/minimal.sock",
		"check-local" => "disable",
	) ),
)
CONF
}
bench_minimal_down() {
	local dir=$1 pid
	[ -f "$dir/minimal.pid" ] || return 0
	# One pid a line; the last line may lack its newline.
	while read -r pid || [ -n "$pid" ]; do
		[[ $pid =~ ^[0-9]+$ ]] || continue
		[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = minimal-fcgi ] &&
			kill -TERM "$pid" 2>/dev/null || true
	done <"$dir/minimal.pid"
	rm -f "$dir/minimal.pid" "$dir/minimal.sock"
}

# ---------------------------------------------------------------- report
# The result lines of the side-by-side scripts (webhook.sh, license.sh)
# in $RESULTS, one a run: NAME ROUND REQ/S P50 P99 ERRORS.
# bench_median NAME COLUMN: the median of that column over NAME's rounds.
bench_median() { awk -v n="$1" -v c="$2" '$1 == n { print $c }' "$RESULTS" | med; }
# bench_errors NAME: NAME's non-2xx answers and socket errors, all rounds.
bench_errors() { awk -v n="$1" '$1 == n { s += $6 } END { print s + 0 }' "$RESULTS"; }
# bench_ratio NAME BASE: the median over the rounds of NAME's rate
# divided by BASE's in the same round.
bench_ratio() {
	awk -v n="$1" -v m="$2" '$1 == n { a[$2] = $3 } $1 == m { b[$2] = $3 }
		END { for (r in a) if (b[r] > 0) printf "%.3f\n", a[r] / b[r] }' "$RESULTS" |
		med | awk '{ printf "%.2f", $1 }'
}
# bench_goal NAME KIND LIMIT [BASE]: "met" or "**not met**" for NAME's
# median ratio to BASE (default minimal) at least LIMIT (KIND ratio_ge),
# or its median p99 below LIMIT ms (KIND p99_lt).
bench_goal() {
	local v
	case $2 in
	ratio_ge) v=$(bench_ratio "$1" "${4:-minimal}")
		awk -v a="$v" -v b="$3" 'BEGIN { exit !(a >= b) }' ;;
	p99_lt) v=$(bench_median "$1" 5)
		awk -v a="$v" -v b="$3" 'BEGIN { exit !(a < b) }' ;;
	esac && echo met || echo "**not met**"
}
# bench_answers NAME...: sets errs (the names' non-2xx answers and socket
# errors, all rounds) and answers_ok (the report's verdict on them).
bench_answers() {
	local t
	errs=0
	for t in "$@"; do errs=$((errs + $(bench_errors "$t"))); done
	if [ "$errs" = 0 ]; then
		answers_ok=met
	else
		answers_ok="**not met** ($errs non-2xx or socket errors)"
	fi
}
# bench_row LABEL WHAT NAME BASE: a Markdown table row.
bench_row() {
	printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$1" "$2" \
		"$(bench_median "$3" 3)" "$(bench_median "$3" 4)" \
		"$(bench_median "$3" 5)" "$(bench_errors "$3")" "$(bench_ratio "$3" "$4")"
}
# bench_busy_line BUSY: the report's warning when the run began busy.
bench_busy_line() {
	if [ "$1" = 1 ]; then
		printf '\n**Busy machine: the load average was over %s when the run began; the figures move with what else ran.**' "$MAX_LOAD"
	fi
}

# ---------------------------------------------------------------- stack
# bench_on_exit: on exit, stops the stack once bench_stack_up started it
# (started=1) and the minimal responders of $S (S may change meanwhile:
# run.sh's second stack).
started=0
bench_cleanup() {
	local rc=$?
	set +e
	if [ "$started" = 1 ]; then
		say "stopping the bench stack"
		"$STACK" stop >&2
	fi
	bench_minimal_down "$S"
	exit "$rc"
}
bench_on_exit() {
	trap bench_cleanup EXIT
	trap 'exit 130' INT TERM
}

# bench_stack_up FRESH MINIMAL: stops whatever ran in $S, empties it when
# FRESH is 1, starts the stack (with DF_WORKERS minimal responders on
# /minimal/ beside it when MINIMAL is 1) and checks that it answers.
bench_stack_up() {
	local fresh=$1 minimal=$2 url code urls=("$BASE/health" "$BASE/api/v1/health/ready")
	"$STACK" stop >/dev/null 2>&1 || true
	bench_minimal_down "$S"
	[ "$fresh" = 1 ] && rm -rf "$S"
	mkdir -p "$S/logs"
	started=1
	if [ "$minimal" = 1 ]; then
		say "starting $DF_WORKERS minimal responders on $S/minimal.sock"
		bench_minimal_up "$S" "$DF_WORKERS"
		DF_FRONT_EXTRA=$S/bench-lighttpd.conf "$STACK" start >&2
		urls+=("$BASE/minimal/")
	else
		"$STACK" start >&2
	fi
	for url in "${urls[@]}"; do
		code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$url" || true)
		[ "$code" = 200 ] || die "$url answers $code, not 200"
	done
}

# bench_sql SQL: as the stack database's root, tab-separated, no headers.
bench_sql() {
	mariadb --no-defaults -N -B -u root --socket="$S/mysql.sock" devforge -e "$1"
}
# bench_config KEY: KEY's value in the stack's effective configuration
# (file, defaults and environment, as devforgectl check-config reads it);
# empty when it has none.
bench_config() {
	local effective
	effective=$("$DF_BUILD_DIR/devforgectl" -c "$S/devforge.conf" check-config) ||
		die "devforgectl check-config failed: $effective"
	sed -n "s/^$1 = \(.*\)\$/\1/p" <<<"$effective"
}

# bench_api METHOD PATH TOKEN BODY_FILE|'' EXPECTED: one call; prints the
# body, dies (with the answer) on any other status.
bench_api() {
	local method=$1 path=$2 token=$3 body=$4 want=$5 out auth=() data=()
	[ -n "$token" ] && auth=(-H "Authorization: Bearer $token")
	[ -n "$body" ] && data=(-H 'Content-Type: application/json' --data-binary "@$body")
	out=$(curl -s --max-time 20 -X "$method" "${auth[@]}" "${data[@]}" \
		-w '\n%{http_code}' "$BASE$path" || true)
	[ "${out##*$'\n'}" = "$want" ] ||
		die "$method $path answers ${out##*$'\n'}, not $want: ${out%$'\n'*}"
	printf '%s\n' "${out%$'\n'*}"
}
bench_access_token() { sed -n 's/.*"access_token": *"\([^"]*\)".*/\1/p'; }
# bench_register USERNAME [EMAIL]: a new account through the API, like any
# customer (EMAIL: USERNAME@bench.example; password BENCH_PASSWORD);
# prints its access token.
BENCH_PASSWORD=Granite-Kettle-Orbit-42
bench_register() {
	printf '{"email":"%s","username":"%s","password":"%s"}' \
		"${2:-$1@bench.example}" "$1" "$BENCH_PASSWORD" >"$S/register.json"
	bench_api POST /api/v1/auth/register '' "$S/register.json" 201 | bench_access_token
}

# ---------------------------------------------------------------- measure
# bench_wrk NAME CONNS ARGS...: one wrk run (THREADS threads, DURATION
# seconds; ARGS: wrk's further options, the URL and the script's) logged to $S/logs/wrk.log; leaves its output in
# WRK_OUT and its figures in WRK_RPS, WRK_P50, WRK_P99 (as wrk prints
# them), WRK_REQS (requests answered) and WRK_ERRS (non-2xx answers and
# socket errors). Dies when it cannot read them.
bench_wrk() {
	local name=$1 conns=$2 non2xx sockerr
	shift 2
	WRK_OUT=$(wrk -t"$THREADS" -c"$conns" -d"${DURATION}s" --timeout 5s --latency "$@")
	printf '%s\n' "$WRK_OUT" >>"$S/logs/wrk.log"
	WRK_RPS=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$WRK_OUT")
	WRK_P50=$(awk '$1 == "50%" { print $2 }' <<<"$WRK_OUT")
	WRK_P99=$(awk '$1 == "99%" { print $2 }' <<<"$WRK_OUT")
	WRK_REQS=$(awk '/requests in/ { print $1 }' <<<"$WRK_OUT")
	non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' <<<"$WRK_OUT")
	sockerr=$(awk -F'[ ,]+' '/Socket errors:/ { print $4 + $6 + $8 + $10 }' <<<"$WRK_OUT")
	WRK_ERRS=$(( ${non2xx:-0} + ${sockerr:-0} ))
	[ -n "$WRK_RPS" ] && [ -n "$WRK_P50" ] && [ -n "$WRK_P99" ] && [ -n "$WRK_REQS" ] || {
		printf '%s\n' "$WRK_OUT" >&2
		die "cannot read wrk's output for $name"
	}
}
# bench_record NAME ROUND [EXTRA]: appends "NAME ROUND req/s p50 p99
# errors [EXTRA]" of the last bench_wrk (milliseconds) to RESULTS and says
# it.
bench_record() {
	printf '%s %s %s %s %s %s%s\n' "$1" "$2" "$WRK_RPS" "$(to_ms "$WRK_P50")" \
		"$(to_ms "$WRK_P99")" "$WRK_ERRS" "${3:+ $3}" >>"$RESULTS"
	say "$(printf '%-8s round %s: %10s req/s  p50 %s  p99 %s  errors %s  (load %s)' \
		"$1" "$2" "$WRK_RPS" "$WRK_P50" "$WRK_P99" "$WRK_ERRS" "$(load1)")"
}

# The report's versions, commit and CPU.
bench_lighttpd_version() { lighttpd -v 2>/dev/null | sed -n 's/^lighttpd\/\([^ ]*\).*/\1/p'; }
bench_mariadb_version() { mariadbd --version 2>/dev/null | awk '{ print $3 }'; }
bench_rev() { git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown; }
bench_cpu() { awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo; }
