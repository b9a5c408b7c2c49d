/*
 * text.h: plain text helpers of the json files' input checks: UTF-8
 * validation and name lists (width.h measures and cuts).  No I/O.
 */
#ifndef ALTER_TEXT_H
#define ALTER_TEXT_H

#include <stddef.h>

/*
 * RFC 8259 section 8.1: JSON text is UTF-8, which cJSON does not check.
 * The offset of the first byte that does not start a well-formed sequence
 * (RFC 3629: no overlong form, no surrogate, nothing above U+10FFFF), or
 * len when there is none.
 */
size_t	text_utf8_bad(const unsigned char *s, size_t len);

/*
 * Split a comma-separated list into trimmed names in buf (cap bytes):
 * names[0..*n), at most max.  Returns 0, or -1 on an empty name, one with
 * a space or an unprintable byte, or too many names (*bad then points at
 * that name), or a list longer than buf (*bad left alone).
 */
int	text_split_names(const char *list, char *buf, size_t cap, const char **names,
	    size_t max, size_t *n, const char **bad);

#endif
