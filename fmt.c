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

/* The glibc comparison test builds this file with other names. */
#ifndef FMT_NAME
#define FMT_NAME(n) n
#endif

/* ---- big unsigned integers: 32-bit limbs, least significant first ---- */

#define LIMBS 136
struct big {
	int n;
	uint32_t d[LIMBS];
};

static void
big_set(struct big *b, uint64_t v)
{
	for (b->n = 0; v != 0; v >>= 32)
		b->d[b->n++] = (uint32_t)v;
}

/* b = b * m + add */
static void
big_mul(struct big *b, uint32_t m, uint32_t add)
{
	uint64_t c = add;
	int i;

	for (i = 0; i < b->n; i++) {
		c += (uint64_t)b->d[i] * m;
		b->d[i] = (uint32_t)c;
		c >>= 32;
	}
	if (c != 0)
		b->d[b->n++] = (uint32_t)c;
}

/* b = b / m; returns the remainder. */
static uint32_t
big_div(struct big *b, uint32_t m)
{
	uint64_t r = 0;
	int i;

	for (i = b->n - 1; i >= 0; i--) {
		r = r << 32 | b->d[i];
		b->d[i] = (uint32_t)(r / m);
		r %= m;
	}
	while (b->n > 0 && b->d[b->n - 1] == 0)
		b->n--;
	return (uint32_t)r;
}

static int
big_bits(const struct big *b)
{
	return b->n == 0 ? 0 : 32 * b->n - __builtin_clz(b->d[b->n - 1]);
}

static int
big_bit(const struct big *b, int i)
{
	return i >= 0 && i / 32 < b->n && (b->d[i / 32] >> (i % 32) & 1);
}

/* dst = s << k */
static void
big_shl(struct big *dst, const struct big *s, int k)
{
	int w = k / 32, r = k % 32, i;

	dst->n = s->n == 0 ? 0 : s->n + w + 1;
	memset(dst->d, 0, sizeof(dst->d[0]) * (size_t)dst->n);
	for (i = 0; i < s->n; i++) {
		uint64_t v = (uint64_t)s->d[i] << r;
		dst->d[i + w] |= (uint32_t)v;
		dst->d[i + w + 1] |= (uint32_t)(v >> 32);
	}
	while (dst->n > 0 && dst->d[dst->n - 1] == 0)
		dst->n--;
}

/* a = a - b when a >= b (returns 1), else a unchanged (returns 0). */
static int
big_sub_if(struct big *a, const struct big *b)
{
	int64_t c = 0;
	int i;

	if (a->n < b->n)
		return 0;
	if (a->n == b->n && a->n > 0) {
		for (i = a->n - 1; i > 0 && a->d[i] == b->d[i]; i--)
			;
		if (a->d[i] < b->d[i])
			return 0;
	}
	for (i = 0; i < a->n; i++) {
		c += (int64_t)a->d[i] - (i < b->n ? b->d[i] : 0);
		a->d[i] = (uint32_t)c;
		c = c < 0 ? -1 : 0;
	}
	while (a->n > 0 && a->d[a->n - 1] == 0)
		a->n--;
	return 1;
}

/* b = b * 10^k (k >= 0) or b * 5^k, by the largest powers that fit a limb. */
static void
big_pow(struct big *b, int k, uint32_t base, int per, uint32_t chunk)
{
	uint32_t m;
	int i;

	for (; k >= per; k -= per)
		big_mul(b, chunk, 0);
	for (m = 1, i = 0; i < k; i++)
		m *= base;
	big_mul(b, m, 0);
}

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

/* The decimal digits of finite nonzero |x| into ds (no leading zero);
 * returns their count, *x10 the power of ten of the first digit. */
static int
exact_digits(double x, char *ds, int *x10)
{
	char tmp[800];
	struct big b;
	uint64_t bits, m;
	int be, e, n = 0, i, d10 = 0;
	uint32_t r;

	memcpy(&bits, &x, sizeof(bits));
	be = (int)(bits >> 52 & 0x7ff);
	m = bits & ((1ULL << 52) - 1);
	if (be != 0)
		m |= 1ULL << 52;
	else
		be = 1;
	e = be - 1075;          /* |x| = m * 2^e */
	big_set(&b, m);
	if (e >= 0) {
		big_pow(&b, e, 2, 31, 1U << 31);
	} else {                /* m * 2^e = m * 5^-e / 10^-e */
		big_pow(&b, -e, 5, 13, 1220703125U);
		d10 = e;
	}
	while (b.n > 0)
		for (r = big_div(&b, 1000000000U), i = 0; i < 9; i++, r /= 10)
			tmp[n++] = (char)('0' + r % 10);
	while (tmp[n - 1] == '0')
		n--;
	for (i = 0; i < n; i++)
		ds[i] = tmp[n - 1 - i];
	*x10 = n - 1 + d10;
	return n;
}

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
	n = exact_digits(x, ds, &x10);
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

/* ---- strtod ---- */

/* m (nonzero) * 2^(e2 - 63) plus a nonzero tail when sticky, as the
 * nearest double (ties to even), subnormals and overflow included. */
static double
make_double(uint64_t m, int e2, int sticky)
{
	int sh = __builtin_clzll(m), p = 53, drop;
	uint64_t r, half, q;
	double d;

	m <<= sh;
	e2 -= sh;
	if (e2 < -1022)
		p = 53 - (-1022 - e2);
	if (e2 > 1023 || p < 0) {
		errno = ERANGE;
		return e2 > 0 ? HUGE_VAL : 0.0;
	}
	drop = 64 - p;
	if (drop == 64) {
		q = m > (1ULL << 63) || (m == (1ULL << 63) && sticky);
	} else {
		half = 1ULL << (drop - 1);
		r = m & ((half << 1) - 1);
		q = m >> drop;
		q += r > half || (r == half && (sticky || (q & 1)));
	}
	d = ldexp((double)q, e2 - p + 1);
	if (d == 0 || isinf(d))
		errno = ERANGE;
	return d;
}

/* D * 10^e10 (D > 0) as the nearest double. */
static double
scale(struct big *D, int e10, int sticky)
{
	struct big S, t, *a = D;
	uint64_t q = 0;
	int i, k, bits;

	if (e10 >= 0) {
		big_pow(D, e10, 10, 9, 1000000000U);
		bits = big_bits(D);
		for (i = 0; i < 64; i++)
			q = q << 1 | (uint64_t)big_bit(D, bits - 1 - i);
		for (i = bits - 65; i >= 0 && !sticky; i--)
			sticky = big_bit(D, i);
		return make_double(q, bits - 1, sticky);
	}
	big_set(&S, 1);
	big_pow(&S, -e10, 10, 9, 1000000000U);
	k = big_bits(&S) - big_bits(D) + 63;        /* quotient in [2^62, 2^64) */
	if (k >= 0) {
		big_shl(&t, D, k);
		a = &t;
	} else {
		big_shl(&t, &S, -k);
		S = t;
	}
	for (i = 63; i >= 0; i--) {
		struct big u;

		big_shl(&u, &S, i);
		if (big_sub_if(a, &u))
			q |= 1ULL << i;
	}
	return make_double(q, 63 - k, sticky || a->n != 0);
}

double
FMT_NAME(strtod)(const char *restrict s, char **restrict end)
{
	const char *p = s, *q;
	int neg = 0, dot = 0, any = 0, nd = 0, sticky = 0, e10 = 0, x = 0, xneg;
	struct big D = { 0, { 0 } };

	while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
		p++;
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	for (;; p++) {
		if (*p == '.' && !dot) {
			dot = 1;
			continue;
		}
		if (*p < '0' || *p > '9')
			break;
		any = 1;
		if (nd >= 800) {                /* beyond what can matter */
			sticky |= *p != '0';
			e10 += !dot;
			continue;
		}
		e10 -= dot;
		if (nd > 0 || *p != '0')
			big_mul(&D, 10, (uint32_t)(*p - '0')), nd++;
	}
	if (!any) {
		if (end != NULL)
			*end = (char *)s;
		return 0;
	}
	if ((*p == 'e' || *p == 'E') && ((q = p + 1), 1)) {
		xneg = *q == '-';
		q += *q == '-' || *q == '+';
		if (*q >= '0' && *q <= '9') {
			for (; *q >= '0' && *q <= '9'; q++)
				x = x < 100000 ? x * 10 + (*q - '0') : x;
			e10 += xneg ? -x : x;
			p = q;
		}
	}
	if (end != NULL)
		*end = (char *)p;
	if (D.n == 0)
		return neg ? -0.0 : 0.0;
	if (nd + e10 > 310 || nd + e10 < -330) {
		errno = ERANGE;
		return (neg ? -1 : 1) * (nd + e10 > 0 ? HUGE_VAL : 0.0);
	}
	return (neg ? -1 : 1) * scale(&D, e10, sticky);
}
