/* One error convention for the whole program: 0 on success, a negative
 * enum df_err on failure. The caller (usually the router) decides which
 * HTTP status an error becomes. */
#ifndef DF_ERR_H
#define DF_ERR_H

enum df_err {
	DF_OK = 0,
	DF_ENOMEM = -1,      /* allocation failed */
	DF_EINVAL = -2,      /* bad argument or malformed input */
	DF_ENOTFOUND = -3,   /* no such row / object */
	DF_ECONFLICT = -4,   /* duplicate or wrong state */
	DF_EDB = -5,         /* database error other than unavailability */
	DF_EDBDOWN = -6,     /* database unreachable: 503 */
	DF_EIO = -7,         /* read/write failed (client went away, file) */
	DF_ETOOBIG = -8,     /* over a configured limit */
	DF_EAUTH = -9,       /* missing or bad credentials */
	DF_EFORBIDDEN = -10, /* authenticated but not allowed */
	DF_EINTERNAL = -11,  /* anything else */
	DF_ERESPONDED = -12, /* a problem response was already written to the
	                        request; the caller must not write another */
	DF_EDBTIMEOUT = -13, /* a statement ran into the configured bound
	                        (db_statement_timeout_ms): 503 */
	DF_EUPSTREAM = -14   /* a service we call (the payment provider)
	                        failed or did not answer in time: 502 */
};

/* On a function returning 0 or a negative df_err: a caller that ignores
 * the result fails the build (-Werror), as lighttpd annotates its
 * headers. A (void) cast does not silence it: handle the error. */
#define DF_MUST_CHECK __attribute__((warn_unused_result))

/* A static, human-readable name for an error code. Never NULL. */
const char *df_strerror(int err);

#endif
