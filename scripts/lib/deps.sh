# Debian 12 packages the build, the tests and the development stack need,
# and how to install the missing ones. Sourced by scripts/up and scripts/test:
#   . scripts/lib/deps.sh; df_deps_install   (or df_deps_missing to list)

# One list for everything: compilers and autotools, the libraries' -dev
# packages, Criterion and libcurl for the tests, clang with its sanitizer
# and fuzzer runtime, the servers of the stack, the benchmark client, and
# npm for the OpenAPI conformance tools (tests/conformance/run.sh) and the
# Stripe stand-in (tests/stripe/, Node 18 or newer: Debian 12 has 18),
# Chromium for the browser tests (tests/browser/run.sh drives it headless),
# systemd for systemd-analyze, -sysusers and -tmpfiles (tests/units-verify.sh;
# configure reads the unit directories from its systemd.pc).
DF_DEPS_PACKAGES=(
	build-essential autoconf automake libtool pkg-config
	libfcgi-dev libjson-c-dev libmariadb-dev libjwt-dev libssl-dev libzip-dev
	libcriterion-dev libcurl4-openssl-dev
	libxapian-dev libxapian30 g++
	clang-14 libclang-rt-14-dev llvm-14 valgrind
	mariadb-server mariadb-client
	lighttpd spawn-fcgi apache2 libapache2-mod-fcgid libapache2-mod-xsendfile
	wrk curl openssl
	chromium
	systemd
)
# promtool (in Debian's prometheus package, which has no promtool-only
# package) and jq for tests/promtool/run.sh: the alert rules, their unit
# tests, the scrape config and the Grafana dashboard. The install blocks
# the prometheus service's start like the other servers' (policy-rc.d).
DF_DEPS_PACKAGES+=(prometheus jq)
# npm for the conformance tools, from Debian unless a Node.js with its npm is
# installed already: a vendor's nodejs package (NodeSource's) brings npm
# itself and conflicts with Debian's npm package.
if ! command -v npm >/dev/null 2>&1; then
	DF_DEPS_PACKAGES+=(nodejs npm)
fi

# Prints the packages of DF_DEPS_PACKAGES (or of the arguments) that are not
# installed, one a line. dpkg's status, not the mere presence of a record:
# a package removed with its config files left behind counts as missing.
df_deps_missing() {
	local p st
	if [ "$#" -eq 0 ]; then
		set -- "${DF_DEPS_PACKAGES[@]}"
	fi
	for p in "$@"; do
		st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
		if [ "$st" != "installed" ]; then
			printf '%s\n' "$p"
		fi
	done
}

# Installs what df_deps_missing lists, as root or through sudo. Returns 0
# at once when nothing is missing (no apt-get run, no root needed).
df_deps_install() {
	local missing sudo=()
	mapfile -t missing < <(df_deps_missing "$@")
	if [ "${#missing[@]}" -eq 0 ]; then
		return 0
	fi
	echo "deps: installing ${missing[*]}" >&2
	if [ "$(id -u)" -ne 0 ]; then
		if ! command -v sudo >/dev/null 2>&1; then
			echo "deps: missing packages and not root, no sudo: run as root" >&2
			return 1
		fi
		sudo=(sudo)
	fi
	# Installing mariadb-server, apache2 and lighttpd would start their
	# system services (two of them on port 80); the stack runs private
	# instances instead. policy-rc.d exit 101 tells invoke-rc.d "do not".
	local policy=/usr/sbin/policy-rc.d ours=0 rc=0
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null &&
			"${sudo[@]}" chmod 755 "$policy" && ours=1
	fi
	"${sudo[@]}" apt-get update -q &&
		"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null ||
		rc=1
	if [ "$ours" = 1 ]; then
		"${sudo[@]}" rm -f "$policy"
	fi
	[ "$rc" = 0 ] || return 1
	mapfile -t missing < <(df_deps_missing "$@")
	if [ "${#missing[@]}" -ne 0 ]; then
		echo "deps: still missing after apt-get: ${missing[*]}" >&2
		return 1
	fi
}
