/* Content-addressed files (extension packages) under one directory:
 * <dir>/<first two hex digits>/<sha256 hex>. An upload streams into a
 * temporary file in <dir>/tmp while being hashed, so no request ever holds
 * a package in memory, and is renamed into place only once accepted. */
#ifndef DF_BLOB_H
#define DF_BLOB_H

#include <stddef.h>
#include <stdint.h>
#include "http.h"
#include "err.h"

#define BLOB_PATH_MAX 4096

struct blob_tmp {
	char path[BLOB_PATH_MAX];   /* the temporary file; "" when none */
	char sha256[65];            /* hex digest of what was written */
	uint64_t size;
};

/* Reads exactly length bytes from rd into a new temporary file under
 * dir/tmp (created when missing), hashing them. 0; DF_EIO when the body
 * ends early or cannot be read (the client went away); DF_EINTERNAL when
 * the file cannot be written. On failure nothing is left behind. */
DF_MUST_CHECK int blob_receive(const char *dir, http_read_fn rd, void *ctx,
	uint64_t length, struct blob_tmp *out);

/* Moves the temporary file to its content address. When that file
 * exists already (same content) the temporary one is dropped. 0 or
 * DF_EINTERNAL. */
DF_MUST_CHECK int blob_commit(const char *dir, struct blob_tmp *t);

/* Deletes the temporary file, if any. */
void blob_discard(struct blob_tmp *t);

/* The stored path of sha256 (64 lower-case hex digits) into out. 0, or
 * DF_EINVAL for a malformed digest or a path that does not fit. */
DF_MUST_CHECK int blob_path(const char *dir, const char *sha256, char *out, size_t len);

/* Deletes the stored file of sha256 (a package nothing references any
 * more). 0 also when it was already gone. */
DF_MUST_CHECK int blob_remove(const char *dir, const char *sha256);

#endif
