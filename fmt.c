/*
 * fmt.c: alter's own printf family (snprintf, vsnprintf, sprintf, fprintf,
 * vfprintf, printf) and strtod, linked in place of musl's.
 *
 * Why: musl's printf formats floating point through long double (fmt_fp),
 * and its strtod parses through long double (__floatscan, decfloat).  On
 * aarch64, long double is IEEE binary128 done in software: those two pull
 * in about 16.5 KB of libgcc's soft-float (__addtf3, __multf3, __divtf3
 * ...), and on both architectures the engines are some 17 KB that alter
 * barely uses (docs/design.md, "Size").  The standard names keep the
 * <stdio.h> prototypes, so gcc's -Wformat still checks every call.
 *
 * The formatter does exactly what alter, cJSON and the tests use: flags '-'
 * and '0'; width and precision as digits or '*'; lengths l, ll and z;
 * conversions d i u x o c s % and g (cJSON's "%1.15g"/"%1.17g", digits
 * exact, ties to even, as glibc).  Anything else is a programming error:
 * it is reported on stderr and the process aborts, never printed wrong.
 * strtod takes decimal text only (what cJSON hands it): correctly rounded
 * (to nearest, ties to even) through exact big-integer arithmetic; "inf",
 * "nan" and hex floats are not numbers to it (*end == s).
 * tests/helper/fmt_glibc.c compares both with glibc's, built with gcc.
 * fmt_dec.c holds strtod and the exact digits of %g (big integers).
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fmt_dec.h"

/* ---- output ---- */

struct out {
	char *buf;      /* snprintf's buffer, or NULL */
	size_t cap;     /* its size */
	FILE *f;        /* fprintf's stream, or NULL */
	size_t len;     /* bytes produced */
	int err;
};

static void
emit(struct out *o, const char *s, size_t n)
{
	if (o->f != NULL) {
		if (n > 0 && fwrite(s, 1, n, o->f) != n)
			o->err = 1;
	} else if (o->len < o->cap) {
		size_t room = o->cap - 1 - o->len;
		memcpy(o->buf + o->len, s, n < room ? n : room);
	}
	o->len += n;
}

static void
emit_fill(struct out *o, char c, int n)
{
	static const char zeros[] = "0000000000000000", blanks[] = "                ";

	for (; n > 0; n -= 16)
		emit(o, c == '0' ? zeros : blanks, n < 16 ? (size_t)n : 16);
}

/* One conversion's flags, width and precision (-1: none). */
struct spec {
	int minus, zero, width, prec;
};

/* SIGN (may be empty) then BODY, padded to the width. */
static void
emit_padded(struct out *o, const struct spec *sp, const char *sign, const char *body, size_t n)
{
	int pad = sp->width - (int)(strlen(sign) + n);

	if (!sp->minus && !sp->zero)
		emit_fill(o, ' ', pad);
	emit(o, sign, strlen(sign));
	if (!sp->minus && sp->zero)
		emit_fill(o, '0', pad);
	emit(o, body, n);
	if (sp->minus)
		emit_fill(o, ' ', pad);
}

static void
bad_format(const char *fmt)
{
	static const char msg[] = "alter: internal error: unsupported printf format: ";

	(void)!write(2, msg, sizeof(msg) - 1);
	(void)!write(2, fmt, strlen(fmt));
	(void)!write(2, "\n", 1);
	abort();
}

/* ---- %g: the exact decimal digits of a double, rounded ---- */

/* ds (n digits) to exactly p digits, to nearest, ties to even. */
static void
round_digits(char *ds, int n, int p, int *x10)
{
	int i, up;

	if (n > p) {
		up = ds[p] > '5';
		if (ds[p] == '5') {
			for (i = p + 1; i < n && ds[i] == '0'; i++)
				;
			up = i < n || (ds[p - 1] - '0') % 2 == 1;
		}
		for (i = p - 1; up && i >= 0 && ds[i] == '9'; i--)
			ds[i] = '0';
		if (up && i >= 0) {
			ds[i]++;
		} else if (up) {
			ds[0] = '1';
			(*x10)++;
		}
	}
	for (i = n; i < p; i++)
		ds[i] = '0';
}

/* %g of x with precision prec into body; returns its length. */
static int
fmt_g(double x, int prec, char *body)
{
	char ds[810];
	int p = prec < 0 ? 6 : prec == 0 ? 1 : prec, x10, n, k = 0, i, last;

	if (p > 800)
		p = 800;
	if (x == 0)
		return (int)(memcpy(body, "0", 1), 1);
	n = fmt_exact_digits(x, ds, &x10);
	round_digits(ds, n, p, &x10);
	for (last = p; last > 1 && ds[last - 1] == '0'; last--)
		;
	if (x10 < -4 || x10 >= p) {             /* d.ddde+XX */
		body[k++] = ds[0];
		if (last > 1)
			body[k++] = '.';
		memcpy(body + k, ds + 1, (size_t)(last - 1));
		k += last - 1;
		body[k++] = 'e';
		body[k++] = x10 < 0 ? '-' : '+';
		x10 = x10 < 0 ? -x10 : x10;
		if (x10 >= 100)
			body[k++] = (char)('0' + x10 / 100);
		body[k++] = (char)('0' + x10 / 10 % 10);
		body[k++] = (char)('0' + x10 % 10);
		return k;
	}
	if (x10 < 0) {                          /* 0.000ddd */
		body[k++] = '0';
		body[k++] = '.';
		for (i = 0; i < -x10 - 1; i++)
			body[k++] = '0';
		memcpy(body + k, ds, (size_t)last);
		return k + last;
	}
	memcpy(body, ds, (size_t)x10 + 1);     /* ddd.ddd */
	k = x10 + 1;
	if (last > x10 + 1) {
		body[k++] = '.';
		memcpy(body + k, ds + x10 + 1, (size_t)(last - x10 - 1));
		k += last - x10 - 1;
	}
	return k;
}

static void
conv_g(struct out *o, const struct spec *sp, double x)
{
	char body[840];
	int n;

	if (isnan(x) || isinf(x)) {
		struct spec s = *sp;

		s.zero = 0;
		emit_padded(o, &s, signbit(x) ? "-" : "", isnan(x) ? "nan" : "inf", 3);
		return;
	}
	n = fmt_g(fabs(x), sp->prec, body);
	emit_padded(o, sp, signbit(x) ? "-" : "", body, (size_t)n);
}

/* ---- integers, strings, the format loop ---- */

static void
conv_int(struct out *o, const struct spec *sp, unsigned long long v, int neg, int base)
{
	char body[24];
	int n = (int)sizeof(body);

	do
		body[--n] = "0123456789abcdef"[v % (unsigned)base];
	while ((v /= (unsigned)base) != 0);
	emit_padded(o, sp, neg ? "-" : "", body + n, sizeof(body) - (size_t)n);
}

/* Parses the flags, width, precision and length of the conversion at *f
 * (past its '%'); returns the length ('l', 'L' for ll, 'z' or 0). */
static int
parse_spec(const char **f, struct spec *sp, va_list *ap)
{
	const char *p = *f;
	int len = 0;

	memset(sp, 0, sizeof(*sp));
	sp->prec = -1;
	for (; *p == '-' || *p == '0'; p++)
		*(*p == '-' ? &sp->minus : &sp->zero) = 1;
	if (*p == '*' && p++)
		sp->width = va_arg(*ap, int);
	else
		for (; *p >= '0' && *p <= '9'; p++)
			sp->width = sp->width * 10 + (*p - '0');
	if (sp->width < 0)
		sp->minus = 1, sp->width = -sp->width;
	if (*p == '.' && p++) {
		if (*p == '*' && p++)
			sp->prec = va_arg(*ap, int);
		else
			for (sp->prec = 0; *p >= '0' && *p <= '9'; p++)
				sp->prec = sp->prec * 10 + (*p - '0');
	}
	if (*p == 'z' || *p == 'l')
		len = *p++;
	if (len == 'l' && *p == 'l')
		len = 'L', p++;
	*f = p;
	if (sp->minus)
		sp->zero = 0;
	return len;
}

static void
conv_int_arg(struct out *o, const struct spec *sp, char c, int len, va_list *ap)
{
	unsigned long long u;
	long long s;

	if (c == 'd' || c == 'i') {
		s = len == 'L' ? va_arg(*ap, long long) : len == 'l' ? va_arg(*ap, long) :
		    len == 'z' ? (long long)va_arg(*ap, ssize_t) : va_arg(*ap, int);
		u = s < 0 ? 0 - (unsigned long long)s : (unsigned long long)s;
		conv_int(o, sp, u, s < 0, 10);
		return;
	}
	u = len == 'L' ? va_arg(*ap, unsigned long long) : len == 'l' ? va_arg(*ap, unsigned long) :
	    len == 'z' ? va_arg(*ap, size_t) : va_arg(*ap, unsigned);
	conv_int(o, sp, u, 0, c == 'u' ? 10 : c == 'x' ? 16 : 8);
}

static void
format(struct out *o, const char *fmt, va_list ap0)
{
	const char *f = fmt, *s, *start;
	struct spec sp;
	va_list ap;
	int len;
	char c;

	va_copy(ap, ap0);
	while (*f != '\0') {
		for (s = f; *f != '\0' && *f != '%'; f++)
			;
		emit(o, s, (size_t)(f - s));
		if (*f == '\0')
			break;
		start = f++;
		len = parse_spec(&f, &sp, &ap);
		c = *f++;
		if (c == 's' && len == 0) {
			s = va_arg(ap, const char *);
			s = s != NULL ? s : "(null)";
			emit_padded(o, &sp, "", s, sp.prec < 0 ? strlen(s) : strnlen(s, (size_t)sp.prec));
		} else if (c == 'c' && len == 0 && sp.prec < 0) {
			char ch = (char)va_arg(ap, int);
			emit_padded(o, &sp, "", &ch, 1);
		} else if (c == '%' && f - start == 2) {
			emit(o, "%", 1);
		} else if (c == 'g' && len == 0) {
			conv_g(o, &sp, va_arg(ap, double));
		} else if (c != '\0' && strchr("diuxo", c) != NULL && sp.prec < 0) {
			conv_int_arg(o, &sp, c, len, &ap);
		} else {
			bad_format(start);
		}
	}
	va_end(ap);
}

/* The variadic names: call, with the arguments after last as ap, the
 * va_list function that does the work, and return what it returns. */
#define VA_FORWARD(last, call) do {					\
		va_list ap;						\
		int n_;							\
									\
		va_start(ap, last);					\
		n_ = call;						\
		va_end(ap);						\
		return n_;						\
	} while (0)

static int
result(const struct out *o)
{
	if (o->err)
		return -1;
	if (o->len > INT_MAX) {
		errno = EOVERFLOW;
		return -1;
	}
	return (int)o->len;
}

int
FMT_NAME(vsnprintf)(char *restrict buf, size_t size, const char *restrict fmt, va_list ap)
{
	struct out o = { buf, size, NULL, 0, 0 };

	format(&o, fmt, ap);
	if (size > 0)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return result(&o);
}

int
FMT_NAME(snprintf)(char *restrict buf, size_t size, const char *restrict fmt, ...)
{
	VA_FORWARD(fmt, FMT_NAME(vsnprintf)(buf, size, fmt, ap));
}

/* cJSON's: its buffers are sized for what it prints. */
int
FMT_NAME(sprintf)(char *restrict buf, const char *restrict fmt, ...)
{
	VA_FORWARD(fmt, FMT_NAME(vsnprintf)(buf, INT_MAX, fmt, ap));
}

int
FMT_NAME(vfprintf)(FILE *restrict f, const char *restrict fmt, va_list ap)
{
	struct out o = { NULL, 0, f, 0, 0 };

	format(&o, fmt, ap);
	return result(&o);
}

int
FMT_NAME(fprintf)(FILE *restrict f, const char *restrict fmt, ...)
{
	VA_FORWARD(fmt, FMT_NAME(vfprintf)(f, fmt, ap));
}

int
FMT_NAME(printf)(const char *restrict fmt, ...)
{
	VA_FORWARD(fmt, FMT_NAME(vfprintf)(stdout, fmt, ap));
}
