#!/usr/bin/env bash
# The development and test stack, on loopback only: MariaDB in a private data
# directory, migrations, the devforge-fcgi pool under spawn-fcgi on a unix
# socket, and lighttpd or Apache in front. State lives in $DF_STACK_DIR.
#
# usage: scripts/stack.sh start|stop|status|db-start|db-stop|env|--help
#   status exits 3 unless every part runs and /health and
#   /api/v1/health/ready answer 200
# knobs: DF_STACK_DIR (default <checkout>/.stack/dev), DF_PORT (the
#        existing stack's port, else 8080),
#        DF_BUILD_DIR (where devforge-fcgi and devforgectl are; the checkout),
#        DF_WORKERS (4), DF_SEED (1: load sql/seed/*.sql), DF_FRONT
#        (lighttpd|apache), DF_FRONT_EXTRA (a lighttpd file included after
#        ours, used by the benchmark to add its minimal responder),
#        DF_DB_BUFFER_POOL (MariaDB's InnoDB buffer pool, 64M: enough for
#        the demo catalogue; the benchmark's 60,000 extensions want 1G),
#        DF_STRIPE_PORT (the Stripe stand-in, tests/stripe/; DF_PORT+7),
#        DF_JOBS (1: run `devforgectl jobs run` in the background, a pass
#        every 30 s, as a timer would; 0: not, as scripts/test wants).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SELF="$ROOT/scripts/stack.sh"

abspath() {
	case $1 in
	/*) printf '%s\n' "$1" ;;
	*) printf '%s\n' "$PWD/$1" ;;
	esac
}

DF_STACK_DIR=$(abspath "${DF_STACK_DIR:-$ROOT/.stack/dev}")
# Without DF_PORT, a stack that exists answers on the port it was started
# with (its config's public_url), not on the default: status, env and stop
# of a stack started with DF_PORT=N then find it without being told again.
if [ -z "${DF_PORT:-}" ] && [ -f "$DF_STACK_DIR/devforge.conf" ]; then
	DF_PORT=$(sed -n 's|^public_url = http://127\.0\.0\.1:\([0-9][0-9]*\)$|\1|p' \
		"$DF_STACK_DIR/devforge.conf")
fi
DF_PORT=${DF_PORT:-8080}
DF_BUILD_DIR=$(abspath "${DF_BUILD_DIR:-$ROOT}")
DF_WORKERS=${DF_WORKERS:-4}
DF_SEED=${DF_SEED:-0}
DF_FRONT=${DF_FRONT:-lighttpd}
DF_FRONT_EXTRA=${DF_FRONT_EXTRA:-}
DF_DB_BUFFER_POOL=${DF_DB_BUFFER_POOL:-64M}
DF_STRIPE_PORT=${DF_STRIPE_PORT:-$((${DF_PORT//[!0-9]/} + 7))}
DF_JOBS=${DF_JOBS:-1}

S=$DF_STACK_DIR
LOGS=$S/logs
SECRETS=$S/secrets
SIGNING_KEY=$SECRETS/license_signing_key.pem
CONF=$S/devforge.conf
DB_DIR=$S/mysql
# MariaDB's own temporary files: not the shared /tmp, where a cleaner
# (or another stack's) may remove them under a running statement.
DB_TMP=$S/mysql-tmp
DB_SOCK=$S/mysql.sock
DB_PID=$S/mysql.pid
FCGI_SOCK=$S/fcgi.sock
FCGI_PID=$S/fcgi.pid
LT_CONF=$S/lighttpd.conf
LT_PID=$S/lighttpd.pid
AP_DIR=$S/apache
AP_CONF=$AP_DIR/httpd.conf
AP_PID=$AP_DIR/httpd.pid
# Apache refuses to serve as root: as root its children run as this user,
# which must reach the pool socket and docs/ (see pool_start).
AP_USER=daemon
STRIPE_PID=$S/stripe.pid
JOBS_PID=$S/jobs.pid

say() { printf 'stack: %s\n' "$*"; }
die() { printf 'stack: error: %s\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" -eq 0 ]; }

check_knobs() {
	[[ $DF_PORT =~ ^[0-9]+$ ]] && [ "$DF_PORT" -ge 1 ] && [ "$DF_PORT" -le 65535 ] ||
		die "DF_PORT must be a port number, not '$DF_PORT'"
	[[ $DF_WORKERS =~ ^[0-9]+$ ]] && [ "$DF_WORKERS" -ge 1 ] && [ "$DF_WORKERS" -le 256 ] ||
		die "DF_WORKERS must be 1-256, not '$DF_WORKERS'"
	[[ $DF_STRIPE_PORT =~ ^[0-9]+$ ]] && [ "$DF_STRIPE_PORT" -ge 1 ] &&
		[ "$DF_STRIPE_PORT" -le 65535 ] && [ "$DF_STRIPE_PORT" != "$DF_PORT" ] ||
		die "DF_STRIPE_PORT must be a port number other than DF_PORT, not '$DF_STRIPE_PORT'"
	[[ $DF_DB_BUFFER_POOL =~ ^[1-9][0-9]*[KMG]?$ ]] ||
		die "DF_DB_BUFFER_POOL must be a size like 64M or 1G, not '$DF_DB_BUFFER_POOL'"
	case $DF_FRONT in
	lighttpd | apache) ;;
	*) die "DF_FRONT must be lighttpd or apache, not '$DF_FRONT'" ;;
	esac
	case $DF_SEED in
	0 | 1 | '') ;;
	*) die "DF_SEED must be 0 or 1, not '$DF_SEED'" ;;
	esac
	case $DF_JOBS in
	0 | 1) ;;
	*) die "DF_JOBS must be 0 or 1, not '$DF_JOBS'" ;;
	esac
	# sun_path holds 108 bytes with its NUL.
	[ "${#DB_SOCK}" -lt 100 ] ||
		die "DF_STACK_DIR is too long for a unix socket path: $S"
}

# running PID: the process exists and is not a zombie (a killed process not
# yet reaped by its parent).
running() {
	local state
	kill -0 "$1" 2>/dev/null || return 1
	state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
	[ "$state" != Z ]
}

# pid_alive PIDFILE [COMM]: the pid in the file runs (and is COMM, so that
# a recycled pid of another program is not taken for ours).
pid_alive() {
	local pid comm
	[ -s "$1" ] || return 1
	pid=$(head -n1 "$1" 2>/dev/null | tr -dc '0-9')
	[ -n "$pid" ] || return 1
	running "$pid" || return 1
	if [ $# -ge 2 ]; then
		comm=$(cat "/proc/$pid/comm" 2>/dev/null || true)
		[ "$comm" = "$2" ] || return 1
	fi
}

pid_of() { head -n1 "$1" | tr -dc '0-9'; }

# wait_gone PID SECONDS: 0 once the process has ended.
wait_gone() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		running "$1" || return 0
		sleep 0.1
	done
	return 1
}

# stop_pid NAME PID: SIGTERM, wait, then SIGKILL.
stop_pid() {
	local name=$1 pid=$2
	kill -TERM "$pid" 2>/dev/null || return 0
	if ! wait_gone "$pid" 20; then
		say "$name (pid $pid) ignored SIGTERM for 20 s: SIGKILL"
		kill -KILL "$pid" 2>/dev/null || true
		wait_gone "$pid" 5 || die "$name (pid $pid) survives SIGKILL"
	fi
}

port_busy() {
	(exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

show_log() {
	local f
	for f in "$@"; do
		if [ -s "$f" ]; then
			printf -- '--- last lines of %s ---\n' "$f" >&2
			tail -n 25 "$f" >&2
		fi
	done
}

# ---------------------------------------------------------------- MariaDB

db_admin_user() { id -un; }

db_ping() {
	mariadb-admin --no-defaults --socket="$DB_SOCK" -u "$(db_admin_user)" \
		--connect-timeout=2 ping >/dev/null 2>&1
}

db_sql() {
	mariadb --no-defaults --socket="$DB_SOCK" -u "$(db_admin_user)" "$@"
}

db_running() { pid_alive "$DB_PID" mariadbd; }

db_install() {
	local user_opt=()
	is_root && user_opt=(--user=root)
	# A data directory without our marker is a half-done install: redo it.
	if [ -d "$DB_DIR" ] && [ ! -e "$DB_DIR/.devforge-installed" ]; then
		say "removing an unfinished MariaDB data directory"
		rm -rf "$DB_DIR"
	fi
	[ -d "$DB_DIR" ] && return 0
	say "initialising MariaDB in $DB_DIR"
	# The socket account (root, or the user running this) administers the
	# server without a password; the application has its own account.
	if ! mariadb-install-db --no-defaults "${user_opt[@]}" \
		--datadir="$DB_DIR" --auth-root-authentication-method=socket \
		--auth-root-socket-user="$(db_admin_user)" --skip-test-db \
		>"$LOGS/mariadb-install.log" 2>&1; then
		show_log "$LOGS/mariadb-install.log"
		die "mariadb-install-db failed"
	fi
	chmod 700 "$DB_DIR"
	touch "$DB_DIR/.devforge-installed"
}

db_start() {
	local i user_opt=()
	mkdir -p "$LOGS"
	if db_running; then
		# Started but maybe still recovering: wait for it rather than start
		# a second server that would fight it for the data directory.
		for ((i = 0; i < 300; i++)); do
			db_ping && break
			sleep 0.1
		done
		db_ping || die "mariadbd (pid $(pid_of "$DB_PID")) runs but does not answer on $DB_SOCK"
		say "MariaDB already running (pid $(pid_of "$DB_PID"))"
		return 0
	fi
	if db_ping; then
		die "a MariaDB server answers on $DB_SOCK but $DB_PID does not name it: stop it first"
	fi
	rm -f "$DB_PID"
	db_install
	is_root && user_opt=(--user=root)
	# Binary log (row format, UTC times) for scripts/backup --binlogs and a
	# point-in-time scripts/restore --to; the same settings as DEPLOYMENT's
	# production my.cnf (the trust setting lets the migration account, which
	# has no SUPER, create the triggers with the binary log on).
	# --no-defaults first: no /etc/mysql option file may add a TCP port or
	# another data directory. setsid: the server outlives this script and
	# the terminal's signals; 9>&- drops our lock.
	mkdir -p "$DB_TMP"
	setsid mariadbd --no-defaults "${user_opt[@]}" \
		--datadir="$DB_DIR" --socket="$DB_SOCK" --pid-file="$DB_PID" \
		--tmpdir="$DB_TMP" \
		--skip-networking --skip-name-resolve \
		--performance-schema=ON \
		--log-error="$LOGS/mariadb.err" \
		--character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
		--max-connections=300 --innodb-buffer-pool-size="$DF_DB_BUFFER_POOL" \
		--log-bin="$DB_DIR/binlog" --binlog-format=ROW --server-id=1 \
		--expire-logs-days=7 --default-time-zone=+00:00 \
		--log-bin-trust-function-creators=1 \
		</dev/null >>"$LOGS/mariadb.out" 2>&1 9>&- &
	local pid=$!
	for ((i = 0; i < 600; i++)); do
		if [ -S "$DB_SOCK" ] && db_ping; then
			say "MariaDB up (pid $pid, socket $DB_SOCK)"
			return 0
		fi
		if ! running "$pid"; then
			show_log "$LOGS/mariadb.err" "$LOGS/mariadb.out"
			die "mariadbd exited during start"
		fi
		sleep 0.1
	done
	show_log "$LOGS/mariadb.err"
	die "MariaDB did not answer on $DB_SOCK within 60 s"
}

db_stop() {
	local pid
	if ! db_running; then
		rm -f "$DB_PID"
		say "MariaDB not running"
		return 0
	fi
	pid=$(pid_of "$DB_PID")
	if ! mariadb-admin --no-defaults --socket="$DB_SOCK" -u "$(db_admin_user)" \
		--connect-timeout=2 shutdown >/dev/null 2>&1; then
		kill -TERM "$pid" 2>/dev/null || true
	fi
	if ! wait_gone "$pid" 60; then
		say "mariadbd (pid $pid) still running after 60 s: SIGKILL"
		kill -KILL "$pid" 2>/dev/null || true
		wait_gone "$pid" 5 || die "mariadbd (pid $pid) survives SIGKILL"
	fi
	rm -f "$DB_PID"
	say "MariaDB stopped"
}

# The application's database and account; the password is re-applied so a
# new secrets/db_password always matches the server.
db_provision() {
	local pw
	pw=$(cat "$SECRETS/db_password")
	[[ $pw =~ ^[0-9a-f]+$ ]] || die "$SECRETS/db_password is not the hex this script writes"
	db_sql <<SQL || die "creating database devforge and its user failed"
CREATE DATABASE IF NOT EXISTS devforge
	CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS 'devforge'@'localhost' IDENTIFIED BY '$pw';
ALTER USER 'devforge'@'localhost' IDENTIFIED BY '$pw';
GRANT ALL PRIVILEGES ON devforge.* TO 'devforge'@'localhost';
GRANT SELECT ON performance_schema.* TO 'devforge'@'localhost';
SQL
}

# ---------------------------------------------------------------- secrets, config

make_secrets() {
	(
		umask 077
		mkdir -p "$SECRETS"
		chmod 700 "$SECRETS"
		if [ ! -s "$SECRETS/db_password" ]; then
			openssl rand -hex 24 >"$SECRETS/db_password.tmp"
			mv "$SECRETS/db_password.tmp" "$SECRETS/db_password"
		fi
		if [ ! -s "$SECRETS/jwt_secret" ]; then
			# 48 random bytes, base64 so the file is one printable line.
			openssl rand -base64 48 | tr -d '\n' >"$SECRETS/jwt_secret.tmp"
			mv "$SECRETS/jwt_secret.tmp" "$SECRETS/jwt_secret"
		fi
		# The stand-in's API key and webhook signing secret, in Stripe's
		# shapes; the stand-in reads the same files.
		if [ ! -s "$SECRETS/stripe_secret_key" ]; then
			printf 'sk_test_%s' "$(openssl rand -hex 24)" >"$SECRETS/stripe_secret_key.tmp"
			mv "$SECRETS/stripe_secret_key.tmp" "$SECRETS/stripe_secret_key"
		fi
		if [ ! -s "$SECRETS/stripe_webhook_secret" ]; then
			printf 'whsec_%s' "$(openssl rand -hex 24)" >"$SECRETS/stripe_webhook_secret.tmp"
			mv "$SECRETS/stripe_webhook_secret.tmp" "$SECRETS/stripe_webhook_secret"
		fi
		# A second webhook secret, as during a rotation (the one being
		# replaced): both verify, so the suites prove the rotation works.
		if [ ! -s "$SECRETS/stripe_webhook_secret_previous" ]; then
			printf 'whsec_%s' "$(openssl rand -hex 24)" >"$SECRETS/stripe_webhook_secret_previous.tmp"
			mv "$SECRETS/stripe_webhook_secret_previous.tmp" "$SECRETS/stripe_webhook_secret_previous"
		fi
		chmod 600 "$SECRETS/db_password" "$SECRETS/jwt_secret" \
			"$SECRETS/stripe_secret_key" "$SECRETS/stripe_webhook_secret" \
			"$SECRETS/stripe_webhook_secret_previous"
	)
}

write_config() {
	local tmp=$CONF.tmp
	cat >"$tmp" <<EOF
# Worker configuration of the stack in $S, written by scripts/stack.sh at
# every start (edit the script, not this file). Keys: conf/devforge.conf.example.
mode = development
public_url = http://127.0.0.1:$DF_PORT
workers = $DF_WORKERS

# Unix socket only (the server has no TCP port); db_host is not used.
db_socket = $DB_SOCK
db_user = devforge
db_name = devforge
db_password_file = $SECRETS/db_password

jwt_secret_file = $SECRETS/jwt_secret
# Named here (not left to defaults) so the tests can mint matching tokens.
jwt_issuer = http://127.0.0.1:$DF_PORT
jwt_audience = devforge-api

# The front-end development server's origin, as in the example config.
cors_origins = http://localhost:3000

# 127.0.0.2 stays outside, for the untrusted path.
trusted_networks = 127.0.0.1/32, ::1/128

migrations_dir = $ROOT/sql/migrations
# The checkout's list, not an installed one that may be missing or older.
common_passwords_file = $ROOT/conf/common-passwords.txt

# One segment per stack, so the dev and test stacks never share counters.
shm_name = /devforge-$DF_PORT
log_file = $LOGS/worker.log
log_level = info

# Outgoing mail stays on this machine: devforgectl mail-send writes each
# message as a file into this maildir (the tests read links out of it).
mail_transport = maildir
mail_maildir = $S/mail

# Extension packages, content-addressed; the front server sends downloads
# from here (X-Sendfile, allowed for this directory only).
storage_dir = $S/storage
# This host's full-text index (Xapian), rebuilt by search_reindex below.
search_index_dir = $S/search
max_package_bytes = 52428800
# Each front server's own header name (both accept X-Sendfile), so the
# suites exercise both.
sendfile_header = $([ "$DF_FRONT" = apache ] && echo x-sendfile || echo x-lighttpd-send-file)

# Payments go to the local Stripe stand-in (tests/stripe/standin.js).
stripe_api_base = http://127.0.0.1:$DF_STRIPE_PORT
stripe_secret_key_file = $SECRETS/stripe_secret_key
stripe_webhook_secret_file = $SECRETS/stripe_webhook_secret
stripe_webhook_secret_previous_file = $SECRETS/stripe_webhook_secret_previous

# Licensing: the stack's Ed25519 signing key (devforgectl keys generate).
license_signing_key_file = $SIGNING_KEY
EOF
	if [ -f "$CONF" ] && cmp -s "$tmp" "$CONF"; then
		rm -f "$tmp"
		return 0
	fi
	mv "$tmp" "$CONF"
	if pid_alive "$FCGI_PID" devforge-fcgi; then
		say "note: $CONF changed while the pool runs; stop and start to apply"
	fi
}

# The workers and devforgectl read DEVFORGE_* as config overrides; the test
# harness's own DEVFORGE_TEST_* variables are not config keys. Everything
# else (ASAN_OPTIONS and the like) passes through.
APP_ENV=(env)
for v in $(compgen -e); do
	case $v in
	DEVFORGE_TEST_*) APP_ENV+=(-u "$v") ;;
	esac
done
unset v

migrate() {
	local ctl=$DF_BUILD_DIR/devforgectl
	local nokey=()
	[ -x "$ctl" ] || die "$ctl not found: build first (make), or set DF_BUILD_DIR"
	# Before the first signing_key the config names a file not made yet.
	[ -s "$SIGNING_KEY" ] || nokey=(DEVFORGE_LICENSE_SIGNING_KEY_FILE=)
	say "migrating"
	"${APP_ENV[@]}" "${nokey[@]}" "$ctl" -c "$CONF" migrate 9>&- ||
		die "devforgectl migrate failed"
}

# The licence signing key, made once per stack by devforgectl (which also
# records its public half in license_signing_keys); needs the schema. A
# kept key whose row a new database lacks is recorded again, so what the
# workers sign always verifies.
signing_key() {
	local pub kid
	if [ ! -s "$SIGNING_KEY" ]; then
		rm -f "$SIGNING_KEY"
		say "making the licence signing key"
		"${APP_ENV[@]}" DEVFORGE_LICENSE_SIGNING_KEY_FILE= \
			"$DF_BUILD_DIR/devforgectl" -c "$CONF" keys generate \
			--out "$SIGNING_KEY" 9>&- >/dev/null ||
			die "devforgectl keys generate failed"
		return 0
	fi
	# The raw key is the last 32 bytes of the DER SubjectPublicKeyInfo.
	pub=$(openssl pkey -in "$SIGNING_KEY" -pubout -outform DER |
		tail -c 32 | od -An -tx1 | tr -d ' \n')
	[[ $pub =~ ^[0-9a-f]{64}$ ]] || die "$SIGNING_KEY: not an Ed25519 key"
	kid=$(openssl pkey -in "$SIGNING_KEY" -pubout -outform DER |
		tail -c 32 | openssl dgst -sha256 -r | cut -c1-16)
	db_sql devforge <<SQL || die "recording the licence signing key failed"
INSERT IGNORE INTO license_signing_keys (kid, public_key, created_at)
	VALUES ('$kid', UNHEX('$pub'), UTC_TIMESTAMP(6));
SQL
}

# The full-text index from the database as migrations and seeds left it
# (the workers keep it in step from then on through the change log).
search_reindex() {
	say "indexing for search"
	"${APP_ENV[@]}" "$DF_BUILD_DIR/devforgectl" -c "$CONF" search-reindex \
		9>&- >/dev/null || die "devforgectl search-reindex failed"
}

# The support assistant's passages of what migrations and seeds marked
# (each answer also rebuilds a few marked sources itself).
assistant_index() {
	say "indexing for the assistant"
	"${APP_ENV[@]}" "$DF_BUILD_DIR/devforgectl" -c "$CONF" jobs run --once \
		--only assistant-index 9>&- >/dev/null ||
		die "devforgectl jobs --only assistant-index failed"
}

seed() {
	local f n=0
	[ "$DF_SEED" = 1 ] || return 0
	shopt -s nullglob
	local files=("$ROOT"/sql/seed/*.sql)
	shopt -u nullglob
	if [ "${#files[@]}" -eq 0 ]; then
		say "no seed files in sql/seed"
		return 0
	fi
	# The glob sorts by the locale; the seeds' NNNN_ names need byte order.
	mapfile -t files < <(printf '%s\n' "${files[@]}" | LC_ALL=C sort)
	for f in "${files[@]}"; do
		db_sql devforge <"$f" || die "seed $f failed"
		n=$((n + 1))
	done
	say "applied $n seed file(s)"
	# The demo versions' packages: built, checked and stored like uploads.
	"${APP_ENV[@]}" "$DF_BUILD_DIR/devforgectl" -c "$CONF" demo-packages 9>&- >&2 ||
		die "devforgectl demo-packages failed"
}

# ---------------------------------------------------------------- pool

pool_start() {
	local bin=$DF_BUILD_DIR/devforge-fcgi owner=() i pid
	if pid_alive "$FCGI_PID" devforge-fcgi; then
		say "pool already running (supervisor pid $(pid_of "$FCGI_PID"))"
		return 0
	fi
	[ -x "$bin" ] || die "$bin not found: build first (make), or set DF_BUILD_DIR"
	rm -f "$FCGI_PID"
	# Mode 0660: only the socket's owner and group may talk FastCGI to the
	# workers. lighttpd runs as the same user as the pool. Apache's children
	# never run as root, so as root the socket's group is Apache's user
	# group (the stack directory is 0711: they may reach the socket, not
	# list or read the rest).
	if [ "$DF_FRONT" = apache ] && is_root; then
		owner=(-G "$AP_USER")
	fi
	# spawn-fcgi binds the socket and execs the supervisor with it on fd 0;
	# the supervisor forks the workers. -n (no fork): spawn-fcgi's forking
	# mode points the child's stderr at /dev/null, and the pool's stderr
	# (sanitizer reports included) must reach pool.stderr. The pid stays the
	# same across the exec, so it is the supervisor's pid we record.
	"${APP_ENV[@]}" setsid spawn-fcgi -n -s "$FCGI_SOCK" -M 0660 "${owner[@]}" \
		-- "$bin" -c "$CONF" </dev/null >>"$LOGS/pool.stderr" 2>&1 9>&- &
	pid=$!
	echo "$pid" >"$FCGI_PID"
	for ((i = 0; i < 50; i++)); do
		pid_alive "$FCGI_PID" devforge-fcgi && break
		running "$pid" || break
		sleep 0.1
	done
	# A config error makes the supervisor exit at once: catch it here.
	sleep 0.5
	if ! pid_alive "$FCGI_PID" devforge-fcgi; then
		rm -f "$FCGI_PID"
		show_log "$LOGS/pool.stderr" "$LOGS/worker.log"
		die "the worker pool exited at start"
	fi
	say "pool up (supervisor pid $(pid_of "$FCGI_PID"), $DF_WORKERS workers, $FCGI_SOCK)"
}

pool_stop() {
	local pid kids k
	if ! pid_alive "$FCGI_PID" devforge-fcgi; then
		rm -f "$FCGI_PID"
		say "pool not running"
		return 0
	fi
	pid=$(pid_of "$FCGI_PID")
	# Remember the workers: if the supervisor has to be killed they would
	# otherwise live on, holding the socket.
	kids=$(ps -o pid= --ppid "$pid" 2>/dev/null || true)
	stop_pid "pool supervisor" "$pid"
	for k in $kids; do
		if running "$k"; then
			stop_pid "worker" "$k"
		fi
	done
	rm -f "$FCGI_PID" "$FCGI_SOCK"
	say "pool stopped"
}

# ---------------------------------------------------------------- Stripe stand-in

stripe_running() { pid_alive "$STRIPE_PID" node; }

stripe_start() {
	local i pid url=http://127.0.0.1:$DF_STRIPE_PORT
	if stripe_running; then
		say "Stripe stand-in already running (pid $(pid_of "$STRIPE_PID"))"
		return 0
	fi
	rm -f "$STRIPE_PID"
	if port_busy 127.0.0.1 "$DF_STRIPE_PORT"; then
		die "port $DF_STRIPE_PORT (the Stripe stand-in's) is already in use (set DF_STRIPE_PORT)"
	fi
	"$ROOT/tests/stripe/install.sh" 9>&- || die "installing the Stripe stand-in failed"
	STANDIN_PORT=$DF_STRIPE_PORT STANDIN_HOST=127.0.0.1 \
		STANDIN_SECRET_KEY_FILE=$SECRETS/stripe_secret_key \
		STANDIN_WEBHOOK_SECRET_FILE=$SECRETS/stripe_webhook_secret \
		setsid node "$ROOT/tests/stripe/standin.js" \
		</dev/null >>"$LOGS/stripe.log" 2>&1 9>&- &
	pid=$!
	echo "$pid" >"$STRIPE_PID"
	for ((i = 0; i < 100; i++)); do
		if curl -s -o /dev/null --max-time 1 "$url/_test/requests"; then
			say "Stripe stand-in up (pid $pid, $url)"
			return 0
		fi
		running "$pid" || break
		sleep 0.1
	done
	show_log "$LOGS/stripe.log"
	die "the Stripe stand-in did not answer on $url"
}

stripe_stop() {
	if stripe_running; then
		stop_pid "Stripe stand-in" "$(pid_of "$STRIPE_PID")"
		say "Stripe stand-in stopped"
	fi
	rm -f "$STRIPE_PID"
}

# ---------------------------------------------------------------- front: lighttpd

lighttpd_start() {
	if pid_alive "$LT_PID" lighttpd; then
		say "lighttpd already running (pid $(pid_of "$LT_PID"))"
		return 0
	fi
	rm -f "$LT_PID"
	{
		echo "# Written by scripts/stack.sh: this stack's values, then the committed config."
		echo "var.devforge_bind = \"127.0.0.1\""
		echo "var.devforge_port = $DF_PORT"
		echo "var.devforge_bind2 = \"127.0.0.2:$DF_PORT\""
		echo "var.devforge_socket = \"$FCGI_SOCK\""
		echo "var.devforge_docs = \"$ROOT/docs\""
		echo "var.devforge_web = \"$ROOT/web\""
		echo "var.devforge_docroot = \"$S/www\""
		echo "var.devforge_storage = \"$S/storage\""
		echo "var.devforge_logs = \"$LOGS\""
		echo "var.devforge_pidfile = \"$LT_PID\""
		echo "var.devforge_max_request_kb = 2048"
		echo "var.devforge_max_upload_kb = 65536"
		echo "var.devforge_errors = \"$ROOT/web-server-configs/errors\""
		echo "include \"$ROOT/web-server-configs/lighttpd/devforge.conf\""
		if [ -n "$DF_FRONT_EXTRA" ]; then
			echo "include \"$(abspath "$DF_FRONT_EXTRA")\""
		fi
	} >"$LT_CONF"
	if ! lighttpd -tt -f "$LT_CONF" >"$LOGS/lighttpd.check" 2>&1; then
		cat "$LOGS/lighttpd.check" >&2
		die "lighttpd refuses $LT_CONF"
	fi
	# Without -D lighttpd detaches and writes its pid file.
	if ! lighttpd -f "$LT_CONF" </dev/null >>"$LOGS/lighttpd.out" 2>&1 9>&-; then
		show_log "$LOGS/lighttpd.out" "$LOGS/lighttpd.error.log"
		die "lighttpd did not start"
	fi
	say "lighttpd up (pid $(pid_of "$LT_PID"))"
}

lighttpd_stop() {
	if pid_alive "$LT_PID" lighttpd; then
		stop_pid lighttpd "$(pid_of "$LT_PID")"
		say "lighttpd stopped"
	fi
	rm -f "$LT_PID"
}

# ---------------------------------------------------------------- jobs

# The periodic jobs (auto-close, mail, purges, SLA breaches...) as
# production runs them from a timer: `devforgectl jobs run` without
# --once makes a pass every 30 s until SIGTERM. Its output goes to
# logs/jobs.log; the stack's mail lands in the maildir as it is queued.
jobs_running() { pid_alive "$JOBS_PID" devforgectl; }

jobs_start() {
	local pid
	if [ "$DF_JOBS" != 1 ]; then
		say "jobs runner off (DF_JOBS=0)"
		return 0
	fi
	if jobs_running; then
		say "jobs runner already running (pid $(pid_of "$JOBS_PID"))"
		return 0
	fi
	rm -f "$JOBS_PID"
	"${APP_ENV[@]}" setsid "$DF_BUILD_DIR/devforgectl" -c "$CONF" jobs run \
		</dev/null >>"$LOGS/jobs.log" 2>&1 9>&- &
	pid=$!
	echo "$pid" >"$JOBS_PID"
	sleep 0.2
	if ! running "$pid"; then
		show_log "$LOGS/jobs.log"
		die "the jobs runner (devforgectl jobs run) exited at once"
	fi
	say "jobs runner up (pid $pid, a pass every 30 s, $LOGS/jobs.log)"
}

jobs_stop() {
	if jobs_running; then
		stop_pid "jobs runner" "$(pid_of "$JOBS_PID")"
		say "jobs runner stopped"
	fi
	rm -f "$JOBS_PID"
}

# ---------------------------------------------------------------- front: Apache

apache_start() {
	local m mods user_lines=''
	if pid_alive "$AP_PID" apache2; then
		say "Apache already running (pid $(pid_of "$AP_PID"))"
		return 0
	fi
	rm -f "$AP_PID"
	mkdir -p "$AP_DIR/run"
	if is_root; then
		user_lines="User $AP_USER
Group $AP_USER"
		# The pool may have been started for lighttpd first.
		chgrp "$AP_USER" "$FCGI_SOCK"
		# mod_xsendfile reads the packages as Apache's user: its group
		# owns the storage tree, and setgid directories hand the group
		# on to what the workers store later (files 0640, dirs 0750).
		chgrp -R "$AP_USER" "$S/storage"
		find "$S/storage" -type d -exec chmod g+s {} +
	fi
	mods=''
	for m in mpm_event authz_core mime dir alias headers setenvif \
		proxy proxy_fcgi reqtimeout xsendfile; do
		mods+="LoadModule ${m}_module /usr/lib/apache2/modules/mod_$m.so"$'\n'
	done
	cat >"$AP_CONF" <<EOF
# Written by scripts/stack.sh: a private Apache for this stack, then the
# committed site config web-server-configs/apache/devforge-proxy-fcgi.conf.
ServerRoot "$AP_DIR"
ServerName 127.0.0.1
PidFile "$AP_PID"
DefaultRuntimeDir "$AP_DIR/run"
Mutex file:$AP_DIR/run default
ErrorLog "$LOGS/apache.error.log"
LogLevel warn
$mods
$user_lines
TypesConfig /etc/mime.types
Listen 127.0.0.1:$DF_PORT
Listen 127.0.0.2:$DF_PORT

Define DEVFORGE_SERVER_NAME localhost
Define DEVFORGE_PORT $DF_PORT
Define DEVFORGE_SOCKET $FCGI_SOCK
Define DEVFORGE_DOCS $ROOT/docs
Define DEVFORGE_WEB $ROOT/web
Define DEVFORGE_STORAGE $S/storage
Define DEVFORGE_ERRORS $ROOT/web-server-configs/errors
Define DEVFORGE_DOCROOT $S/www
Define DEVFORGE_LOGS $LOGS
Include "$ROOT/web-server-configs/apache/devforge-proxy-fcgi.conf"
EOF
	if ! apache2 -t -f "$AP_CONF" >"$LOGS/apache.check" 2>&1; then
		cat "$LOGS/apache.check" >&2
		die "Apache refuses $AP_CONF"
	fi
	if ! apache2 -f "$AP_CONF" -k start </dev/null >>"$LOGS/apache.out" 2>&1 9>&-; then
		show_log "$LOGS/apache.out" "$LOGS/apache.error.log"
		die "Apache did not start"
	fi
	local i
	for ((i = 0; i < 50; i++)); do
		pid_alive "$AP_PID" apache2 && break
		sleep 0.1
	done
	pid_alive "$AP_PID" apache2 || {
		show_log "$LOGS/apache.out" "$LOGS/apache.error.log"
		die "Apache did not write $AP_PID"
	}
	say "Apache up (pid $(pid_of "$AP_PID"))"
}

apache_stop() {
	if pid_alive "$AP_PID" apache2; then
		# SIGTERM to the parent stops its children too (-k stop does the same).
		stop_pid Apache "$(pid_of "$AP_PID")"
		say "Apache stopped"
	fi
	rm -f "$AP_PID"
}

# ---------------------------------------------------------------- front

# Refuses before anything starts: another front of this stack runs, or a
# stranger holds the port.
front_check() {
	local other other_pid
	case $DF_FRONT in
	lighttpd) other=apache other_pid=$AP_PID ;;
	apache) other=lighttpd other_pid=$LT_PID ;;
	esac
	if pid_alive "$other_pid"; then
		die "this stack's front is $other; stop the stack before switching DF_FRONT"
	fi
	if [ "$DF_FRONT" = apache ] && is_root; then
		# Apache's children must reach the socket and read docs/.
		if ! setpriv --reuid="$AP_USER" --regid="$AP_USER" --clear-groups \
			test -x "$S" -a -r "$ROOT/docs" -a -x "$ROOT/docs"; then
			die "user $AP_USER cannot reach $S or $ROOT/docs (a parent directory closed to others?): as root, Apache's children run as $AP_USER"
		fi
	fi
	if ! pid_alive "$LT_PID" lighttpd && ! pid_alive "$AP_PID" apache2; then
		if port_busy 127.0.0.1 "$DF_PORT" || port_busy 127.0.0.2 "$DF_PORT"; then
			die "port $DF_PORT is already in use on loopback (another stack? set DF_PORT)"
		fi
	fi
}

front_start() {
	"${DF_FRONT}_start"
}

front_stop() {
	lighttpd_stop
	apache_stop
}

wait_health() {
	local i code=000 url=http://127.0.0.1:$DF_PORT/health
	for ((i = 0; i < 60; i++)); do
		code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" || true)
		[ "$code" = 200 ] && return 0
		sleep 0.5
	done
	show_log "$LOGS/pool.stderr" "$LOGS/worker.log" "$LOGS/lighttpd.error.log" \
		"$LOGS/apache.error.log"
	die "$url did not answer 200 within 30 s (last status $code)"
}

# ---------------------------------------------------------------- commands

lock() {
	mkdir -p "$S"
	exec 9>"$S/.lock"
	flock -w 300 9 || die "another stack.sh holds $S/.lock"
}

prepare_dirs() {
	mkdir -p "$S" "$LOGS" "$S/www" "$S/storage" "$S/search"
	# Traverse-only for others: Apache's children reach the pool socket;
	# secrets/ and mysql/ are 0700 of their own.
	chmod 711 "$S"
}

cmd_start() {
	check_knobs
	command -v spawn-fcgi >/dev/null || die "spawn-fcgi is not installed (scripts/up installs it)"
	lock
	prepare_dirs
	front_check
	say "starting the stack in $S (front $DF_FRONT, port $DF_PORT)"
	make_secrets
	stripe_start
	db_start
	db_provision
	write_config
	migrate
	signing_key
	seed
	search_reindex
	assistant_index
	pool_start
	front_start
	wait_health
	jobs_start
	cat <<EOF

Dev Forge is up ($DF_FRONT in front, $DF_WORKERS workers):
  API     http://127.0.0.1:$DF_PORT/api/v1
  health  http://127.0.0.1:$DF_PORT/health
  ready   http://127.0.0.1:$DF_PORT/api/v1/health/ready
  docs    http://127.0.0.1:$DF_PORT/docs/
  stripe  http://127.0.0.1:$DF_STRIPE_PORT (the stand-in)
  logs    $LOGS
  stop    DF_STACK_DIR=$S $SELF stop
EOF
}

cmd_stop() {
	lock
	jobs_stop
	front_stop
	pool_stop
	stripe_stop
	db_stop
}

cmd_db_start() {
	check_knobs
	lock
	prepare_dirs
	db_start
}

cmd_db_stop() {
	lock
	db_stop
}

cmd_status() {
	local rc=0 code
	if db_running; then
		if db_ping; then
			echo "mariadb   running (pid $(pid_of "$DB_PID"), $DB_SOCK)"
		else
			echo "mariadb   not answering (pid $(pid_of "$DB_PID"))"
			rc=3
		fi
	else
		echo "mariadb   stopped"
		rc=3
	fi
	if pid_alive "$FCGI_PID" devforge-fcgi; then
		echo "pool      running (supervisor pid $(pid_of "$FCGI_PID"), workers: $(ps -o pid= --ppid "$(pid_of "$FCGI_PID")" | wc -l))"
	else
		echo "pool      stopped"
		rc=3
	fi
	if pid_alive "$LT_PID" lighttpd; then
		echo "front     lighttpd running (pid $(pid_of "$LT_PID"))"
	elif pid_alive "$AP_PID" apache2; then
		echo "front     apache running (pid $(pid_of "$AP_PID"))"
	else
		echo "front     stopped"
		rc=3
	fi
	if stripe_running; then
		echo "stripe    stand-in running (pid $(pid_of "$STRIPE_PID"), http://127.0.0.1:$DF_STRIPE_PORT)"
	else
		echo "stripe    stand-in stopped"
		rc=3
	fi
	if jobs_running; then
		echo "jobs      running (pid $(pid_of "$JOBS_PID"), $LOGS/jobs.log)"
	else
		echo "jobs      not running (DF_JOBS=0 starts none)"
	fi
	# Running is not enough: the front must answer, and the API be ready
	# (database reachable, no migration pending).
	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 \
		"http://127.0.0.1:$DF_PORT/health" || true)
	echo "health    http://127.0.0.1:$DF_PORT/health -> $code"
	[ "$code" = 200 ] || rc=3
	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 \
		"http://127.0.0.1:$DF_PORT/api/v1/health/ready" || true)
	echo "ready     http://127.0.0.1:$DF_PORT/api/v1/health/ready -> $code"
	[ "$code" = 200 ] || rc=3
	return $rc
}

# The untrusted URL is only untrusted for a client that connects from
# 127.0.0.2 (curl --interface, CURLOPT_INTERFACE): Linux gives every
# connection to 127.0.0.0/8 the source 127.0.0.1 otherwise.
# DEVFORGE_TEST_DB_ADMIN is the account with all rights over the socket
# (root, or the user who started the stack).
cmd_env() {
	local kv
	for kv in \
		"DEVFORGE_TEST_URL=http://127.0.0.1:$DF_PORT" \
		"DEVFORGE_TEST_URL_UNTRUSTED=http://127.0.0.2:$DF_PORT" \
		"DEVFORGE_TEST_UNTRUSTED_SOURCE=127.0.0.2" \
		"DEVFORGE_TEST_PORT=$DF_PORT" \
		"DEVFORGE_TEST_STACK_DIR=$S" \
		"DEVFORGE_TEST_CONFIG=$CONF" \
		"DEVFORGE_TEST_SUPERVISOR_PIDFILE=$FCGI_PID" \
		"DEVFORGE_TEST_WORKER_LOG=$LOGS/worker.log" \
		"DEVFORGE_TEST_DB_SOCKET=$DB_SOCK" \
		"DEVFORGE_TEST_DB_ADMIN=$(db_admin_user)" \
		"DEVFORGE_TEST_FRONT=$DF_FRONT" \
		"DEVFORGE_TEST_STACK=$SELF" \
		"DEVFORGE_TEST_STRIPE_URL=http://127.0.0.1:$DF_STRIPE_PORT" \
		"DEVFORGE_TEST_STRIPE_WEBHOOK_SECRET=$(cat "$SECRETS/stripe_webhook_secret" 2>/dev/null || true)" \
		"DEVFORGE_TEST_STRIPE_WEBHOOK_SECRET_PREVIOUS=$(cat "$SECRETS/stripe_webhook_secret_previous" 2>/dev/null || true)"; do
		printf 'export %s=%q\n' "${kv%%=*}" "${kv#*=}"
	done
}

case ${1:-} in
start) cmd_start ;;
stop) cmd_stop ;;
status) cmd_status ;;
db-start) cmd_db_start ;;
db-stop) cmd_db_stop ;;
env) cmd_env ;;
-h | --help)
	sed -n '2,20s/^# \{0,1\}//p' "$0"
	exit 0
	;;
*)
	[ -z "${1:-}" ] || echo "scripts/stack.sh: unknown command '$1'" >&2
	sed -n '2,20s/^# \{0,1\}//p' "$0" >&2
	exit 2
	;;
esac
