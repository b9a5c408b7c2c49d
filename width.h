/*
 * width.h: how many terminal columns UTF-8 text takes (docs/cli.md section 4),
 * from a table of our own (width_tab.h), so that no locale is needed.
 */
#ifndef ALTER_WIDTH_H
#define ALTER_WIDTH_H

#include <stddef.h>

/*
 * The length of the UTF-8 sequence at s (1 to 4), its code point in *cp;
 * 1 and the byte itself for a byte that starts no well-formed sequence.
 * s is NUL-terminated.
 */
size_t	width_next(const char *s, unsigned long *cp);

/* Columns of one code point: 0 (combining, zero-width), 1 or 2 (wide). */
int	width_cp(unsigned long cp);

/* Columns of the NUL-terminated UTF-8 text s. */
int	width_str(const char *s);

/*
 * Cut s in place to at most max columns: text wider than max keeps the
 * longest prefix of whole code points within max - 3 columns and ends in
 * "..." (max below 3: just the prefix).  Returns the columns left.
 */
int	width_cut(char *s, int max);

#endif
