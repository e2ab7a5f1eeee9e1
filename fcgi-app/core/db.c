/* The process's one MariaDB connection: prepared statements cached by
 * their SQL text pointer, every row copied into the caller's arena, and
 * our own reconnect (never the library's) so a statement is only retried
 * where retrying cannot run it twice or outside its transaction. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <errmsg.h>
#include <mysql.h>
#include <mysqld_error.h>

#include "arena.h"
#include "config.h"
#include "db.h"
#include "err.h"
#include "log.h"
#include "metrics.h"
#include "shm.h"

#define DB_COL_BUF 256           /* first fetch per column; longer values
                                    are fetched again at their length */

static const char session_tz[] = "SET time_zone = '+00:00'";
static const char session_mode[] = "SET SESSION sql_mode = "
	"'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,"
	"ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'";
static const char ping_sql[] = "SELECT 1";

static struct {
	int ready;                /* db_init ran */
	char *host, *socket, *user, *password, *name;
	unsigned port;
	unsigned connect_timeout, read_timeout, write_timeout;
	unsigned stmt_bound_ms;   /* max_statement_time; 0: server default */

	MYSQL *conn;              /* NULL while disconnected */
	int ever_connected;       /* the next connect is a reconnect */
	int down_logged;          /* the current outage was logged */
	int in_tx;                /* between db_begin and commit/rollback */
	int deadlocked;           /* the last failed statement was a deadlock */
	uint64_t last_fail_us;    /* monotonic time of the last failed connect */

	size_t nstmts;
	struct db_stmt_slot stmts[DB_STMT_SLOTS];
	struct db_stats stats;
} db;

/* One statement call: what db_exec and db_query have in common. */
struct call {
	const char *sql;
	const struct db_param *params;
	size_t nparams;
	struct arena *a;          /* db_query only */
	struct db_result *out;    /* db_query only */
	uint64_t *affected;
	uint64_t *insert_id;
	unsigned errnum;          /* server/client error of the last attempt */
	int logged;               /* run_once already said why */
};

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Errors after which the connection is unusable. */
static int is_gone(unsigned e)
{
	return e == CR_SERVER_GONE_ERROR || e == CR_SERVER_LOST ||
		e == CR_CONNECTION_ERROR || e == CR_CONN_HOST_ERROR ||
		e == CR_SERVER_LOST_EXTENDED || e == ER_CONNECTION_KILLED ||
		e == ER_SERVER_SHUTDOWN;
}

/* A statement stopped by max_statement_time, which also ends a row-lock
 * wait and applies to prepared statements (ER_STATEMENT_TIMEOUT, seen
 * for both). The server undid the statement only; the connection and any
 * transaction stay, for the caller to roll back. innodb_lock_wait_timeout
 * (ER_LOCK_WAIT_TIMEOUT, 50 s by default, beyond the bound) stays an
 * ordinary error. */
static int is_timeout(unsigned e)
{
	return e == ER_STATEMENT_TIMEOUT;
}

static int is_dup(unsigned e)
{
	return e == ER_DUP_ENTRY || e == ER_DUP_ENTRY_WITH_KEY_NAME;
}

static void stmts_discard(void)
{
	size_t i;

	for (i = 0; i < DB_STMT_SLOTS; i++) {
		if (db.stmts[i].st != NULL)
			mysql_stmt_close(db.stmts[i].st);
		db.stmts[i].st = NULL;
		db.stmts[i].sql = NULL;
	}
	db.nstmts = 0;
}

/* Forgets the connection; statements go with it (closed first, while the
 * handle they belong to still exists). */
static void drop_conn(void)
{
	stmts_discard();
	if (db.conn != NULL)
		mysql_close(db.conn);
	db.conn = NULL;
}

static void where(char *buf, size_t len)
{
	if (db.socket != NULL && db.socket[0] != '\0')
		snprintf(buf, len, "socket %s", db.socket);
	else
		snprintf(buf, len, "%s:%u", db.host != NULL ? db.host : "", db.port);
}

static int connect_failed(MYSQL *m, const char *what)
{
	char w[512];

	where(w, sizeof(w));
	/* Log an outage once, not once a second per worker. */
	log_msg(db.down_logged ? LOG_DEBUG : LOG_ERROR,
		"database: %s %s failed: %s (error %u)", what, w, mysql_error(m),
		mysql_errno(m));
	db.down_logged = 1;
	mysql_close(m);
	db.last_fail_us = now_us();
	if (db.last_fail_us == 0)
		db.last_fail_us = 1;
	return DF_EDBDOWN;
}

static int connect_now(void)
{
	unsigned proto, flags = CLIENT_MULTI_STATEMENTS;
	my_bool no = 0, yes = 1;
	const char *host;
	char bound[64];
	MYSQL *m;

	m = mysql_init(NULL);
	if (m == NULL) {
		log_msg(LOG_ERROR, "database: out of memory for a connection");
		db.last_fail_us = now_us();
		return DF_EDBDOWN;
	}
	mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &db.connect_timeout);
	mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &db.read_timeout);
	mysql_options(m, MYSQL_OPT_WRITE_TIMEOUT, &db.write_timeout);
	mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	/* We reconnect ourselves: the library's silent reconnect would lose
	 * the session settings and any open transaction without telling. */
	mysql_options(m, MYSQL_OPT_RECONNECT, &no);
	mysql_options(m, MYSQL_REPORT_DATA_TRUNCATION, &yes);
	if (db.socket != NULL && db.socket[0] != '\0') {
		proto = MYSQL_PROTOCOL_SOCKET;
		host = "localhost";
	} else {
		proto = MYSQL_PROTOCOL_TCP;
		host = db.host;
	}
	mysql_options(m, MYSQL_OPT_PROTOCOL, &proto);
	if (mysql_real_connect(m, host, db.user, db.password, db.name, db.port,
	    proto == MYSQL_PROTOCOL_SOCKET ? db.socket : NULL, flags) == NULL)
		return connect_failed(m, "connecting to");
	db_bound_sql(db.stmt_bound_ms, bound, sizeof(bound));
	if (mysql_real_query(m, session_tz, sizeof(session_tz) - 1) != 0 ||
	    mysql_real_query(m, session_mode, sizeof(session_mode) - 1) != 0 ||
	    (bound[0] != '\0' && mysql_real_query(m, bound, strlen(bound)) != 0))
		return connect_failed(m, "setting up the session on");

	db.conn = m;
	db.last_fail_us = 0;
	if (db.ever_connected) {
		db.stats.reconnects++;
		shm_count(SHM_C_DB_RECONNECTS, 1);
		log_msg(LOG_INFO, "database: reconnected");
	}
	db.ever_connected = 1;
	db.down_logged = 0;
	return 0;
}

/* While down, tries at most once a second so that requests fail fast
 * instead of each waiting for a timeout. A transaction whose connection
 * died stays dead until it is ended. */
int db_may_connect(int in_tx, uint64_t last_fail_us, uint64_t now)
{
	if (in_tx)
		return 0;
	return last_fail_us == 0 || now - last_fail_us >= DB_RETRY_AFTER_US;
}

/* Connected, or DF_EDBDOWN. */
static int ensure_conn(void)
{
	if (!db.ready)
		return DF_EDBDOWN;
	if (db.conn != NULL)
		return 0;
	if (!db_may_connect(db.in_tx, db.last_fail_us, now_us()))
		return DF_EDBDOWN;
	return connect_now();
}

size_t db_stmt_home(const char *sql)
{
	uint64_t h = (uint64_t)(uintptr_t)sql * 0x9E3779B97F4A7C15ull;

	return (size_t)(h >> 40) & (DB_STMT_SLOTS - 1);
}

int db_stmt_lookup(const struct db_stmt_slot *slots, size_t nused,
	const char *sql, size_t *idx)
{
	size_t i = db_stmt_home(sql), n;

	for (n = 0; n < DB_STMT_SLOTS; n++, i = (i + 1) & (DB_STMT_SLOTS - 1)) {
		if (slots[i].sql == sql) {
			*idx = i;
			return 1;
		}
		if (slots[i].sql == NULL)
			break;
	}
	if (n < DB_STMT_SLOTS && nused < DB_STMT_MAX_CACHED) {
		*idx = i;
		return 0;
	}
	return -1;
}

/* The prepared statement for sql, from the cache or prepared now. *cached
 * says whether the caller must close it after use. NULL with
 * c->errnum set on failure. */
static MYSQL_STMT *stmt_get(struct call *c, int *cached)
{
	size_t i = 0;
	int found = db_stmt_lookup(db.stmts, db.nstmts, c->sql, &i);
	MYSQL_STMT *st;

	if (found == 1) {
		*cached = 1;
		return db.stmts[i].st;
	}
	st = mysql_stmt_init(db.conn);
	if (st == NULL) {
		c->errnum = mysql_errno(db.conn);
		if (c->errnum == 0)
			c->errnum = CR_OUT_OF_MEMORY;
		return NULL;
	}
	if (mysql_stmt_prepare(st, c->sql, strlen(c->sql)) != 0) {
		c->errnum = mysql_stmt_errno(st);
		/* The SQL is a literal from store/, so the server's message
		 * holds no user data and is what a developer needs. */
		if (!is_gone(c->errnum)) {
			log_msg(LOG_ERROR, "database: cannot prepare \"%.200s\": %s "
				"(error %u)", c->sql, mysql_stmt_error(st), c->errnum);
			c->logged = 1;
		}
		mysql_stmt_close(st);
		return NULL;
	}
	*cached = 0;
	if (found == 0) {
		db.stmts[i].sql = c->sql;
		db.stmts[i].st = st;
		db.nstmts++;
		*cached = 1;
	}
	return st;
}

static int bind_params(struct call *c, MYSQL_STMT *st, MYSQL_BIND *b,
	unsigned long *lens)
{
	size_t i;

	for (i = 0; i < c->nparams; i++) {
		const struct db_param *p = &c->params[i];

		memset(&b[i], 0, sizeof(b[i]));
		switch (p->type) {
		case DB_T_INT:
			b[i].buffer_type = MYSQL_TYPE_LONGLONG;
			b[i].buffer = (void *)&p->i;
			break;
		case DB_T_DOUBLE:
			b[i].buffer_type = MYSQL_TYPE_DOUBLE;
			b[i].buffer = (void *)&p->d;
			break;
		case DB_T_STR:
		case DB_T_BLOB:
			b[i].buffer_type = p->type == DB_T_STR ? MYSQL_TYPE_STRING :
				MYSQL_TYPE_BLOB;
			b[i].buffer = (void *)(p->s != NULL ? p->s : "");
			lens[i] = p->s != NULL ? (unsigned long)p->len : 0;
			b[i].buffer_length = lens[i];
			b[i].length = &lens[i];
			break;
		case DB_T_NULL:
		default:
			b[i].buffer_type = MYSQL_TYPE_NULL;
			break;
		}
	}
	if (c->nparams > 0 && mysql_stmt_bind_param(st, b) != 0) {
		c->errnum = mysql_stmt_errno(st);
		return DF_EDB;
	}
	return 0;
}

/* Copies every row of the executed statement st into the arena. */
static int fetch_rows(struct call *c, MYSQL_STMT *st)
{
	struct db_result *out = c->out;
	MYSQL_RES *meta;
	MYSQL_FIELD *fields;
	MYSQL_BIND *b;
	unsigned long *lens;
	my_bool *nulls;
	char *bufs;
	size_t ncols, nrows, r, j;
	int rc;

	meta = mysql_stmt_result_metadata(st);
	if (meta == NULL) {
		c->errnum = mysql_stmt_errno(st);
		return c->errnum != 0 ? DF_EDB : 0;   /* no result set */
	}
	ncols = mysql_num_fields(meta);
	fields = mysql_fetch_fields(meta);
	if (ncols == 0) {
		mysql_free_result(meta);
		return 0;
	}
	out->ncols = ncols;
	out->names = arena_calloc(c->a, ncols, sizeof(*out->names));
	b = arena_calloc(c->a, ncols, sizeof(*b));
	lens = arena_calloc(c->a, ncols, sizeof(*lens));
	nulls = arena_calloc(c->a, ncols, sizeof(*nulls));
	bufs = arena_alloc(c->a, ncols * DB_COL_BUF);
	if (out->names == NULL || b == NULL || lens == NULL || nulls == NULL ||
	    bufs == NULL) {
		mysql_free_result(meta);
		return DF_ENOMEM;
	}
	for (j = 0; j < ncols; j++) {
		out->names[j] = arena_strdup(c->a, fields[j].name);
		if (out->names[j] == NULL) {
			mysql_free_result(meta);
			return DF_ENOMEM;
		}
		b[j].buffer_type = MYSQL_TYPE_STRING;
		b[j].buffer = bufs + j * DB_COL_BUF;
		b[j].buffer_length = DB_COL_BUF;
		b[j].length = &lens[j];
		b[j].is_null = &nulls[j];
	}
	mysql_free_result(meta);
	if (mysql_stmt_bind_result(st, b) != 0 || mysql_stmt_store_result(st) != 0) {
		c->errnum = mysql_stmt_errno(st);
		return DF_EDB;
	}
	nrows = (size_t)mysql_stmt_num_rows(st);
	if (nrows > 0 && ncols > 0) {
		out->cells = arena_calloc(c->a, nrows * ncols, sizeof(*out->cells));
		if (out->cells == NULL)
			return DF_ENOMEM;
	}
	for (r = 0; r < nrows; r++) {
		rc = mysql_stmt_fetch(st);
		if (rc == MYSQL_NO_DATA)
			break;
		if (rc != 0 && rc != MYSQL_DATA_TRUNCATED) {
			c->errnum = mysql_stmt_errno(st);
			return DF_EDB;
		}
		for (j = 0; j < ncols; j++) {
			struct db_value *v = &out->cells[r * ncols + j];
			char *p;

			if (nulls[j]) {
				v->is_null = 1;
				continue;
			}
			p = arena_alloc(c->a, lens[j] + 1);
			if (p == NULL)
				return DF_ENOMEM;
			if (lens[j] <= DB_COL_BUF) {
				memcpy(p, bufs + j * DB_COL_BUF, lens[j]);
			} else {
				/* Truncated: fetch this column again at full length. */
				MYSQL_BIND fb;
				unsigned long got = 0;

				memset(&fb, 0, sizeof(fb));
				fb.buffer_type = MYSQL_TYPE_STRING;
				fb.buffer = p;
				fb.buffer_length = lens[j] + 1;
				fb.length = &got;
				if (mysql_stmt_fetch_column(st, &fb, (unsigned)j, 0) != 0) {
					c->errnum = mysql_stmt_errno(st);
					return DF_EDB;
				}
			}
			p[lens[j]] = '\0';
			v->s = p;
			v->len = lens[j];
		}
	}
	out->nrows = r;
	return 0;
}

/* One attempt: prepare (or reuse), bind, execute, fetch. DF_EDB with
 * c->errnum set, or DF_ENOMEM / DF_EINVAL. */
static int run_once(struct call *c)
{
	MYSQL_BIND pb[16], *b = pb;
	unsigned long plens[16], *lens = plens;
	MYSQL_STMT *st;
	int cached = 0, rc;

	c->errnum = 0;
	st = stmt_get(c, &cached);
	if (st == NULL)
		return DF_EDB;
	if (mysql_stmt_param_count(st) != c->nparams) {
		log_msg(LOG_ERROR, "database: \"%.200s\" takes %lu parameters, "
			"%zu given", c->sql, mysql_stmt_param_count(st), c->nparams);
		c->logged = 1;
		rc = DF_EINVAL;
		goto out;
	}
	if (c->nparams > 16) {
		b = calloc(c->nparams, sizeof(*b));
		lens = calloc(c->nparams, sizeof(*lens));
		if (b == NULL || lens == NULL) {
			rc = DF_ENOMEM;
			goto out;
		}
	}
	rc = bind_params(c, st, b, lens);
	if (rc == 0 && mysql_stmt_execute(st) != 0) {
		c->errnum = mysql_stmt_errno(st);
		rc = DF_EDB;
	}
	if (rc == 0 && c->out != NULL) {
		rc = fetch_rows(c, st);
	} else if (rc == 0 && mysql_stmt_field_count(st) > 0 &&
	           mysql_stmt_store_result(st) != 0) {
		/* db_exec of something that returns rows: read and drop them. */
		c->errnum = mysql_stmt_errno(st);
		rc = DF_EDB;
	}
	if (rc == 0 && c->affected != NULL)
		*c->affected = (uint64_t)mysql_stmt_affected_rows(st);
	if (rc == 0 && c->insert_id != NULL)
		*c->insert_id = (uint64_t)mysql_stmt_insert_id(st);
out:
	mysql_stmt_free_result(st);
	if (!cached)
		mysql_stmt_close(st);
	if (b != pb)
		free(b);
	if (lens != plens)
		free(lens);
	return rc;
}

enum db_next db_after_error(unsigned e, int in_tx, int attempt,
	uint64_t dur_us, unsigned read_timeout_s)
{
	if (is_gone(e)) {
		/* Retrying inside a transaction would run the rest of it on a
		 * new connection without its first half. */
		if (in_tx)
			return DB_NEXT_DOWN;
		/* A read that timed out means a hung server: connecting again
		 * now would only add the connect timeout. */
		if (dur_us >= (uint64_t)read_timeout_s * 900000u)
			return DB_NEXT_DOWN_HUNG;
		/* Once: a server that drops the fresh connection too is down. */
		return attempt == 0 ? DB_NEXT_RECONNECT : DB_NEXT_DOWN;
	}
	if (is_dup(e))
		return DB_NEXT_CONFLICT;
	/* Never retried: a second try would hold the database as long
	 * again, which is what the bound is there to prevent. */
	if (is_timeout(e))
		return DB_NEXT_TIMEOUT;
	if (e == ER_LOCK_DEADLOCK && !in_tx && attempt == 0)
		return DB_NEXT_RETRY;
	return DB_NEXT_FAIL;
}

static int run(struct call *c)
{
	uint64_t t0, dur;
	enum db_next next;
	int attempt, rc;

	for (attempt = 0; attempt < 2; attempt++) {
		rc = ensure_conn();
		if (rc != 0)
			return rc;
		if (c->out != NULL)
			memset(c->out, 0, sizeof(*c->out));
		c->logged = 0;
		t0 = now_us();
		rc = run_once(c);
		dur = now_us() - t0;
		db.stats.queries++;
		/* A duplicate key is an answer, not a database failure. */
		metrics_observe_db(dur, rc == 0 || is_dup(c->errnum));
		if (rc == 0)
			return 0;
		db.stats.errors++;
		db.deadlocked = c->errnum == ER_LOCK_DEADLOCK;
		if (rc != DF_EDB)
			return rc;
		next = db_after_error(c->errnum, db.in_tx, attempt, dur,
			db.read_timeout);
		if (next == DB_NEXT_RECONNECT || next == DB_NEXT_DOWN ||
		    next == DB_NEXT_DOWN_HUNG) {
			log_msg(LOG_WARN, "database: connection lost (error %u)%s",
				c->errnum, db.in_tx ? " inside a transaction" : "");
			drop_conn();
			if (next == DB_NEXT_DOWN_HUNG)
				db.last_fail_us = now_us();
			if (next != DB_NEXT_RECONNECT)
				return DF_EDBDOWN;
			continue;
		}
		if (next == DB_NEXT_CONFLICT)
			return DF_ECONFLICT;
		if (next == DB_NEXT_TIMEOUT) {
			/* The router logs it at warn with the route. */
			shm_count(SHM_C_DB_STMT_TIMEOUTS, 1);
			log_msg(LOG_DEBUG, "database: \"%.200s\" stopped after "
				"%llu ms (error %u)", c->sql,
				(unsigned long long)(dur / 1000), c->errnum);
			return DF_EDBTIMEOUT;
		}
		if (next == DB_NEXT_RETRY) {
			log_msg(LOG_WARN, "database: deadlock, retrying \"%.200s\"",
				c->sql);
			continue;
		}
		/* The server's text may quote bound values: log the number.
		 * A deadlock victim's caller may run its transaction again. */
		if (!c->logged)
			log_msg(db.deadlocked ? LOG_WARN : LOG_ERROR,
				"database: \"%.200s\" failed with error %u",
				c->sql, c->errnum);
		return DF_EDB;
	}
	return is_gone(c->errnum) ? DF_EDBDOWN : DF_EDB;
}

int db_init(const struct config *cfg)
{
	if (db.ready)
		db_close();
	memset(&db, 0, sizeof(db));
	db.port = cfg->db_port;
	db.connect_timeout = cfg->db_connect_timeout;
	db.read_timeout = cfg->db_read_timeout;
	db.write_timeout = cfg->db_write_timeout;
	db.host = strdup(cfg->db_host != NULL ? cfg->db_host : "localhost");
	db.socket = cfg->db_socket != NULL ? strdup(cfg->db_socket) : NULL;
	db.user = strdup(cfg->db_user != NULL ? cfg->db_user : "");
	db.password = strdup(cfg->db_password != NULL ? cfg->db_password : "");
	db.name = strdup(cfg->db_name != NULL ? cfg->db_name : "");
	if (db.host == NULL || (cfg->db_socket != NULL && db.socket == NULL) ||
	    db.user == NULL || db.password == NULL || db.name == NULL) {
		db.ready = 1;
		db_close();
		return DF_ENOMEM;
	}
	db.ready = 1;
	return 0;
}

void db_close(void)
{
	if (!db.ready)
		return;
	drop_conn();
	free(db.host);
	free(db.socket);
	free(db.user);
	if (db.password != NULL) {
		explicit_bzero(db.password, strlen(db.password));
		free(db.password);
	}
	free(db.name);
	memset(&db, 0, sizeof(db));
	mysql_library_end();
}

void db_set_statement_bound(unsigned ms)
{
	db.stmt_bound_ms = ms;
	/* Connected already (it should not be): the next connect sets it. */
	if (db.conn != NULL && !db.in_tx)
		drop_conn();
}

unsigned db_statement_bound(void)
{
	return db.stmt_bound_ms;
}

void db_bound_sql(unsigned ms, char *buf, size_t len)
{
	/* max_statement_time is in seconds, with fractions. */
	if (ms == 0 && len > 0)
		buf[0] = '\0';
	else if (ms > 0)
		snprintf(buf, len, "SET SESSION max_statement_time = %u.%03u",
			ms / 1000, ms % 1000);
}

int db_connect(void)
{
	return ensure_conn();
}

int db_exec(const char *sql, const struct db_param *params, size_t nparams,
	uint64_t *affected, uint64_t *insert_id)
{
	struct call c = { .sql = sql, .params = params, .nparams = nparams,
		.affected = affected, .insert_id = insert_id };

	if (sql == NULL || (nparams > 0 && params == NULL))
		return DF_EINVAL;
	return run(&c);
}

int db_query(struct arena *a, const char *sql, const struct db_param *params,
	size_t nparams, struct db_result *out)
{
	struct call c = { .sql = sql, .params = params, .nparams = nparams,
		.a = a, .out = out };
	int rc;

	if (a == NULL || out == NULL || sql == NULL ||
	    (nparams > 0 && params == NULL))
		return DF_EINVAL;
	rc = run(&c);
	if (rc != 0)
		memset(out, 0, sizeof(*out));
	return rc;
}

static const struct db_value *cell(const struct db_result *r, size_t row,
	size_t col)
{
	if (r == NULL || r->cells == NULL || row >= r->nrows || col >= r->ncols)
		return NULL;
	return &r->cells[row * r->ncols + col];
}

const char *db_str(const struct db_result *r, size_t row, size_t col)
{
	const struct db_value *v = cell(r, row, col);

	return v == NULL || v->is_null ? NULL : v->s;
}

void db_str_copy(const struct db_result *r, size_t row, size_t col,
	char *dst, size_t size)
{
	const char *s = db_str(r, row, col);

	snprintf(dst, size, "%s", s != NULL ? s : "");
}

int64_t db_int(const struct db_result *r, size_t row, size_t col, int64_t dflt)
{
	const char *s = db_str(r, row, col);
	char *end;
	long long v;

	if (s == NULL || *s == '\0')
		return dflt;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return dflt;
	return (int64_t)v;
}

int db_is_null(const struct db_result *r, size_t row, size_t col)
{
	const struct db_value *v = cell(r, row, col);

	return v == NULL || v->is_null;
}

/* A statement without parameters or rows, sent as text (transaction
 * control). retry: may reconnect and send it again when the connection
 * was lost. */
static int simple(const char *sql, int retry)
{
	unsigned e = 0;
	uint64_t t0;
	int attempt, rc;

	for (attempt = 0; attempt < 2; attempt++) {
		rc = ensure_conn();
		if (rc != 0)
			return rc;
		t0 = now_us();
		rc = mysql_real_query(db.conn, sql, strlen(sql));
		e = rc != 0 ? mysql_errno(db.conn) : 0;
		db.stats.queries++;
		metrics_observe_db(now_us() - t0, rc == 0);
		if (rc == 0)
			return 0;
		db.stats.errors++;
		if (is_timeout(e)) {
			shm_count(SHM_C_DB_STMT_TIMEOUTS, 1);
			log_msg(LOG_DEBUG, "database: \"%s\" stopped (error %u)",
				sql, e);
			return DF_EDBTIMEOUT;
		}
		if (!is_gone(e)) {
			log_msg(LOG_ERROR, "database: \"%s\" failed: %s (error %u)", sql,
				mysql_error(db.conn), e);
			return DF_EDB;
		}
		log_msg(LOG_WARN, "database: connection lost (error %u) on \"%s\"",
			e, sql);
		drop_conn();
		if (!retry)
			return DF_EDBDOWN;
	}
	return DF_EDBDOWN;
}

int db_begin(void)
{
	int rc;

	if (db.in_tx) {
		log_msg(LOG_ERROR, "database: db_begin inside a transaction");
		return DF_EINTERNAL;
	}
	rc = simple("START TRANSACTION", 1);
	if (rc == 0)
		db.in_tx = 1;
	return rc;
}

int db_commit(void)
{
	int rc;

	if (db.conn == NULL) {
		db.in_tx = 0;
		return DF_EDBDOWN;
	}
	rc = simple("COMMIT", 0);
	db.in_tx = 0;
	return rc;
}

int db_in_tx(void)
{
	return db.in_tx;
}

int db_last_deadlocked(void)
{
	return db.deadlocked;
}

int db_rollback(void)
{
	if (db.conn == NULL) {
		/* The server rolled back when the connection went. */
		db.in_tx = 0;
		return 0;
	}
	db.in_tx = 0;
	return simple("ROLLBACK", 0) == DF_EDB ? DF_EDB : 0;
}

int db_ping(double *latency_ms)
{
	struct call c = { .sql = ping_sql };
	uint64_t t0 = now_us();

	if (run(&c) != 0)
		return DF_EDBDOWN;
	if (latency_ms != NULL)
		*latency_ms = (double)(now_us() - t0) / 1000.0;
	return 0;
}

int db_exec_script(const char *sql, size_t len, char *err, size_t errlen)
{
	MYSQL_RES *res;
	unsigned e;
	uint64_t t0;
	int st, rc;

	if (errlen > 0)
		err[0] = '\0';
	rc = ensure_conn();
	if (rc != 0) {
		snprintf(err, errlen, "the database is unreachable");
		return rc;
	}
	t0 = now_us();
	st = mysql_real_query(db.conn, sql, (unsigned long)len);
	/* Every statement's result must be read before the next command. */
	while (st == 0) {
		res = mysql_store_result(db.conn);
		if (res != NULL)
			mysql_free_result(res);
		else if (mysql_field_count(db.conn) != 0) {
			st = 1;
			break;
		}
		st = mysql_next_result(db.conn);
		if (st == -1) {
			st = 0;
			break;
		}
	}
	db.stats.queries++;
	metrics_observe_db(now_us() - t0, st == 0);
	if (st == 0)
		return 0;
	db.stats.errors++;
	e = mysql_errno(db.conn);
	snprintf(err, errlen, "%s (error %u)", mysql_error(db.conn), e);
	if (is_gone(e)) {
		drop_conn();
		return DF_EDBDOWN;
	}
	return DF_EDB;
}

void db_get_stats(struct db_stats *out)
{
	*out = db.stats;
}
