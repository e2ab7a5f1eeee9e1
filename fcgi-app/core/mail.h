/* Outgoing mail: an RFC 5322 / MIME message built from plain parts
 * (RFC 2047 encoded-words for a non-ASCII subject, quoted-printable for a
 * body that needs it), the retry schedule, and the two transports
 * `devforgectl mail-send` delivers through: `sendmail -t -i`, or a
 * maildir directory for development. Formatting is pure so the unit
 * tests compare messages byte for byte. */
#ifndef DF_MAIL_H
#define DF_MAIL_H

#include <stddef.h>
#include <stdint.h>
#include "err.h"

/* Retry schedule after a failed delivery: 1 minute * 2^attempts (the
 * failed attempts before this one), at most 6 hours. */
#define MAIL_BACKOFF_BASE_S 60
#define MAIL_BACKOFF_MAX_S (6 * 3600)

/* Longest header line we write before folding (RFC 5322 says SHOULD
 * stay within 78), and the hard limit of any line (998). */
#define MAIL_LINE_SOFT 76
#define MAIL_LINE_HARD 998

/* Seconds to wait before the next attempt when attempts failures came
 * before this one (negative counts as 0). */
int64_t mail_backoff_s(int64_t attempts);

struct mail_message {
	const char *from;        /* "Name <addr@host>" or "addr@host", ASCII */
	const char *to;          /* one address, ASCII */
	const char *subject;     /* UTF-8; control characters become spaces */
	const char *body;        /* UTF-8 text; CRLF and CR become LF */
	int64_t date;            /* unix seconds */
	const char *message_id;  /* "<...@...>" */
	const char *reply_to;    /* one address (as to), NULL for none:
	                            where answers go (ticket mail) */
};

/* 1 when s is an acceptable From (mail_from config): printable ASCII,
 * either addr@host or `Display Name <addr@host>` with a name free of
 * <>"\ and control characters. */
int mail_from_ok(const char *s);
/* 1 when s is one bare address usable in To: printable ASCII without
 * spaces, <>(),;:"\ and with one '@' between non-empty parts. */
int mail_addr_ok(const char *s);

/* The header field "Name: value" for a UTF-8 value: printable ASCII is
 * kept as is and folded at spaces beyond MAIL_LINE_SOFT; anything else
 * (or text that looks like an encoded-word) becomes RFC 2047 "B"
 * encoded-words of UTF-8, never splitting a character, each line within
 * MAIL_LINE_SOFT. Lines are joined with "\n " (folding); no final
 * newline. malloc'd; NULL on OOM or when value is not valid UTF-8. */
char *mail_header(const char *name, const char *value);

/* The body as quoted-printable (RFC 2045 6.7): '=' and bytes outside
 * printable ASCII escaped, trailing blanks escaped, soft line breaks
 * keep lines within 76 characters; text lines end in "\n". malloc'd;
 * *len its length. NULL on OOM. */
char *mail_qp_encode(const char *body, size_t *len);

/* "Fri, 27 Nov 2026 21:53:28 +0000" (RFC 5322 date-time, UTC, English
 * names whatever the locale). out needs 32 bytes. */
void mail_date(int64_t t, char out[32]);

/* "<hex.id@domain>" with 16 random bytes and the domain of from. 0,
 * DF_EINVAL (from has no domain) or DF_EINTERNAL (no randomness). */
DF_MUST_CHECK int mail_message_id(const char *from, int64_t id, char *out, size_t len);

/* The whole message with "\n" line ends (what sendmail and maildir
 * readers expect): Date, From, To, Reply-To (when set), Subject,
 * Message-ID, MIME-Version, Content-Type text/plain; charset=utf-8, Content-Transfer-Encoding
 * (7bit when the body is ASCII with short lines, quoted-printable
 * otherwise), Auto-Submitted: auto-generated, a blank line, the body.
 * 0 with *out malloc'd, DF_EINVAL (a bad address, from, message id or
 * invalid UTF-8; *why says which) or DF_ENOMEM. */
DF_MUST_CHECK int mail_format(const struct mail_message *m, char **out, size_t *len,
	const char **why);

/* Delivers msg into the maildir dir (created with tmp/, new/ and cur/
 * when missing): written to tmp/<unique> and fsync'd, then renamed into
 * new/, the maildir way, so a reader never sees half a message. The
 * file name goes to name (when not NULL, namelen bytes). 0, or DF_EIO
 * with a sentence in err. */
DF_MUST_CHECK int mail_deliver_maildir(const char *dir, const char *msg, size_t len,
	char *name, size_t namelen, char *err, size_t errlen);

/* Pipes msg into `path -t -i` and waits for it, at most timeout_s
 * seconds (then it is killed). 0 when it exits with status 0; DF_EIO
 * with a sentence in err (its exit status or signal and the first line
 * it printed) otherwise. SIGPIPE is ignored while it runs. */
DF_MUST_CHECK int mail_deliver_sendmail(const char *path, const char *msg, size_t len,
	unsigned timeout_s, char *err, size_t errlen);

#endif
