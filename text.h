/*
 * text.h: plain text helpers of the json files' input checks and of
 * every line shown to the user: UTF-8 validation, the sanitiser of server
 * text, name lists (width.h measures and cuts).  No I/O.
 */
#ifndef ALTER_TEXT_H
#define ALTER_TEXT_H

#include <stddef.h>

/*
 * The length (1 to 4) of the well-formed UTF-8 sequence at s[0..len) (RFC
 * 3629: no overlong form, no surrogate, nothing above U+10FFFF) and its
 * code point in *cp, or 0 when there is none (*cp then unchanged).  The
 * one UTF-8 decoder: width_next() is this over NUL-terminated text.
 */
size_t	text_utf8_seq(const unsigned char *s, size_t len, unsigned long *cp);

/*
 * RFC 8259 section 8.1: JSON text is UTF-8, which cJSON does not check.
 * The offset of the first byte that does not start a well-formed sequence
 * (RFC 3629: no overlong form, no surrogate, nothing above U+10FFFF), or
 * len when there is none.
 */
size_t	text_utf8_bad(const unsigned char *s, size_t len);

/*
 * The one sanitiser for text from the network shown as text (docs/cli.md
 * section 1): C0 controls, DEL and bytes that are not well-formed UTF-8
 * become \xNN; C1 controls (U+0080-U+009F) and the bidirectional
 * overrides (U+202A-U+202E, U+2066-U+2069) become \uNNNN; the rest is
 * copied.  With lines set, LF and TAB pass (a body shown as text).
 * Writes what fits whole into out (cap bytes), NUL-terminated; *used says
 * how many bytes of s were consumed.  Returns the bytes written.
 */
size_t	text_escape(char *out, size_t cap, const char *s, size_t len, int lines,
	    size_t *used);

/* text_escape() of string s into out, cut with "..." when out is full. */
const char *text_safe(char *out, size_t cap, const char *s);

/*
 * Split a comma-separated list into trimmed names in buf (cap bytes):
 * names[0..*n), at most max.  Returns 0, or -1 on an empty name, one with
 * a space or an unprintable byte, or too many names (*bad then points at
 * that name), or a list longer than buf (*bad left alone).
 */
int	text_split_names(const char *list, char *buf, size_t cap, const char **names,
	    size_t max, size_t *n, const char **bad);

/*
 * The Levenshtein distance of a[0..la) and b[0..lb), or 64 when either is
 * 64 bytes or longer: the did-you-mean of alter.c and of scopes for.
 */
size_t	text_distance(const char *a, size_t la, const char *b, size_t lb);

#endif
