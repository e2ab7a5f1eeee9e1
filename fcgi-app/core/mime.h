/* A bounded reader of one RFC 5322 message with MIME (RFC 2045-2047,
 * 3676): the headers a ticket reply needs, decoded to UTF-8, and the
 * text of its body (the first text/plain part that is not an
 * attachment; else the first text/html part turned into text). Input
 * comes from anyone who can send mail, so every size is bounded and a
 * message it cannot read is refused with a reason, never a crash. All
 * memory comes from the arena. */
#ifndef DF_MIME_H
#define DF_MIME_H

#include <stddef.h>
#include "err.h"

struct arena;

#define MIME_MAX_INPUT (10u * 1024u * 1024u) /* the whole message */
#define MIME_MAX_DEPTH 8                      /* nested multiparts */
#define MIME_MAX_PARTS 128                    /* parts in all */
#define MIME_MAX_HEADERS 1000                 /* header fields per part */
#define MIME_MAX_RCPTS 100                    /* recipient addresses kept */
#define MIME_MAX_ADDR 254                     /* one address (RFC 5321) */

/* Where a recipient address was found. */
enum mime_rcpt_from { MIME_TO, MIME_CC, MIME_DELIVERED_TO, MIME_X_ORIGINAL_TO };

struct mime_rcpt {
	enum mime_rcpt_from from;
	const char *addr;            /* bare local@host */
};

struct mime_msg {
	const char *subject;         /* decoded, one line; NULL when absent */
	const char *from;            /* bare address of From; NULL when none */
	const char *message_id;      /* without <>; NULL when absent/invalid */
	const char *in_reply_to;     /* the first id, without <>; or NULL */
	struct mime_rcpt *rcpt;      /* To, Cc, Delivered-To, X-Original-To */
	size_t n_rcpt;
	const char *text;            /* the body text, UTF-8, LF line ends,
	                                never NULL ("" without a text part) */
	int html;                    /* 1: text came from a text/html part */
	int auto_reply;              /* 1: sent by a program, not a person:
	                                Auto-Submitted other than "no"
	                                (RFC 3834), X-Autoreply, or
	                                Precedence auto_reply */
	const char *error;           /* why DF_EINVAL, static text */
};

/* Parses raw[0..len). 0; DF_ETOOBIG over MIME_MAX_INPUT; DF_EINVAL with
 * msg->error set (no header section, a header line without a colon, a
 * multipart without a boundary or whose boundary never appears, nesting
 * or part count over the limits, an unknown transfer encoding or charset
 * of the text part); DF_ENOMEM. */
DF_MUST_CHECK int mime_parse(struct arena *a, const char *raw, size_t len,
	struct mime_msg *msg);

/* An unfolded header value with RFC 2047 encoded-words decoded to UTF-8
 * (undecodable words kept as they are; raw 8-bit text read as UTF-8, or
 * windows-1252 when it is not). NULL on DF_ENOMEM. */
char *mime_decode_header(struct arena *a, const char *value, size_t len);

/* The bare addresses of an address-list header value ("Name"
 * <a@b>, c@d (comment), group: e@f;), at most max; *n found. 0 or
 * DF_ENOMEM. Elements without an '@' are skipped. */
DF_MUST_CHECK int mime_addresses(struct arena *a, const char *value,
	const char **out, size_t max, size_t *n);

/* bytes[0..len) in charset (a MIME charset name) as UTF-8 text with
 * invalid sequences replaced by U+FFFD and NULs removed: 0, DF_EINVAL
 * (a charset not known here or to iconv), DF_ENOMEM. */
DF_MUST_CHECK int mime_to_utf8(struct arena *a, const char *charset,
	const char *bytes, size_t len, char **out, size_t *outlen);

/* HTML as plain text: tags dropped, blocks and <br> as line breaks,
 * <blockquote> lines prefixed "> ", entities decoded, script/style/head
 * skipped. NULL on DF_ENOMEM. */
char *mime_html_text(struct arena *a, const char *html, size_t len);

#endif
