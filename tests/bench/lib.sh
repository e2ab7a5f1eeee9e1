# Helpers shared by the benchmark runners (tests/bench/run.sh,
# tests/bench/webhook.sh); sourced, not run. The caller sets -euo pipefail.

say() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }

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
