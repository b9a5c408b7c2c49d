/*
 * portal_run.c: the runner of the portal rows (portal_rows.c): value
 * checks, building the request from a row and its flags, confirmation of
 * destructive commands, and portal_run, which sends the request and
 * prints the answer through json.c (docs/cli.md sections 4, 5).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "builtin.h"
#include "cli.h"
#include "endpoints.h"
#include "json.h"
#include "portal_check.h"

#define TARGET_MAX	4096

/* ---- building the request ---- */

struct request {
	char			 path[4096];
	size_t			 plen;		/* path without the query */
	size_t			 len;		/* with the query so far */
	size_t			 qbase;		/* with the query of the flags */
	struct json_body	*body;
	char			 app[256];
	char			 what[4200];	/* "METHOD path?query" of the last request */
};

/* The value the row's argument or one of its flags gives {name}, or NULL. */
static const char *
own_placeholder(const struct ctx *c, const char *name, size_t n)
{
	const struct flag *f;

	if (c->a.cmd->pos != NULL && strlen(c->a.cmd->pos) == n &&
	    strncmp(c->a.cmd->pos, name, n) == 0 && c->a.npos > 0)
		return c->a.pos[0];
	for (f = c->a.cmd->opts; f != NULL && f->name != NULL; f++)
		if (f->map == M_PATH && strlen(f->key) == n && strncmp(f->key, name, n) == 0)
			return opt(c, f->name);
	return NULL;
}

/* The value that fills {name} of the path template. */
static const char *
placeholder(struct ctx *c, struct request *rq, const char *name, size_t n)
{
	if (n == 3 && strncmp(name, "app", 3) == 0 && rq->app[0] != '\0')
		return rq->app;
	return own_placeholder(c, name, n);
}

static enum alter_exit
build_path(struct ctx *c, struct request *rq)
{
	const char *t = endpoints[c->a.cmd->ep].path, *e, *v;

	rq->len = 0;
	while (*t) {
		if (*t != '{') {
			if (rq->len + 2 >= sizeof(rq->path))
				goto long_path;
			rq->path[rq->len++] = *t++;
			continue;
		}
		e = strchr(t, '}');
		v = placeholder(c, rq, t + 1, (size_t)(e - t - 1));
		/* The app and arguments are checked before: this is a flag (its key). */
		if (v == NULL || *v == '\0')
			return alter_fail(&c->err, AX_USAGE, "'%s' needs --%.*s", c->a.path,
			    (int)(e - t - 1), t + 1);
		if (http_pct_encode(rq->path, sizeof(rq->path), &rq->len, v, strlen(v)) != 0)
			goto long_path;
		t = e + 1;
	}
	rq->path[rq->len] = '\0';
	rq->plen = rq->len;
	return AX_OK;
long_path:
	return alter_fail(&c->err, AX_USAGE, "the request path for '%s' is too long", c->a.path);
}

static enum alter_exit
add_query(struct ctx *c, struct request *rq, const char *key, const char *value)
{
	if (rq->len + 2 >= sizeof(rq->path))
		goto long_path;
	rq->path[rq->len] = rq->len == rq->plen ? '?' : '&';
	rq->len++;
	if (http_pct_encode(rq->path, sizeof(rq->path), &rq->len, key, strlen(key)) != 0 || rq->len + 2 >= sizeof(rq->path))
		goto long_path;
	rq->path[rq->len++] = '=';
	if (http_pct_encode(rq->path, sizeof(rq->path), &rq->len, value, strlen(value)) != 0)
		goto long_path;
	return AX_OK;
long_path:
	return alter_fail(&c->err, AX_USAGE, "the query for '%s' is too long", c->a.path);
}

/* The flag (of this row) that set body key first, to name conflicts. */
static const struct flag *
body_setter(const struct ctx *c, const char *key, const struct flag *before)
{
	const struct flag *f;

	for (f = c->a.cmd->opts; f != NULL && f->name != NULL && f != before; f++)
		if (f->map >= M_BODY_STR && has(c, f->name) &&
		    strcmp(f->map == M_BODY_TARGET ? "target" : f->key, key) == 0)
			return f;
	return NULL;
}

/* "key": ["a", "b"] from the comma-separated value v of flag f. */
static enum alter_exit
body_list(struct ctx *c, struct request *rq, const struct flag *f, const char *flag,
    const char *key, const char *v)
{
	char item[512];
	const char *s, *rest;
	size_t len;
	int r = 0;

	if (json_body_set_json(rq->body, key, "[]", 2, flag, &c->err) != AX_OK)
		return c->err.code;
	for (rest = v; rest != NULL;) {
		s = list_next(&rest, &len);
		if (len == 0 || len >= sizeof(item))
			return alter_fail(&c->err, AX_USAGE, "--%s '%s': empty or overlong entry",
			    f->name, v);
		memcpy(item, s, len);
		item[len] = '\0';
		r |= json_body_push_str(rq->body, key, item);
	}
	if (r != 0)
		return alter_fail(&c->err, AX_ERROR, "out of memory building the request");
	return AX_OK;
}

/* "key": a JSON value given inline, as @file or on standard input. */
static enum alter_exit
body_json(struct ctx *c, struct request *rq, const char *flag, const char *key,
    const char *v)
{
	enum alter_exit rc;
	char *text;
	size_t len;

	if (v[0] != '@' && strcmp(v, "-") != 0)
		return json_body_set_json(rq->body, key, v, strlen(v), flag, &c->err);
	if ((rc = read_input(v, flag, INPUT_BODY_MAX, &text, &len, &c->err)) != AX_OK)
		return rc;
	rc = json_body_set_json(rq->body, key, text, len, flag, &c->err);
	explicit_bzero(text, len);
	free(text);
	return rc;
}

static enum alter_exit
body_from_flag(struct ctx *c, struct request *rq, const struct flag *f)
{
	const char *v = opt(c, f->name), *key = f->map == M_BODY_TARGET ? "target" : f->key;
	const struct flag *other = body_setter(c, key, f);
	const struct optval *ov;
	enum alter_exit rc = AX_OK;
	char when[32], flag[40], *text = NULL;
	long secs, n;
	int k, r = 0;

	/* Messages name the flag as typed: "--config", not "config". */
	snprintf(flag, sizeof(flag), "--%s", f->name);
	if (other != NULL)
		return alter_fail(&c->err, AX_USAGE, "--%s and --%s exclude each other",
		    other->name, f->name);
	switch (f->map) {
	case M_BODY_STR:
		r = json_body_set_str(rq->body, key, v);
		break;
	case M_BODY_LIST:
		return body_list(c, rq, f, flag, key, v);
	case M_BODY_MULTI:
		for (k = 0; (ov = find_val(c, f->name, k)) != NULL; k++)
			r |= json_body_push_str(rq->body, key, ov->v);
		break;
	case M_BODY_INT:
		if ((rc = parse_int(v, f->lo, f->hi, f->name, &n, &c->err)) != AX_OK)
			return rc;
		r = json_body_set_num(rq->body, key, (double)n);
		break;
	case M_BODY_TRUE:
	case M_BODY_FALSE:
		r = json_body_set_bool(rq->body, key, f->map == M_BODY_TRUE);
		break;
	case M_BODY_JSON:
		return body_json(c, rq, flag, key, v);
	case M_BODY_SECRET:
		if ((rc = read_secret(c, flag, v, &text)) != AX_OK)
			return rc;
		r = json_body_set_str(rq->body, key, text);
		explicit_bzero(text, strlen(text));
		free(text);
		break;
	case M_BODY_TARGET:
		r = json_body_set_pair(rq->body, key, f->key, v);
		break;
	case M_BODY_EXPIRES:
		alter_parse_duration(v, &secs);
		alter_format_time((long long)time(NULL) + secs, when, sizeof(when));
		r = json_body_set_str(rq->body, key, when);
		break;
	default:
		break;
	}
	if (r != 0)
		return alter_fail(&c->err, AX_ERROR, "out of memory building the request");
	return AX_OK;
}

/* "key=json;key=json": values the server needs that no flag gave (docs/cli.md 5). */
static enum alter_exit
apply_defaults(struct ctx *c, struct request *rq)
{
	const char *s = c->a.cmd->defaults, *e;
	char buf[64], *val;

	/* The value is parsed from a NUL-terminated copy: cJSON reads up to a NUL. */
	for (; s != NULL && *s; s = *e ? e + 1 : e) {
		e = s + strcspn(s, ";");
		if ((size_t)(e - s) >= sizeof(buf))
			break;
		memcpy(buf, s, (size_t)(e - s));
		buf[e - s] = '\0';
		if ((val = strchr(buf, '=')) == NULL)
			break;
		*val++ = '\0';
		if (!json_body_has(rq->body, buf) &&
		    json_body_set_json(rq->body, buf, val, strlen(val), buf, &c->err) != AX_OK)
			return c->err.code;
	}
	return AX_OK;
}

/* The query from the row's flags, each value checked first. */
static enum alter_exit
build_query(struct ctx *c, struct request *rq)
{
	const struct flag *f;
	enum alter_exit rc = AX_OK;

	for (f = c->a.cmd->opts; f != NULL && f->name != NULL; f++) {
		const char *v = opt(c, f->name);

		if (v == NULL) {
			if (f->map == M_QUERY_ALWAYS && (rc = add_query(c, rq, f->key, "false")) != AX_OK)
				return rc;
			continue;
		}
		if (f->kind != F_BOOL && (rc = check_value(c, f, v)) != AX_OK)
			return rc;
		if (f->map == M_QUERY)
			rc = add_query(c, rq, f->key, v);
		else if (f->map == M_QUERY_TRUE || f->map == M_QUERY_ALWAYS)
			rc = add_query(c, rq, f->key, "true");
		else if (f->map == M_QUERY_FALSE)
			rc = add_query(c, rq, f->key, "false");
		if (rc != AX_OK)
			return rc;
	}
	if ((c->a.cmd->flags & APP_FILTER) && opt(c, "app") != NULL)
		return add_query(c, rq, "app_id", opt(c, "app"));
	return AX_OK;
}

/* The body: --input first, then the flags on top of it, then the defaults. */
static enum alter_exit
build_body(struct ctx *c, struct request *rq)
{
	const struct flag *f;
	enum alter_exit rc;
	char *text;
	size_t len;
	int any = 0;

	if (opt(c, "input") != NULL) {
		if ((rc = read_input(opt(c, "input"), "--input", INPUT_BODY_MAX, &text, &len,
		    &c->err)) != AX_OK)
			return rc;
		rc = json_body_parse(text, len, "--input", &rq->body, &c->err);
		explicit_bzero(text, len);
		free(text);
		if (rc != AX_OK)
			return rc;
	} else if ((rq->body = json_body_new()) == NULL) {
		return alter_fail(&c->err, AX_ERROR, "out of memory");
	}
	for (f = c->a.cmd->opts; f != NULL && f->name != NULL; f++) {
		if (f->map < M_BODY_STR || !has(c, f->name))
			continue;
		any = 1;
		if ((rc = body_from_flag(c, rq, f)) != AX_OK)
			return rc;
	}
	for (f = c->a.cmd->opts; f != NULL && f->name != NULL; f++)
		if (f->required && !has(c, f->name) && (f->map == M_PATH ||
		    !json_body_has(rq->body, f->key)))
			return alter_fail(&c->err, AX_USAGE, "'%s' needs --%s %s", c->a.path, f->name,
			    f->arg);
	if ((c->a.cmd->flags & NEEDS_FIELD) && !any && json_body_size(rq->body) == 0)
		return alter_fail(&c->err, AX_USAGE, "'%s' needs at least one field to change; see "
		    "'%s --help'", c->a.path, c->a.path);
	return apply_defaults(c, rq);
}

static enum alter_exit
build_request(struct ctx *c, struct request *rq)
{
	const struct flag *f;
	enum alter_exit rc;
	int stdin_users = 0;

	if ((rc = build_path(c, rq)) != AX_OK || (rc = build_query(c, rq)) != AX_OK)
		return rc;
	/* Standard input can feed one flag only. */
	for (f = c->a.cmd->opts; f != NULL && f->name != NULL; f++)
		if (opt(c, f->name) != NULL && strcmp(opt(c, f->name), "-") == 0 &&
		    stdin_users++ > 0)
			return alter_fail(&c->err, AX_USAGE, "only one flag can read standard input "
			    "('-'); use @FILE for --%s", f->name);
	return build_body(c, rq);
}

/* ---- confirmation (docs/cli.md 5) ---- */

/*
 * What a command acts on: the value of the last placeholder of its path
 * that its argument or flags fill ({key} in /agents/{agent}/keys/{key}).
 */
static const char *
target_of(const struct ctx *c)
{
	const char *t = endpoints[c->a.cmd->ep].path, *v, *target = "";

	for (; (t = strchr(t, '{')) != NULL; t = strchr(t, '}'))
		if ((v = own_placeholder(c, t + 1, strcspn(t + 1, "}"))) != NULL)
			target = v;
	return target;
}

static enum alter_exit
confirm(struct ctx *c, struct request *rq)
{
	const char *target = target_of(c), *what = c->a.cmd->confirm;
	char answer[TARGET_MAX], shown[TARGET_MAX + 16];
	FILE *tty;
	size_t n;
	int typed = what != NULL && !has(c, "confirm");

	if (typed && has(c, "yes"))
		return alter_fail(&c->err, AX_USAGE, "'%s' needs --confirm with the %s to check, "
		    "with --yes", c->a.path, what);
	if (has(c, "yes"))
		goto done;
	if (!isatty(STDIN_FILENO) || !isatty(STDERR_FILENO))
		return alter_fail(&c->err, AX_USAGE, "'%s' deletes or revokes: pass --yes (there is "
		    "no terminal to ask on)", c->a.path);
	if ((tty = fopen("/dev/tty", "r+")) == NULL)
		return alter_fail(&c->err, AX_USAGE, "'%s': cannot open /dev/tty to ask; pass --yes",
		    c->a.path);
	/* docs/cli.md 1: the prompt masks a PAT-shaped argument as messages do. */
	creds_mask_text(target, shown, sizeof(shown));
	if (typed)
		fprintf(stderr, "alter: to %s %s, type its %s: ", c->a.path + 6, shown, what);
	else
		fprintf(stderr, "alter: %s %s? [y/N] ", c->a.path + 6, shown);
	fflush(stderr);
	if (fgets(answer, sizeof(answer), tty) == NULL)
		answer[0] = '\0';
	fclose(tty);
	n = strcspn(answer, "\r\n");
	answer[n] = '\0';
	if (typed) {
		/* docs/cli.md 5: what was typed goes to the server, which checks it (409). */
		if (n == 0)
			return alter_fail(&c->err, AX_USAGE, "nothing typed: not confirmed");
		if (json_body_set_str(rq->body, "confirm", answer) != 0)
			return alter_fail(&c->err, AX_ERROR, "out of memory");
		return AX_OK;
	}
	if (strcmp(answer, "y") != 0 && strcmp(answer, "Y") != 0 && strcmp(answer, "yes") != 0)
		return alter_fail(&c->err, AX_USAGE, "not confirmed: nothing done");
done:
	if (has(c, "confirm") && json_body_set_str(rq->body, "confirm", opt(c, "confirm")) != 0)
		return alter_fail(&c->err, AX_ERROR, "out of memory");
	return AX_OK;
}

/* ---- running ---- */

static enum alter_exit
send_request(struct ctx *c, struct request *rq, struct http_response *r)
{
	const struct endpoint *ep = &endpoints[c->a.cmd->ep];
	enum alter_exit rc;
	char *text = NULL;
	int with_body = json_body_size(rq->body) > 0;

	if (with_body && (text = json_body_text(rq->body)) == NULL)
		return alter_fail(&c->err, AX_ERROR, "out of memory");
	snprintf(rq->what, sizeof(rq->what), "%s %s", ep->method, rq->path);
	rc = http_request(&c->s.http, ep->method, rq->path, text, text ? strlen(text) : 0,
	    ep->scope != NULL, r, &c->err);
	if (text != NULL) {
		explicit_bzero(text, strlen(text));
		free(text);
	}
	if (rc == AX_OK && http_status_exit(r->status) != AX_OK) {
		rc = http_failure(c, ep->method, rq->path, r);
		http_response_free(r);
	}
	return rc;
}

/* A list flag's value, checked by its row, into *out when given. */
static enum alter_exit
paging_value(struct ctx *c, const char *name, long *out)
{
	const struct flag *f;
	enum alter_exit rc;

	for (f = c->a.cmd->paging; f != NULL && f->name != NULL; f++)
		if (strcmp(f->name, name) == 0 && opt(c, name) != NULL) {
			if ((rc = check_value(c, f, opt(c, name))) != AX_OK)
				return rc;
			*out = strtol(opt(c, name), NULL, 10);
		}
	return AX_OK;
}

/*
 * docs/cli.md 4: --all stops (exit 1) when a page does not move the walk on
 * (has_more with no items, or the cursor just sent given back) and after
 * PAGES_MAX pages, so that a broken server cannot keep it going forever.
 */
#define PAGES_MAX	100000L

static enum alter_exit
page_advances(struct ctx *c, size_t nitems, int more, const char *sent, const char *next,
    long pages)
{
	if (c->a.cmd->out == OUT_LIST && more && nitems == 0)
		return alter_fail(&c->err, AX_ERROR, "--all: the server said has_more but sent no "
		    "items: the offset does not advance");
	if (c->a.cmd->out == OUT_CURSOR && next[0] != '\0' && strcmp(sent, next) == 0)
		return alter_fail(&c->err, AX_ERROR, "--all: the server gave back the cursor it was "
		    "sent: the cursor does not advance");
	if (pages >= PAGES_MAX && (c->a.cmd->out == OUT_LIST ? more : next[0] != '\0'))
		return alter_fail(&c->err, AX_ERROR, "--all: stopped after %ld pages, the limit",
		    PAGES_MAX);
	return AX_OK;
}

/* Each page: the flags' query, then this page's limit and offset or cursor. */
static enum alter_exit
page_query(struct ctx *c, struct request *rq, long limit, long offset, const char *cursor)
{
	enum alter_exit rc = AX_OK;
	char num[32];

	rq->len = rq->qbase;
	rq->path[rq->len] = '\0';
	if (c->a.cmd->out == OUT_BARE)
		return AX_OK;
	snprintf(num, sizeof(num), "%ld", limit);
	if ((rc = add_query(c, rq, "limit", num)) != AX_OK)
		return rc;
	if (c->a.cmd->out == OUT_LIST && offset > 0) {
		snprintf(num, sizeof(num), "%ld", offset);
		rc = add_query(c, rq, "offset", num);
	} else if (c->a.cmd->out == OUT_CURSOR && cursor[0] != '\0') {
		rc = add_query(c, rq, "cursor", cursor);
	}
	return rc;
}

static enum alter_exit
run_list(struct ctx *c, struct request *rq, struct json_out *o)
{
	struct http_response r;
	enum alter_exit rc = AX_OK;
	char cursor[1024] = "", sent[1024];
	long limit = c->a.cmd->limit, offset = 0, pages = 0;
	size_t nitems;
	int more, all = has(c, "all");

	if ((rc = paging_value(c, "limit", &limit)) != AX_OK ||
	    (rc = paging_value(c, "offset", &offset)) != AX_OK)
		return rc;
	for (;;) {
		if ((rc = page_query(c, rq, limit, offset, cursor)) != AX_OK ||
		    (rc = send_request(c, rq, &r)) != AX_OK)
			break;
		memcpy(sent, cursor, sizeof(sent));
		rc = json_out_page(o, r.body, r.body_len, &nitems, &more, cursor, sizeof(cursor),
		    &c->err);
		http_response_free(&r);
		if (rc != AX_OK || !all)
			break;
		if ((rc = page_advances(c, nitems, more, sent, cursor, ++pages)) != AX_OK ||
		    nitems == 0)
			break;
		if (c->a.cmd->out == OUT_LIST && !more)
			break;
		if (c->a.cmd->out == OUT_CURSOR && cursor[0] == '\0')
			break;
		if (c->a.cmd->out == OUT_BARE)
			break;
		offset += (long)nitems;
	}
	if (rc != AX_OK && o->count > 0) {
		char msg[ALTER_ERR_MAX];
		int n = snprintf(msg, sizeof(msg), "stopped after %zu items: ", o->count);

		snprintf(msg + n, sizeof(msg) - (size_t)n, "%.*s", (int)(sizeof(msg) - (size_t)n - 1),
		    c->err.msg);
		memcpy(c->err.msg, msg, sizeof(msg));
		return rc;
	}
	if (rc == AX_OK)
		json_out_end(o);
	return rc;
}

/* The output (docs/cli.md 4), and the key shown once kept by --fields. */
static enum alter_exit
output_init(struct ctx *c, struct json_out *o, int islist)
{
	const char *once = c->a.cmd->shown_once;
	enum alter_exit rc;
	size_t k;

	if ((rc = output_open(c, o, islist)) != AX_OK)
		return rc;
	/* In every format, tables included: the plaintext key is shown once. */
	if (once == NULL || o->nfields == 0)
		return AX_OK;
	for (k = 0; k < o->nfields && strcmp(o->fields[k], once) != 0; k++)
		;
	if (k == o->nfields)
		return alter_fail(&c->err, AX_USAGE, "--fields must include %s: '%s' shows the "
		    "new key only once", once, c->a.path);
	return AX_OK;
}

/* One request, one object (or a notice when the answer is empty). */
static enum alter_exit
run_object(struct ctx *c, struct request *rq, struct json_out *o)
{
	struct http_response r;
	enum alter_exit rc;

	if ((rc = send_request(c, rq, &r)) != AX_OK)
		return rc;
	/* docs/api.md 2: only a delete answers without a body; elsewhere it is no answer. */
	if (r.body_len == 0 && strcmp(endpoints[c->a.cmd->ep].method, "DELETE") == 0) {
		notice(c, "%s %s: done", c->a.path + 6, target_of(c));
	} else if (r.body_len == 0) {
		rc = alter_fail(&c->err, AX_ERROR, "the answer to %s is empty (HTTP %d), not a JSON "
		    "object", rq->what, r.status);
	} else {
		mask_secret(c, &r);
		rc = json_out_object(o, r.body, r.body_len, &c->err);
		if (rc == AX_OK && c->a.cmd->shown_once != NULL)
			notice(c, "the %s above is shown once: store it now, it cannot be shown "
			    "again", c->a.cmd->shown_once);
	}
	if (r.body != NULL)
		explicit_bzero(r.body, r.body_len);
	http_response_free(&r);
	return rc;
}

enum alter_exit
portal_run(struct ctx *c)
{
	struct request rq;
	struct json_out o;
	enum alter_exit rc;
	int islist = c->a.cmd->out == OUT_LIST || c->a.cmd->out == OUT_CURSOR ||
	    c->a.cmd->out == OUT_BARE;

	memset(&rq, 0, sizeof(rq));
	if ((rc = output_init(c, &o, islist)) != AX_OK)
		return rc;
	o.request = rq.what;
	if ((c->a.cmd->flags & NEEDS_APP) && (rc = resolve_app(c, rq.app, sizeof(rq.app))) != AX_OK)
		return rc;
	if ((rc = build_request(c, &rq)) == AX_OK) {
		rq.qbase = rq.len;
		if (!(c->a.cmd->flags & DESTRUCTIVE) || (rc = confirm(c, &rq)) == AX_OK)
			rc = islist ? run_list(c, &rq, &o) : run_object(c, &rq, &o);
	}
	json_body_free(rq.body);
	return rc;
}
