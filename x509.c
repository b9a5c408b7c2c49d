/*
 * x509.c: PEM decoding and a bounded DER walk of certificates; see x509.h.
 * Every read is checked against the remaining length; only definite,
 * single-byte-tag DER is accepted (certificates use nothing else).
 */
#include <string.h>

#include "x509.h"

/* One TLV of DER; val/vlen is the content, next/left what follows it. */
struct tlv {
	unsigned		 tag;
	const unsigned char	*start;		/* the tag byte */
	const unsigned char	*val;
	size_t			 vlen;
	size_t			 whole;		/* tag + length + content */
};

static int
tlv_read(const unsigned char *p, size_t len, struct tlv *t)
{
	size_t n, k, hdr;

	if (len < 2 || (p[0] & 0x1f) == 0x1f)
		return -1;
	t->tag = p[0];
	t->start = p;
	if (p[1] < 0x80) {
		n = p[1];
		hdr = 2;
	} else {
		k = p[1] & 0x7f;
		if (k == 0 || k > 4 || len < 2 + k)
			return -1;
		for (n = 0, hdr = 0; hdr < k; hdr++)
			n = (n << 8) | p[2 + hdr];
		hdr = 2 + k;
	}
	if (n > len - hdr)
		return -1;
	t->val = p + hdr;
	t->vlen = n;
	t->whole = hdr + n;
	return 0;
}

/* Step into the content of a SEQUENCE-like TLV found at *p. */
static int
tlv_next(const unsigned char **p, size_t *len, struct tlv *t)
{
	if (tlv_read(*p, *len, t) != 0)
		return -1;
	*p += t->whole;
	*len -= t->whole;
	return 0;
}

/* Position p/plen at the content of the SEQUENCE that in/len starts with. */
static int
seq_open(const unsigned char *in, size_t len, const unsigned char **p, size_t *plen)
{
	struct tlv s;

	if (tlv_read(in, len, &s) != 0 || s.tag != 0x30)
		return -1;
	*p = s.val;
	*plen = s.vlen;
	return 0;
}

/* Position p/len at the content of tbsCertificate. */
static int
tbs_open(const unsigned char *der, size_t len, const unsigned char **p, size_t *plen)
{
	const unsigned char *cert;
	size_t certlen;

	if (seq_open(der, len, &cert, &certlen) != 0)
		return -1;
	return seq_open(cert, certlen, p, plen);
}

/* Walk tbsCertificate up to and including the subjectPublicKeyInfo. */
static int
tbs_fields(const unsigned char **p, size_t *len, struct tlv *issuer, struct tlv *subject)
{
	struct tlv t;

	if (tlv_next(p, len, &t) != 0)
		return -1;
	if (t.tag == 0xa0 && tlv_next(p, len, &t) != 0)	/* [0] version */
		return -1;
	if (t.tag != 0x02)					/* serialNumber */
		return -1;
	if (tlv_next(p, len, &t) != 0 || t.tag != 0x30)	/* signature */
		return -1;
	if (tlv_next(p, len, issuer) != 0 || issuer->tag != 0x30)
		return -1;
	if (tlv_next(p, len, &t) != 0 || t.tag != 0x30)	/* validity */
		return -1;
	if (tlv_next(p, len, subject) != 0 || subject->tag != 0x30)
		return -1;
	if (tlv_next(p, len, &t) != 0 || t.tag != 0x30)	/* subjectPublicKeyInfo */
		return -1;
	return 0;
}

int
x509_names(const unsigned char *der, size_t len, struct x509_span *issuer,
    struct x509_span *subject)
{
	const unsigned char *p;
	size_t plen;
	struct tlv is, su;

	if (tbs_open(der, len, &p, &plen) != 0 || tbs_fields(&p, &plen, &is, &su) != 0)
		return -1;
	issuer->p = is.start;
	issuer->len = is.whole;
	subject->p = su.start;
	subject->len = su.whole;
	return 0;
}

static const unsigned char OID_SAN[] = { 0x55, 0x1d, 0x11 };	/* 2.5.29.17 */
static const unsigned char OID_NC[] = { 0x55, 0x1d, 0x1e };	/* 2.5.29.30 */
static const unsigned char OID_EKU[] = { 0x55, 0x1d, 0x25 };	/* 2.5.29.37 */
static const unsigned char OID_ANY_EKU[] = { 0x55, 0x1d, 0x25, 0x00 };
static const unsigned char OID_SERVER_AUTH[] = { 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01 };

#define OID_IS(t, oid)	((t).vlen == sizeof(oid) && memcmp((t).val, oid, sizeof(oid)) == 0)

/*
 * Find the extension oid of a certificate and open its value, which must be
 * a SEQUENCE (every extension alter reads is one).  Returns 1 with *seq set,
 * 0 when the certificate has no such extension, -1 if der is malformed.
 */
static int
ext_find(const unsigned char *der, size_t len, const unsigned char *oid, size_t oidlen,
    struct tlv *seq)
{
	const unsigned char *p, *e, *x;
	size_t plen, elen, xlen;
	struct tlv is, su, t, o, val;

	if (tbs_open(der, len, &p, &plen) != 0 || tbs_fields(&p, &plen, &is, &su) != 0)
		return -1;
	/* Optional issuerUniqueID [1], subjectUniqueID [2], extensions [3]. */
	while (plen > 0) {
		if (tlv_next(&p, &plen, &t) != 0)
			return -1;
		if (t.tag != 0xa3)
			continue;
		if (seq_open(t.val, t.vlen, &e, &elen) != 0)
			return -1;
		while (elen > 0) {
			if (tlv_next(&e, &elen, &t) != 0 || t.tag != 0x30)
				return -1;
			x = t.val;
			xlen = t.vlen;
			if (tlv_next(&x, &xlen, &o) != 0 || o.tag != 0x06 ||
			    tlv_next(&x, &xlen, &val) != 0)
				return -1;
			if (val.tag == 0x01 && tlv_next(&x, &xlen, &val) != 0)	/* critical */
				return -1;
			if (val.tag != 0x04)
				return -1;
			if (o.vlen != oidlen || memcmp(o.val, oid, oidlen) != 0)
				continue;
			return tlv_read(val.val, val.vlen, seq) != 0 || seq->tag != 0x30 ? -1 : 1;
		}
		return 0;
	}
	return 0;
}

int
x509_ip_san_match(const unsigned char *der, size_t len, const unsigned char *ip, size_t iplen)
{
	const unsigned char *g;
	size_t glen;
	struct tlv names, name;
	int r;

	if ((r = ext_find(der, len, OID_SAN, sizeof(OID_SAN), &names)) != 1)
		return r;
	g = names.val;
	glen = names.vlen;
	while (glen > 0) {
		if (tlv_next(&g, &glen, &name) != 0)
			return -1;
		if (name.tag == 0x87 && name.vlen == iplen && memcmp(name.val, ip, iplen) == 0)
			return 1;
	}
	return 0;
}

int
x509_has_san(const unsigned char *der, size_t len)
{
	struct tlv names;

	return ext_find(der, len, OID_SAN, sizeof(OID_SAN), &names);
}

int
x509_eku_server(const unsigned char *der, size_t len)
{
	const unsigned char *p;
	size_t plen;
	struct tlv seq, oid;
	int r;

	if ((r = ext_find(der, len, OID_EKU, sizeof(OID_EKU), &seq)) != 1)
		return r == 0 ? 1 : -1;
	for (p = seq.val, plen = seq.vlen; plen > 0;) {
		if (tlv_next(&p, &plen, &oid) != 0 || oid.tag != 0x06)
			return -1;
		if (OID_IS(oid, OID_SERVER_AUTH) || OID_IS(oid, OID_ANY_EKU))
			return 1;
	}
	return 0;
}

/* ---- name constraints (RFC 5280 4.2.1.10), for dNSName and iPAddress ---- */

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Whether name[0..n) is base[0..b) or a name under it (".example" means under only). */
static int
dns_under(const unsigned char *base, size_t b, const unsigned char *name, size_t n)
{
	size_t i;

	if (b == 0)
		return 1;
	if (n < b || (n > b && base[0] != '.' && name[n - b - 1] != '.') ||
	    (n == b && base[0] == '.'))
		return 0;
	for (i = 0; i < b; i++)
		if (lower(base[i]) != lower(name[n - b + i]))
			return 0;
	return 1;
}

/*
 * Whether base (a constraint) covers name (a SAN of the same tag).  For an
 * excluded subtree a wildcard "*.x" also counts when the base lies under x:
 * the wildcard may stand for it.
 */
static int
covers(const struct tlv *base, const struct tlv *name, int excluded)
{
	size_t i;

	if (name->tag == 0x87) {
		if (base->vlen != 2 * name->vlen)
			return 0;
		for (i = 0; i < name->vlen; i++)
			if ((name->val[i] ^ base->val[i]) & base->val[name->vlen + i])
				return 0;
		return 1;
	}
	if (dns_under(base->val, base->vlen, name->val, name->vlen))
		return 1;
	return excluded && name->vlen > 2 && name->val[0] == '*' && name->val[1] == '.' &&
	    dns_under(name->val + 2, name->vlen - 2, base->val, base->vlen);
}

/*
 * Walk one list of GeneralSubtrees.  With name: 1 if a base of its tag
 * covers it (*have set when there is a base of its tag at all).  Without:
 * 1 if a base of a form alter cannot check applies to the leaf (its tag
 * in mask).  -1 if malformed.
 */
static int
subtrees(const struct tlv *list, const struct tlv *name, int excluded, unsigned mask, int *have)
{
	const unsigned char *p = list->val;
	size_t plen = list->vlen;
	struct tlv st, base;

	while (plen > 0) {
		if (tlv_next(&p, &plen, &st) != 0 || st.tag != 0x30 ||
		    tlv_read(st.val, st.vlen, &base) != 0 || (base.tag & 0xc0) != 0x80)
			return -1;
		if (name == NULL) {
			if (base.tag != 0x82 && base.tag != 0x87 && (mask >> (base.tag & 0x1f) & 1))
				return 1;
		} else if (base.tag == name->tag) {
			*have = 1;
			if (covers(&base, name, excluded))
				return 1;
		}
	}
	return 0;
}

int
x509_name_constraints(const unsigned char *ca, size_t calen, const unsigned char *leaf,
    size_t leaflen, struct x509_span *bad)
{
	const unsigned char *p, *g;
	size_t plen, glen;
	struct tlv nc, t, lists[2] = { { 0 }, { 0 } }, sans = { 0 }, name, is, su;
	unsigned mask;
	int r, k, have, hasan;

	if ((r = ext_find(ca, calen, OID_NC, sizeof(OID_NC), &nc)) != 1)
		return r;
	for (p = nc.val, plen = nc.vlen; plen > 0;) {
		if (tlv_next(&p, &plen, &t) != 0 || (t.tag != 0xa0 && t.tag != 0xa1))
			return -1;
		lists[t.tag & 1] = t;
	}
	/* The forms the leaf has names of: its SAN tags, and a non-empty subject. */
	if ((hasan = ext_find(leaf, leaflen, OID_SAN, sizeof(OID_SAN), &sans)) < 0 ||
	    tbs_open(leaf, leaflen, &p, &plen) != 0 || tbs_fields(&p, &plen, &is, &su) != 0)
		return -1;
	mask = su.vlen > 0 ? 1u << 4 : 0;
	for (g = sans.val, glen = hasan ? sans.vlen : 0; glen > 0; mask |= 1u << (name.tag & 0x1f))
		if (tlv_next(&g, &glen, &name) != 0)
			return -1;
	for (k = 0; k < 2; k++)
		if ((r = subtrees(&lists[k], NULL, 0, mask, &have)) != 0)
			return r < 0 ? -1 : X509_NC_UNCHECKABLE;
	/* Every DNS and IP SAN: not under an excluded base, under a permitted one if any. */
	for (g = sans.val, glen = hasan ? sans.vlen : 0; glen > 0;) {
		(void)tlv_next(&g, &glen, &name);	/* well-formed: walked above */
		if (name.tag != 0x82 && name.tag != 0x87)
			continue;
		have = 0;
		if ((r = subtrees(&lists[1], &name, 1, 0, &have)) == 0) {
			have = 0;
			if ((r = subtrees(&lists[0], &name, 0, 0, &have)) == 0 && have)
				r = 1;
			else if (r == 1)
				r = 0;
		}
		if (r < 0)
			return -1;
		if (r == 1) {
			bad->p = name.val;
			bad->len = name.vlen;
			return name.tag == 0x87 ? X509_NC_IP : X509_NC_DNS;
		}
	}
	return X509_NC_OK;
}

/*
 * Base64 values; B64_SPACE for the whitespace PEM allows, B64_PAD for '=',
 * B64_BAD for everything else.  A table keeps the loop to one load a byte.
 */
enum { B64_SPACE = 64, B64_PAD = 65, B64_BAD = 255 };
static unsigned char b64[256];

static void
b64_init(void)
{
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	int i;

	if (b64['A'] == 0 && b64['B'] == 1)
		return;
	memset(b64, B64_BAD, sizeof(b64));
	for (i = 0; i < 64; i++)
		b64[(unsigned char)alphabet[i]] = (unsigned char)i;
	b64[' '] = b64['\t'] = b64['\r'] = b64['\n'] = B64_SPACE;
	b64['='] = B64_PAD;
}

static const char PEM_BEGIN[] = "-----BEGIN ";
static const char PEM_END[] = "-----END ";
static const char PEM_CERT[] = "CERTIFICATE-----";

/* Find s (NUL-free) in p[0..len), or NULL. */
static const char *
find(const char *p, size_t len, const char *s)
{
	size_t n = strlen(s);

	while (len >= n) {
		const char *q = memchr(p, s[0], len - n + 1);

		if (q == NULL)
			return NULL;
		if (memcmp(q, s, n) == 0)
			return q;
		len -= (size_t)(q - p) + 1;
		p = q + 1;
	}
	return NULL;
}

long
x509_pem_certs(const char *pem, size_t len, unsigned char *out, size_t outcap,
    void (*fn)(void *, const unsigned char *, size_t), void *arg)
{
	const char *p = pem, *end = pem + len, *b, *q;
	size_t used = 0;
	long count = 0;

	b64_init();

	while ((b = find(p, (size_t)(end - p), PEM_BEGIN)) != NULL) {
		const char *label = b + sizeof(PEM_BEGIN) - 1;
		size_t start = used;
		unsigned acc = 0;
		int bits = 0, pad = 0, iscert;

		iscert = (size_t)(end - label) >= sizeof(PEM_CERT) - 1 &&
		    memcmp(label, PEM_CERT, sizeof(PEM_CERT) - 1) == 0;
		if ((q = find(label, (size_t)(end - label), PEM_END)) == NULL)
			return iscert ? -1 : count;
		if (!iscert) {
			p = q + 1;
			continue;
		}
		if ((size_t)(q - label) / 4 * 3 + 3 > outcap - used)
			return -1;
		for (b = label + sizeof(PEM_CERT) - 1; b < q; b++) {
			unsigned v = b64[(unsigned char)*b];

			if (v < 64 && pad == 0) {
				acc = (acc << 6) | v;
				bits += 6;
				if (bits >= 8) {
					bits -= 8;
					out[used++] = (unsigned char)(acc >> bits);
				}
			} else if (v == B64_PAD) {
				pad++;
			} else if (v != B64_SPACE) {
				return -1;
			}
		}
		if (pad > 2 || used == start)
			return -1;
		fn(arg, out + start, used - start);
		count++;
		p = q + 1;
	}
	return count;
}
