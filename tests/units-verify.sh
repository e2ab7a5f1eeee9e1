#!/usr/bin/env bash
# Checks what `make install` puts in systemd's and logrotate's directories:
# installs the units, the sysusers.d and tmpfiles.d entries, the logrotate
# file and the programs into a staging root (DESTDIR), then
#   units verify    systemd-analyze verify --root on every unit (it also
#                   checks that each Exec*= program exists in that root)
#   units sysusers  systemd-sysusers --root creates the devforge user
#   units tmpfiles  systemd-tmpfiles --root creates the directories with
#                   their owners and modes (as root only: it chowns)
#   units logrotate the logrotate file is installed and names log files
# Prints one `units NAME: ok' or `units NAME: FAILED' line each (the lines
# scripts/test counts); exits 1 when any failed.
#
# usage: tests/units-verify.sh BUILD_DIR
#   BUILD_DIR  a configured and built tree (e.g. build/)
set -u

case ${1:-} in
-h | --help)
	sed -n '14,15s/^# \{0,1\}//p' "$0"
	exit 0
	;;
'' | -*)
	echo "tests/units-verify.sh: usage: tests/units-verify.sh BUILD_DIR (try --help)" >&2
	exit 2
	;;
esac
[ $# -eq 1 ] || { echo "tests/units-verify.sh: one BUILD_DIR only" >&2; exit 2; }
build=$(cd "$1" && pwd) || exit 2
[ -f "$build/Makefile" ] || { echo "tests/units-verify.sh: $build is not configured" >&2; exit 2; }

stage=$(mktemp -d /tmp/df-units.XXXXXX)
trap 'rm -rf "$stage"' EXIT
rc=0
result() { # NAME OK(0/1) [why]
	if [ "$2" = 1 ]; then
		echo "units $1: ok"
	else
		echo "units $1: FAILED${3:+ ($3)}"
		rc=1
	fi
}

if ! make -s -C "$build" install-systemdunitDATA install-sysusersDATA \
	install-tmpfilesDATA install-logrotateDATA install-binPROGRAMS install-nobase_dist_pkgdataSCRIPTS \
	DESTDIR="$stage" >"$stage.make.log" 2>&1; then
	cat "$stage.make.log" >&2
	rm -f "$stage.make.log"
	result verify 0 "make install into $stage failed"
	exit 1
fi
rm -f "$stage.make.log"

# --------------------------------------------------------------- verify
# The units ask for systemd's own targets (sysinit.target, ...) and for
# spawn-fcgi: give the staging root the host's unit files and that one
# program; our programs are the staged ones.
mapfile -t units < <(find "$stage" \( -name 'devforge*.service' -o -name 'devforge*.timer' \) -type f | sort)
spawn=$(sed -n 's/^SPAWN_FCGI = //p' "$build/Makefile")
host_units=$(readlink -f /lib/systemd/system)
if [ "${#units[@]}" -eq 0 ]; then
	result verify 0 "no unit installed"
elif ! command -v systemd-analyze >/dev/null; then
	result verify 0 "systemd-analyze not found (apt-get install systemd)"
else
	# -n: a staged unit in the same directory wins over a host copy.
	mkdir -p "$stage/usr/lib/systemd/system"
	cp -an "$host_units/." "$stage/usr/lib/systemd/system/"
	if [ -n "$spawn" ] && [ -x "$spawn" ]; then
		install -D -m 0755 "$spawn" "$stage$spawn"
	fi
	out=$(cd "$stage" && systemd-analyze verify --root="$stage" "${units[@]}" 2>&1)
	vrc=$?
	# Messages about other units (the host's) are not ours to fix.
	ours=$(printf '%s\n' "$out" | grep -E 'devforge' || true)
	if [ "$vrc" -eq 0 ] && [ -z "$ours" ]; then
		result verify 1
	else
		printf '%s\n' "$out" >&2
		result verify 0 "systemd-analyze verify exit $vrc"
	fi
fi

# --------------------------------------------------------------- sysusers
sysusers=$(find "$stage" -path '*/sysusers.d/devforge.conf' -type f | head -1)
if [ -z "$sysusers" ]; then
	result sysusers 0 "no sysusers.d/devforge.conf installed"
else
	mkdir -p "$stage/etc"
	if systemd-sysusers --root="$stage" "$sysusers" >&2 &&
	   grep -q '^devforge:' "$stage/etc/passwd" &&
	   grep -q '^devforge:' "$stage/etc/group"; then
		result sysusers 1
	else
		result sysusers 0 "systemd-sysusers did not create devforge"
	fi
fi

# --------------------------------------------------------------- tmpfiles
tmpfiles=$(find "$stage" -path '*/tmpfiles.d/devforge.conf' -type f | head -1)
if [ -z "$tmpfiles" ]; then
	result tmpfiles 0 "no tmpfiles.d/devforge.conf installed"
elif [ "$(id -u)" -ne 0 ]; then
	echo "units tmpfiles: skipped (needs root to chown)"
else
	uid=$(awk -F: '$1 == "devforge" { print $3 }' "$stage/etc/passwd" 2>/dev/null)
	bad=
	if ! systemd-tmpfiles --root="$stage" --create "$tmpfiles" >&2; then
		bad="systemd-tmpfiles failed"
	fi
	# Every directory the file names exists with its mode and owner.
	while read -r type path mode user _; do
		case $type in d | D) ;; *) continue ;; esac
		got=$(stat -c '%a %u' "$stage$path" 2>/dev/null) || { bad="$path missing"; continue; }
		want_uid=0
		[ "$user" = devforge ] && want_uid=$uid
		[ "$got" = "${mode#0} $want_uid" ] || bad="$bad $path is '$got', want '${mode#0} $want_uid'"
	done < <(grep -v '^[[:space:]]*#' "$tmpfiles" | grep -v '^[[:space:]]*$')
	if [ -z "$bad" ]; then result tmpfiles 1; else result tmpfiles 0 "$bad"; fi
fi

# --------------------------------------------------------------- logrotate
lr=$(find "$stage" -path '*/logrotate.d/devforge' -type f | head -1)
if [ -n "$lr" ] && grep -q '^/.*\.log {$' "$lr" && ! grep -q '@[a-z]*dir@' "$lr"; then
	result logrotate 1
else
	result logrotate 0 "logrotate.d/devforge missing or unsubstituted"
fi

exit "$rc"
