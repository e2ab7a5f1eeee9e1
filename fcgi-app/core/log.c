/* JSON-lines logging: every line is one json-c object written with one
 * write(2) on an O_APPEND descriptor, so the lines of concurrent workers
 * never interleave. The exception is the access line, written once per
 * request: it is formatted into a stack buffer with the escaping json-c
 * applies (tests/unit/test_log.c compares the two), as building a json-c
 * object of twelve members cost more than the rest of a /health answer's
 * own work. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <pthread.h>

#include <json-c/json.h>

#include "err.h"
#include "http.h"
#include "log.h"

#define LOG_MSG_MAX 2048      /* longer messages are cut (on a character) */
#define LOG_LINE_STACK 4096

static int log_fd = STDERR_FILENO;
static int log_owns_fd;
static char *log_path;
static int log_min_level = LOG_INFO;

static const char *const level_names[] = { "debug", "info", "warn", "error" };

int log_open(const char *path, int level)
{
	char *copy = NULL;
	int fd = STDERR_FILENO;

	if (path != NULL && path[0] != '\0') {
		copy = strdup(path);
		if (copy == NULL)
			return DF_EIO;
		fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
		if (fd < 0) {
			free(copy);
			return DF_EIO;
		}
	}
	log_close();
	log_fd = fd;
	log_owns_fd = copy != NULL;
	log_path = copy;
	if (level < LOG_DEBUG)
		level = LOG_DEBUG;
	if (level > LOG_ERROR)
		level = LOG_ERROR;
	log_min_level = level;
	return 0;
}

void log_close(void)
{
	if (log_owns_fd)
		close(log_fd);
	log_fd = STDERR_FILENO;
	log_owns_fd = 0;
	free(log_path);
	log_path = NULL;
}

int log_reopen(void)
{
	int fd;

	if (log_path == NULL)
		return 0;
	fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0)
		return DF_EIO;
	/* dup2 swaps the file under the same descriptor number, so there is
	 * no moment at which a line could go to a closed descriptor. */
	if (dup2(fd, log_fd) < 0) {
		close(fd);
		return DF_EIO;
	}
	close(fd);
	return 0;
}

/* Length of the well-formed UTF-8 sequence at s (at most n bytes), or 0:
 * no overlongs, no surrogates, nothing above U+10FFFF. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return n >= 2 && (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if (n < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if (c == 0xe0 && s[1] < 0xa0)
			return 0;
		if (c == 0xed && s[1] > 0x9f)
			return 0;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (n < 4 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80)
			return 0;
		if (c == 0xf0 && s[1] < 0x90)
			return 0;
		if (c == 0xf4 && s[1] > 0x8f)
			return 0;
		return 4;
	}
	return 0;
}

/* Copies s into out (size cap > 0), replacing every byte that does not
 * start a well-formed UTF-8 sequence with '?', so a log line is always
 * valid JSON text whatever a message carries. Cuts on a character. */
static void utf8_scrub(const char *s, char *out, size_t cap)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, o = 0;

	while (i < n) {
		size_t k = utf8_seq(p + i, n - i);

		if (k == 0) {
			if (o + 1 >= cap)
				break;
			out[o++] = '?';
			i++;
			continue;
		}
		if (o + k >= cap)
			break;
		memcpy(out + o, p + i, k);
		o += k;
		i += k;
	}
	out[o] = '\0';
}

static void add_str(struct json_object *o, const char *k, const char *v)
{
	char buf[LOG_MSG_MAX];

	if (v == NULL) {
		json_object_object_add(o, k, NULL);
		return;
	}
	utf8_scrub(v, buf, sizeof(buf));
	json_object_object_add(o, k, json_object_new_string(buf));
}

void log_timestamp(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;
	char date[24];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%06ldZ", date, ts.tv_nsec / 1000);
}

/* The process id, asked once per process (getpid() is a syscall); a
 * forked child asks again. */
static pid_t log_pid_cached;

static void log_pid_forked(void)
{
	log_pid_cached = 0;
}

static pid_t log_pid(void)
{
	static int registered;

	if (log_pid_cached == 0) {
		if (!registered && pthread_atfork(NULL, NULL,
		    log_pid_forked) == 0)
			registered = 1;
		log_pid_cached = getpid();
	}
	return log_pid_cached;
}

/* Starts a line with the fields every line has. */
static struct json_object *line_new(int level)
{
	struct json_object *o = json_object_new_object();
	char ts[32];

	if (o == NULL)
		return NULL;
	log_timestamp(ts, sizeof(ts));
	json_object_object_add(o, "ts", json_object_new_string(ts));
	json_object_object_add(o, "level",
		json_object_new_string(level_names[level]));
	json_object_object_add(o, "pid", json_object_new_int64(log_pid()));
	return o;
}

static void write_all(const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(log_fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		p += w;
		n -= (size_t)w;
	}
}

/* Serialises o, appends the newline and writes the whole line at once. */
static void line_emit(struct json_object *o)
{
	char stackbuf[LOG_LINE_STACK];
	const char *s;
	size_t len;
	char *buf;

	s = json_object_to_json_string_length(o,
		JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	if (s != NULL) {
		buf = len + 1 <= sizeof(stackbuf) ? stackbuf : malloc(len + 1);
		if (buf != NULL) {
			memcpy(buf, s, len);
			buf[len] = '\n';
			write_all(buf, len + 1);
			if (buf != stackbuf)
				free(buf);
		}
	}
	json_object_put(o);
}

static __attribute__((format(printf, 3, 0)))
void log_vline(const struct request *req, int level, const char *fmt,
	va_list ap)
{
	struct json_object *o;
	char msg[LOG_MSG_MAX];

	if (level < LOG_DEBUG || level > LOG_ERROR || level < log_min_level)
		return;
	o = line_new(level);
	if (o == NULL)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	add_str(o, "msg", msg);
	if (req != NULL)
		add_str(o, "request_id", req->request_id);
	line_emit(o);
}

void log_msg(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vline(NULL, level, fmt, ap);
	va_end(ap);
}

void log_req_msg(const struct request *req, int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vline(req, level, fmt, ap);
	va_end(ap);
}

/* A line being built in a fixed buffer; over is set when it did not fit. */
struct lbuf {
	char *p;
	size_t n, cap;
	int over;
};

#define LB_LIT(b, lit) lb_raw((b), (lit), sizeof(lit) - 1)

static void lb_raw(struct lbuf *b, const char *s, size_t n)
{
	if (n > b->cap - b->n) {
		b->over = 1;
		return;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
}

/* ,"key":"value" (or null), the value scrubbed as add_str does and
 * escaped as json-c escapes with JSON_C_TO_STRING_NOSLASHESCAPE. */
static void lb_str(struct lbuf *b, const char *key, const char *v)
{
	static const char hex[] = "0123456789abcdef";
	char buf[LOG_MSG_MAX], esc[6];
	const unsigned char *p;

	LB_LIT(b, ",\"");
	lb_raw(b, key, strlen(key));
	if (v == NULL) {
		LB_LIT(b, "\":null");
		return;
	}
	LB_LIT(b, "\":\"");
	utf8_scrub(v, buf, sizeof(buf));
	for (p = (const unsigned char *)buf; *p != '\0' && !b->over; p++) {
		const char *e = NULL;

		switch (*p) {
		case '"': e = "\\\""; break;
		case '\\': e = "\\\\"; break;
		case '\b': e = "\\b"; break;
		case '\f': e = "\\f"; break;
		case '\n': e = "\\n"; break;
		case '\r': e = "\\r"; break;
		case '\t': e = "\\t"; break;
		default:
			if (*p < 0x20) {
				memcpy(esc, "\\u00", 4);
				esc[4] = hex[*p >> 4];
				esc[5] = hex[*p & 0x0f];
				lb_raw(b, esc, 6);
			} else if (b->n < b->cap) {
				b->p[b->n++] = (char)*p;
			} else {
				b->over = 1;
			}
			continue;
		}
		lb_raw(b, e, 2);
	}
	LB_LIT(b, "\"");
}

static void lb_int(struct lbuf *b, const char *key, long long v)
{
	char num[48];
	int k = snprintf(num, sizeof(num), ",\"%s\":%lld", key, v);

	if (k > 0 && (size_t)k < sizeof(num))
		lb_raw(b, num, (size_t)k);
	else
		b->over = 1;
}

/* The access line through json-c: for a line too long for the stack
 * buffer (a path of thousands of escaped bytes). */
static void access_json(const struct request *req, const char *route_pattern,
	const char *ms, uint64_t dur_ns)
{
	struct json_object *o = line_new(LOG_INFO);

	if (o == NULL)
		return;
	add_str(o, "request_id", req->request_id);
	add_str(o, "method", req->method_str);
	add_str(o, "path", req->path);
	add_str(o, "route", route_pattern);
	json_object_object_add(o, "status", json_object_new_int(req->resp.status));
	json_object_object_add(o, "duration_ms",
		json_object_new_double_s((double)dur_ns / 1e6, ms));
	json_object_object_add(o, "bytes_out",
		json_object_new_int64((int64_t)req->bytes_out));
	add_str(o, "remote", req->remote_addr);
	add_str(o, "user", req->auth.authenticated && req->auth.sub[0] ?
		req->auth.sub : NULL);
	line_emit(o);
}

void log_access(const struct request *req, const char *route_pattern)
{
	char line[LOG_LINE_STACK], ts[32], ms[32];
	struct lbuf b = { line, 0, sizeof(line) - 1, 0 };
	uint64_t now, dur_ns = 0;

	if (LOG_INFO < log_min_level)
		return;
	now = http_now_ns();
	if (req->t_start_ns != 0 && now > req->t_start_ns)
		dur_ns = now - req->t_start_ns;
	/* Printed with three decimals ourselves: json-c would print a double
	 * with seventeen significant digits. */
	snprintf(ms, sizeof(ms), "%.3f", (double)dur_ns / 1e6);

	log_timestamp(ts, sizeof(ts));
	LB_LIT(&b, "{\"ts\":\"");
	lb_raw(&b, ts, strlen(ts));
	LB_LIT(&b, "\",\"level\":\"info\"");
	lb_int(&b, "pid", (long long)log_pid());
	lb_str(&b, "request_id", req->request_id);
	lb_str(&b, "method", req->method_str);
	lb_str(&b, "path", req->path);
	lb_str(&b, "route", route_pattern);
	lb_int(&b, "status", req->resp.status);
	LB_LIT(&b, ",\"duration_ms\":");
	lb_raw(&b, ms, strlen(ms));
	lb_int(&b, "bytes_out", (long long)req->bytes_out);
	lb_str(&b, "remote", req->remote_addr);
	lb_str(&b, "user", req->auth.authenticated && req->auth.sub[0] ?
		req->auth.sub : NULL);
	LB_LIT(&b, "}");
	if (b.over) {
		access_json(req, route_pattern, ms, dur_ns);
		return;
	}
	line[b.n++] = '\n';
	write_all(line, b.n);
}

int log_level_parse(const char *s, int *out)
{
	int i;

	if (s == NULL)
		return DF_EINVAL;
	for (i = LOG_DEBUG; i <= LOG_ERROR; i++) {
		if (strcasecmp(s, level_names[i]) == 0) {
			*out = i;
			return 0;
		}
	}
	if (strcasecmp(s, "warning") == 0) {
		*out = LOG_WARN;
		return 0;
	}
	return DF_EINVAL;
}
