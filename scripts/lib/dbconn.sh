# shellcheck shell=bash disable=SC2034 # the DBC_* settings are read by the scripts that source this file
# Connection settings shared by scripts/backup and scripts/restore (sourced,
# not run): read from a worker config the way devforge-fcgi reads its db_*
# keys, then replaced by command-line options, and handed to the MariaDB
# client programs through a private option file so that no password is ever
# on a command line.

DBC_SOCKET=
DBC_HOST=127.0.0.1
DBC_PORT=3306
DBC_USER=devforge
DBC_NAME=devforge
DBC_PASSWORD_FILE=
DBC_OPTFILE=

dbc_die() { printf '%s: error: %s\n' "${DBC_PROG:-devforge}" "$*" >&2; exit 1; }

# dbc_conf_get FILE KEY: the value of KEY in a worker config, empty when
# absent. As in config.c: '#' at the start of a line or after a blank
# starts a comment; blanks around key and value do not count.
dbc_conf_get() {
	local file=$1 key=$2 line k v
	while IFS= read -r line || [ -n "$line" ]; do
		line=$(printf '%s' "$line" | sed -E 's/(^|[[:space:]])#.*$//')
		case $line in *=*) ;; *) continue ;; esac
		k=${line%%=*}
		v=${line#*=}
		k=$(printf '%s' "$k" | sed -E 's/^[[:space:]]+|[[:space:]]+$//g')
		[ "$k" = "$key" ] || continue
		printf '%s' "$v" | sed -E 's/^[[:space:]]+|[[:space:]]+$//g'
		return 0
	done <"$file"
}

# dbc_from_config FILE: takes the db_* keys of a worker config. Relative
# paths count from the config's directory, as they do for the workers.
dbc_from_config() {
	local file=$1 dir v
	[ -r "$file" ] || dbc_die "cannot read the config $file"
	dir=$(cd "$(dirname "$file")" && pwd)
	v=$(dbc_conf_get "$file" db_socket)
	if [ -n "$v" ]; then
		case $v in /*) ;; *) v=$dir/$v ;; esac
		DBC_SOCKET=$v
	fi
	v=$(dbc_conf_get "$file" db_host)
	[ -z "$v" ] || DBC_HOST=$v
	v=$(dbc_conf_get "$file" db_port)
	[ -z "$v" ] || DBC_PORT=$v
	v=$(dbc_conf_get "$file" db_user)
	[ -z "$v" ] || DBC_USER=$v
	v=$(dbc_conf_get "$file" db_name)
	[ -z "$v" ] || DBC_NAME=$v
	v=$(dbc_conf_get "$file" db_password_file)
	if [ -n "$v" ]; then
		case $v in /*) ;; *) v=$dir/$v ;; esac
		DBC_PASSWORD_FILE=$v
	fi
}

# A database name we put into SQL text ourselves: plain identifiers only.
dbc_check_name() {
	[[ $1 =~ ^[A-Za-z0-9_]{1,64}$ ]] ||
		dbc_die "database name '$1' is not 1-64 of [A-Za-z0-9_]"
}

# Option-file value: quoted, with backslash and double quote escaped.
dbc_quote() {
	local s=${1//\\/\\\\}
	printf '"%s"' "${s//\"/\\\"}"
}

# Writes the private option file (removed by dbc_cleanup) that every
# mariadb and mariadb-dump call of the script reads with --defaults-file.
dbc_write_optfile() {
	local pw=
	if [ -n "$DBC_PASSWORD_FILE" ]; then
		[ -r "$DBC_PASSWORD_FILE" ] ||
			dbc_die "cannot read the password file $DBC_PASSWORD_FILE"
		# The workers strip trailing blanks and newlines the same way.
		pw=$(cat "$DBC_PASSWORD_FILE")
		pw=$(printf '%s' "$pw" | sed -E 's/[[:space:]]+$//')
		case $pw in *$'\n'*) dbc_die "$DBC_PASSWORD_FILE holds more than one line" ;; esac
	fi
	DBC_OPTFILE=$(umask 077 && mktemp "${TMPDIR:-/tmp}/devforge-db.XXXXXX")
	{
		echo "[client]"
		echo "user=$(dbc_quote "$DBC_USER")"
		[ -z "$DBC_PASSWORD_FILE" ] || echo "password=$(dbc_quote "$pw")"
		if [ -n "$DBC_SOCKET" ]; then
			echo "protocol=socket"
			echo "socket=$(dbc_quote "$DBC_SOCKET")"
		else
			echo "protocol=tcp"
			echo "host=$(dbc_quote "$DBC_HOST")"
			echo "port=$DBC_PORT"
		fi
		echo "default-character-set=utf8mb4"
	} >"$DBC_OPTFILE"
}

dbc_cleanup() {
	[ -z "$DBC_OPTFILE" ] || rm -f "$DBC_OPTFILE"
}

# dbc_sql DB SQL: runs SQL in DB, prints the rows tab-separated, unescaped.
dbc_sql() {
	mariadb --defaults-file="$DBC_OPTFILE" -N -B -r -e "$2" "$1"
}

dbc_where() {
	if [ -n "$DBC_SOCKET" ]; then
		printf 'socket %s' "$DBC_SOCKET"
	else
		printf '%s:%s' "$DBC_HOST" "$DBC_PORT"
	fi
}
