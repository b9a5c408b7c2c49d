/*
 * portal_check.c: the checks a portal row's flag values pass before any
 * request (enum flag_check), reading a secret from - or @file
 * (docs/cli.md section 5), and masking a one-time secret in GitHub Actions.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"
#include "portal_check.h"

#define SECRET_MAX	65536		/* docs/cli.md 5: secret values, at most 64 KiB */

/* ---- checking values ---- */

static int
in_list(const char *v, size_t n, const char *allowed)
{
	const char *a = allowed, *e;

	for (;; a = e + 1) {
		e = strchr(a, '|');
		if ((e ? (size_t)(e - a) : strlen(a)) == n && strncmp(a, v, n) == 0)
			return 1;
		if (e == NULL)
			return 0;
	}
}

static int
valid_cidr(const char *s, size_t n)
{
	char buf[64], *slash;
	unsigned char addr[16];
	long prefix, max;
	char *end;

	if (n == 0 || n >= sizeof(buf))
		return 0;
	memcpy(buf, s, n);
	buf[n] = '\0';
	slash = strchr(buf, '/');
	if (slash != NULL)
		*slash = '\0';
	if (inet_pton(AF_INET, buf, addr) == 1)
		max = 32;
	else if (inet_pton(AF_INET6, buf, addr) == 1)
		max = 128;
	else
		return 0;
	if (slash == NULL)
		return 1;
	if (slash[1] < '0' || slash[1] > '9')
		return 0;
	prefix = strtol(slash + 1, &end, 10);
	return *end == '\0' && prefix >= 1 && prefix <= max;
}

const char *
list_next(const char **rest, size_t *len)
{
	const char *s = *rest, *e = strchr(s, ',');

	*len = e ? (size_t)(e - s) : strlen(s);
	*rest = e ? e + 1 : NULL;
	while (*len > 0 && *s == ' ')
		s++, (*len)--;
	while (*len > 0 && s[*len - 1] == ' ')
		(*len)--;
	return s;
}

/* Apply f->check to each comma-separated item (or the whole value). */
enum alter_exit
check_value(struct ctx *c, const struct flag *f, const char *v)
{
	const char *s, *rest;
	long n, secs;
	long long t;
	size_t len;

	switch (f->check) {
	case V_NONE:
		return AX_OK;
	case V_DURATION:
		if (alter_parse_duration(v, &secs) == 0)
			return AX_OK;
		return alter_fail(&c->err, AX_USAGE, "--%s '%s' must be a duration such as 30d, "
		    "12h or 5m", f->name, v);
	case V_TIME:
		if (alter_parse_time(v, &t) == 0)
			return AX_OK;
		return alter_fail(&c->err, AX_USAGE, "--%s '%s' must be an RFC 3339 time such as "
		    "2026-01-31T12:00:00Z", f->name, v);
	case V_RANGE:
		if (parse_int(v, f->lo, f->hi, "", &n, &c->err) == AX_OK)
			return AX_OK;
		return alter_fail(&c->err, AX_USAGE, "--%s '%s' must be a whole number from %d to "
		    "%d", f->name, v, f->lo, f->hi);
	case V_ENUM:
		if (in_list(v, strlen(v), f->allowed))
			return AX_OK;
		return alter_fail(&c->err, AX_USAGE, "--%s '%s' must be one of %s", f->name, v,
		    f->allowed);
	default:
		break;
	}
	/* Comma-separated lists. */
	for (rest = v; rest != NULL;) {
		s = list_next(&rest, &len);
		if (len == 0 || memchr(s, ' ', len) != NULL || memchr(s, '\t', len) != NULL)
			return alter_fail(&c->err, AX_USAGE, "--%s '%s': empty entry or space inside "
			    "an entry", f->name, v);
		if (f->check == V_ENUMS && !in_list(s, len, f->allowed))
			return alter_fail(&c->err, AX_USAGE, "--%s: '%.*s' must be one of %s",
			    f->name, (int)len, s, f->allowed);
		if (f->check == V_CIDRS && !valid_cidr(s, len))
			return alter_fail(&c->err, AX_USAGE, "--%s: '%.*s' is not an IP network "
			    "(address/prefix, prefix 1 or more: /0 is refused)", f->name, (int)len, s);
	}
	return AX_OK;
}

/* docs/cli.md 5: a secret is read from - or @file, 64 KiB at most, one newline off. */
enum alter_exit
read_secret(struct ctx *c, const char *flag, const char *v, char **out)
{
	enum alter_exit rc;
	size_t len;
	char *buf;

	*out = NULL;
	if (strcmp(v, "-") != 0 && v[0] != '@')
		return alter_fail(&c->err, AX_USAGE, "%s takes - (standard input) or @FILE: an "
		    "inline secret would be visible in ps and shell history", flag);
	if ((rc = read_input(v, flag, SECRET_MAX, &buf, &len, &c->err)) != AX_OK)
		return rc;
	if (memchr(buf, '\0', len) != NULL || (len >= 2 &&
	    (((unsigned char)buf[0] == 0xff && (unsigned char)buf[1] == 0xfe) ||
	    ((unsigned char)buf[0] == 0xfe && (unsigned char)buf[1] == 0xff)))) {
		explicit_bzero(buf, len);
		free(buf);
		return alter_fail(&c->err, AX_USAGE, "%s: the value has NUL bytes or a UTF-16 "
		    "byte-order mark; save it as UTF-8", flag);
	}
	if (len > 0 && buf[len - 1] == '\n')
		buf[--len] = '\0';
	if (len > 0 && buf[len - 1] == '\r')
		buf[--len] = '\0';
	*out = buf;
	return AX_OK;
}

/* ---- secrets in CI logs ---- */

/*
 * docs/cli.md 4: in GitHub Actions, the one-time secret (the row's
 * shown_once field) is masked before it is printed: "::add-mask::VALUE" on
 * stderr, which the runner reads, so stdout stays clean for -o json > FILE.
 */
void
mask_secret(const struct ctx *c, const struct http_response *r)
{
	char v[1024];
	const char *ga = util_env("GITHUB_ACTIONS");

	if (c->a.cmd->shown_once == NULL || ga == NULL || strcmp(ga, "true") != 0)
		return;
	json_get_str(r->body, r->body_len, c->a.cmd->shown_once, v, sizeof(v));
	if (v[0] != '\0' && v[strcspn(v, "\r\n")] == '\0') {
		fflush(stdout);
		fprintf(stderr, "::add-mask::%s\n", v);
		fflush(stderr);
	}
	explicit_bzero(v, sizeof(v));
}
