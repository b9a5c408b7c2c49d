/*
 * tests/unit_x509.c: the certificate policy walks of x509.c (subjectAltName
 * presence, extended key usage, name constraints) on hand-made DER: the
 * edges the throwaway PKI of t0014 does not reach (label boundaries, a
 * leading dot, wildcards under an excluded name, IP masks, forms alter
 * cannot check, truncation).
 */
#include <string.h>

#include "unit.h"
#include "x509.h"

/* Append TLV tag/content to out at *n (short or one-byte long form). */
static void
tlv(unsigned char *out, size_t *n, unsigned tag, const void *val, size_t len)
{
	out[(*n)++] = (unsigned char)tag;
	if (len >= 0x80)
		out[(*n)++] = 0x81;
	out[(*n)++] = (unsigned char)len;
	memmove(out + *n, val, len);
	*n += len;
}

/* One extension: SEQ { OID 2.5.29.x, OCTET STRING { SEQ { body } } }. */
static size_t
ext(unsigned char *out, unsigned char oid_last, const unsigned char *body, size_t blen)
{
	unsigned char seq[300], oct[300], e[300];
	size_t ns = 0, no = 0, n = 0;
	const unsigned char oid[] = { 0x55, 0x1d, oid_last };

	tlv(seq, &ns, 0x30, body, blen);
	tlv(oct, &no, 0x04, seq, ns);
	tlv(e, &n, 0x06, oid, sizeof(oid));
	memcpy(e + n, oct, no);
	n += no;
	no = 0;
	tlv(out, &no, 0x30, e, n);
	return no;
}

/* A certificate shape with subject (empty or one empty RDN) and extensions. */
static size_t
cert(unsigned char *out, int subject, const unsigned char *exts, size_t elen)
{
	static const unsigned char head[] = {
		0xa0, 0x03, 0x02, 0x01, 0x02, 0x02, 0x01, 0x01, 0x30, 0x00,
		0x30, 0x02, 0x31, 0x00, 0x30, 0x00
	};
	unsigned char tbs[400], a3[400];
	size_t n = 0, na = 0, nt = sizeof(head);

	memcpy(tbs, head, sizeof(head));
	if (subject)
		tlv(tbs, &nt, 0x30, "\x31\x00", 2);
	else
		tlv(tbs, &nt, 0x30, "", 0);
	tlv(tbs, &nt, 0x30, "", 0);			/* subjectPublicKeyInfo */
	if (elen > 0) {
		tlv(a3, &na, 0x30, exts, elen);
		tlv(tbs, &nt, 0xa3, a3, na);
	}
	tlv(a3, &n, 0x30, tbs, nt);		/* tbsCertificate */
	na = 0;
	tlv(out, &na, 0x30, a3, n);		/* Certificate */
	return na;
}

/* A leaf whose SAN holds one name of tag (0x82 DNS, 0x87 IP, 0x81 email). */
static size_t
leaf(unsigned char *out, int subject, unsigned tag, const void *name, size_t len)
{
	unsigned char gn[200], e[300];
	size_t ng = 0, ne;

	tlv(gn, &ng, tag, name, len);
	ne = ext(e, 0x11, gn, ng);
	return cert(out, subject, e, ne);
}

/* A CA with one subtree: list 0xa0 permitted / 0xa1 excluded, base tag/value. */
static size_t
ca(unsigned char *out, unsigned list, unsigned tag, const void *base, size_t len)
{
	unsigned char b[200], st[200], l[200], e[300];
	size_t nb = 0, ns = 0, nl = 0, ne;

	tlv(b, &nb, tag, base, len);
	tlv(st, &ns, 0x30, b, nb);
	tlv(l, &nl, list, st, ns);
	ne = ext(e, 0x1e, l, nl);
	return cert(out, 1, e, ne);
}

static int
nc_dns(unsigned list, const char *base, const char *name)
{
	unsigned char c[600], l[600];
	size_t nc = ca(c, list, 0x82, base, strlen(base)), nl = leaf(l, 0, 0x82, name, strlen(name));
	struct x509_span bad;

	return x509_name_constraints(c, nc, l, nl, &bad);
}

int
main(void)
{
	static const unsigned char net10[] = { 10, 0, 0, 0, 255, 0, 0, 0 };
	static const unsigned char ip10[] = { 10, 1, 2, 3 }, ip11[] = { 11, 0, 0, 1 };
	static const unsigned char ip6[16] = { [0] = 10, [15] = 1 };
	static const unsigned char client[] = { 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07,
		0x03, 0x02 };
	static const unsigned char server[] = { 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07,
		0x03, 0x01 };
	static const unsigned char any[] = { 0x06, 0x04, 0x55, 0x1d, 0x25, 0x00 };
	unsigned char c[600], l[600], e[300];
	size_t nc, nl, ne, i;
	struct x509_span bad;
	int r;

	CHECK(nc_dns(0xa0, "example.com", "www.example.com") == X509_NC_OK,
	    "a subdomain is inside a permitted name");
	CHECK(nc_dns(0xa0, "example.com", "example.com") == X509_NC_OK,
	    "the permitted name itself is inside");
	CHECK(nc_dns(0xa0, "example.com", "WWW.Example.COM") == X509_NC_OK,
	    "DNS constraints compare without case");
	CHECK(nc_dns(0xa0, "example.com", "badexample.com") == X509_NC_DNS,
	    "a name that only ends in the same letters is outside (label boundary)");
	CHECK(nc_dns(0xa0, ".example.com", "example.com") == X509_NC_DNS,
	    "a leading dot permits subdomains only");
	CHECK(nc_dns(0xa0, ".example.com", "a.example.com") == X509_NC_OK,
	    "a leading dot permits a subdomain");
	CHECK(nc_dns(0xa1, "evil.example.com", "good.example.com") == X509_NC_OK,
	    "a sibling of an excluded name passes");
	CHECK(nc_dns(0xa1, "evil.example.com", "x.evil.example.com") == X509_NC_DNS,
	    "a subdomain of an excluded name is refused");
	CHECK(nc_dns(0xa1, "evil.example.com", "*.example.com") == X509_NC_DNS,
	    "a wildcard that may stand for an excluded name is refused");
	CHECK(nc_dns(0xa0, "", "anything.example") == X509_NC_OK,
	    "an empty permitted DNS base permits every name");

	nc = ca(c, 0xa1, 0x87, net10, sizeof(net10));
	nl = leaf(l, 0, 0x87, ip10, sizeof(ip10));
	r = x509_name_constraints(c, nc, l, nl, &bad);
	CHECK(r == X509_NC_IP && bad.len == 4 && memcmp(bad.p, ip10, 4) == 0,
	    "an address inside an excluded IP range is refused, naming it");
	nl = leaf(l, 0, 0x87, ip11, sizeof(ip11));
	CHECK(x509_name_constraints(c, nc, l, nl, &bad) == X509_NC_OK,
	    "an address outside an excluded IP range passes");
	nc = ca(c, 0xa0, 0x87, net10, sizeof(net10));
	CHECK(x509_name_constraints(c, nc, l, nl, &bad) == X509_NC_IP,
	    "an address outside the permitted IP range is refused");
	nl = leaf(l, 0, 0x87, ip6, sizeof(ip6));
	CHECK(x509_name_constraints(c, nc, l, nl, &bad) == X509_NC_IP && bad.len == 16,
	    "an IPv6 address is outside IPv4-only permitted ranges (as in Go and OpenSSL)");
	nc = ca(c, 0xa1, 0x87, net10, sizeof(net10));
	CHECK(x509_name_constraints(c, nc, l, nl, &bad) == X509_NC_OK,
	    "an excluded IPv4 range does not cover an IPv6 address");
	nc = ca(c, 0xa0, 0x87, net10, sizeof(net10));
	nl = leaf(l, 0, 0x82, "a.example", 9);
	CHECK(x509_name_constraints(c, nc, l, nl, &bad) == X509_NC_OK,
	    "an IP constraint does not apply to a DNS name");

	nc = ca(c, 0xa0, 0xa4, "\x30\x00", 2);
	nl = leaf(l, 1, 0x82, "a.example", 9);
	CHECK(x509_name_constraints(c, nc, l, nl, &bad) == X509_NC_UNCHECKABLE,
	    "a directoryName constraint over a leaf with a subject cannot be checked");
	nl = leaf(l, 0, 0x82, "a.example", 9);
	CHECK(x509_name_constraints(c, nc, l, nl, &bad) == X509_NC_OK,
	    "a directoryName constraint does not apply to an empty subject");
	nc = ca(c, 0xa1, 0x81, "x.example", 9);
	CHECK(x509_name_constraints(c, nc, l, nl, &bad) == X509_NC_OK,
	    "an email constraint does not apply to a leaf without email names");
	nl = leaf(l, 0, 0x81, "a@x.example", 11);
	CHECK(x509_name_constraints(c, nc, l, nl, &bad) == X509_NC_UNCHECKABLE,
	    "an email constraint over a leaf with an email name cannot be checked");
	nl = leaf(l, 0, 0x82, "a.example", 9);
	CHECK(x509_name_constraints(l, nl, l, nl, &bad) == X509_NC_OK,
	    "a certificate without name constraints constrains nothing");

	nc = ca(c, 0xa0, 0x82, "example.com", 11);
	nl = leaf(l, 0, 0x82, "www.example.com", 15);
	for (i = 0, r = 0; i < nc && r == 0; i++)
		r = x509_name_constraints(c, i, l, nl, &bad) != -1;
	for (i = 0; i < nl && r == 0; i++)
		r = x509_name_constraints(c, nc, l, i, &bad) != -1;
	CHECK(r == 0, "every truncation of either certificate is malformed, never a verdict");

	CHECK(x509_has_san(l, nl) == 1, "a SAN extension is found");
	CHECK(x509_has_san(c, nc) == 0, "a certificate without one has none");
	CHECK(x509_eku_server(l, nl) == 1, "no extended key usage allows a server");
	ne = ext(e, 0x25, client, sizeof(client));
	nl = cert(l, 0, e, ne);
	CHECK(x509_eku_server(l, nl) == 0, "clientAuth alone does not allow a server");
	ne = ext(e, 0x25, server, sizeof(server));
	nl = cert(l, 0, e, ne);
	CHECK(x509_eku_server(l, nl) == 1, "serverAuth allows a server");
	ne = ext(e, 0x25, any, sizeof(any));
	nl = cert(l, 0, e, ne);
	CHECK(x509_eku_server(l, nl) == 1, "anyExtendedKeyUsage allows a server");
	CHECK(x509_eku_server(l, nl - 1) == -1, "a truncated certificate is malformed");
	return unit_done();
}
