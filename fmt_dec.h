/*
 * fmt_dec.h: private to fmt.c and fmt_dec.c (the binary's printf family
 * and strtod, in place of musl's; <stdio.h> and <stdlib.h> declare them).
 */
#ifndef ALTER_FMT_DEC_H
#define ALTER_FMT_DEC_H

/* tests/helper/fmt_glibc.c builds both files with the names fmt_*. */
#ifndef FMT_NAME
#define FMT_NAME(n) n
#endif

/*
 * The exact decimal digits of finite nonzero |x| into ds (no leading zero,
 * no trailing zero; ds has room for 800): returns their count, *x10 the power
 * of ten of the first digit.
 */
int	fmt_exact_digits(double x, char *ds, int *x10);

#endif
