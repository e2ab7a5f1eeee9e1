/* Logging: one JSON object per line, written with a single write(2) so the
 * lines of concurrent workers never interleave. One access line per
 * request; other lines for start-up, shutdown and errors. */
#ifndef DF_LOG_H
#define DF_LOG_H

#include <stdint.h>
#include "err.h"

struct request;

enum log_level { LOG_DEBUG = 0, LOG_INFO, LOG_WARN, LOG_ERROR };

/* Opens path for appending (NULL: stderr). 0 or DF_EIO. */
DF_MUST_CHECK int log_open(const char *path, int level);
void log_close(void);
/* Re-opens the same path (after logrotate; called on SIGHUP). */
DF_MUST_CHECK int log_reopen(void);

/* {"ts":"...","level":"info","pid":N,"msg":"..."[,"request_id":..]} */
void log_msg(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Same with a request id attached. */
void log_req_msg(const struct request *req, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The access line: ts, level, pid, request_id, method, path, route (the
 * pattern or null), status, duration_ms, bytes_out, remote, user (sub or
 * null). Never contains the query string or any header value other than
 * the request id. */
void log_access(const struct request *req, const char *route_pattern);

/* RFC 3339 UTC with microseconds for the current time (buf >= 32). */
void log_timestamp(char *buf, size_t len);

DF_MUST_CHECK int log_level_parse(const char *s, int *out);

#endif
