/*
 * tests/helper/bench_trust.c: the cost of loading a CA bundle (issue: "fast trust
 * loading"), for make bench.  Times alter's own loader (tls_trust_load:
 * read, a fast base64 pass and a DER walk for subjects; certificates are
 * decoded later only when they can anchor the server's chain) against
 * decoding every certificate with BearSSL's PEM and X.509 decoders.
 * Prints "alter_ms bearssl_ms ncerts" (medians of N runs).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bearssl.h"

#include "tls.h"

#define RUNS 21

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct sink {
	unsigned char	*buf;
	size_t		 len, cap;
};

static void
append(void *ctx, const void *p, size_t n)
{
	struct sink *s = ctx;

	if (s->len + n > s->cap) {
		s->cap = (s->len + n) * 2;
		s->buf = realloc(s->buf, s->cap);
	}
	memcpy(s->buf + s->len, p, n);
	s->len += n;
}

static void
drop(void *ctx, const void *p, size_t n)
{
	(void)ctx;
	(void)p;
	(void)n;
}

/* Decode every certificate the way BearSSL's tools do; returns the count. */
static int
bearssl_load(const char *path)
{
	br_pem_decoder_context pc;
	struct sink in = { 0 }, der = { 0 };
	unsigned char chunk[8192];
	size_t off = 0, k;
	int n = 0, incert = 0;
	FILE *f = fopen(path, "rb");

	if (f == NULL)
		return -1;
	while ((k = fread(chunk, 1, sizeof(chunk), f)) > 0)
		append(&in, chunk, k);
	fclose(f);
	br_pem_decoder_init(&pc);
	while (off < in.len) {
		off += br_pem_decoder_push(&pc, in.buf + off, in.len - off);
		switch (br_pem_decoder_event(&pc)) {
		case BR_PEM_BEGIN_OBJ:
			incert = strcmp(br_pem_decoder_name(&pc), "CERTIFICATE") == 0;
			der.len = 0;
			br_pem_decoder_setdest(&pc, incert ? append : NULL, &der);
			break;
		case BR_PEM_END_OBJ:
			if (incert) {
				br_x509_decoder_context dc;

				br_x509_decoder_init(&dc, drop, NULL);
				br_x509_decoder_push(&dc, der.buf, der.len);
				n += br_x509_decoder_get_pkey(&dc) != NULL;
			}
			break;
		}
	}
	free(in.buf);
	free(der.buf);
	return n;
}

int
main(int argc, char **argv)
{
	struct tls_trust_cfg cfg = { 0 };
	struct tls_trust *t;
	struct alter_err err;
	double a[RUNS], b[RUNS], t0;
	int i, n = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: bench_trust BUNDLE\n");
		return 2;
	}
	cfg.ca_file = argv[1];
	cfg.ca_file_from = "bundle";
	for (i = 0; i < RUNS; i++) {
		t0 = now_ms();
		if (tls_trust_load(&cfg, &t, &err) != AX_OK) {
			fprintf(stderr, "bench_trust: %s\n", err.msg);
			return 1;
		}
		a[i] = now_ms() - t0;
		tls_trust_free(t);
		t0 = now_ms();
		n = bearssl_load(argv[1]);
		b[i] = now_ms() - t0;
	}
	qsort(a, RUNS, sizeof(a[0]), cmp);
	qsort(b, RUNS, sizeof(b[0]), cmp);
	printf("%.3f %.3f %d\n", a[RUNS / 2], b[RUNS / 2], n);
	return 0;
}
