/* The automated package check (see pkg.h): libzip opens the archive with
 * its consistency checks, then each of our checks runs in order and the
 * first failure ends the run. The archive's own numbers are only claims:
 * they are summed and compared, never used to size a read. */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include "err.h"
#include "json.h"
#include "pkg.h"
#include "validate.h"

#define MANIFEST "manifest.json"
/* Nesting a manifest needs is small; deeper input is refused, not parsed. */
#define MANIFEST_DEPTH 16
/* Zip record sizes and the end record's search window (22 + the largest
 * archive comment). */
#define EOCD_LEN 22
#define EOCD64_LOC_LEN 20
#define EOCD64_LEN 56
#define CDENTRY_LEN 46
#define TAIL_MAX (EOCD_LEN + 65535)
/* The "ASi Unix" extra field: CRC (4 bytes), then the st_mode (2). */
#define EF_ASI_UNIX 0x756e
#define ASI_MODE_END 6
/* The MS-DOS attribute bit of a directory (low byte of the attributes). */
#define DOS_DIR 0x10
/* End records whose comment length fits the file are tried in turn; a
 * real archive has one, so a few bound the work a crafted tail can cause. */
#define EOCD_TRIES 8

/* The raw archive bytes, for what libzip does not expose: in memory, or
 * an open file. */
struct raw {
	const unsigned char *mem;
	int fd;
	uint64_t len;
};

struct run {
	struct pkg_report *rep;
	zip_t *za;
	const struct raw *raw;
	int is_file;
	const char *want_name, *want_version;
	zip_int64_t n;
};

/* --- the report ----------------------------------------------------------- */

/* Copies s into out (size > 4) as printable ASCII: other bytes become '?',
 * and a long string is cut with "...". Untrusted text reaches a message
 * only through here. */
static void ascii_safe(char *out, size_t size, const char *s)
{
	size_t i = 0;

	for (; *s != '\0'; s++) {
		if (i + 1 >= size) {
			memcpy(out + size - 4, "...", 4);
			return;
		}
		out[i++] = (*s >= 0x20 && *s < 0x7f) ? *s : '?';
	}
	out[i] = '\0';
}

/* Adds v under key; json-c leaves v with the caller when the add fails. */
static int add_member(struct json_object *o, const char *key,
	struct json_object *v)
{
	if (v == NULL)
		return DF_ENOMEM;
	if (json_object_object_add(o, key, v) != 0) {
		json_object_put(v);
		return DF_ENOMEM;
	}
	return 0;
}

/* Appends one check to rep->checks; a failure also becomes rep->failed
 * and rep->message. */
__attribute__((format(printf, 4, 5)))
static int record(struct pkg_report *rep, const char *code, int passed,
	const char *fmt, ...)
{
	struct json_object *o;
	char detail[sizeof(rep->message)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);

	o = json_object_new_object();
	if (o == NULL)
		return DF_ENOMEM;
	if (json_object_array_add(rep->checks, o) != 0) {
		json_object_put(o);
		return DF_ENOMEM;
	}
	if (add_member(o, "check", json_object_new_string(code)) != 0 ||
	    add_member(o, "passed", json_object_new_boolean(passed)) != 0 ||
	    add_member(o, "detail", json_object_new_string(detail)) != 0)
		return DF_ENOMEM;
	if (!passed) {
		rep->failed = code;
		memcpy(rep->message, detail, sizeof(rep->message));
	}
	return 0;
}

/* Our own failure from a libzip error code. */
static int zip_err_df(int ze)
{
	return ze == ZIP_ER_MEMORY ? DF_ENOMEM : DF_EIO;
}

/* --- raw reads ------------------------------------------------------------ */

static uint32_t le16(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t le32(const unsigned char *p)
{
	return le16(p) | le16(p + 2) << 16;
}

static uint64_t le64(const unsigned char *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* 0 when n bytes at off were read, 1 when they lie outside the archive,
 * DF_EIO on a read error. */
static int raw_read(const struct raw *r, uint64_t off, void *dst, size_t n)
{
	unsigned char *d = dst;
	ssize_t got;

	if (off > r->len || n > r->len - off)
		return 1;
	if (r->mem != NULL) {
		if (n > 0)
			memcpy(d, r->mem + off, n);
		return 0;
	}
	while (n > 0) {
		got = pread(r->fd, d, n, (off_t)off);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return DF_EIO;
		if (got == 0)
			return 1;
		d += got;
		off += (uint64_t)got;
		n -= (size_t)got;
	}
	return 0;
}

/* Walks the central directory the end record at eocd describes and
 * compares each record's raw name with the name libzip gives for the same
 * index: libzip turns a NUL inside a name into a space, so the NUL is only
 * visible here. Returns 0 when the directory is libzip's (*nul: first
 * index whose raw name holds a NUL, or -1), 1 when it is not, DF_EIO. */
static int raw_walk(const struct run *r, uint64_t eocd, unsigned char *nbuf,
	zip_int64_t *nul)
{
	unsigned char h[EOCD64_LEN];
	uint64_t cd_off, cd_size, pos, rec;
	const char *zname;
	uint32_t nlen, k;
	zip_int64_t i;
	int rc;

	if ((rc = raw_read(r->raw, eocd, h, EOCD_LEN)) != 0)
		return rc;
	cd_size = le32(h + 12);
	cd_off = le32(h + 16);
	if (eocd >= EOCD64_LOC_LEN) {
		rc = raw_read(r->raw, eocd - EOCD64_LOC_LEN, h, EOCD64_LOC_LEN);
		if (rc < 0)
			return rc;
		if (rc == 0 && memcmp(h, "PK\6\7", 4) == 0) {
			if ((rc = raw_read(r->raw, le64(h + 8), h, EOCD64_LEN)) != 0)
				return rc;
			if (memcmp(h, "PK\6\6", 4) != 0)
				return 1;
			cd_size = le64(h + 40);
			cd_off = le64(h + 48);
		}
	}
	if (cd_off > r->raw->len || cd_size > r->raw->len - cd_off)
		return 1;

	*nul = -1;
	for (pos = 0, i = 0; pos < cd_size; pos += rec, i++) {
		if (cd_size - pos < CDENTRY_LEN || i >= r->n)
			return 1;
		if ((rc = raw_read(r->raw, cd_off + pos, h, CDENTRY_LEN)) != 0)
			return rc;
		if (memcmp(h, "PK\1\2", 4) != 0)
			return 1;
		nlen = le16(h + 28);
		rec = CDENTRY_LEN + (uint64_t)nlen + le16(h + 30) + le16(h + 32);
		if (rec > cd_size - pos)
			return 1;
		if ((rc = raw_read(r->raw, cd_off + pos + CDENTRY_LEN, nbuf, nlen)) != 0)
			return rc;
		zname = zip_get_name(r->za, (zip_uint64_t)i, ZIP_FL_ENC_RAW);
		if (zname == NULL)
			return 1;
		if (strlen(zname) != nlen)
			return 1;
		for (k = 0; k < nlen; k++) {
			if (nbuf[k] == (unsigned char)zname[k])
				continue;
			if (nbuf[k] != '\0' || zname[k] != ' ')
				return 1;
			if (*nul < 0)
				*nul = i;
		}
	}
	return i == r->n ? 0 : 1;
}

/* Finds the end record libzip used (with ZIP_CHECKCONS it ends the file
 * together with its comment) and walks its directory. Returns as
 * raw_walk, or DF_ENOMEM. */
static int raw_names(const struct run *r, zip_int64_t *nul)
{
	const uint64_t len = r->raw->len;
	uint64_t start, p;
	unsigned char *tail, *nbuf;
	size_t tlen;
	int rc = 1, tries = 0;

	if (len < EOCD_LEN)
		return 1;
	tlen = len < TAIL_MAX ? (size_t)len : TAIL_MAX;
	start = len - tlen;
	tail = malloc(tlen + 65536);
	if (tail == NULL)
		return DF_ENOMEM;
	nbuf = tail + tlen;
	if ((rc = raw_read(r->raw, start, tail, tlen)) != 0)
		goto out;
	rc = 1;
	for (p = tlen - EOCD_LEN + 1; p-- > 0 && tries < EOCD_TRIES;) {
		if (memcmp(tail + p, "PK\5\6", 4) != 0 ||
		    le16(tail + p + 20) != tlen - p - EOCD_LEN)
			continue;
		tries++;
		rc = raw_walk(r, start + p, nbuf, nul);
		if (rc <= 0)
			break;
	}
out:
	free(tail);
	return rc;
}

/* --- the checks ------------------------------------------------------------ */

/* 1 when the segment of n bytes is a name Windows opens as a device
 * whatever the directory: CON, PRN, AUX, NUL, COM0-9, LPT0-9 (and COM or
 * LPT with a superscript 1, 2 or 3), CONIN$, CONOUT$, CLOCK$, in any case
 * and with any extension ("nul.txt"); spaces before the extension do not
 * help ("con .txt"). */
static int device_name(const unsigned char *s, size_t n)
{
	static const char *const names[] = { "CON", "PRN", "AUX", "NUL",
		"CONIN$", "CONOUT$", "CLOCK$" };
	size_t i;

	for (i = 0; i < n && s[i] != '.'; i++)
		;
	n = i;
	while (n > 0 && s[n - 1] == ' ')
		n--;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == n &&
		    strncasecmp((const char *)s, names[i], n) == 0)
			return 1;
	if ((n != 4 && n != 5) || (strncasecmp((const char *)s, "COM", 3) != 0 &&
	    strncasecmp((const char *)s, "LPT", 3) != 0))
		return 0;
	if (n == 4)
		return s[3] >= '0' && s[3] <= '9';
	/* U+00B9, U+00B2, U+00B3 in UTF-8. */
	return s[3] == 0xC2 && (s[4] == 0xB9 || s[4] == 0xB2 || s[4] == 0xB3);
}

/* Why one path segment (n bytes, n > 0) is unsafe on Windows, or NULL:
 * Windows drops a trailing dot or space (so "a." overwrites "a"), and a
 * device name is the device, not a file. "." stays the directory it
 * names everywhere. */
static const char *windows_segment(const unsigned char *s, size_t n)
{
	if (n == 1 && s[0] == '.')
		return NULL;
	if (s[n - 1] == '.' || s[n - 1] == ' ')
		return "has a segment that ends in a dot or a space";
	if (device_name(s, n))
		return "has a segment that is a Windows device name";
	return NULL;
}

/* Why an entry name is unsafe to extract, or NULL. */
static const char *name_problem(const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *seg = p;
	const char *why;

	if (*p == '\0')
		return "has an empty name";
	if (*p == '/')
		return "is an absolute path";
	if (((p[0] | 0x20) >= 'a' && (p[0] | 0x20) <= 'z') && p[1] == ':')
		return "starts with a drive letter";
	for (;; p++) {
		if (*p == '/' || *p == '\0') {
			if (p - seg == 2 && seg[0] == '.' && seg[1] == '.')
				return "has a \"..\" segment";
			if (p > seg &&
			    (why = windows_segment(seg, (size_t)(p - seg))) != NULL)
				return why;
			if (*p == '\0')
				return NULL;
			seg = p + 1;
		} else if (*p < 0x20 || *p == 0x7f) {
			return "contains a control character";
		} else if (*p == '\\') {
			return "contains a backslash";
		} else if (*p == ':') {
			/* "name:stream" writes an NTFS alternate data stream. */
			return "contains a ':' (a Windows stream)";
		} else if (*p == '<' || *p == '>' || *p == '"' || *p == '|' ||
		    *p == '?' || *p == '*') {
			/* Windows extractors replace these (7-Zip with '_'),
			 * so two entries can land on one file. */
			return "contains a character Windows does not allow "
				"in a name";
		}
	}
}

/* Whether an st_mode file type is one a package may hold: none stated
 * (read as a regular file), a regular file or a directory. */
static int type_ok(zip_uint32_t mode)
{
	mode &= S_IFMT;
	return mode == 0 || mode == S_IFREG || mode == S_IFDIR;
}

/* The ASi Unix extra fields of entry i, local and central: each must be
 * readable and state an acceptable type. 0 (*why set or left NULL),
 * DF_ENOMEM or DF_EIO. */
static int asi_problem(struct run *r, zip_int64_t i, const char **why)
{
	const zip_flags_t flags[2] = { ZIP_FL_CENTRAL, ZIP_FL_LOCAL };
	const zip_uint8_t *d;
	zip_uint16_t len;
	zip_int16_t n, k;
	int f, ze;

	for (f = 0; f < 2; f++) {
		n = zip_file_extra_fields_count_by_id(r->za, (zip_uint64_t)i,
			EF_ASI_UNIX, flags[f]);
		for (k = 0; k < n; k++) {
			d = zip_file_extra_field_get_by_id(r->za, (zip_uint64_t)i,
				EF_ASI_UNIX, (zip_uint16_t)k, &len, flags[f]);
			if (d == NULL)
				break;
			if (len < ASI_MODE_END || !type_ok(le16(d + 4))) {
				*why = "has a Unix extra field that makes it "
					"something other than a regular file or "
					"a directory";
				return 0;
			}
		}
		if (n < 0 || k < n) {
			ze = zip_error_code_zip(zip_get_error(r->za));
			if (ze == ZIP_ER_MEMORY || (r->is_file && ze == ZIP_ER_READ))
				return zip_err_df(ze);
			*why = "has extra fields that could not be read";
			return 0;
		}
	}
	return 0;
}

/* Why entry i is not a plain file or directory, or NULL in *why.
 *
 * Extractors read the upper 16 bits of the external attributes as a Unix
 * st_mode for more "made by" host types than UNIX: Info-ZIP unzip's
 * mapattr() (unix/unix.c) does so for UNIX, VMS, ACORN, ATARI, ATHEOS,
 * BEOS, QDOS, TANDEM and THEOS, and for MS-DOS (FAT) entries whenever the
 * owner bits agree with the DOS attributes - and it then makes a link of
 * S_IFLNK on MS-DOS as on UNIX (its SYMLINK_HOST list plus the FS_FAT_
 * case). When those bits are 0 on a Unix-like host it takes the mode from
 * an ASi Unix extra field (0x756e) instead. 7-Zip takes them on any host
 * that sets its 0x8000 marker. The host type therefore decides nothing
 * here: on every entry the upper bits must state no type, a regular file
 * or a directory, and so must any ASi Unix extra field. A directory (by
 * its mode or the DOS directory bit) must also be named as one, ending in
 * '/': unzip goes by the name, libarchive by the bits, and a package must
 * not be a file to one and a directory to the other. */
static int type_problem(struct run *r, zip_int64_t i, const char *name,
	const char **why)
{
	zip_uint8_t opsys;
	zip_uint32_t attr, mode;
	size_t nlen;

	*why = NULL;
	if (zip_file_get_external_attributes(r->za, (zip_uint64_t)i, 0, &opsys,
	    &attr) != 0)
		return zip_err_df(zip_error_code_zip(zip_get_error(r->za)));
	mode = attr >> 16;
	if ((mode & S_IFMT) == S_IFLNK) {
		*why = "is a symbolic link";
		return 0;
	}
	if (!type_ok(mode)) {
		*why = "is a special file (not a regular file or a directory)";
		return 0;
	}
	nlen = strlen(name);
	if (((mode & S_IFMT) == S_IFDIR || (attr & DOS_DIR)) &&
	    (nlen == 0 || name[nlen - 1] != '/')) {
		*why = "is marked as a directory but its name does not end "
			"in '/'";
		return 0;
	}
	return asi_problem(r, i, why);
}

static int check_paths(struct run *r)
{
	zip_int64_t i, nul = -1;
	const char *name, *why;
	char shown[80];
	int rc;

	rc = raw_names(r, &nul);
	if (rc < 0)
		return rc;
	if (rc == 1)
		return record(r->rep, "unsafe_path", 0, "The entry names of the "
			"archive could not be read consistently.");
	for (i = 0; i < r->n; i++) {
		name = zip_get_name(r->za, (zip_uint64_t)i, ZIP_FL_ENC_RAW);
		if (name == NULL)
			return zip_err_df(zip_error_code_zip(zip_get_error(r->za)));
		why = name_problem(name);
		if (why == NULL && i == nul)
			why = "contains a NUL byte";
		/* A link entry lets a later entry be written through it, out
		 * of the extraction directory. */
		if (why == NULL && (rc = type_problem(r, i, name, &why)) != 0)
			return rc;
		if (why != NULL) {
			ascii_safe(shown, sizeof(shown), name);
			return record(r->rep, "unsafe_path", 0,
				"Entry %lld (\"%s\") %s.", (long long)i, shown, why);
		}
	}
	return record(r->rep, "unsafe_path", 1, "Every entry name (%lld) "
		"is a relative path without \"..\", backslashes, control "
		"characters or names Windows treats specially, and every entry "
		"is a regular file or a directory.", (long long)r->n);
}

static int check_size(struct run *r)
{
	zip_stat_t st;
	uint64_t sum = 0;
	zip_int64_t i;

	for (i = 0; i < r->n; i++) {
		if (zip_stat_index(r->za, (zip_uint64_t)i, 0, &st) != 0)
			return zip_err_df(zip_error_code_zip(zip_get_error(r->za)));
		if (st.valid & ZIP_STAT_SIZE)
			sum = st.size > UINT64_MAX - sum ? UINT64_MAX : sum + st.size;
	}
	r->rep->uncompressed = sum;
	if (sum > PKG_MAX_UNCOMPRESSED)
		return record(r->rep, "too_large_uncompressed", 0, "The files "
			"of the package add up to %llu bytes uncompressed; the "
			"limit is %llu.", (unsigned long long)sum,
			PKG_MAX_UNCOMPRESSED);
	return record(r->rep, "too_large_uncompressed", 1, "%llu bytes "
		"uncompressed (limit %llu).", (unsigned long long)sum,
		PKG_MAX_UNCOMPRESSED);
}

/* Reads at most PKG_MANIFEST_MAX+1 bytes of entry idx into buf, whatever
 * its header says. Returns 0 (*got set) or a libzip error code: one that
 * is ours (memory, I/O) the caller returns, the rest mean a damaged or
 * unsupported manifest. */
static int read_capped(zip_t *za, zip_int64_t idx, char *buf, size_t *got)
{
	zip_file_t *zf;
	zip_int64_t n;
	int ze = 0;

	*got = 0;
	zf = zip_fopen_index(za, (zip_uint64_t)idx, 0);
	if (zf == NULL)
		return zip_error_code_zip(zip_get_error(za));
	while (*got < PKG_MANIFEST_MAX + 1) {
		n = zip_fread(zf, buf + *got, PKG_MANIFEST_MAX + 1 - *got);
		if (n < 0) {
			ze = zip_error_code_zip(zip_file_get_error(zf));
			if (ze == ZIP_ER_OK)
				ze = ZIP_ER_READ;
			break;
		}
		if (n == 0)
			break;
		*got += (size_t)n;
	}
	zip_fclose(zf);
	return ze;
}

/* A manifest field: a string of 1..PKG_FIELD_MAX bytes of UTF-8 without
 * control characters, copied to out. 0 when it is, -1 otherwise. */
static int manifest_field(struct json_object *obj, const char *key, char *out)
{
	struct json_object *v;
	const char *s;
	size_t len, i;

	if (!json_object_object_get_ex(obj, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return -1;
	s = json_object_get_string(v);
	len = (size_t)json_object_get_string_len(v);
	if (len == 0 || len > PKG_FIELD_MAX || !validate_utf8(s, len))
		return -1;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return -1;
	memcpy(out, s, len);
	out[len] = '\0';
	return 0;
}

/* Parses the manifest: one JSON object (depth-limited, strict UTF-8),
 * nothing after it but whitespace, through the same strict syntax pass as
 * request bodies (so no member named twice: json-c would keep the last
 * one, another reader the first). Returns the object, or NULL with *why a
 * static sentence and *detail the syntax pass's (or ""); *oom set when
 * memory ran out. */
static struct json_object *manifest_parse(const char *buf, size_t len,
	const char **why, const char **detail, int *oom)
{
	struct json_tokener *tok;
	struct json_object *obj;
	size_t end;
	int rc;

	*oom = 0;
	*detail = "";
	if (len == 0) {
		*why = "manifest.json is empty.";
		return NULL;
	}
	if (memchr(buf, '\0', len) != NULL || !validate_utf8(buf, len)) {
		*why = "manifest.json is not UTF-8 text.";
		return NULL;
	}
	rc = json_check_syntax(buf, len, MANIFEST_DEPTH, detail);
	if (rc == DF_ENOMEM) {
		*oom = 1;
		return NULL;
	}
	if (rc != 0) {
		*why = "manifest.json is not strict JSON: ";
		return NULL;
	}
	/* json-c counts a scalar in the innermost container as a level. */
	tok = json_tokener_new_ex(MANIFEST_DEPTH + 1);
	if (tok == NULL) {
		*oom = 1;
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
		JSON_TOKENER_VALIDATE_UTF8);
	obj = json_tokener_parse_ex(tok, buf, (int)len);
	end = json_tokener_get_parse_end(tok);
	if (obj == NULL || json_tokener_get_error(tok) != json_tokener_success) {
		json_tokener_free(tok);
		json_object_put(obj);
		*why = "manifest.json is not well-formed JSON (or nests deeper "
			"than 16 levels).";
		return NULL;
	}
	json_tokener_free(tok);
	for (; end < len; end++) {
		if (buf[end] != ' ' && buf[end] != '\t' && buf[end] != '\n' &&
		    buf[end] != '\r') {
			json_object_put(obj);
			*why = "manifest.json has more than one JSON value.";
			return NULL;
		}
	}
	if (!json_object_is_type(obj, json_type_object)) {
		json_object_put(obj);
		*why = "manifest.json is not a JSON object.";
		return NULL;
	}
	return obj;
}

static int check_manifest(struct run *r)
{
	struct pkg_report *rep = r->rep;
	struct json_object *obj;
	zip_stat_t st;
	zip_int64_t idx;
	const char *why, *detail;
	char *buf, shown[2][64];
	size_t got;
	int rc, ze, oom, bad;

	idx = zip_name_locate(r->za, MANIFEST, ZIP_FL_ENC_RAW);
	if (idx < 0)
		return record(rep, "manifest_missing", 0, "The package has no "
			"manifest.json at its root.");
	if ((rc = record(rep, "manifest_missing", 1, "manifest.json is at "
	    "the root (entry %lld).", (long long)idx)) != 0)
		return rc;

	/* A stated size over the cap is refused unread; a smaller one is
	 * not believed either: read_capped stops one byte past the cap. */
	if (zip_stat_index(r->za, (zip_uint64_t)idx, 0, &st) != 0)
		return zip_err_df(zip_error_code_zip(zip_get_error(r->za)));
	if ((st.valid & ZIP_STAT_SIZE) && st.size > PKG_MANIFEST_MAX)
		return record(rep, "manifest_invalid", 0, "manifest.json is "
			"larger than %d bytes.", PKG_MANIFEST_MAX);
	buf = malloc(PKG_MANIFEST_MAX + 1);
	if (buf == NULL)
		return DF_ENOMEM;
	ze = read_capped(r->za, idx, buf, &got);
	if (ze == ZIP_ER_MEMORY || (r->is_file && ze == ZIP_ER_READ)) {
		free(buf);
		return zip_err_df(ze);
	}
	if (ze != 0) {
		free(buf);
		return record(rep, "manifest_invalid", 0, "manifest.json could "
			"not be read (damaged, encrypted or compressed with an "
			"unsupported method).");
	}
	if (got > PKG_MANIFEST_MAX) {
		free(buf);
		return record(rep, "manifest_invalid", 0, "manifest.json is "
			"larger than %d bytes.", PKG_MANIFEST_MAX);
	}
	obj = manifest_parse(buf, got, &why, &detail, &oom);
	free(buf);
	if (oom)
		return DF_ENOMEM;
	if (obj == NULL)
		return record(rep, "manifest_invalid", 0, "%s%s", why, detail);
	bad = manifest_field(obj, "name", rep->name) != 0;
	bad |= (manifest_field(obj, "version", rep->version) != 0) << 1;
	json_object_put(obj);
	if (bad)
		return record(rep, "manifest_invalid", 0, "manifest.json needs "
			"\"%s\" as a string of 1 to %d characters without "
			"control characters.", (bad & 1) ? "name" : "version",
			PKG_FIELD_MAX);
	if ((rc = record(rep, "manifest_invalid", 1, "manifest.json is a "
	    "JSON object with a name and a version.")) != 0)
		return rc;

	ascii_safe(shown[0], sizeof(shown[0]), rep->name);
	ascii_safe(shown[1], sizeof(shown[1]), r->want_name);
	if (strcmp(rep->name, r->want_name) != 0)
		return record(rep, "manifest_name_mismatch", 0, "manifest.json "
			"names the package \"%s\"; the listing is \"%s\".",
			shown[0], shown[1]);
	if ((rc = record(rep, "manifest_name_mismatch", 1, "The name "
	    "\"%s\" matches the listing.", shown[0])) != 0)
		return rc;

	ascii_safe(shown[0], sizeof(shown[0]), rep->version);
	ascii_safe(shown[1], sizeof(shown[1]), r->want_version);
	if (strcmp(rep->version, r->want_version) != 0)
		return record(rep, "manifest_version_mismatch", 0, "manifest.json "
			"gives version \"%s\"; the upload is for version \"%s\".",
			shown[0], shown[1]);
	return record(rep, "manifest_version_mismatch", 1, "The version "
		"\"%s\" matches the upload.", shown[0]);
}

/* Every check after the archive opened; stops at the first failure. */
static int check_archive(struct run *r)
{
	int rc;

	r->n = zip_get_num_entries(r->za, 0);
	r->rep->entries = r->n < 0 ? 0 : (uint64_t)r->n;
	if (r->n > PKG_MAX_ENTRIES)
		return record(r->rep, "too_many_entries", 0, "The package holds "
			"%lld entries; the limit is %d.", (long long)r->n,
			PKG_MAX_ENTRIES);
	if ((rc = record(r->rep, "too_many_entries", 1, "Entries: %lld "
	    "(limit %d).", (long long)r->n, PKG_MAX_ENTRIES)) != 0)
		return rc;
	if ((rc = check_paths(r)) != 0 || r->rep->failed != NULL)
		return rc;
	if ((rc = check_size(r)) != 0 || r->rep->failed != NULL)
		return rc;
	return check_manifest(r);
}

/* Opens src (which this call consumes) and runs every check. */
static int check_source(zip_source_t *src, const struct raw *raw, int is_file,
	const char *want_name, const char *want_version, struct pkg_report *rep)
{
	struct run r = { rep, NULL, raw, is_file, want_name, want_version, 0 };
	zip_error_t err;
	int ze, rc;

	zip_error_init(&err);
	r.za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &err);
	if (r.za == NULL) {
		/* On failure the source is still ours. */
		zip_source_free(src);
		ze = zip_error_code_zip(&err);
		if (ze == ZIP_ER_MEMORY ||
		    (is_file && (ze == ZIP_ER_OPEN || ze == ZIP_ER_READ ||
		    ze == ZIP_ER_NOENT))) {
			zip_error_fini(&err);
			return zip_err_df(ze);
		}
		rc = record(rep, "not_zip", 0, "The upload is not a readable "
			"zip archive (%s).", zip_error_strerror(&err));
		zip_error_fini(&err);
		return rc;
	}
	zip_error_fini(&err);
	rc = record(rep, "not_zip", 1, "The upload is a zip archive.");
	if (rc == 0)
		rc = check_archive(&r);
	zip_discard(r.za);
	return rc;
}

static int report_init(struct pkg_report *rep)
{
	memset(rep, 0, sizeof(*rep));
	rep->checks = json_object_new_array();
	return rep->checks == NULL ? DF_ENOMEM : 0;
}

/* Sets ok from the outcome, or on our own failure drops the checks. */
static int report_finish(struct pkg_report *rep, int rc)
{
	if (rc != 0) {
		pkg_report_free(rep);
		rep->failed = NULL;
		rep->message[0] = '\0';
		return rc;
	}
	rep->ok = rep->failed == NULL;
	return 0;
}

static int empty_upload(struct pkg_report *rep)
{
	return record(rep, "not_zip", 0, "The upload is empty, not a zip "
		"archive.");
}

int pkg_check_buffer(const void *buf, size_t len, const char *want_name,
	const char *want_version, struct pkg_report *rep)
{
	struct raw raw = { buf, -1, len };
	zip_source_t *src;
	zip_error_t err;
	int rc;

	if ((rc = report_init(rep)) != 0)
		return report_finish(rep, rc);
	if (buf == NULL || len == 0)
		return report_finish(rep, empty_upload(rep));
	zip_error_init(&err);
	src = zip_source_buffer_create(buf, len, 0, &err);
	if (src == NULL) {
		rc = zip_err_df(zip_error_code_zip(&err));
		zip_error_fini(&err);
		return report_finish(rep, rc);
	}
	zip_error_fini(&err);
	rc = check_source(src, &raw, 0, want_name, want_version, rep);
	return report_finish(rep, rc);
}

int pkg_check_file(const char *path, const char *want_name,
	const char *want_version, struct pkg_report *rep)
{
	struct raw raw = { NULL, -1, 0 };
	struct stat st;
	zip_source_t *src;
	zip_error_t err;
	int rc;

	if ((rc = report_init(rep)) != 0)
		return report_finish(rep, rc);
	raw.fd = open(path, O_RDONLY | O_CLOEXEC);
	if (raw.fd < 0)
		return report_finish(rep, DF_EIO);
	if (fstat(raw.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(raw.fd);
		return report_finish(rep, DF_EIO);
	}
	raw.len = (uint64_t)st.st_size;
	if (raw.len == 0) {
		close(raw.fd);
		return report_finish(rep, empty_upload(rep));
	}
	zip_error_init(&err);
	src = zip_source_file_create(path, 0, -1, &err); /* -1: to the end */
	if (src == NULL) {
		rc = zip_err_df(zip_error_code_zip(&err));
		zip_error_fini(&err);
		close(raw.fd);
		return report_finish(rep, rc);
	}
	zip_error_fini(&err);
	rc = check_source(src, &raw, 1, want_name, want_version, rep);
	close(raw.fd);
	return report_finish(rep, rc);
}

void pkg_report_free(struct pkg_report *rep)
{
	if (rep == NULL)
		return;
	json_object_put(rep->checks);
	rep->checks = NULL;
}
