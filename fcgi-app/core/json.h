/* Typed, checked access to a JSON request body, declared as a table in the
 * kcgi manner: a handler lists its fields once, json_fields_check()
 * rejects unknown fields, wrong types and missing required fields into the
 * request's problem errors, and the handler then reads typed values. */
#ifndef DF_JSON_H
#define DF_JSON_H

#include <stddef.h>
#include <stdint.h>
#include "http.h"
#include "err.h"

struct json_object;

enum json_ftype {
	JF_STRING,   /* valid UTF-8, no NUL; min/max in characters (code
	                points), checked here */
	JF_INT,      /* JSON integer (not 1.0, not "1"); min/max inclusive */
	JF_BOOL,
	JF_OBJECT,
	JF_ARRAY,    /* min/max: element count */
	JF_NUMBER    /* integer or double */
};

/* A validator for a field that passed the type check: 0 when fine, else
 * it returns a negative value and sets *code and *message (static). */
typedef int (*json_validator)(struct json_object *v, const char **code,
	const char **message);

/* The answer of a validator that checks a format: 0 when ok, else -1
 * with *code "invalid_format" and *message text (static), so every
 * format rule answers alike. */
int json_v_format(const char **code, const char **message, int ok,
	const char *text);

struct json_field {
	const char *name;
	enum json_ftype type;
	int required;
	int64_t min, max;        /* 0,0: unbounded */
	json_validator validate; /* optional */
	int nullable;            /* JSON null accepted (reads as absent) */
};

/* A field table and its length: JSON_FIELDS(some_fields). */
struct json_fields {
	const struct json_field *fields;
	size_t n;
};
#define JSON_NFIELDS(f) (sizeof(f) / sizeof((f)[0]))
#define JSON_FIELDS(f) { (f), JSON_NFIELDS(f) }

/* Parses text as JSON with a depth limit and strict UTF-8. The top level
 * must be an object. Returns 0 and *out (registered for release with the
 * request arena), or DF_EINVAL with *why a static sentence. */
DF_MUST_CHECK int json_parse_body(struct request *req, const char *text, size_t len,
	int max_depth, struct json_object **out);
/* The same, and *why (when why is not NULL) receives the static sentence
 * for a refusal, for the 400 problem's detail. */
DF_MUST_CHECK int json_parse_body_ex(struct request *req, const char *text, size_t len,
	int max_depth, struct json_object **out, const char **why);

/* The strict syntax pass alone (json_parse_body runs it first): one RFC
 * 8259 value, an object at the top, containers nested at most max_depth
 * (1..512) deep, no object naming a member twice (names compared after
 * unescaping). The text must already be valid UTF-8 without NUL. Returns
 * 0, DF_EINVAL with *why a static sentence, or DF_ENOMEM. */
DF_MUST_CHECK int json_check_syntax(const char *s, size_t len, int max_depth,
	const char **why);

/* Checks obj against fields. Each problem adds an error ("unknown_field",
 * "required", "invalid_type", "too_short", "too_long", "out_of_range" or
 * the validator's code) to req. Returns the number of errors added. */
size_t json_fields_check(struct request *req, struct json_object *obj,
	const struct json_field *fields, size_t nfields);

/* The same for a nested object: error fields are named
 * "<prefix>.<name>" (e.g. "events[2].name"). */
size_t json_fields_check_at(struct request *req, struct json_object *obj,
	const struct json_field *fields, size_t nfields, const char *prefix);

/* The same for every element of the array member `name` of obj: each must
 * be an object of fields (else "invalid_type" with not_object as its
 * message), its errors named "<name>[i].<field>". Returns the number of
 * errors added. */
size_t json_fields_check_each(struct request *req, struct json_object *obj,
	const char *name, const struct json_field *fields, size_t nfields,
	const char *not_object);

/* Typed getters after json_fields_check: the field's value or dflt when
 * absent or null. Strings stay owned by obj. */
const char *json_get_str(struct json_object *obj, const char *name,
	const char *dflt);
int64_t json_get_int(struct json_object *obj, const char *name, int64_t dflt);
struct json_object *json_get(struct json_object *obj, const char *name);

/* Response JSON is built through the request (h2o's pool model): every
 * object or array a handler makes belongs to the request's arena, which
 * releases it when the request ends, so a handler never frees one, on
 * success or failure. json_new_object / json_new_array make one (NULL on
 * OOM); json_own hands the arena a value from any other json-c
 * constructor (o may be NULL; NULL on OOM, o then released). */
struct json_object *json_new_object(struct request *req);
struct json_object *json_new_array(struct request *req);
struct json_object *json_own(struct request *req, struct json_object *o);
/* Adds to obj; 0 or DF_ENOMEM (DF_EINVAL for a NULL obj or key). A NULL
 * string or v stores JSON null. */
DF_MUST_CHECK int json_set_str(struct json_object *obj, const char *k, const char *v);
DF_MUST_CHECK int json_set_int(struct json_object *obj, const char *k, int64_t v);
DF_MUST_CHECK int json_set_double(struct json_object *obj, const char *k, double v);
DF_MUST_CHECK int json_set_bool(struct json_object *obj, const char *k, int v);
/* Numbers rounded to what they mean, printed with at most that many
 * decimals (json-c would print 0.41200000000000003): json_set_ms a
 * latency in milliseconds to 0.001 ms, json_set_ratio a rate or share to
 * 0.0001. A non-finite v stores null, as json_set_double. */
DF_MUST_CHECK int json_set_ms(struct json_object *obj, const char *k, double ms);
DF_MUST_CHECK int json_set_ratio(struct json_object *obj, const char *k, double v);
/* The text json_set_ms / json_set_ratio print for v at `decimals`
 * (trailing zeros dropped: "0.412", "3", "0.5"); exported for tests. */
void json_fmt_rounded(char *buf, size_t size, double v, int decimals);
/* v belongs to the request (json_new_*, json_own) or to a parsed body;
 * obj takes a reference of its own and the caller keeps nothing to
 * free. */
DF_MUST_CHECK int json_set(struct json_object *obj, const char *k, struct json_object *v);
/* Appends v (as for json_set; NULL means a builder failed: DF_ENOMEM),
 * or a copy of the string s, to the array arr. 0 or DF_ENOMEM. */
DF_MUST_CHECK int json_push(struct json_object *arr, struct json_object *v);
DF_MUST_CHECK int json_push_str(struct json_object *arr, const char *s);

/* Counts code points of a valid UTF-8 string of len bytes. */
size_t json_utf8_length(const char *s, size_t len);

#endif
