/*
 * tls_x509.c: the X.509 wrapper tls.c hands to BearSSL's engine; see
 * tls_x509.h.  Covers the certificate policy of docs/cli.md section 6.
 *
 * The wrapper collects the server's chain, asks trust.c for the anchors
 * whose name is an issuer (or the subject) of a chain certificate, and hands
 * them to BearSSL's minimal engine, which also refuses RSA keys under 2048
 * bits in the chain.  It then adds what that engine does not check, with the
 * DER walk of x509.c: the leaf's SAN (no Common Name fallback), its extended
 * key usage, the name constraints of every CA sent, and the iPAddress SANs
 * of an IP-literal host.
 */
#include <stdio.h>
#include <string.h>

#include "bearssl.h"

#include "tls_x509.h"

#define RSA_MIN_BITS	2048

/* Refusals of alter's certificate policy (docs/cli.md section 6). */
enum { POL_OK, POL_CN_ONLY, POL_EKU, POL_NC_DNS, POL_NC_IP, POL_NC_UNCHECKABLE, POL_MALFORMED };

static size_t
select_anchors(struct xwrap *xw)
{
	struct x509_span names[2 * CHAIN_CERTS];
	size_t i, nn = 0;

	for (i = 0; i < xw->ncerts; i++) {
		if (x509_names(xw->chain + xw->off[i], xw->clen[i], &names[nn],
		    &names[nn + 1]) == 0)
			nn += 2;
	}
	nn = trust_select(xw->trust, names, nn, &xw->pick);
	/*
	 * BearSSL's minimum RSA size (mini_setup) covers the certificates the
	 * server sends, not the anchors: an RSA anchor under 2048 bits is left
	 * out, so that a chain that needs it is not trusted.
	 */
	for (i = 0; i < nn; i++) {
		const br_rsa_public_key *k = &xw->pick.tas[i].pkey.key.rsa;
		size_t z = 0;

		if (xw->pick.tas[i].pkey.key_type != BR_KEYTYPE_RSA)
			continue;
		while (z < k->nlen && k->n[z] == 0)
			z++;
		if (k->nlen - z < RSA_MIN_BITS / 8)
			xw->pick.tas[i--] = xw->pick.tas[--nn];
	}
	return nn;
}

/* BearSSL's minimal engine over the n anchors picked, with the engine's crypto. */
static void
mini_setup(struct xwrap *xw, size_t n)
{
	br_x509_minimal_context *m = &xw->mini;

	br_x509_minimal_init(m, &br_sha256_vtable, xw->pick.tas, n);
	br_x509_minimal_set_hash(m, br_sha256_ID, &br_sha256_vtable);
	br_x509_minimal_set_hash(m, br_sha384_ID, &br_sha384_vtable);
	br_x509_minimal_set_hash(m, br_sha512_ID, &br_sha512_vtable);
	br_x509_minimal_set_rsa(m, xw->rsa);
	br_x509_minimal_set_ecdsa(m, xw->ec, br_ecdsa_i31_vrfy_asn1);
	br_x509_minimal_set_minrsa(m, RSA_MIN_BITS / 8);
}

/*
 * What BearSSL's minimal engine does not check: the leaf needs a SAN (no
 * Common Name fallback) and, if it has an extended key usage, serverAuth;
 * the name constraints of every CA certificate sent apply to the leaf's
 * DNS and IP names.  Sets xw->why and xw->depth; returns why.
 */
static int
policy(struct xwrap *xw, int ip_host)
{
	const unsigned char *leaf = xw->chain;
	size_t i, len = xw->clen[0];
	int san = x509_has_san(leaf, len), eku = x509_eku_server(leaf, len), r;

	if (san < 0 || eku < 0)
		return xw->depth = 0, xw->why = POL_MALFORMED;
	if (!ip_host && san == 0)
		return xw->depth = 0, xw->why = POL_CN_ONLY;
	if (eku == 0)
		return xw->depth = 0, xw->why = POL_EKU;
	for (i = 1; i < xw->ncerts; i++) {
		r = x509_name_constraints(xw->chain + xw->off[i], xw->clen[i], leaf, len, &xw->bad);
		if (r != X509_NC_OK)
			return xw->depth = (unsigned)i,
			    xw->why = r < 0 ? POL_MALFORMED : POL_NC_DNS + r - X509_NC_DNS;
	}
	return POL_OK;
}

static void
xw_start_chain(const br_x509_class **ctx, const char *server_name)
{
	struct xwrap *xw = (struct xwrap *)(void *)ctx;

	xw->server_name = server_name;
	xw->len = 0;
	xw->ncerts = 0;
	xw->overflow = 0;
	xw->why = POL_OK;
	xw->depth = 0;
}

static void
xw_start_cert(const br_x509_class **ctx, uint32_t length)
{
	struct xwrap *xw = (struct xwrap *)(void *)ctx;

	if (xw->overflow || xw->ncerts == CHAIN_CERTS || length > CHAIN_MAX - xw->len) {
		xw->overflow = 1;
		return;
	}
	xw->off[xw->ncerts] = xw->len;
	xw->clen[xw->ncerts] = length;
	xw->ncerts++;
}

static void
xw_append(const br_x509_class **ctx, const unsigned char *buf, size_t len)
{
	struct xwrap *xw = (struct xwrap *)(void *)ctx;

	if (xw->overflow || len > CHAIN_MAX - xw->len) {
		xw->overflow = 1;
		return;
	}
	memcpy(xw->chain + xw->len, buf, len);
	xw->len += len;
}

static void
xw_end_cert(const br_x509_class **ctx)
{
	(void)ctx;
}

static unsigned
xw_end_chain(const br_x509_class **ctx)
{
	struct xwrap *xw = (struct xwrap *)(void *)ctx;
	const br_x509_class **mv = &xw->mini.vtable;
	size_t i, nta;
	unsigned r;

	if (xw->overflow)
		return BR_ERR_X509_LIMIT_EXCEEDED;
	if (xw->ncerts == 0)
		return BR_ERR_X509_EMPTY_CHAIN;
	nta = select_anchors(xw);
	mini_setup(xw, nta);
	(*mv)->start_chain(mv, xw->server_name);
	for (i = 0; i < xw->ncerts; i++) {
		(*mv)->start_cert(mv, (uint32_t)xw->clen[i]);
		(*mv)->append(mv, xw->chain + xw->off[i], xw->clen[i]);
		(*mv)->end_cert(mv);
	}
	r = (*mv)->end_chain(mv);
	xw->depth = xw->mini.num_certs < xw->ncerts ? xw->mini.num_certs : (unsigned)xw->ncerts - 1;
	/* A critical extension BearSSL refuses may be one alter checks: say what. */
	if ((r == BR_ERR_OK || r == BR_ERR_X509_CRITICAL_EXTENSION) && policy(xw, xw->iplen > 0))
		return BR_ERR_X509_NOT_TRUSTED;
	if (r == BR_ERR_OK && xw->iplen > 0 &&
	    x509_ip_san_match(xw->chain, xw->clen[0], xw->ip, xw->iplen) != 1)
		r = BR_ERR_X509_BAD_SERVER_NAME;
	return r;
}

static const br_x509_pkey *
xw_get_pkey(const br_x509_class *const *ctx, unsigned *usages)
{
	const struct xwrap *xw = (const struct xwrap *)(const void *)ctx;

	return xw->mini.vtable->get_pkey(&xw->mini.vtable, usages);
}

static const br_x509_class xwrap_vtable = {
	sizeof(struct xwrap),
	xw_start_chain, xw_start_cert, xw_append, xw_end_cert, xw_end_chain, xw_get_pkey
};


/* ---- messages ---- */

/* alter's own refusals, by POL_* (after "certificate of HOST (depth N): "). */
static const char *const pol_why[] = {
	NULL,
	"no subjectAltName (the Common Name is never used)",
	"not for servers: its extended key usage lacks serverAuth",
	"its name constraints exclude ",
	"a name constraint alter cannot check (only DNS and IP)",
	"malformed",
};

/* alter's own refusal of the chain (docs/cli.md section 6). */
static void
policy_fail(const struct xwrap *xw, const char *host, struct alter_err *err)
{
	char name[UTIL_QUOTE_SIZE(64)] = "";
	size_t i, n = 0;

	if (xw->why == POL_NC_DNS)
		util_quote(name, sizeof(name), (const char *)xw->bad.p, xw->bad.len, 64, 1);
	for (i = 0; xw->why == POL_NC_IP && i < xw->bad.len; i++)
		n += (size_t)snprintf(name + n, sizeof(name) - n, xw->bad.len == 4 ? "%s%u" :
		    "%s%02x", i == 0 ? "" : xw->bad.len == 4 ? "." : i % 2 ? "" : ":", xw->bad.p[i]);
	alter_fail(err, AX_ERROR, "certificate of %s (depth %u): %s%s", host, xw->depth,
	    pol_why[xw->why - (xw->why > POL_NC_DNS)], name);
}

int
tls_x509_refusal(const struct xwrap *xw, const char *host, struct alter_err *err)
{
	if (xw->why == POL_OK)
		return 0;
	policy_fail(xw, host, err);
	return 1;
}

void
tls_x509_init(struct xwrap *xw, struct tls_trust *trust, const unsigned char *ip,
    size_t iplen, const br_ec_impl *ec, br_rsa_pkcs1_vrfy rsa)
{
	xw->vtable = &xwrap_vtable;
	xw->trust = trust;
	xw->ip = ip;
	xw->iplen = iplen;
	xw->ec = ec;
	xw->rsa = rsa;
}

void
tls_x509_free(struct xwrap *xw)
{
	trust_pick_free(&xw->pick);
}
