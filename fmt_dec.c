/*
 * fmt_dec.c: the decimal side of fmt.c (alter's printf family and strtod,
 * in place of musl's): exact big-integer arithmetic, the exact decimal
 * digits of a double for %g, and strtod (decimal text only, correctly
 * rounded to nearest, ties to even; "inf", "nan" and hex floats are not
 * numbers to it: *end == s).  See fmt.c's header for why.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fmt_dec.h"

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

/* ---- %g's digits ---- */

int
fmt_exact_digits(double x, char *ds, int *x10)
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
