/*
 * tls.c: the BearSSL engine over a connected socket and its entropy; see
 * tls.h.  Covers docs/cli.md section 6 and the TLS parts of docs/api.md section 1.
 * TLS 1.2 only, ECDHE with AEAD suites, no renegotiation, SNI from the
 * host name (none for IP literals), ALPN http/1.1.
 *
 * The engine checks the server's chain through the X.509 wrapper of
 * tls_x509.c (anchors from trust.c, alter's certificate policy); this file
 * turns its refusals and every other failure into words.
 */
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bearssl.h"

#include "net.h"
#include "tls.h"
#include "tls_x509.h"

#define OUTBUF_SIZE	(4096 + 325)	/* output records may be small; input may not */

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
	int			 timed_out, io_errno;
};

/* ---- curves ---- */

/*
 * One implementation per curve, each BearSSL's fastest here (figures in
 * docs/design.md, "Crypto choices"): P-256 through its special-purpose m31 code (ECDHE
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

/* ---- the engine ---- */

/* RSA verification: i62 where the CPU and compiler give 64x64 products. */
static br_rsa_pkcs1_vrfy
rsa_vrfy(void)
{
	br_rsa_pkcs1_vrfy v = br_rsa_i62_pkcs1_vrfy_get();

	return v ? v : br_rsa_i31_pkcs1_vrfy;
}

static const uint16_t suites[] = {
	BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
};

static const char *alpn[] = { "http/1.1" };

/* Certificate and protocol failures, each with its own message (docs/cli.md 6). */
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

/*
 * Every other BearSSL error code (bearssl_ssl.h, bearssl_x509.h) in words,
 * by range: first code, last code, words, NUL.  No number reaches a user.
 */
static const char br_words[] =
    "\001\002internal error\0\003\004TLS version mismatch\0\005\015malformed TLS record\0"
    "\016\031malformed handshake\0\032\033bad handshake signature\0"
    "\034\034wrong key usage\0\035\035no client certificate\0\037\037connection failed\0"
    "\041\060malformed certificate\0\061\061unsupported algorithm or key type\0"
    "\063\063wrong key type\0\064\064bad signature\0\067\067issuer name mismatch\0"
    "\071\071critical extension alter cannot check\0\072\072issuer is not a CA\0"
    "\073\073key usage forbids this use\0\074\074weak key: RSA under 2048 bits\0";

static const char *
br_word(int code)
{
	const char *w;

	for (w = br_words; *w != '\0'; w += strlen(w) + 1)
		if (code >= w[0] && code <= w[1])
			return w + 2;
	return "unexpected failure";
}

static int
tls_fail(struct tls_conn *c, struct alter_err *err)
{
	int code = br_ssl_engine_last_error(&c->cc.eng);
	size_t i, n;

	if (c->timed_out)
		return alter_fail(err, AX_ERROR, "timed out talking to %s", c->host), TLS_ERR;
	/* An alert says more than the EPIPE of the send that found the peer gone. */
	if (c->io_errno != 0 && !(code >= BR_ERR_RECV_FATAL_ALERT && code < BR_ERR_SEND_FATAL_ALERT))
		return alter_fail(err, AX_ERROR, "connection to %s failed: %s", c->host,
		    strerror(c->io_errno)), TLS_ERR;
	if (tls_x509_refusal(&c->xw, c->host, err))
		return TLS_ERR;
	for (i = 0; i < sizeof(tls_errors) / sizeof(tls_errors[0]); i++)
		if (tls_errors[i].code == code)
			break;
	if (i < sizeof(tls_errors) / sizeof(tls_errors[0]))
		alter_fail(err, AX_ERROR, tls_errors[i].fmt, c->host, tls_trust_describe(c->trust));
	else if (code >= BR_ERR_SEND_FATAL_ALERT)
		alter_fail(err, AX_ERROR, "TLS with %s failed: alter ended it with an alert",
		    c->host);
	else if (code >= BR_ERR_RECV_FATAL_ALERT)
		alter_fail(err, AX_ERROR, "server %s ended TLS with alert %d", c->host,
		    code - BR_ERR_RECV_FATAL_ALERT);
	else
		alter_fail(err, AX_ERROR, "TLS with %s failed: %s", c->host, br_word(code));
	/* Name the certificate: its place in the chain, 0 being the server's own. */
	n = strlen(err->msg);
	if (code > BR_ERR_X509_OK && code < BR_ERR_X509_OK + 32 && c->xw.ncerts > 0)
		snprintf(err->msg + n, sizeof(err->msg) - n, " (certificate at depth %u)",
		    c->xw.depth);
	return TLS_ERR;
}

/*
 * One recv(2) of what the socket has into the engine's record buffer, with
 * flags; its result (bytes the engine took, 0 at EOF, -1 with errno).
 */
static ssize_t
recv_records(struct tls_conn *c, int flags)
{
	unsigned char *buf;
	size_t len;
	ssize_t r;

	buf = br_ssl_engine_recvrec_buf(&c->cc.eng, &len);
	r = recv(c->fd, buf, len, flags);
	if (r > 0)
		br_ssl_engine_recvrec_ack(&c->cc.eng, (size_t)r);
	return r;
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
	while (br_ssl_engine_current_state(&c->cc.eng) & BR_SSL_RECVREC)
		if (recv_records(c, MSG_DONTWAIT) <= 0)
			return;
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
	unsigned st;
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
		r = recv_records(c, 0);
		if (r > 0)
			continue;
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
 * The engine's whole configuration: TLS 1.2 only, ECDHE suites, and
 * BearSSL's fastest code for each public-key operation that fits the size
 * budget (docs/design.md, "Crypto choices"), hashes, record ciphers,
 * options, buffers, the X.509 wrapper.  The X.509 engine (mini_setup)
 * takes the same RSA and ECDSA choices.
 */
static void
configure_engine(struct tls_conn *c)
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
	br_ssl_engine_set_buffers_bidi(eng, c->ibuf, sizeof(c->ibuf), c->obuf, sizeof(c->obuf));
	tls_x509_init(&c->xw, c->trust, c->ip, c->iplen, &ec_impl, rsa_vrfy());
	br_ssl_engine_set_x509(eng, &c->xw.vtable);
}

struct tls_conn *
tls_connect(int fd, const char *host, struct tls_trust *trust, int64_t deadline_ms,
    struct alter_err *err)
{
	struct tls_conn *c;
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

	configure_engine(c);

	/* notes: 0.6 seeds only from RDRAND or /dev/urandom; fail closed. */
	if (getrandom(seed, sizeof(seed), 0) != (ssize_t)sizeof(seed)) {
		alter_fail(err, AX_ERROR, "no entropy to talk to %s: getrandom(2) failed: %s",
		    host, strerror(errno));
		tls_close(c);
		return NULL;
	}
	br_ssl_engine_inject_entropy(&c->cc.eng, seed, sizeof(seed));
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
	tls_x509_free(&c->xw);
	explicit_bzero(c, sizeof(*c));
	free(c);
}
