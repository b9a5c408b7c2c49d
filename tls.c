/*
 * tls.c: the BearSSL engine over a connected socket, trust anchors and
 * entropy; see tls.h.  Covers cli.md section 6 and the TLS parts of api.md
 * section 1.  TLS 1.2 only, ECDHE with AEAD suites, no renegotiation, SNI
 * from the host name (none for IP literals), ALPN http/1.1.
 *
 * Anchors from a bundle are not all decoded up front: an X.509 wrapper
 * collects the server's chain, and only the bundle certificates whose
 * subject is an issuer (or the subject) of a chain certificate are decoded
 * and handed to BearSSL's minimal engine.  The same wrapper checks the
 * iPAddress SANs that BearSSL cannot.
 */
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bearssl.h"

#include "net.h"
#include "tls.h"
#include "x509.h"

#define BUNDLE_MAX	(16u << 20)	/* cap on one CA file */
#define CHAIN_MAX	65536		/* cap on the server's certificate chain */
#define CHAIN_CERTS	10
#define OUTBUF_SIZE	(4096 + 325)	/* output records may be small; input may not */

/* The compiled-in roots (tools/mkanchors.c describes the blob). */
extern const unsigned char alter_anchor_blob[];
extern const size_t alter_anchor_blob_len;
extern const size_t alter_anchors_n;
extern const char alter_anchors_sha256[];

/* cli.md section 6: the usual host bundle paths, in order. */
static const char *const host_bundles[] = {
	"/etc/ssl/certs/ca-certificates.crt",		/* Debian, Ubuntu, Alpine, Gentoo */
	"/etc/pki/tls/certs/ca-bundle.crt",		/* RHEL, Fedora, CentOS */
	"/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",	/* RHEL 7+ */
	"/etc/ssl/ca-bundle.pem",			/* openSUSE */
	"/etc/ssl/cert.pem",				/* Alpine, macOS, BSD */
};

struct bundle_cert {
	const unsigned char	*der;
	size_t			 len;
	struct x509_span	 subject;
};

struct tls_trust {
	int			 builtin;
	char			 desc[1024];
	unsigned char		**blocks;	/* decoded DER, one block per file */
	size_t			 nblocks;
	struct bundle_cert	*certs;
	size_t			 ncerts, cap;
};

struct xwrap {
	const br_x509_class		*vtable;
	br_x509_minimal_context		 mini;
	struct tls_conn			*conn;
	const char			*server_name;
	unsigned char			 chain[CHAIN_MAX];
	size_t				 len, off[CHAIN_CERTS], clen[CHAIN_CERTS], ncerts;
	int				 overflow;
};

struct tls_conn {
	br_ssl_client_context	 cc;
	struct xwrap		 xw;
	unsigned char		 ibuf[BR_SSL_BUFSIZE_INPUT];
	unsigned char		 obuf[OUTBUF_SIZE];
	int			 fd;
	char			 host[NET_HOST_MAX + 1];
	unsigned char		 ip[16];
	size_t			 iplen;
	struct tls_trust	*trust;
	br_x509_trust_anchor	*tas;
	unsigned char		*ta_mem;
	size_t			 ta_used, ta_cap;
	int			 timed_out, io_errno;
};

/* ---- trust anchors ---- */

static void
add_cert(void *arg, const unsigned char *der, size_t len)
{
	struct tls_trust *t = arg;
	struct x509_span issuer, subject;
	struct bundle_cert *nc;

	if (x509_names(der, len, &issuer, &subject) != 0)
		return;
	if (t->ncerts == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 256;
		if ((nc = realloc(t->certs, t->cap * sizeof(*nc))) == NULL) {
			t->cap = t->ncerts;
			return;
		}
		t->certs = nc;
	}
	t->certs[t->ncerts].der = der;
	t->certs[t->ncerts].len = len;
	t->certs[t->ncerts].subject = subject;
	t->ncerts++;
}

/*
 * Read path and keep the certificates it holds.  Returns the number of
 * certificates, -1 if missing (ENOENT), -2 unreadable, -3 malformed.
 */
static long
load_file(struct tls_trust *t, const char *path)
{
	struct stat st;
	unsigned char **nb, *der;
	char *pem;
	long n;
	int fd;
	size_t got = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return errno == ENOENT ? -1 : -2;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > BUNDLE_MAX) {
		close(fd);
		return -2;
	}
	/* Map rather than read: the page cache serves it without a copy. */
	got = (size_t)st.st_size;
	pem = got > 0 ? mmap(NULL, got, PROT_READ, MAP_PRIVATE, fd, 0) : MAP_FAILED;
	close(fd);
	if (pem == MAP_FAILED)
		return got > 0 ? -2 : 0;
	der = malloc(got / 4 * 3 + 3);
	nb = realloc(t->blocks, (t->nblocks + 1) * sizeof(*nb));
	if (der == NULL || nb == NULL) {
		munmap(pem, got);
		free(der);
		if (nb != NULL)
			t->blocks = nb;
		return -2;
	}
	t->blocks = nb;
	t->blocks[t->nblocks++] = der;
	n = x509_pem_certs(pem, got, der, got / 4 * 3 + 3, add_cert, t);
	munmap(pem, got);
	return n < 0 ? -3 : n;
}

static enum alter_exit
load_named(struct tls_trust *t, const char *path, const char *from, struct alter_err *err)
{
	switch (load_file(t, path)) {
	case -1:
		return alter_fail(err, AX_NOT_FOUND, "%s '%s': no such file", from, path);
	case -2:
		return alter_fail(err, AX_USAGE, "%s '%s': not a readable regular file", from, path);
	case -3:
		return alter_fail(err, AX_USAGE, "%s '%s': malformed PEM certificate", from, path);
	case 0:
		return alter_fail(err, AX_USAGE, "%s '%s': no certificate in it", from, path);
	}
	return AX_OK;
}

static enum alter_exit
load_dirs(struct tls_trust *t, const char *dirs, struct alter_err *err)
{
	char dir[4096], path[4096 + 256];
	const char *s = dirs, *e;
	struct dirent *de;
	struct stat st;
	DIR *d;
	size_t n;

	for (; s != NULL; s = e ? e + 1 : NULL) {
		e = strchr(s, ':');
		n = e ? (size_t)(e - s) : strlen(s);
		if (n == 0)
			continue;
		if (n >= sizeof(dir))
			return alter_fail(err, AX_USAGE, "SSL_CERT_DIR: a directory name is too long");
		memcpy(dir, s, n);
		dir[n] = '\0';
		if ((d = opendir(dir)) == NULL)
			return alter_fail(err, errno == ENOENT ? AX_NOT_FOUND : AX_USAGE,
			    "SSL_CERT_DIR '%s': %s", dir, strerror(errno));
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >=
			    sizeof(path))
				continue;
			if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
				(void)load_file(t, path);
		}
		closedir(d);
	}
	return AX_OK;
}

enum alter_exit
tls_trust_load(const struct tls_trust_cfg *cfg, struct tls_trust **out, struct alter_err *err)
{
	struct tls_trust *t;
	enum alter_exit rc = AX_OK;
	size_t i, off = 0;

	*out = NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return alter_fail(err, AX_ERROR, "out of memory");
	if (cfg->ca_file != NULL) {
		rc = load_named(t, cfg->ca_file, cfg->ca_file_from, err);
		snprintf(t->desc, sizeof(t->desc), "%s %s", cfg->ca_file_from, cfg->ca_file);
	} else if (cfg->cert_file != NULL || cfg->cert_dir != NULL) {
		if (cfg->cert_file != NULL)
			rc = load_named(t, cfg->cert_file, "SSL_CERT_FILE", err);
		if (rc == AX_OK && cfg->cert_dir != NULL)
			rc = load_dirs(t, cfg->cert_dir, err);
		snprintf(t->desc, sizeof(t->desc), "%s%s%s%s%s",
		    cfg->cert_file ? "SSL_CERT_FILE " : "", cfg->cert_file ? cfg->cert_file : "",
		    cfg->cert_file && cfg->cert_dir ? " and " : "",
		    cfg->cert_dir ? "SSL_CERT_DIR " : "", cfg->cert_dir ? cfg->cert_dir : "");
		if (rc == AX_OK && t->ncerts == 0)
			rc = alter_fail(err, AX_USAGE, "no certificate found in %s", t->desc);
	} else {
		for (i = 0; i < sizeof(host_bundles) / sizeof(host_bundles[0]); i++)
			if (load_file(t, host_bundles[i]) > 0)
				break;
		if (i < sizeof(host_bundles) / sizeof(host_bundles[0])) {
			snprintf(t->desc, sizeof(t->desc), "host bundle %s", host_bundles[i]);
		} else {
			t->builtin = 1;
			off = (size_t)snprintf(t->desc, sizeof(t->desc),
			    "compiled-in roots (no host bundle at");
			for (i = 0; i < sizeof(host_bundles) / sizeof(host_bundles[0]) &&
			    off < sizeof(t->desc); i++)
				off += (size_t)snprintf(t->desc + off, sizeof(t->desc) - off, "%s %s",
				    i ? "," : "", host_bundles[i]);
			if (off < sizeof(t->desc))
				snprintf(t->desc + off, sizeof(t->desc) - off, ")");
		}
	}
	if (rc != AX_OK) {
		tls_trust_free(t);
		return rc;
	}
	*out = t;
	return AX_OK;
}

void
tls_trust_free(struct tls_trust *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nblocks; i++)
		free(t->blocks[i]);
	free(t->blocks);
	free(t->certs);
	free(t);
}

const char *
tls_trust_describe(const struct tls_trust *t)
{
	return t->desc;
}

void
tls_builtin_describe(char *out, size_t outlen)
{
	snprintf(out, outlen, "%zu compiled-in roots (bundle sha256 %.16s...)",
	    alter_anchors_n, alter_anchors_sha256);
}

/* ---- curves ---- */

/*
 * One implementation per curve, each BearSSL's fastest here (figures in
 * docs/design-crypto.md): P-256 through its special-purpose m31 code (ECDHE
 * with nginx's default settings, and most ECDSA leaves), P-384 and P-521
 * through the generic i31 code (i15 needs 2.7x the instructions), x25519
 * through m31.  BearSSL 0.6 has no m62/m64 curve code.
 */
static const br_ec_impl *
ec_for(int curve)
{
	switch (curve) {
	case BR_EC_secp256r1:	return &br_ec_p256_m31;
	case BR_EC_curve25519:	return &br_ec_c25519_m31;
	default:		return &br_ec_prime_i31;
	}
}

static const unsigned char *
ec_generator(int curve, size_t *len)
{
	return ec_for(curve)->generator(curve, len);
}

static const unsigned char *
ec_order(int curve, size_t *len)
{
	return ec_for(curve)->order(curve, len);
}

static size_t
ec_xoff(int curve, size_t *len)
{
	return ec_for(curve)->xoff(curve, len);
}

static uint32_t
ec_mul(unsigned char *g, size_t glen, const unsigned char *k, size_t klen, int curve)
{
	return ec_for(curve)->mul(g, glen, k, klen, curve);
}

static size_t
ec_mulgen(unsigned char *r, const unsigned char *x, size_t xlen, int curve)
{
	return ec_for(curve)->mulgen(r, x, xlen, curve);
}

static uint32_t
ec_muladd(unsigned char *a, const unsigned char *b, size_t len, const unsigned char *x,
    size_t xlen, const unsigned char *y, size_t ylen, int curve)
{
	return ec_for(curve)->muladd(a, b, len, x, xlen, y, ylen, curve);
}

static const br_ec_impl ec_impl = {
	(uint32_t)1 << BR_EC_secp256r1 | (uint32_t)1 << BR_EC_secp384r1 |
	    (uint32_t)1 << BR_EC_secp521r1 | (uint32_t)1 << BR_EC_curve25519,
	ec_generator, ec_order, ec_xoff, ec_mul, ec_mulgen, ec_muladd
};

/* ---- the X.509 wrapper ---- */

static void
ta_append(void *ctx, const void *buf, size_t len)
{
	struct tls_conn *c = ctx;

	if (c->ta_used + len <= c->ta_cap) {
		memcpy(c->ta_mem + c->ta_used, buf, len);
		c->ta_used += len;
	}
}

static unsigned char *
ta_copy(struct tls_conn *c, const unsigned char *p, size_t len)
{
	unsigned char *d = c->ta_mem + c->ta_used;

	if (c->ta_used + len > c->ta_cap)
		return NULL;
	memcpy(d, p, len);
	c->ta_used += len;
	return d;
}

/* Decode one bundle certificate into an anchor; 0 on success. */
static int
make_anchor(struct tls_conn *c, const struct bundle_cert *bc, br_x509_trust_anchor *ta)
{
	br_x509_decoder_context dc;
	const br_x509_pkey *pk;
	unsigned char *dn = c->ta_mem + c->ta_used;

	br_x509_decoder_init(&dc, ta_append, c);
	br_x509_decoder_push(&dc, bc->der, bc->len);
	if ((pk = br_x509_decoder_get_pkey(&dc)) == NULL)
		return -1;
	ta->dn.data = dn;
	ta->dn.len = (size_t)(c->ta_mem + c->ta_used - dn);
	ta->flags = br_x509_decoder_isCA(&dc) ? BR_X509_TA_CA : 0;
	ta->pkey.key_type = pk->key_type;
	if (pk->key_type == BR_KEYTYPE_RSA) {
		ta->pkey.key.rsa.n = ta_copy(c, pk->key.rsa.n, pk->key.rsa.nlen);
		ta->pkey.key.rsa.nlen = pk->key.rsa.nlen;
		ta->pkey.key.rsa.e = ta_copy(c, pk->key.rsa.e, pk->key.rsa.elen);
		ta->pkey.key.rsa.elen = pk->key.rsa.elen;
		return ta->pkey.key.rsa.n && ta->pkey.key.rsa.e ? 0 : -1;
	}
	ta->pkey.key.ec.curve = pk->key.ec.curve;
	ta->pkey.key.ec.q = ta_copy(c, pk->key.ec.q, pk->key.ec.qlen);
	ta->pkey.key.ec.qlen = pk->key.ec.qlen;
	return ta->pkey.key.ec.q ? 0 : -1;
}

/* One entry of the compiled-in blob; returns the next offset, or 0 at the end. */
static size_t
blob_entry(size_t off, br_x509_trust_anchor *ta)
{
	const unsigned char *b = alter_anchor_blob;
	size_t len = alter_anchor_blob_len, n[3], k;

	if (off + 3 > len)
		return 0;
	ta->flags = b[off] ? BR_X509_TA_CA : 0;
	ta->pkey.key_type = b[off + 1];
	ta->pkey.key.ec.curve = b[off + 2];
	off += 3;
	for (k = 0; k < 3; k++) {
		if (off + 2 > len)
			return 0;
		n[k] = (size_t)b[off] << 8 | b[off + 1];
		if (n[k] > len - off - 2)
			return 0;
		if (k == 0) {
			ta->dn.data = (unsigned char *)b + off + 2;
			ta->dn.len = n[0];
		} else if (ta->pkey.key_type == BR_KEYTYPE_RSA) {
			*(k == 1 ? &ta->pkey.key.rsa.n : &ta->pkey.key.rsa.e) =
			    (unsigned char *)b + off + 2;
			*(k == 1 ? &ta->pkey.key.rsa.nlen : &ta->pkey.key.rsa.elen) = n[k];
		} else if (k == 1) {
			ta->pkey.key.ec.q = (unsigned char *)b + off + 2;
			ta->pkey.key.ec.qlen = n[1];
		}
		off += 2 + n[k];
	}
	return off;
}

static int
name_wanted(const struct x509_span *names, size_t nn, const unsigned char *dn, size_t len)
{
	size_t i;

	for (i = 0; i < nn; i++)
		if (names[i].len == len && memcmp(names[i].p, dn, len) == 0)
			return 1;
	return 0;
}

/*
 * The anchors that may anchor the collected chain: those whose name is an
 * issuer (or a subject) of a chain certificate.  Compiled-in roots point
 * into the blob; bundle certificates are decoded only when they match.
 */
static size_t
select_anchors(struct tls_conn *c)
{
	struct tls_trust *t = c->trust;
	struct x509_span names[2 * CHAIN_CERTS];
	br_x509_trust_anchor ta;
	size_t i, k, nn = 0, nta = 0, need = 0, off;

	for (i = 0; i < c->xw.ncerts; i++) {
		if (x509_names(c->xw.chain + c->xw.off[i], c->xw.clen[i], &names[nn],
		    &names[nn + 1]) == 0)
			nn += 2;
	}
	if (t->builtin) {
		for (off = 0; (off = blob_entry(off, &ta)) != 0;)
			nta += name_wanted(names, nn, ta.dn.data, ta.dn.len);
	} else {
		for (k = 0; k < t->ncerts; k++)
			if (name_wanted(names, nn, t->certs[k].subject.p, t->certs[k].subject.len)) {
				need += t->certs[k].len;
				nta++;
			}
	}
	if (nta == 0 || (c->tas = calloc(nta, sizeof(*c->tas))) == NULL)
		return 0;
	nta = 0;
	if (t->builtin) {
		for (off = 0; (off = blob_entry(off, &ta)) != 0;)
			if (name_wanted(names, nn, ta.dn.data, ta.dn.len))
				c->tas[nta++] = ta;
		return nta;
	}
	if ((c->ta_mem = malloc(need)) == NULL)
		return 0;
	c->ta_cap = need;
	c->ta_used = 0;
	for (k = 0; k < t->ncerts; k++)
		if (name_wanted(names, nn, t->certs[k].subject.p, t->certs[k].subject.len) &&
		    make_anchor(c, &t->certs[k], &c->tas[nta]) == 0)
			nta++;
	return nta;
}

/* RSA verification: i62 where the CPU and compiler give 64x64 products. */
static br_rsa_pkcs1_vrfy
rsa_vrfy(void)
{
	br_rsa_pkcs1_vrfy v = br_rsa_i62_pkcs1_vrfy_get();

	return v ? v : br_rsa_i31_pkcs1_vrfy;
}

static void
mini_setup(br_x509_minimal_context *m, const br_x509_trust_anchor *tas, size_t n)
{
	br_x509_minimal_init(m, &br_sha256_vtable, tas, n);
	br_x509_minimal_set_hash(m, br_sha256_ID, &br_sha256_vtable);
	br_x509_minimal_set_hash(m, br_sha384_ID, &br_sha384_vtable);
	br_x509_minimal_set_hash(m, br_sha512_ID, &br_sha512_vtable);
	br_x509_minimal_set_rsa(m, rsa_vrfy());
	br_x509_minimal_set_ecdsa(m, &ec_impl, br_ecdsa_i31_vrfy_asn1);
}

static void
xw_start_chain(const br_x509_class **ctx, const char *server_name)
{
	struct xwrap *xw = (struct xwrap *)(void *)ctx;

	xw->server_name = server_name;
	xw->len = 0;
	xw->ncerts = 0;
	xw->overflow = 0;
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
	struct tls_conn *c = xw->conn;
	const br_x509_class **mv = &xw->mini.vtable;
	size_t i, nta;
	unsigned r;

	if (xw->overflow)
		return BR_ERR_X509_LIMIT_EXCEEDED;
	if (xw->ncerts == 0)
		return BR_ERR_X509_EMPTY_CHAIN;
	nta = select_anchors(c);
	mini_setup(&xw->mini, c->tas, nta);
	(*mv)->start_chain(mv, xw->server_name);
	for (i = 0; i < xw->ncerts; i++) {
		(*mv)->start_cert(mv, (uint32_t)xw->clen[i]);
		(*mv)->append(mv, xw->chain + xw->off[i], xw->clen[i]);
		(*mv)->end_cert(mv);
	}
	r = (*mv)->end_chain(mv);
	if (r == BR_ERR_OK && c->iplen > 0 &&
	    x509_ip_san_match(xw->chain, xw->clen[0], c->ip, c->iplen) != 1)
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

/* ---- the engine ---- */


static const uint16_t suites[] = {
	BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
};

static const char *alpn[] = { "http/1.1" };

/* Certificate and protocol failures, each with its own message (cli.md 6). */
static const struct {
	int		 code;
	const char	*fmt;	/* %s: host, then the anchor source */
} tls_errors[] = {
	{ BR_ERR_X509_NOT_TRUSTED,
	  "certificate of %s is not trusted by the anchors of %s" },
	{ BR_ERR_X509_EXPIRED,
	  "certificate of %s is expired or not yet valid; check the system clock%.0s" },
	{ BR_ERR_X509_BAD_SERVER_NAME,
	  "certificate does not match host '%s'%.0s" },
	{ BR_ERR_X509_LIMIT_EXCEEDED,
	  "certificate chain of %s is too large%.0s" },
	{ BR_ERR_X509_TIME_UNKNOWN,
	  "cannot check the certificate of %s: the system clock is unknown%.0s" },
	{ BR_ERR_UNSUPPORTED_VERSION,
	  "server %s requires a TLS version above 1.2 (this build speaks TLS 1.2 only)%.0s" },
	{ BR_ERR_RECV_FATAL_ALERT + 70,
	  "server %s requires a TLS version above 1.2 (this build speaks TLS 1.2 only)%.0s" },
	{ BR_ERR_RECV_FATAL_ALERT + 40,
	  "server %s refused the TLS 1.2 handshake (it may speak only TLS 1.3 or only "
	  "TLS 1.0/1.1, require a client certificate, or want a cipher this build "
	  "lacks)%.0s" },
	{ BR_ERR_RECV_FATAL_ALERT + 116,
	  "server %s requires a client certificate, which alter does not send%.0s" },
	{ BR_ERR_BAD_CIPHER_SUITE,
	  "server %s chose a cipher suite this build does not offer%.0s" },
	{ BR_ERR_NO_RANDOM,
	  "no entropy to talk to %s: getrandom(2) is unavailable%.0s" },
};

static int
tls_fail(struct tls_conn *c, struct alter_err *err)
{
	int code = br_ssl_engine_last_error(&c->cc.eng);
	size_t i;

	if (c->timed_out)
		return alter_fail(err, AX_ERROR, "timed out talking to %s", c->host), TLS_ERR;
	/* An alert says more than the EPIPE of the send that found the peer gone. */
	if (c->io_errno != 0 && !(code >= BR_ERR_RECV_FATAL_ALERT && code < BR_ERR_SEND_FATAL_ALERT))
		return alter_fail(err, AX_ERROR, "connection to %s failed: %s", c->host,
		    strerror(c->io_errno)), TLS_ERR;
	for (i = 0; i < sizeof(tls_errors) / sizeof(tls_errors[0]); i++)
		if (tls_errors[i].code == code)
			return alter_fail(err, AX_ERROR, tls_errors[i].fmt, c->host,
			    tls_trust_describe(c->trust)), TLS_ERR;
	if (code >= BR_ERR_RECV_FATAL_ALERT && code < BR_ERR_SEND_FATAL_ALERT)
		return alter_fail(err, AX_ERROR, "server %s ended TLS with alert %d", c->host,
		    code - BR_ERR_RECV_FATAL_ALERT), TLS_ERR;
	return alter_fail(err, AX_ERROR, "TLS error with %s (BearSSL error %d)", c->host, code),
	    TLS_ERR;
}

/*
 * The peer closed while we were sending: it has usually said why in an
 * alert already waiting in the socket (a server that wants a client
 * certificate aborts as our last handshake flight goes out).  Hand what is
 * there to the engine, so that tls_fail names the alert.
 */
static void
read_pending(struct tls_conn *c)
{
	br_ssl_engine_context *eng = &c->cc.eng;
	unsigned char *buf;
	size_t len;
	ssize_t r;

	while (br_ssl_engine_current_state(eng) & BR_SSL_RECVREC) {
		buf = br_ssl_engine_recvrec_buf(eng, &len);
		if ((r = recv(c->fd, buf, len, MSG_DONTWAIT)) <= 0)
			return;
		br_ssl_engine_recvrec_ack(eng, (size_t)r);
	}
}

/* Send the records the engine has ready; 0, or -1 (io_errno/timed_out set). */
static int
send_records(struct tls_conn *c, int64_t deadline_ms)
{
	br_ssl_engine_context *eng = &c->cc.eng;
	unsigned char *buf;
	size_t len;
	ssize_t w;

	while (br_ssl_engine_current_state(eng) & BR_SSL_SENDREC) {
		buf = br_ssl_engine_sendrec_buf(eng, &len);
		w = send(c->fd, buf, len, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK) {
				c->io_errno = errno;
				read_pending(c);
				br_ssl_engine_close(eng);
				return -1;
			}
			if (net_wait(c->fd, POLLOUT, deadline_ms) != 1) {
				c->timed_out = 1;
				return -1;
			}
			continue;
		}
		br_ssl_engine_sendrec_ack(eng, (size_t)w);
	}
	return 0;
}

/* Run the engine until it offers one of the states in want. */
static int
pump(struct tls_conn *c, unsigned want, int64_t deadline_ms, struct alter_err *err)
{
	br_ssl_engine_context *eng = &c->cc.eng;
	unsigned char *buf;
	unsigned st;
	size_t len;
	ssize_t r;

	for (;;) {
		if (send_records(c, deadline_ms) != 0)
			return tls_fail(c, err);
		st = br_ssl_engine_current_state(eng);
		if (st & BR_SSL_CLOSED)
			return br_ssl_engine_last_error(eng) == BR_ERR_OK ? TLS_EOF :
			    tls_fail(c, err);
		if (st & want)
			return 1;
		if (!(st & BR_SSL_RECVREC))
			return alter_fail(err, AX_ERROR, "TLS engine with %s stalled", c->host),
			    TLS_ERR;
		buf = br_ssl_engine_recvrec_buf(eng, &len);
		r = recv(c->fd, buf, len, 0);
		if (r > 0) {
			br_ssl_engine_recvrec_ack(eng, (size_t)r);
			continue;
		}
		if (r == 0)
			return TLS_EOF_RAW;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK) {
			if (errno == ECONNRESET)
				return TLS_EOF_RAW;
			c->io_errno = errno;
			return tls_fail(c, err);
		}
		if (net_wait(c->fd, POLLIN, deadline_ms) != 1) {
			c->timed_out = 1;
			return tls_fail(c, err);
		}
	}
}

/*
 * The engine: TLS 1.2 only, ECDHE suites, and BearSSL's fastest code for
 * each public-key operation that fits the size budget (docs/design-crypto.md).
 * The X.509 engine (mini_setup) takes the same RSA and ECDSA choices.
 */
static void
tls_engine_setup(struct tls_conn *c)
{
	br_ssl_engine_context *eng = &c->cc.eng;

	br_ssl_client_zero(&c->cc);
	br_ssl_engine_set_versions(eng, BR_TLS12, BR_TLS12);
	br_ssl_engine_set_suites(eng, suites, sizeof(suites) / sizeof(suites[0]));
	br_ssl_engine_set_ec(eng, &ec_impl);
	br_ssl_engine_set_rsavrfy(eng, rsa_vrfy());
	br_ssl_engine_set_ecdsa(eng, br_ecdsa_i31_vrfy_asn1);
	br_ssl_engine_set_hash(eng, br_sha256_ID, &br_sha256_vtable);
	br_ssl_engine_set_hash(eng, br_sha384_ID, &br_sha384_vtable);
	br_ssl_engine_set_hash(eng, br_sha512_ID, &br_sha512_vtable);
	br_ssl_engine_set_prf_sha256(eng, &br_tls12_sha256_prf);
	br_ssl_engine_set_prf_sha384(eng, &br_tls12_sha384_prf);
	/* One portable implementation of each primitive keeps the binary small. */
	br_ssl_engine_set_gcm(eng, &br_sslrec_in_gcm_vtable, &br_sslrec_out_gcm_vtable);
	br_ssl_engine_set_aes_ctr(eng, &br_aes_ct64_ctr_vtable);
	br_ssl_engine_set_ghash(eng, &br_ghash_ctmul64);
	br_ssl_engine_set_chapol(eng, &br_sslrec_in_chapol_vtable, &br_sslrec_out_chapol_vtable);
	br_ssl_engine_set_chacha20(eng, &br_chacha20_ct_run);
	br_ssl_engine_set_poly1305(eng, br_poly1305_ctmulq_get());
	br_ssl_engine_add_flags(eng, BR_OPT_NO_RENEGOTIATION);
	br_ssl_engine_set_protocol_names(eng, alpn, 1);
}

struct tls_conn *
tls_connect(int fd, const char *host, struct tls_trust *trust, int64_t deadline_ms,
    struct alter_err *err)
{
	struct tls_conn *c;
	br_ssl_engine_context *eng;
	unsigned char seed[32];
	int r;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		close(fd);
		alter_fail(err, AX_ERROR, "out of memory");
		return NULL;
	}
	c->fd = fd;
	c->trust = trust;
	snprintf(c->host, sizeof(c->host), "%s", host);
	if (inet_pton(AF_INET, host, c->ip) == 1)
		c->iplen = 4;
	else if (inet_pton(AF_INET6, host, c->ip) == 1)
		c->iplen = 16;

	eng = &c->cc.eng;
	tls_engine_setup(c);
	br_ssl_engine_set_buffers_bidi(eng, c->ibuf, sizeof(c->ibuf), c->obuf, sizeof(c->obuf));
	c->xw.vtable = &xwrap_vtable;
	c->xw.conn = c;
	br_ssl_engine_set_x509(eng, &c->xw.vtable);

	/* notes: 0.6 seeds only from RDRAND or /dev/urandom; fail closed. */
	if (getrandom(seed, sizeof(seed), 0) != (ssize_t)sizeof(seed)) {
		alter_fail(err, AX_ERROR, "no entropy to talk to %s: getrandom(2) failed: %s",
		    host, strerror(errno));
		tls_close(c);
		return NULL;
	}
	br_ssl_engine_inject_entropy(eng, seed, sizeof(seed));
	explicit_bzero(seed, sizeof(seed));
	if (!br_ssl_client_reset(&c->cc, c->iplen ? NULL : c->host, 0)) {
		tls_fail(c, err);
		tls_close(c);
		return NULL;
	}
	r = pump(c, BR_SSL_SENDAPP, deadline_ms, err);
	if (r != 1) {
		if (r == TLS_EOF || r == TLS_EOF_RAW)
			alter_fail(err, AX_ERROR, "server %s closed the connection during the TLS "
			    "handshake", c->host);
		tls_close(c);
		return NULL;
	}
	return c;
}

int
tls_write(struct tls_conn *c, const void *buf, size_t len, int64_t deadline_ms,
    struct alter_err *err)
{
	br_ssl_engine_context *eng = &c->cc.eng;
	const unsigned char *p = buf;
	unsigned char *dst;
	size_t avail;
	int r;

	while (len > 0) {
		if ((r = pump(c, BR_SSL_SENDAPP, deadline_ms, err)) != 1) {
			if (r != TLS_ERR)
				alter_fail(err, AX_ERROR, "server %s closed the connection", c->host);
			return -1;
		}
		dst = br_ssl_engine_sendapp_buf(eng, &avail);
		if (avail > len)
			avail = len;
		memcpy(dst, p, avail);
		br_ssl_engine_sendapp_ack(eng, avail);
		p += avail;
		len -= avail;
	}
	br_ssl_engine_flush(eng, 0);
	if (send_records(c, deadline_ms) != 0)
		return tls_fail(c, err);
	return 0;
}

ssize_t
tls_read(struct tls_conn *c, void *buf, size_t len, int64_t deadline_ms, struct alter_err *err)
{
	br_ssl_engine_context *eng = &c->cc.eng;
	unsigned char *src;
	size_t avail;
	int r;

	if ((r = pump(c, BR_SSL_RECVAPP, deadline_ms, err)) != 1)
		return r;
	src = br_ssl_engine_recvapp_buf(eng, &avail);
	if (avail > len)
		avail = len;
	memcpy(buf, src, avail);
	br_ssl_engine_recvapp_ack(eng, avail);
	return (ssize_t)avail;
}

void
tls_close(struct tls_conn *c)
{
	if (c == NULL)
		return;
	if (c->fd >= 0)
		close(c->fd);
	free(c->tas);
	free(c->ta_mem);
	explicit_bzero(c, sizeof(*c));
	free(c);
}
