/*
 * tests/unit_text.c: the one sanitiser of server text (text_escape,
 * text_safe) and the PAT mask of messages (creds_mask_text), docs/cli.md
 * section 1; the one UTF-8 decoder (text_utf8_seq) and width_next over it.
 */
#include <string.h>

#include "creds.h"
#include "text.h"
#include "unit.h"
#include "width.h"

static const struct {
	const char	*in, *out;
	int		 lines;
} escapes[] = {
	{ "plain text", "plain text", 0 },
	{ "bad \x1b[31;1mthing\x1b]0;TITLE\x07", "bad \\x1b[31;1mthing\\x1b]0;TITLE\\x07", 0 },
	{ "del\x7f", "del\\x7f", 0 },
	{ "c1 \xc2\x9b" "31m \xc2\x80", "c1 \\u009b31m \\u0080", 0 },
	{ "bidi \xe2\x80\xae" "abc\xe2\x81\xa6" "x\xe2\x81\xa9", "bidi \\u202eabc\\u2066x\\u2069", 0 },
	{ "\xe2\x80\xaa\xe2\x80\xad", "\\u202a\\u202d", 0 },
	{ "utf-8 ok: caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80", "utf-8 ok: caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80", 0 },
	{ "latin1 \xa0 \xff", "latin1 \\xa0 \\xff", 0 },
	{ "overlong \xc0\xaf", "overlong \\xc0\\xaf", 0 },
	{ "surrogate \xed\xa0\x80", "surrogate \\xed\\xa0\\x80", 0 },
	{ "cut \xe2\x80", "cut \\xe2\\x80", 0 },
	{ "a\nb\tc\rd", "a\\x0ab\\x09c\\x0dd", 0 },
	{ "a\nb\tc\rd", "a\nb\tc\\x0dd", 1 },
	{ "no-break \xc2\xa0 stays", "no-break \xc2\xa0 stays", 0 },
};

static const struct {
	const char	*in, *out;
} masks[] = {
	{ "unknown command 'alter_pat_abcdefgh1234' for 'alter auth'",
	  "unknown command 'alter_pat_...1234' for 'alter auth'" },
	{ "--token-file 'alter_pat_x-y_z9': No such file",
	  "--token-file 'alter_pat_...y_z9': No such file" },
	{ "short alter_pat_ab", "short alter_pat_...b" },
	{ "already masked alter_pat_...wxyz", "already masked alter_pat_...wxyz" },
	{ "ALTER_PAT is not a token", "ALTER_PAT is not a token" },
	{ "two alter_pat_11112222 alter_pat_33334444.", "two alter_pat_...2222 alter_pat_...4444." },
};

/* width_next: a well-formed sequence whole, anything else one byte. */
static const struct {
	const char *in;
	size_t n;
	unsigned long cp;
} seqs[] = {
	{ "A", 1, 'A' },
	{ "", 1, 0 },
	{ "\xc3\xa9", 2, 0xe9 },
	{ "\xe6\xbc\xa2", 3, 0x6f22 },
	{ "\xf0\x9f\x98\x80", 4, 0x1f600 },
	{ "\xc3", 1, 0xc3 },                     /* cut short by the NUL */
	{ "\xe6\xbc", 1, 0xe6 },
	{ "\xc0\x80", 1, 0xc0 },                 /* overlong */
	{ "\xed\xa0\x80", 1, 0xed },             /* surrogate */
	{ "\xf4\x90\x80\x80", 1, 0xf4 },         /* above U+10FFFF */
	{ "\x80", 1, 0x80 },
	{ "\xff", 1, 0xff },
};

int
main(void)
{
	unsigned long cp;
	char out[256], small[12];
	size_t i, used;

	for (i = 0; i < sizeof(escapes) / sizeof(escapes[0]); i++) {
		text_escape(out, sizeof(out), escapes[i].in, strlen(escapes[i].in), escapes[i].lines,
		    &used);
		CHECK(strcmp(out, escapes[i].out) == 0 && used == strlen(escapes[i].in),
		    "escape vector %zu", i);
	}
	CHECK(text_distance("kitten", 6, "sitting", 7) == 3 && text_distance("", 0, "ab", 2) == 2 &&
	    text_distance("keys mint", 9, "keys mint", 9) == 0 &&
	    text_distance("appz", 4, "apps", 4) == 1, "text_distance counts edits");
	memset(out, 'a', 64);
	CHECK(text_distance(out, 64, "a", 1) == 64 && text_distance("a", 1, out, 64) == 64,
	    "text_distance past 63 bytes is 64");
	text_safe(small, sizeof(small), "\x1b\x1b\x1b\x1b");
	CHECK(strcmp(small, "\\x1b...") == 0, "text_safe cuts with ... and never half an escape");
	text_escape(out, 6, "\xe2\x80\xae", 3, 0, &used);
	CHECK(out[0] == '\0' && used == 0, "no room for a whole escape: nothing consumed");
	for (i = 0; i < sizeof(masks) / sizeof(masks[0]); i++) {
		creds_mask_text(masks[i].in, out, sizeof(out));
		CHECK(strcmp(out, masks[i].out) == 0, "mask vector %zu (%s)", i, masks[i].out);
	}
	creds_mask_text("x alter_pat_abcdefgh1234", small, sizeof(small));
	CHECK(strstr(small, "abcd") == NULL, "a mask that does not fit is left out, not cut open");
	for (i = 0; i < sizeof(seqs) / sizeof(seqs[0]); i++) {
		cp = 1234567;
		CHECK(width_next(seqs[i].in, &cp) == seqs[i].n && cp == seqs[i].cp,
		    "width_next vector %zu", i);
	}
	cp = 7;
	CHECK(text_utf8_seq((const unsigned char *)"\xc3\xa9", 1, &cp) == 0 && cp == 7 &&
	    text_utf8_seq((const unsigned char *)"\xc3\xa9", 2, &cp) == 2 && cp == 0xe9,
	    "text_utf8_seq stops at len");
	return unit_done();
}
