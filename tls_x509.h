/*
 * tls_x509.h: between tls.c and tls_x509.c only: the X.509 wrapper that
 * BearSSL's engine calls with the server's chain.  It names BearSSL's types
 * but leaves including bearssl.h to those two files (docs/design.md, "Layers").
 */
#ifndef ALTER_TLS_X509_H
#define ALTER_TLS_X509_H

#include <stddef.h>

#include "trust.h"
#include "x509.h"

#define CHAIN_MAX	65536		/* cap on the server's certificate chain */
#define CHAIN_CERTS	10

struct xwrap {
	const br_x509_class		*vtable;
	br_x509_minimal_context		 mini;
	struct tls_trust		*trust;
	struct trust_pick		 pick;		/* the anchors for this chain */
	const br_ec_impl		*ec;		/* the engine's crypto choices */
	br_rsa_pkcs1_vrfy		 rsa;
	const unsigned char		*ip;		/* an IP-literal host, else iplen 0 */
	size_t				 iplen;
	const char			*server_name;
	unsigned char			 chain[CHAIN_MAX];
	size_t				 len, off[CHAIN_CERTS], clen[CHAIN_CERTS], ncerts;
	int				 overflow;
	int				 why;		/* POL_*: alter's own refusal */
	unsigned			 depth;		/* the certificate it names */
	struct x509_span		 bad;		/* the name outside constraints */
};

/*
 * Set xw up for a connection to ip[0..iplen) (iplen 0 for a host name)
 * checked against trust, with the engine's EC and RSA code; the engine then
 * takes &xw->vtable (br_ssl_engine_set_x509).
 */
void	tls_x509_init(struct xwrap *xw, struct tls_trust *trust, const unsigned char *ip,
	    size_t iplen, const br_ec_impl *ec, br_rsa_pkcs1_vrfy rsa);

/*
 * When alter's own certificate policy refused the chain (docs/cli.md
 * section 6): fill err naming host, the certificate's depth and the cause,
 * and return 1; else 0.
 */
int	tls_x509_refusal(const struct xwrap *xw, const char *host, struct alter_err *err);

/* Free the anchors picked for the chain. */
void	tls_x509_free(struct xwrap *xw);

#endif
