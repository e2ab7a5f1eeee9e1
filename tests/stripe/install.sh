#!/usr/bin/env bash
# Installs the Stripe stand-in's one dependency (Stripe's official npm
# library, pinned in package-lock.json) into tests/stripe/node_modules.
# npm ci only when the lock file changed since the last install (the stamp
# is its copy), so scripts/stack.sh can call this at every start. No
# install scripts: the library needs none.
#
# usage: tests/stripe/install.sh
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
STAMP=$HERE/node_modules/.df-lock-stamp

die() { printf 'stripe stand-in: error: %s\n' "$*" >&2; exit 1; }

command -v node >/dev/null 2>&1 || die "node not found: install nodejs and npm (scripts/lib/deps.sh)"
major=$(node -p 'process.versions.node.split(".")[0]')
[ "$major" -ge 18 ] || die "Node.js 18 or newer is needed, this is $(node --version)"
cmp -s "$HERE/package-lock.json" "$STAMP" && exit 0

command -v npm >/dev/null 2>&1 || die "npm not found: install nodejs and npm (scripts/lib/deps.sh)"
# Two stacks started from one checkout at once must not run npm ci over
# each other.
exec 8>"$HERE/.install.lock"
flock -w 300 8 || die "another install holds $HERE/.install.lock"
cmp -s "$HERE/package-lock.json" "$STAMP" && exit 0
(cd "$HERE" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error 8>&-) ||
	die "npm ci in $HERE failed"
cp "$HERE/package-lock.json" "$STAMP"
