/*
 * x509.h: certificate bytes without BearSSL: PEM to DER, and a careful
 * walk of a DER certificate for what BearSSL 0.6 does not give us
 * (docs/api.md section 1, docs/cli.md section 6): the raw issuer and subject names,
 * used to decode only the bundle certificates that can anchor a chain;
 * the iPAddress subject alternative names, used to verify IP-literal hosts;
 * and the certificate policy: SAN presence, extended key usage and name
 * constraints.
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

/*
 * Whether the certificate has a subjectAltName extension: 1 yes, 0 no, -1
 * malformed.  A server certificate without one is refused: its Common Name
 * is never used as a host name (docs/cli.md section 6).
 */
int	x509_has_san(const unsigned char *der, size_t len);

/*
 * Whether the certificate may serve TLS: 1 when it has no extended key
 * usage, or one that lists serverAuth or anyExtendedKeyUsage; 0 when its
 * extended key usage lacks both; -1 if malformed.
 */
int	x509_eku_server(const unsigned char *der, size_t len);

/* Results of x509_name_constraints. */
#define X509_NC_OK		0	/* no constraint, or the leaf's names satisfy them */
#define X509_NC_DNS		1	/* a dNSName SAN (in *bad) is outside them */
#define X509_NC_IP		2	/* an iPAddress SAN (in *bad, 4 or 16 bytes) is outside */
#define X509_NC_UNCHECKABLE	3	/* a constraint form other than DNS and IP applies */

/*
 * Check the leaf's dNSName and iPAddress SANs against the nameConstraints
 * of CA certificate ca (permitted and excluded subtrees, RFC 5280
 * 4.2.1.10).  A constraint of another form (directoryName, rfc822Name,
 * URI, ...) that would apply to the leaf (it has a name of that form; a
 * non-empty subject for directoryName) cannot be checked: X509_NC_UNCHECKABLE.
 * Returns an X509_NC_* value, or -1 if either certificate is malformed.
 */
int	x509_name_constraints(const unsigned char *ca, size_t calen, const unsigned char *leaf,
	    size_t leaflen, struct x509_span *bad);

#endif
