/*
 * certdata: pick from Mozilla's certdata.txt (NSS's built-in object list, as
 * Debian's ca-certificates source package ships it) the roots that Mozilla
 * trusts for server authentication, and print them as a PEM bundle for
 * tools/mkanchors (docs/cli.md section 6).  It runs on the build host only.
 *
 * usage: certdata CERTDATA.TXT EPOCH > roots.pem
 *
 * The file holds objects of attribute lines ("NAME TYPE VALUE"); a
 * MULTILINE_OCTAL value runs as \ooo escapes up to a line "END".  A
 * certificate object (CKO_CERTIFICATE) carries the DER in CKA_VALUE; its
 * trust object (CKO_NSS_TRUST) is the one with the same CKA_ISSUER and
 * CKA_SERIAL_NUMBER, as NSS itself pairs them.  A root is kept when its
 * CKA_TRUST_SERVER_AUTH is CKT_NSS_TRUSTED_DELEGATOR and it has no
 * CKA_NSS_SERVER_DISTRUST_AFTER date at or before EPOCH.  EPOCH is the
 * build's SOURCE_DATE_EPOCH, never the clock, so that the same commit gives
 * the same roots whenever it is built.  (Mozilla still trusts leaves issued
 * before a distrust date; BearSSL cannot tell when a leaf was issued, so
 * once the date has passed the root goes.)
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_LEN	4096

enum class { C_OTHER, C_CERT, C_TRUST };

struct bytes {
	unsigned char	*p;
	size_t		 len;
};

struct obj {
	enum class	 cls;
	char		*label;
	struct bytes	 value, issuer, serial, distrust;
	int		 server_trusted;	/* CKT_NSS_TRUSTED_DELEGATOR */
	int		 has_server_trust;
};

static const char *path;
static unsigned long lineno;

static void
die(const char *msg)
{
	fprintf(stderr, "certdata: %s:%lu: %s\n", path, lineno, msg);
	exit(1);
}

static void *
xrealloc(void *p, size_t n)
{
	if ((p = realloc(p, n)) == NULL)
		die("out of memory");
	return p;
}

/* Appends the \ooo octets of one MULTILINE_OCTAL line to b. */
static void
octal_line(struct bytes *b, const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	while (*s != '\0' && *s != '\n' && *s != '\r') {
		if (s[0] != '\\' || s[1] < '0' || s[1] > '3' || s[2] < '0' || s[2] > '7' ||
		    s[3] < '0' || s[3] > '7')
			die("bad MULTILINE_OCTAL line");
		b->p = xrealloc(b->p, b->len + 1);
		b->p[b->len++] = (unsigned char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
		s += 4;
	}
}

static int
same(const struct bytes *a, const struct bytes *b)
{
	return a->len == b->len && a->len > 0 && memcmp(a->p, b->p, a->len) == 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
static long long
days_from_civil(long long y, unsigned m, unsigned d)
{
	long long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

static int
digits(const unsigned char *p, size_t n)
{
	int v = 0;

	while (n-- > 0) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (*p++ - '0');
	}
	return v;
}

/* A distrust date as UTCTime (YYMMDDHHMMSSZ) or GeneralizedTime (YYYYMMDDHHMMSSZ). */
static long long
distrust_time(const struct bytes *b, const char *label)
{
	const unsigned char *p = b->p;
	int y, mo, d, h, mi, s;

	if (b->len == 13 && p[12] == 'Z') {
		y = digits(p, 2);
		y += y < 50 ? 2000 : 1900;	/* RFC 5280, 4.1.2.5.1 */
		p += 2;
	} else if (b->len == 15 && p[14] == 'Z') {
		y = digits(p, 4);
		p += 4;
	} else {
		y = -1;
	}
	mo = digits(p, 2), d = digits(p + 2, 2), h = digits(p + 4, 2);
	mi = digits(p + 6, 2), s = digits(p + 8, 2);
	if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 ||
	    mi > 59 || s < 0 || s > 60) {
		fprintf(stderr, "certdata: %s: bad server distrust date for %s\n", path, label);
		exit(1);
	}
	return days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + s;
}

static void
put_pem(const struct bytes *der, const char *label)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i, col = 0;
	unsigned long v;

	printf("# %s\n-----BEGIN CERTIFICATE-----\n", label);
	for (i = 0; i < der->len; i += 3) {
		v = (unsigned long)der->p[i] << 16;
		if (i + 1 < der->len)
			v |= (unsigned long)der->p[i + 1] << 8;
		if (i + 2 < der->len)
			v |= der->p[i + 2];
		putchar(b64[v >> 18 & 63]);
		putchar(b64[v >> 12 & 63]);
		putchar(i + 1 < der->len ? b64[v >> 6 & 63] : '=');
		putchar(i + 2 < der->len ? b64[v & 63] : '=');
		if ((col += 4) == 64) {
			putchar('\n');
			col = 0;
		}
	}
	printf("%s-----END CERTIFICATE-----\n", col ? "\n" : "");
}

/* The attribute whose MULTILINE_OCTAL value the parser fills, by name. */
static struct bytes *
octal_dest(struct obj *o, const char *name)
{
	static const struct { const char *name; size_t off; } rows[] = {
		{ "CKA_VALUE", offsetof(struct obj, value) },
		{ "CKA_ISSUER", offsetof(struct obj, issuer) },
		{ "CKA_SERIAL_NUMBER", offsetof(struct obj, serial) },
		{ "CKA_NSS_SERVER_DISTRUST_AFTER", offsetof(struct obj, distrust) },
	};
	static struct bytes sink;
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (strcmp(rows[i].name, name) == 0)
			return (struct bytes *)((char *)o + rows[i].off);
	sink.len = 0;
	return &sink;
}

int
main(int argc, char **argv)
{
	struct obj *objs = NULL, *o = NULL;
	size_t nobj = 0, i, j, kept = 0, untrusted = 0, distrusted = 0;
	char line[LINE_MAX_LEN], name[128], type[128];
	struct bytes *ml = NULL;
	long long epoch;
	int data = 0, n;
	char *end;
	FILE *f;

	if (argc != 3) {
		fprintf(stderr, "usage: certdata CERTDATA.TXT EPOCH\n");
		return 2;
	}
	path = argv[1];
	epoch = strtoll(argv[2], &end, 10);
	if (*argv[2] == '\0' || *end != '\0') {
		fprintf(stderr, "certdata: bad EPOCH %s\n", argv[2]);
		return 2;
	}
	if ((f = fopen(path, "r")) == NULL) {
		perror(path);
		return 1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f))
			die("line too long");
		if (!data) {
			data = strncmp(line, "BEGINDATA", 9) == 0;
			continue;
		}
		if (ml != NULL) {
			if (strncmp(line, "END", 3) == 0)
				ml = NULL;
			else
				octal_line(ml, line);
			continue;
		}
		if (line[0] == '#' || line[strspn(line, " \t\r\n")] == '\0')
			continue;
		n = sscanf(line, "%127s %127s", name, type);
		if (n != 2)
			die("attribute line without a type");
		if (strcmp(name, "CKA_CLASS") == 0) {
			objs = xrealloc(objs, (nobj + 1) * sizeof(*objs));
			o = &objs[nobj++];
			memset(o, 0, sizeof(*o));
			o->cls = strstr(line, " CKO_CERTIFICATE") ? C_CERT :
			    strstr(line, " CKO_NSS_TRUST") ? C_TRUST : C_OTHER;
			continue;
		}
		if (o == NULL)
			die("attribute before the first CKA_CLASS");
		if (strcmp(type, "MULTILINE_OCTAL") == 0) {
			ml = octal_dest(o, name);
			if (ml->len != 0 && ml->p != NULL)
				die("attribute given twice");
		} else if (strcmp(name, "CKA_LABEL") == 0) {
			char *q = strchr(line, '"'), *r = strrchr(line, '"');

			if (q == NULL || r == q)
				die("bad CKA_LABEL");
			*r = '\0';
			if ((o->label = strdup(q + 1)) == NULL)
				die("out of memory");
		} else if (strcmp(name, "CKA_TRUST_SERVER_AUTH") == 0) {
			o->has_server_trust = 1;
			o->server_trusted = strstr(line, " CKT_NSS_TRUSTED_DELEGATOR") != NULL;
		}
	}
	if (ferror(f) || !data || ml != NULL)
		die(ferror(f) ? "read error" : !data ? "no BEGINDATA" : "MULTILINE_OCTAL without END");
	fclose(f);

	for (i = 0; i < nobj; i++) {
		struct obj *c = &objs[i], *t = NULL;

		if (c->cls != C_CERT)
			continue;
		if (c->label == NULL || c->value.len == 0 || c->issuer.len == 0 || c->serial.len == 0) {
			lineno = 0;
			die("certificate object without label, value, issuer or serial");
		}
		for (j = 0; j < nobj && t == NULL; j++)
			if (objs[j].cls == C_TRUST && same(&objs[j].issuer, &c->issuer) &&
			    same(&objs[j].serial, &c->serial))
				t = &objs[j];
		if (t == NULL || !t->has_server_trust) {
			fprintf(stderr, "certdata: %s: no server trust object for %s\n", path, c->label);
			return 1;
		}
		if (!t->server_trusted) {
			untrusted++;
			continue;
		}
		if (c->distrust.len > 0 && distrust_time(&c->distrust, c->label) <= epoch) {
			distrusted++;
			continue;
		}
		put_pem(&c->value, c->label);
		kept++;
	}
	fprintf(stderr, "certdata: %zu roots for server authentication (%zu not trusted for it, "
	    "%zu past their server distrust date)\n", kept, untrusted, distrusted);
	if (kept == 0) {
		fprintf(stderr, "certdata: %s: no root selected\n", path);
		return 1;
	}
	return 0;
}
