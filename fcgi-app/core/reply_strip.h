/* The new text of an e-mail reply: what the writer typed, without the
 * quoted history and the signature their mail client adds. The client
 * shapes known here: "On <date>, <name> wrote:" (Gmail, Apple Mail,
 * Thunderbird; also wrapped over two lines), "-----Original
 * Message-----", Outlook's "From: ... Sent: ..." block and its line of
 * underscores, "> " quoted lines, the "-- " signature separator and the
 * "Sent from my iPhone" / "Get Outlook for ..." footers. */
#ifndef DF_REPLY_STRIP_H
#define DF_REPLY_STRIP_H

#include "err.h"

struct arena;

/* text: UTF-8 with LF (or CRLF) line ends. *out: the lines before the
 * first history or signature line, quoted ("> ") lines left out,
 * trailing blanks of each line and blank lines at either end removed;
 * "" when nothing is left. 0 or DF_ENOMEM. */
DF_MUST_CHECK int reply_strip(struct arena *a, const char *text, char **out);

/* Drops, in place, the C0 controls a ticket body refuses (tab and LF
 * stay) and DEL: mail text is made fit for a ticket, not refused. */
void reply_strip_controls(char *s);
/* 1 when s holds nothing but spaces, tabs and line feeds. */
int reply_strip_blank(const char *s);

#endif
