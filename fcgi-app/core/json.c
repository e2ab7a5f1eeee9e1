/* JSON request bodies: a strict RFC 8259 syntax pass of our own (json-c
 * 0.16 even in strict mode lets through single quotes, NaN, raw control
 * characters, overlong UTF-8 and silently clamps huge integers), then
 * json-c builds the tree, then json_fields_check() holds it against the
 * handler's field table. */
#include <json-c/json.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "arena.h"
#include "err.h"
#include "json.h"
#include "problem.h"
#include "validate.h"

/* More nesting than this is refused whatever the caller asks for: the
 * syntax pass keeps its container stack on the C stack. */
#define JSON_DEPTH_CAP 512
/* A body full of unknown names must not grow a response without bound. */
#define JSON_MAX_UNKNOWN_ERRORS 32

static void json_put_cb(void *p)
{
	json_object_put(p);
}

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int hex4(const char *s, size_t avail, unsigned *out)
{
	unsigned v = 0;
	size_t i;
	char c;

	if (avail < 4)
		return 0;
	for (i = 0; i < 4; i++) {
		c = s[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return 0;
	}
	*out = v;
	return 1;
}

/* Scans the string starting at s[*i] == '"'; leaves *i after the closing
 * quote. The text is already known to be valid UTF-8 without NUL. */
static int scan_string(const char *s, size_t len, size_t *i, const char **why)
{
	size_t p = *i + 1;
	unsigned u, lo;
	unsigned char c;

	for (;;) {
		if (p >= len) {
			*why = "The JSON document ends inside a string.";
			return 0;
		}
		c = (unsigned char)s[p];
		if (c == '"')
			break;
		if (c < 0x20) {
			*why = "The JSON document has a raw control character "
				"inside a string.";
			return 0;
		}
		if (c != '\\') {
			p++;
			continue;
		}
		if (p + 1 >= len) {
			*why = "The JSON document ends inside a string.";
			return 0;
		}
		switch (s[p + 1]) {
		case '"': case '\\': case '/': case 'b': case 'f': case 'n':
		case 'r': case 't':
			p += 2;
			continue;
		case 'u':
			break;
		default:
			*why = "The JSON document has an invalid escape in a string.";
			return 0;
		}
		if (!hex4(s + p + 2, len - p - 2, &u)) {
			*why = "The JSON document has an invalid \\u escape.";
			return 0;
		}
		p += 6;
		/* An escaped NUL would cut member names short inside json-c
		 * and so let one name pass for another. */
		if (u == 0) {
			*why = "The JSON document has an escaped NUL character.";
			return 0;
		}
		if (u >= 0xDC00 && u <= 0xDFFF) {
			*why = "The JSON document has an unpaired UTF-16 "
				"surrogate escape.";
			return 0;
		}
		if (u >= 0xD800 && u <= 0xDBFF) {
			if (p + 1 >= len || s[p] != '\\' || s[p + 1] != 'u' ||
			    !hex4(s + p + 2, len - p - 2, &lo) ||
			    lo < 0xDC00 || lo > 0xDFFF) {
				*why = "The JSON document has an unpaired UTF-16 "
					"surrogate escape.";
				return 0;
			}
			p += 6;
		}
	}
	*i = p + 1;
	return 1;
}

/* -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)? */
static int scan_number(const char *s, size_t len, size_t *i, const char **why)
{
	size_t p = *i;

	*why = "The JSON document has an invalid number.";
	if (p < len && s[p] == '-')
		p++;
	if (p >= len || !is_digit(s[p]))
		return 0;
	if (s[p] == '0') {
		p++;
	} else {
		while (p < len && is_digit(s[p]))
			p++;
	}
	if (p < len && s[p] == '.') {
		p++;
		if (p >= len || !is_digit(s[p]))
			return 0;
		while (p < len && is_digit(s[p]))
			p++;
	}
	if (p < len && (s[p] == 'e' || s[p] == 'E')) {
		p++;
		if (p < len && (s[p] == '+' || s[p] == '-'))
			p++;
		if (p >= len || !is_digit(s[p]))
			return 0;
		while (p < len && is_digit(s[p]))
			p++;
	}
	/* "01" or "1x": a number must end at a delimiter. */
	if (p < len && (is_digit(s[p]) || (s[p] >= 'a' && s[p] <= 'z') ||
	    (s[p] >= 'A' && s[p] <= 'Z') || s[p] == '.' || s[p] == '-' ||
	    s[p] == '+'))
		return 0;
	*i = p;
	return 1;
}

static int scan_literal(const char *s, size_t len, size_t *i, const char *lit)
{
	size_t n = strlen(lit);

	if (len - *i < n || memcmp(s + *i, lit, n) != 0)
		return 0;
	*i += n;
	return 1;
}

/* --- duplicate member names ---------------------------------------------- */

/* RFC 8259 leaves an object that names a member twice to each reader:
 * json-c keeps the last, other tools the first, so one document would be
 * two different requests (or packages). The pass refuses it. Names are
 * compared after unescaping ("a" and "\u0061" are one name): each object's
 * names are sorted when it closes and neighbours compared, O(k log k) for
 * k names, and a name is only a pointer into the text. */

/* The names of every object still open, innermost last; small documents
 * stay in the inline buffer. */
struct keys {
	const char **k;
	size_t n, cap;
	const char *inline_k[32];
};

/* Walks one member name, already checked by scan_string, byte by byte
 * as UTF-8 after unescaping: p is just past the opening quote. */
struct key_cur {
	const char *p;
	unsigned char pend[4];
	int npend, ipend;
};

static int utf8_put(unsigned u, unsigned char *o)
{
	if (u < 0x80) {
		o[0] = (unsigned char)u;
		return 1;
	}
	if (u < 0x800) {
		o[0] = (unsigned char)(0xC0 | u >> 6);
		o[1] = (unsigned char)(0x80 | (u & 0x3F));
		return 2;
	}
	if (u < 0x10000) {
		o[0] = (unsigned char)(0xE0 | u >> 12);
		o[1] = (unsigned char)(0x80 | (u >> 6 & 0x3F));
		o[2] = (unsigned char)(0x80 | (u & 0x3F));
		return 3;
	}
	o[0] = (unsigned char)(0xF0 | u >> 18);
	o[1] = (unsigned char)(0x80 | (u >> 12 & 0x3F));
	o[2] = (unsigned char)(0x80 | (u >> 6 & 0x3F));
	o[3] = (unsigned char)(0x80 | (u & 0x3F));
	return 4;
}

/* The next byte of the unescaped name, or -1 at its closing quote. The
 * name was scanned whole, so every escape is complete and a surrogate
 * pair is a pair. */
static int key_next(struct key_cur *c)
{
	unsigned u = 0, lo = 0;

	if (c->ipend < c->npend)
		return c->pend[c->ipend++];
	if (*c->p == '"')
		return -1;
	if (*c->p != '\\')
		return (unsigned char)*c->p++;
	c->p += 2;
	switch (c->p[-1]) {
	case 'b': return '\b';
	case 'f': return '\f';
	case 'n': return '\n';
	case 'r': return '\r';
	case 't': return '\t';
	case 'u': break;
	default: return (unsigned char)c->p[-1]; /* '"', '\\', '/' */
	}
	(void)hex4(c->p, 4, &u);
	c->p += 4;
	if (u >= 0xD800 && u <= 0xDBFF) {
		(void)hex4(c->p + 2, 4, &lo);
		c->p += 6;
		u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
	}
	c->npend = utf8_put(u, c->pend);
	c->ipend = 1;
	return c->pend[0];
}

/* Orders two names by their unescaped UTF-8 bytes (for qsort). */
static int key_cmp(const void *a, const void *b)
{
	struct key_cur x = { *(const char *const *)a, { 0 }, 0, 0 };
	struct key_cur y = { *(const char *const *)b, { 0 }, 0, 0 };
	int cx, cy;

	do {
		cx = key_next(&x);
		cy = key_next(&y);
	} while (cx == cy && cx >= 0);
	return cx < cy ? -1 : cx > cy;
}

static int keys_push(struct keys *ks, const char *name)
{
	const char **k;
	size_t cap;

	if (ks->n == ks->cap) {
		cap = ks->cap * 2;
		k = ks->k == ks->inline_k ? malloc(cap * sizeof(*k)) :
			realloc(ks->k, cap * sizeof(*k));
		if (k == NULL)
			return DF_ENOMEM;
		if (ks->k == ks->inline_k)
			memcpy(k, ks->inline_k, sizeof(ks->inline_k));
		ks->k = k;
		ks->cap = cap;
	}
	ks->k[ks->n++] = name;
	return 0;
}

/* Closes the object whose names start at base: 1 when no name repeats. */
static int keys_close(struct keys *ks, size_t base)
{
	size_t i, n = ks->n - base;
	const char **k = ks->k + base;

	ks->n = base;
	if (n < 2)
		return 1;
	qsort(k, n, sizeof(*k), key_cmp);
	for (i = 1; i < n; i++)
		if (key_cmp(&k[i - 1], &k[i]) == 0)
			return 0;
	return 1;
}

enum scan_state {
	SC_VALUE,          /* a value is required */
	SC_VALUE_OR_CLOSE, /* just after '[' */
	SC_KEY,            /* after ',' in an object */
	SC_KEY_OR_CLOSE,   /* just after '{' */
	SC_AFTER           /* after a value: ',', a close, or the end */
};

#define DUP_WHY "The JSON document has an object that names a member " \
	"twice."

/* The whole grammar of RFC 8259 without recursion; depth counts nested
 * containers (the top-level object is depth 1). ks collects the member
 * names of the open objects. 0, DF_EINVAL (*why set) or DF_ENOMEM. */
static int syntax_pass(const char *s, size_t len, int max_depth,
	const char **why, struct keys *ks)
{
	char stack[JSON_DEPTH_CAP];
	size_t kbase[JSON_DEPTH_CAP];
	enum scan_state st = SC_VALUE;
	const char *name;
	int depth = 0;
	size_t i = 0;
	char c;

	while (i < len && is_ws(s[i]))
		i++;
	if (i >= len) {
		*why = "The JSON document is empty.";
		return DF_EINVAL;
	}
	if (s[i] != '{') {
		*why = "The JSON document must be a JSON object.";
		return DF_EINVAL;
	}
	for (;;) {
		while (i < len && is_ws(s[i]))
			i++;
		if (i >= len) {
			if (st == SC_AFTER && depth == 0)
				return 0;
			*why = "The JSON document ends before it is complete.";
			return DF_EINVAL;
		}
		c = s[i];
		switch (st) {
		case SC_VALUE_OR_CLOSE:
			if (c == ']') {
				depth--;
				i++;
				st = SC_AFTER;
				break;
			}
			/* fall through */
		case SC_VALUE:
			if (c == '{' || c == '[') {
				if (depth >= max_depth) {
					*why = "The JSON document nests deeper "
						"than allowed.";
					return DF_EINVAL;
				}
				kbase[depth] = ks->n;
				stack[depth++] = c;
				i++;
				st = c == '{' ? SC_KEY_OR_CLOSE : SC_VALUE_OR_CLOSE;
			} else if (c == '"') {
				if (!scan_string(s, len, &i, why))
					return DF_EINVAL;
				st = SC_AFTER;
			} else if (c == '-' || is_digit(c)) {
				if (!scan_number(s, len, &i, why))
					return DF_EINVAL;
				st = SC_AFTER;
			} else if (scan_literal(s, len, &i, "true") ||
			    scan_literal(s, len, &i, "false") ||
			    scan_literal(s, len, &i, "null")) {
				st = SC_AFTER;
			} else {
				*why = "The JSON document has an unexpected "
					"character where a value belongs.";
				return DF_EINVAL;
			}
			break;
		case SC_KEY_OR_CLOSE:
			if (c == '}') {
				depth--;
				ks->n = kbase[depth];
				i++;
				st = SC_AFTER;
				break;
			}
			/* fall through */
		case SC_KEY:
			if (c != '"') {
				*why = "The JSON document has an object member "
					"name that is not a double-quoted string.";
				return DF_EINVAL;
			}
			name = s + i + 1;
			if (!scan_string(s, len, &i, why))
				return DF_EINVAL;
			if (keys_push(ks, name) != 0)
				return DF_ENOMEM;
			while (i < len && is_ws(s[i]))
				i++;
			if (i >= len || s[i] != ':') {
				*why = "The JSON document lacks a ':' after an "
					"object member name.";
				return DF_EINVAL;
			}
			i++;
			st = SC_VALUE;
			break;
		case SC_AFTER:
			if (depth == 0) {
				*why = "The JSON document has data after its "
					"end.";
				return DF_EINVAL;
			}
			if (c == ',') {
				st = stack[depth - 1] == '{' ? SC_KEY : SC_VALUE;
				i++;
			} else if (c == (stack[depth - 1] == '{' ? '}' : ']')) {
				depth--;
				if (c == '}' && !keys_close(ks, kbase[depth])) {
					*why = DUP_WHY;
					return DF_EINVAL;
				}
				i++;
			} else {
				*why = "The JSON document lacks a ',' or a "
					"closing bracket.";
				return DF_EINVAL;
			}
			break;
		}
	}
}

int json_check_syntax(const char *s, size_t len, int max_depth,
	const char **why)
{
	struct keys ks;
	int rc;

	ks.k = ks.inline_k;
	ks.n = 0;
	ks.cap = sizeof(ks.inline_k) / sizeof(ks.inline_k[0]);
	if (max_depth < 1)
		max_depth = 1;
	if (max_depth > JSON_DEPTH_CAP)
		max_depth = JSON_DEPTH_CAP;
	rc = syntax_pass(s, len, max_depth, why, &ks);
	if (ks.k != ks.inline_k)
		free(ks.k);
	return rc;
}

int json_parse_body_ex(struct request *req, const char *text, size_t len,
	int max_depth, struct json_object **out, const char **why)
{
	struct json_tokener *tok;
	struct json_object *obj;
	const char *dummy;
	int rc;

	if (why == NULL)
		why = &dummy;
	*why = NULL;
	*out = NULL;
	if (text == NULL || len == 0) {
		*why = "The request body is empty.";
		return DF_EINVAL;
	}
	if (len > INT_MAX) {
		*why = "The request body is too large.";
		return DF_EINVAL;
	}
	if (memchr(text, '\0', len) != NULL) {
		*why = "The request body contains a NUL byte.";
		return DF_EINVAL;
	}
	if (!validate_utf8(text, len)) {
		*why = "The request body is not valid UTF-8.";
		return DF_EINVAL;
	}
	if (max_depth < 1)
		max_depth = 1;
	if (max_depth > JSON_DEPTH_CAP)
		max_depth = JSON_DEPTH_CAP;
	if ((rc = json_check_syntax(text, len, max_depth, why)) != 0)
		return rc;
	*why = NULL;

	/* json-c counts a scalar inside the innermost container as one more
	 * level, so it gets one more than our container depth. */
	tok = json_tokener_new_ex(max_depth + 1);
	if (tok == NULL)
		return DF_ENOMEM;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
		JSON_TOKENER_VALIDATE_UTF8);
	obj = json_tokener_parse_ex(tok, text, (int)len);
	if (obj == NULL || json_tokener_get_error(tok) != json_tokener_success ||
	    !json_object_is_type(obj, json_type_object)) {
		json_tokener_free(tok);
		json_object_put(obj);
		*why = "The request body is not a well-formed JSON object.";
		return DF_EINVAL;
	}
	json_tokener_free(tok);
	if (arena_defer(req->arena, json_put_cb, obj) != 0)
		return DF_ENOMEM;
	*out = obj;
	return 0;
}

int json_parse_body(struct request *req, const char *text, size_t len,
	int max_depth, struct json_object **out)
{
	return json_parse_body_ex(req, text, len, max_depth, out, NULL);
}

size_t json_utf8_length(const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			n++;
	return n;
}

static const char *type_message(enum json_ftype t)
{
	switch (t) {
	case JF_STRING: return "must be a string";
	case JF_INT: return "must be an integer";
	case JF_BOOL: return "must be true or false";
	case JF_OBJECT: return "must be an object";
	case JF_ARRAY: return "must be an array";
	case JF_NUMBER: return "must be a number";
	}
	return "has the wrong type";
}

static int bounded(const struct json_field *f)
{
	return f->min != 0 || f->max != 0;
}

/* Checks one present, non-null value against its field. Returns 1 when
 * an error was added. */
static int check_value(struct request *req, const struct json_field *f,
	const char *fname, struct json_object *v)
{
	const char *code = NULL, *msg = NULL, *s;
	int64_t i, n;
	double d;
	size_t slen;

	switch (f->type) {
	case JF_STRING:
		if (!json_object_is_type(v, json_type_string))
			goto bad_type;
		s = json_object_get_string(v);
		slen = (size_t)json_object_get_string_len(v);
		if (strlen(s) != slen || !validate_utf8(s, slen)) {
			msg = "must be valid UTF-8 text without NUL characters";
			goto bad_type_msg;
		}
		n = (int64_t)json_utf8_length(s, slen);
		if (bounded(f) && n < f->min) {
			problem_add_error(req, fname, "too_short",
				arena_printf(req->arena,
				"must be at least %lld characters long",
				(long long)f->min));
			return 1;
		}
		if (bounded(f) && n > f->max) {
			problem_add_error(req, fname, "too_long",
				arena_printf(req->arena,
				"must be at most %lld characters long",
				(long long)f->max));
			return 1;
		}
		break;
	case JF_INT:
		if (!json_object_is_type(v, json_type_int))
			goto bad_type;
		i = json_object_get_int64(v);
		/* json-c clamps integers it cannot hold to these values. */
		if (i == INT64_MAX || i == INT64_MIN ||
		    (bounded(f) && (i < f->min || i > f->max))) {
			problem_add_error(req, fname, "out_of_range",
				bounded(f) ? arena_printf(req->arena,
				"must be between %lld and %lld",
				(long long)f->min, (long long)f->max) :
				"is outside the supported integer range");
			return 1;
		}
		break;
	case JF_BOOL:
		if (!json_object_is_type(v, json_type_boolean))
			goto bad_type;
		break;
	case JF_OBJECT:
		if (!json_object_is_type(v, json_type_object))
			goto bad_type;
		break;
	case JF_ARRAY:
		if (!json_object_is_type(v, json_type_array))
			goto bad_type;
		n = (int64_t)json_object_array_length(v);
		if (bounded(f) && n < f->min) {
			problem_add_error(req, fname, "too_short",
				arena_printf(req->arena,
				"must have at least %lld elements",
				(long long)f->min));
			return 1;
		}
		if (bounded(f) && n > f->max) {
			problem_add_error(req, fname, "too_long",
				arena_printf(req->arena,
				"must have at most %lld elements",
				(long long)f->max));
			return 1;
		}
		break;
	case JF_NUMBER:
		if (!json_object_is_type(v, json_type_int) &&
		    !json_object_is_type(v, json_type_double))
			goto bad_type;
		d = json_object_get_double(v);
		if (!isfinite(d) || (bounded(f) &&
		    (d < (double)f->min || d > (double)f->max))) {
			problem_add_error(req, fname, "out_of_range",
				bounded(f) ? arena_printf(req->arena,
				"must be between %lld and %lld",
				(long long)f->min, (long long)f->max) :
				"is not a finite number");
			return 1;
		}
		break;
	}
	if (f->validate != NULL && f->validate(v, &code, &msg) < 0) {
		problem_add_error(req, fname, code ? code : "invalid_value",
			msg ? msg : "is not acceptable");
		return 1;
	}
	return 0;

bad_type:
	msg = type_message(f->type);
bad_type_msg:
	problem_add_error(req, fname, "invalid_type", msg);
	return 1;
}

/* The name an error reports: "name", or "prefix.name" inside a nested
 * object. Falls back to the bare name if the arena is exhausted. */
static const char *err_name(struct request *req, const char *prefix,
	const char *name)
{
	char *s;

	if (prefix == NULL || prefix[0] == '\0')
		return name;
	s = arena_printf(req->arena, "%s.%s", prefix, name);
	return s != NULL ? s : name;
}

size_t json_fields_check_each(struct request *req, struct json_object *obj,
	const char *name, const struct json_field *fields, size_t nfields,
	const char *not_object)
{
	struct json_object *arr = json_get(obj, name), *it;
	size_t added = 0, n, i;
	const char *at;

	if (arr == NULL || !json_object_is_type(arr, json_type_array))
		return 0;
	n = json_object_array_length(arr);
	for (i = 0; i < n; i++) {
		it = json_object_array_get_idx(arr, i);
		at = arena_printf(req->arena, "%s[%zu]", name, i);
		if (at == NULL)
			at = name;
		if (!json_object_is_type(it, json_type_object)) {
			problem_add_error(req, at, "invalid_type", not_object);
			added++;
		} else {
			added += json_fields_check_at(req, it, fields, nfields,
				at);
		}
	}
	return added;
}

size_t json_fields_check_at(struct request *req, struct json_object *obj,
	const struct json_field *fields, size_t nfields, const char *prefix)
{
	size_t added = 0, unknown = 0, i;
	struct json_object *v;
	const char *fname;
	int known;

	if (obj == NULL || !json_object_is_type(obj, json_type_object))
		return 0;
	json_object_object_foreach(obj, key, val) {
		(void)val;
		known = 0;
		for (i = 0; i < nfields && !known; i++)
			known = strcmp(fields[i].name, key) == 0;
		if (!known && unknown < JSON_MAX_UNKNOWN_ERRORS) {
			problem_add_error(req, err_name(req, prefix, key),
				"unknown_field", "is not a known field");
			unknown++;
			added++;
		}
	}
	for (i = 0; i < nfields; i++) {
		const struct json_field *f = &fields[i];

		fname = err_name(req, prefix, f->name);
		if (!json_object_object_get_ex(obj, f->name, &v)) {
			if (f->required) {
				problem_add_error(req, fname, "required",
					"is required");
				added++;
			}
			continue;
		}
		if (v == NULL) { /* JSON null */
			if (!f->nullable) {
				problem_add_error(req, fname,
					f->required ? "required" : "invalid_type",
					f->required ? "is required" :
					type_message(f->type));
				added++;
			}
			continue;
		}
		added += (size_t)check_value(req, f, fname, v);
	}
	return added;
}

size_t json_fields_check(struct request *req, struct json_object *obj,
	const struct json_field *fields, size_t nfields)
{
	return json_fields_check_at(req, obj, fields, nfields, NULL);
}

struct json_object *json_get(struct json_object *obj, const char *name)
{
	struct json_object *v;

	if (obj == NULL || !json_object_object_get_ex(obj, name, &v))
		return NULL;
	return v;
}

const char *json_get_str(struct json_object *obj, const char *name,
	const char *dflt)
{
	struct json_object *v = json_get(obj, name);

	if (!json_object_is_type(v, json_type_string))
		return dflt;
	return json_object_get_string(v);
}

int64_t json_get_int(struct json_object *obj, const char *name, int64_t dflt)
{
	struct json_object *v = json_get(obj, name);

	if (!json_object_is_type(v, json_type_int))
		return dflt;
	return json_object_get_int64(v);
}

static struct json_object *adopt(struct request *req, struct json_object *o)
{
	if (o == NULL)
		return NULL;
	/* On failure arena_defer has already released o. */
	if (arena_defer(req->arena, json_put_cb, o) != 0)
		return NULL;
	return o;
}

struct json_object *json_new_object(struct request *req)
{
	return adopt(req, json_object_new_object());
}

struct json_object *json_new_array(struct request *req)
{
	return adopt(req, json_object_new_array());
}

struct json_object *json_own(struct request *req, struct json_object *o)
{
	return adopt(req, o);
}

/* Adds v to obj, consuming the reference the caller passes (v fresh from
 * a json-c constructor): on failure v is released. */
static int add_consumed(struct json_object *obj, const char *k,
	struct json_object *v)
{
	if (obj == NULL || k == NULL) {
		json_object_put(v);
		return DF_EINVAL;
	}
	if (json_object_object_add(obj, k, v) != 0) {
		json_object_put(v);
		return DF_ENOMEM;
	}
	return 0;
}

/* v belongs to the request (or to a parsed body): obj takes a reference
 * of its own, so whichever of the two is released last frees v. */
int json_set(struct json_object *obj, const char *k, struct json_object *v)
{
	return add_consumed(obj, k, json_object_get(v));
}

int json_push(struct json_object *arr, struct json_object *v)
{
	if (arr == NULL || v == NULL)
		return DF_ENOMEM;
	if (json_object_array_add(arr, json_object_get(v)) != 0) {
		json_object_put(v);
		return DF_ENOMEM;
	}
	return 0;
}

int json_push_str(struct json_object *arr, const char *s)
{
	struct json_object *v;

	if (arr == NULL || s == NULL)
		return DF_ENOMEM;
	v = json_object_new_string(s);
	if (v == NULL || json_object_array_add(arr, v) != 0) {
		json_object_put(v);
		return DF_ENOMEM;
	}
	return 0;
}

/* A freshly made value: NULL from a constructor means the allocation
 * failed (a JSON null is stored only on purpose). */
static int set_new(struct json_object *obj, const char *k,
	struct json_object *v)
{
	if (v == NULL)
		return DF_ENOMEM;
	return add_consumed(obj, k, v);
}

int json_set_str(struct json_object *obj, const char *k, const char *v)
{
	if (v == NULL)
		return json_set(obj, k, NULL);
	return set_new(obj, k, json_object_new_string(v));
}

int json_set_int(struct json_object *obj, const char *k, int64_t v)
{
	return set_new(obj, k, json_object_new_int64(v));
}

int json_set_double(struct json_object *obj, const char *k, double v)
{
	/* JSON has no NaN or Infinity; json-c would print them anyway. */
	if (!isfinite(v))
		return json_set(obj, k, NULL);
	return set_new(obj, k, json_object_new_double(v));
}

void json_fmt_rounded(char *buf, size_t size, double v, int decimals)
{
	int n = snprintf(buf, size, "%.*f", decimals, v);

	if (n < 0 || (size_t)n >= size || strchr(buf, '.') == NULL)
		return;
	while (n > 0 && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n > 0 && buf[n - 1] == '.')
		buf[--n] = '\0';
	/* "-0" for a tiny negative value reads as a sign error. */
	if (strcmp(buf, "-0") == 0)
		memmove(buf, buf + 1, 2);
}

static int set_rounded(struct json_object *obj, const char *k, double v,
	int decimals)
{
	char text[64];

	if (!isfinite(v))
		return json_set(obj, k, NULL);
	json_fmt_rounded(text, sizeof(text), v, decimals);
	/* The value is the text read back, so a reader of the object (a
	 * test, another serialiser) sees the number the client does. */
	return set_new(obj, k, json_object_new_double_s(strtod(text, NULL),
		text));
}

int json_set_ms(struct json_object *obj, const char *k, double ms)
{
	return set_rounded(obj, k, ms, 3);
}

int json_set_ratio(struct json_object *obj, const char *k, double v)
{
	return set_rounded(obj, k, v, 4);
}

int json_set_bool(struct json_object *obj, const char *k, int v)
{
	return set_new(obj, k, json_object_new_boolean(v ? 1 : 0));
}

int json_v_format(const char **code, const char **message, int ok,
	const char *text)
{
	if (ok)
		return 0;
	*code = "invalid_format";
	*message = text;
	return -1;
}
