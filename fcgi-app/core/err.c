/* Names for enum df_err, for logs and tools. */
#include "err.h"

const char *df_strerror(int err)
{
	switch (err) {
	case DF_OK: return "ok";
	case DF_ENOMEM: return "out of memory";
	case DF_EINVAL: return "invalid input";
	case DF_ENOTFOUND: return "not found";
	case DF_ECONFLICT: return "conflict";
	case DF_EDB: return "database error";
	case DF_EDBDOWN: return "database unavailable";
	case DF_EIO: return "input/output error";
	case DF_ETOOBIG: return "over a limit";
	case DF_EAUTH: return "unauthorized";
	case DF_EFORBIDDEN: return "forbidden";
	case DF_EINTERNAL: return "internal error";
	case DF_ERESPONDED: return "already answered";
	case DF_EDBTIMEOUT: return "database statement bound reached";
	case DF_EUPSTREAM: return "upstream service failed";
	}
	return "unknown error";
}
