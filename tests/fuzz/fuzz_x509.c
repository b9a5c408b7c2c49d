/*
 * fuzz_x509.c: the trust-anchor loader's view of certificate bytes.  As
 * trust.c's load_file and add_cert do: x509_pem_certs over the file's bytes
 * (in a buffer that ends where they end, as the mapped file does) into a
 * len / 4 * 3 + 3 byte output, then for each certificate x509_names,
 * x509_ip_san_match for 127.0.0.1 and ::1 (as the X.509 wrapper does for
 * IP-literal hosts) and BearSSL's decoder (as make_anchor does); then the
 * certificate policy of the X.509 wrapper: x509_has_san, x509_eku_server,
 * and x509_name_constraints with the certificate as the CA over the
 * input's first certificate as the leaf (a PEM chain: leaf, then CA), and
 * over itself.  An input starting with 0x30 is also taken as one DER
 * certificate.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bearssl.h"

#include "x509.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
sink(void *ctx, const void *buf, size_t len)
{
	(void)ctx;
	(void)buf;
	(void)len;
}

/* The input's first certificate, the leaf of the name constraint checks. */
static unsigned char *first;
static size_t first_len;

static void
check_nc(const unsigned char *ca, size_t calen, const unsigned char *leaf, size_t leaflen)
{
	struct x509_span bad = { NULL, 0 };
	int r = x509_name_constraints(ca, calen, leaf, leaflen, &bad);

	if (r < -1 || r > X509_NC_UNCHECKABLE)
		abort();
	if ((r == X509_NC_DNS || r == X509_NC_IP) && (bad.p < leaf || bad.len > leaflen ||
	    (size_t)(bad.p - leaf) > leaflen - bad.len || (r == X509_NC_IP && bad.len != 4 &&
	    bad.len != 16)))
		abort();
}

static void
one_cert(void *arg, const unsigned char *der, size_t len)
{
	static const unsigned char v4[4] = { 127, 0, 0, 1 };
	static const unsigned char v6[16] = { [15] = 1 };
	struct x509_span issuer, subject;
	br_x509_decoder_context dc;
	unsigned char *copy;

	(void)arg;
	/* Each certificate alone in an exact-size buffer. */
	if ((copy = malloc(len ? len : 1)) == NULL)
		return;
	memcpy(copy, der, len);
	if (x509_names(copy, len, &issuer, &subject) == 0) {
		if (issuer.p < copy || issuer.len > len || (size_t)(issuer.p - copy) > len - issuer.len ||
		    subject.p < copy || subject.len > len ||
		    (size_t)(subject.p - copy) > len - subject.len)
			abort();
	}
	if (x509_ip_san_match(copy, len, v4, sizeof(v4)) < -1 ||
	    x509_ip_san_match(copy, len, v6, sizeof(v6)) < -1)
		abort();
	br_x509_decoder_init(&dc, sink, NULL);
	br_x509_decoder_push(&dc, copy, len);
	(void)br_x509_decoder_get_pkey(&dc);
	if (x509_has_san(copy, len) < -1 || x509_has_san(copy, len) > 1 ||
	    x509_eku_server(copy, len) < -1 || x509_eku_server(copy, len) > 1)
		abort();
	check_nc(copy, len, copy, len);
	if (first == NULL) {
		first = copy;
		first_len = len;
		return;
	}
	check_nc(copy, len, first, first_len);
	free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *pem, *der;
	size_t cap = size / 4 * 3 + 3;
	long n;

	if ((pem = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(pem, data, size);
	if ((der = malloc(cap)) != NULL) {
		n = x509_pem_certs((const char *)pem, size, der, cap, one_cert, NULL);
		if (n < -1)
			abort();
		free(der);
	}
	if (size > 0 && pem[0] == 0x30)
		one_cert(NULL, pem, size);
	free(first);
	first = NULL;
	free(pem);
	return 0;
}
