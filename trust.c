/*
 * trust.c: the trust anchors of docs/cli.md section 6: where they come from
 * (--ca-file or ALTER_CA_FILE, SSL_CERT_FILE and SSL_CERT_DIR, the host's
 * bundle, else the compiled-in roots), and which of them a server's chain
 * may use.  Public calls in tls.h; trust.h is tls.c's view of it.
 *
 * Anchors from a bundle are not all decoded up front: only the bundle
 * certificates whose subject is an issuer (or the subject) of a chain
 * certificate are decoded and handed to BearSSL's minimal engine.
 */
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bearssl.h"

#include "tls.h"
#include "trust.h"
#include "x509.h"

#define BUNDLE_MAX	(16u << 20)	/* cap on one CA file */

/* The compiled-in roots (tools/mkanchors.c describes the blob). */
extern const unsigned char alter_anchor_blob[];
extern const size_t alter_anchor_blob_len;
extern const size_t alter_anchors_n;
extern const char alter_anchors_source[];

/* docs/cli.md section 6: the usual host bundle paths, in order. */
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
	size_t			 bad;		/* certificates that did not parse */
};

static void
add_cert(void *arg, const unsigned char *der, size_t len)
{
	struct tls_trust *t = arg;
	struct x509_span issuer, subject;
	struct bundle_cert *nc;

	if (x509_names(der, len, &issuer, &subject) != 0) {
		t->bad++;
		return;
	}
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
 * certificates, -1 if missing (ENOENT), -2 unreadable, -3 malformed (a
 * damaged PEM block, or a block that is no certificate).
 */
static long
load_file(struct tls_trust *t, const char *path)
{
	struct stat st;
	unsigned char **nb, *der;
	char *pem;
	long n;
	int fd;
	size_t got = 0, bad = t->bad;

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
	return n < 0 || t->bad != bad ? -3 : n;
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

/* Why a host bundle that exists is refused, by load_file's result (0, -2, -3). */
static const char *const bundle_why[] = {
	"holds no certificate", "", "cannot be read", "holds a damaged certificate"
};

/*
 * docs/cli.md section 6: the first host bundle that exists.  Only a missing
 * file moves on: one that exists but cannot be used fails closed (exit 1)
 * rather than widening trust to the compiled-in roots.  Returns the index
 * of the bundle, or the number of paths when none exists.
 */
static size_t
host_bundle(struct tls_trust *t, enum alter_exit *rc, struct alter_err *err)
{
	size_t i;
	long n;

	for (i = 0; i < sizeof(host_bundles) / sizeof(host_bundles[0]); i++) {
		if ((n = load_file(t, host_bundles[i])) == -1)
			continue;
		if (n <= 0)
			*rc = alter_fail(err, AX_ERROR, "host CA bundle %s exists but %s; fix it, or "
			    "name the anchors with --ca-file or ALTER_CA_FILE", host_bundles[i],
			    bundle_why[-n]);
		break;
	}
	return i;
}

static enum alter_exit
load_dirs(struct tls_trust *t, const char *dirs, struct alter_err *err)
{
	char dir[4096], path[4096 + 256];
	const char *s = dirs, *e;
	struct dirent *de;
	struct stat st;
	DIR *d;
	size_t n, before = t->ncerts;

	for (; s != NULL; s = e ? e + 1 : NULL) {
		e = strchr(s, ':');
		n = e ? (size_t)(e - s) : strlen(s);
		if (n == 0)
			continue;
		if (n >= sizeof(dir))
			return alter_fail(err, AX_USAGE, "SSL_CERT_DIR: a directory name is too long");
		memcpy(dir, s, n);
		dir[n] = '\0';
		/* A missing entry is skipped, as OpenSSL and Go do. */
		if ((d = opendir(dir)) == NULL && errno == ENOENT)
			continue;
		if (d == NULL)
			return alter_fail(err, AX_ERROR, "SSL_CERT_DIR entry '%s': %s", dir,
			    strerror(errno));
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
	if (t->ncerts == before)
		return alter_fail(err, AX_NOT_FOUND, "no certificate found in the directories of "
		    "SSL_CERT_DIR (%s)", dirs);
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
		i = host_bundle(t, &rc, err);
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
	snprintf(out, outlen, "compiled-in %s, %zu root%s", alter_anchors_source, alter_anchors_n,
	    alter_anchors_n == 1 ? "" : "s");
}

/* ---- the anchors for one chain ---- */

static void
ta_append(void *ctx, const void *buf, size_t len)
{
	struct trust_pick *pick = ctx;

	if (pick->used + len <= pick->cap) {
		memcpy(pick->mem + pick->used, buf, len);
		pick->used += len;
	}
}

static unsigned char *
ta_copy(struct trust_pick *pick, const unsigned char *p, size_t len)
{
	unsigned char *d = pick->mem + pick->used;

	if (pick->used + len > pick->cap)
		return NULL;
	memcpy(d, p, len);
	pick->used += len;
	return d;
}

/* Decode one bundle certificate into an anchor; 0 on success. */
static int
make_anchor(struct trust_pick *pick, const struct bundle_cert *bc, br_x509_trust_anchor *ta)
{
	br_x509_decoder_context dc;
	const br_x509_pkey *pk;
	unsigned char *dn = pick->mem + pick->used;

	br_x509_decoder_init(&dc, ta_append, pick);
	br_x509_decoder_push(&dc, bc->der, bc->len);
	if ((pk = br_x509_decoder_get_pkey(&dc)) == NULL)
		return -1;
	ta->dn.data = dn;
	ta->dn.len = (size_t)(pick->mem + pick->used - dn);
	ta->flags = br_x509_decoder_isCA(&dc) ? BR_X509_TA_CA : 0;
	ta->pkey.key_type = pk->key_type;
	if (pk->key_type == BR_KEYTYPE_RSA) {
		ta->pkey.key.rsa.n = ta_copy(pick, pk->key.rsa.n, pk->key.rsa.nlen);
		ta->pkey.key.rsa.nlen = pk->key.rsa.nlen;
		ta->pkey.key.rsa.e = ta_copy(pick, pk->key.rsa.e, pk->key.rsa.elen);
		ta->pkey.key.rsa.elen = pk->key.rsa.elen;
		return ta->pkey.key.rsa.n && ta->pkey.key.rsa.e ? 0 : -1;
	}
	ta->pkey.key.ec.curve = pk->key.ec.curve;
	ta->pkey.key.ec.q = ta_copy(pick, pk->key.ec.q, pk->key.ec.qlen);
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

size_t
trust_select(const struct tls_trust *t, const struct x509_span *names, size_t nn,
    struct trust_pick *pick)
{
	br_x509_trust_anchor ta;
	size_t k, nta = 0, need = 0, off;

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
	if (nta == 0 || (pick->tas = calloc(nta, sizeof(*pick->tas))) == NULL)
		return 0;
	nta = 0;
	if (t->builtin) {
		for (off = 0; (off = blob_entry(off, &ta)) != 0;)
			if (name_wanted(names, nn, ta.dn.data, ta.dn.len))
				pick->tas[nta++] = ta;
		return nta;
	}
	if ((pick->mem = malloc(need)) == NULL)
		return 0;
	pick->cap = need;
	pick->used = 0;
	for (k = 0; k < t->ncerts; k++)
		if (name_wanted(names, nn, t->certs[k].subject.p, t->certs[k].subject.len) &&
		    make_anchor(pick, &t->certs[k], &pick->tas[nta]) == 0)
			nta++;
	return nta;
}

void
trust_pick_free(struct trust_pick *pick)
{
	free(pick->tas);
	free(pick->mem);
	pick->tas = NULL;
	pick->mem = NULL;
}
