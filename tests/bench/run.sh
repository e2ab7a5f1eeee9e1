#!/usr/bin/env bash
# Benchmark: the Dev Forge pool against a minimal libfcgi responder with the
# same number of processes, behind the same lighttpd, measured with wrk in
# alternating rounds of one run. Prints a Markdown table for docs/PERFORMANCE.md.
#
# usage: tests/bench/run.sh
# knobs: DF_BUILD_DIR (a non-sanitizer build; default: the checkout, else
#        build/), DF_WORKERS (4), BENCH_DURATION (10, seconds per wrk run),
#        BENCH_ROUNDS (3), BENCH_THREADS (2), BENCH_CONNECTIONS (64),
#        BENCH_PORT (18090). Everything listens on loopback only.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
STACK=$ROOT/scripts/stack.sh

export DF_STACK_DIR=$ROOT/.stack/bench
export DF_PORT=${BENCH_PORT:-18090}
export DF_WORKERS=${DF_WORKERS:-4}
export DF_FRONT=lighttpd
export DF_SEED=0
DURATION=${BENCH_DURATION:-10}
ROUNDS=${BENCH_ROUNDS:-3}
THREADS=${BENCH_THREADS:-2}
CONNS=${BENCH_CONNECTIONS:-64}

S=$DF_STACK_DIR
MIN_SOCK=$S/minimal.sock
MIN_PID=$S/minimal.pid
EXTRA=$S/bench-lighttpd.conf
BASE=http://127.0.0.1:$DF_PORT

say() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }

for v in DURATION ROUNDS THREADS CONNS DF_WORKERS; do
	[[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer, not '${!v}'"
done
command -v wrk >/dev/null || die "wrk is not installed (apt-get install wrk)"

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

# ---------------------------------------------------------------- cleanup

minimal_stop() {
	local pid
	[ -f "$MIN_PID" ] || return 0
	# spawn-fcgi -F writes one pid per line; each is a minimal responder.
	# The last line has no newline.
	while read -r pid || [ -n "$pid" ]; do
		[[ $pid =~ ^[0-9]+$ ]] || continue
		if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = minimal-fcgi ]; then
			kill -TERM "$pid" 2>/dev/null || true
		fi
	done <"$MIN_PID"
	rm -f "$MIN_PID" "$MIN_SOCK"
}

started=0
cleanup() {
	local rc=$?
	set +e
	if [ "$started" = 1 ]; then
		say "stopping the bench stack"
		"$STACK" stop >&2
	fi
	minimal_stop
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- start

# A fresh stack every run: one left over from an interrupted run would lack
# the minimal mapping, and the figures should not depend on old data.
"$STACK" stop >/dev/null 2>&1 || true
minimal_stop
rm -rf "$S"
mkdir -p "$S/logs"

minimal=$DF_BUILD_DIR/tests/bench/minimal-fcgi
if [ ! -x "$minimal" ]; then
	# Not built by this build dir's Makefile: build it here, same flags
	# as a release build.
	minimal=$S/minimal-fcgi
	say "building $minimal"
	# shellcheck disable=SC2046
	${CC:-cc} -std=gnu11 -O2 -o "$minimal" "$ROOT/tests/bench/minimal.c" \
		$(pkg-config --cflags --libs fcgi) || die "cannot build minimal.c"
fi

say "starting $DF_WORKERS minimal responders on $MIN_SOCK"
spawn-fcgi -s "$MIN_SOCK" -M 0660 -F "$DF_WORKERS" -P "$MIN_PID" -- "$minimal" \
	>>"$S/logs/minimal.stderr" 2>&1 || die "spawn-fcgi of the minimal responder failed"

# Same lighttpd, same fastcgi options, another socket.
cat >"$EXTRA" <<EOF
# Written by tests/bench/run.sh: the minimal responder beside the workers.
fastcgi.server += (
	"/minimal/" => ( "minimal" => (
		"socket"      => "$MIN_SOCK",
		"check-local" => "disable",
	) ),
)
EOF
started=1
DF_FRONT_EXTRA=$EXTRA "$STACK" start >&2

for url in "$BASE/health" "$BASE/api/v1/health/ready" "$BASE/minimal/"; do
	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$url" || true)
	[ "$code" = 200 ] || die "$url answers $code, not 200"
done

# ---------------------------------------------------------------- measure

# to_ms VALUE: wrk prints latencies as 812.00us, 1.20ms, 1.02s or 2.00m.
to_ms() {
	awk -v v="$1" 'BEGIN {
		n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
		if (u == "us") n /= 1000; else if (u == "s") n *= 1000;
		else if (u == "m") n *= 60000;
		printf "%.2f", n }'
}

# run NAME URL ROUND: one wrk run; appends "name round rps p50 p99 errors"
# to RESULTS.
RESULTS=$S/bench-results.txt
: >"$RESULTS"
run() {
	local name=$1 url=$2 out rps p50 p99 non2xx sockerr
	out=$(wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --timeout 5s --latency "$url")
	printf '%s\n' "$out" >>"$S/logs/wrk.log"
	rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
	p50=$(awk '$1 == "50%" { print $2 }' <<<"$out")
	p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
	non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' <<<"$out")
	sockerr=$(awk -F'[ ,]+' '/Socket errors:/ { print $4 + $6 + $8 + $10 }' <<<"$out")
	[ -n "$rps" ] && [ -n "$p50" ] && [ -n "$p99" ] || {
		printf '%s\n' "$out" >&2
		die "cannot read wrk's output for $url"
	}
	printf '%s %s %s %s %s %s\n' "$name" "$3" "$rps" "$(to_ms "$p50")" "$(to_ms "$p99")" \
		"$(( ${non2xx:-0} + ${sockerr:-0} ))" >>"$RESULTS"
	say "$(printf '%-8s round %s: %10s req/s  p50 %s  p99 %s  errors %s' \
		"$name" "$3" "$rps" "$p50" "$p99" "$(( ${non2xx:-0} + ${sockerr:-0} ))")"
}

targets=(
	"health|$BASE/health"
	"ready|$BASE/api/v1/health/ready"
	"minimal|$BASE/minimal/"
)

say "warming up"
for t in "${targets[@]}"; do
	wrk -t"$THREADS" -c"$CONNS" -d2s "${t#*|}" >/dev/null
done

say "$ROUNDS rounds of ${DURATION}s per target, $THREADS threads, $CONNS connections"
for ((r = 1; r <= ROUNDS; r++)); do
	# Alternate the order so no target always runs on the warmest caches.
	if ((r % 2)); then
		order=(0 1 2)
	else
		order=(2 1 0)
	fi
	for i in "${order[@]}"; do
		t=${targets[$i]}
		run "${t%%|*}" "${t#*|}" "$r"
	done
done

# ---------------------------------------------------------------- report

# med: the median of the numbers on stdin.
med() {
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR % 2) print v[(NR + 1) / 2];
		else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# median NAME COLUMN: over the rounds (column 3 rps, 4 p50, 5 p99).
median() { awk -v n="$1" -v c="$2" '$1 == n { print $c }' "$RESULTS" | med; }
errors() { awk -v n="$1" '$1 == n { s += $6 } END { print s + 0 }' "$RESULTS"; }
# ratio NAME: the median over the rounds of NAME's requests/s divided by
# the minimal responder's in the same round. Each pair ran back to back,
# so a load elsewhere on the machine weighs on both sides of a ratio.
ratio() {
	awk -v n="$1" '$1 == n { a[$2] = $3 } $1 == "minimal" { b[$2] = $3 }
		END { for (r in a) if (b[r] > 0) printf "%.3f\n", a[r] / b[r] }' "$RESULTS" |
		med | awk '{ printf "%.2f", $1 }'
}

health_rps=$(median health 3)
ready_rps=$(median ready 3)
min_rps=$(median minimal 3)
rev=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)

cat <<EOF

### Benchmark $(date -u +%Y-%m-%d) (commit $rev)

lighttpd $(lighttpd -v 2>/dev/null | sed -n 's/^lighttpd\/\([^ ]*\).*/\1/p'), $DF_WORKERS FastCGI processes on each side,
wrk -t$THREADS -c$CONNS -d${DURATION}s --latency on loopback, median of $ROUNDS alternating rounds,
$(nproc) CPUs ($cpu), load generator on the same machine.

| target | path | requests/s | p50 ms | p99 ms | errors | ours / minimal |
|---|---|---:|---:|---:|---:|---:|
| Dev Forge liveness | \`/health\` | $health_rps | $(median health 4) | $(median health 5) | $(errors health) | $(ratio health) |
| Dev Forge readiness (DB query) | \`/api/v1/health/ready\` | $ready_rps | $(median ready 4) | $(median ready 5) | $(errors ready) | $(ratio ready) |
| minimal libfcgi responder | \`/minimal/\` | $min_rps | $(median minimal 4) | $(median minimal 5) | $(errors minimal) | 1.00 |

Medians over the rounds; "ours / minimal" is the median of the per-round
ratios of requests/s. Errors are non-2xx answers plus socket errors.
Goal: \`/health\` at ≥ 0.90 of the minimal responder.
EOF
