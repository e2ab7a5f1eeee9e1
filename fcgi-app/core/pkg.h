/* The automated check of an uploaded extension package: a zip of regular
 * files and directories only, with entry names safe on Unix and Windows,
 * bounded size and entry count, and a root manifest.json (strict JSON)
 * whose name and version match the listing. Pure: no database, no HTTP. */
#ifndef DF_PKG_H
#define DF_PKG_H

#include <stddef.h>
#include <stdint.h>
#include "err.h"

struct json_object;

#define PKG_MANIFEST_MAX (64 * 1024)   /* manifest.json size cap */
#define PKG_MAX_ENTRIES 10000
#define PKG_MAX_UNCOMPRESSED (512ULL * 1024 * 1024)
/* Longest name or version a manifest may carry (the report's buffers). */
#define PKG_FIELD_MAX 128

struct pkg_report {
	int ok;                 /* 1 when every check passed */
	/* Machine code of the first failed check, NULL when ok: "not_zip",
	 * "too_many_entries", "unsafe_path", "too_large_uncompressed",
	 * "manifest_missing", "manifest_invalid", "manifest_name_mismatch",
	 * "manifest_version_mismatch". A static string. */
	const char *failed;
	/* Human sentence for the first failure ("" when ok), printable ASCII
	 * only, safe to show the uploader. */
	char message[256];
	/* As the archive states them; each set once its check has run
	 * (too_many_entries, too_large_uncompressed), else 0. */
	uint64_t entries, uncompressed;
	/* From the manifest when readable (a string of at most 128 bytes of
	 * UTF-8 without control characters), else "". */
	char name[PKG_FIELD_MAX + 1], version[PKG_FIELD_MAX + 1];
	/* Array of {"check": "<code>", "passed": bool, "detail": "..."} in the
	 * order run; a check after the first failure is not run and not
	 * listed. The caller owns it: pkg_report_free (or json_object_put). */
	struct json_object *checks;
};

/* Checks the zip at path (want_name: the listing slug; want_version: the
 * version string as submitted). rep needs no initialisation. Returns 0
 * when the checks ran (rep->ok says whether they passed), DF_ENOMEM or
 * DF_EIO on our own failure (then rep->checks is NULL). Never trusts sizes
 * in the archive; reads at most PKG_MANIFEST_MAX+1 bytes of manifest.json.
 * An empty file is not a zip (libzip alone would open it as an empty
 * archive). */
DF_MUST_CHECK int pkg_check_file(const char *path, const char *want_name,
	const char *want_version, struct pkg_report *rep);
/* The same, from memory (fuzzing, tests). buf is only read. */
DF_MUST_CHECK int pkg_check_buffer(const void *buf, size_t len, const char *want_name,
	const char *want_version, struct pkg_report *rep);
/* Releases rep->checks; rep may be passed again. */
void pkg_report_free(struct pkg_report *rep);

#endif
