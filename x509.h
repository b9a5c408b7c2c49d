/*
 * x509.h: certificate bytes without BearSSL: PEM to DER, and a careful
 * walk of a DER certificate for the two things BearSSL 0.6 does not give
 * us (docs/api.md section 1, docs/cli.md section 6): the raw issuer and subject names,
 * used to decode only the bundle certificates that can anchor a chain, and
 * the iPAddress subject alternative names, used to verify IP-literal hosts.
 * Pure functions: no I/O, no allocation.
 */
#ifndef ALTER_X509_H
#define ALTER_X509_H

#include <stddef.h>

/*
 * Decode the base64 body of every "CERTIFICATE" PEM block of pem[0..len)
 * into out (at most outcap bytes; len * 3 / 4 always suffices), calling
 * fn(arg, der, derlen) for each certificate.  Blocks of other types are
 * skipped.  Returns the number of certificates, or -1 if a CERTIFICATE
 * block is malformed (bad base64, no END line) or out is too small.
 */
long	x509_pem_certs(const char *pem, size_t len, unsigned char *out, size_t outcap,
	    void (*fn)(void *, const unsigned char *, size_t), void *arg);

struct x509_span {
	const unsigned char	*p;
	size_t			 len;
};

/*
 * Find the encoded issuer and subject Names (whole SEQUENCE, tag and length
 * included) of a DER certificate.  Returns 0, or -1 if der is not a
 * well-formed certificate as far as this walk goes.
 */
int	x509_names(const unsigned char *der, size_t len, struct x509_span *issuer,
	    struct x509_span *subject);

/*
 * Check an IP address (4 or 16 bytes) against the iPAddress entries of the
 * certificate's subjectAltName extension.  Returns 1 on a match, 0 when no
 * entry matches (or there is no such extension), -1 if der is malformed.
 */
int	x509_ip_san_match(const unsigned char *der, size_t len, const unsigned char *ip,
	    size_t iplen);

#endif
