/*
 * cli.h: what every command shares (cli.c): flags, command rows, the run
 * context, the message and option helpers, and the session.  Not a
 * library header: only alter.c and the command files include it.
 *
 * Who prints: the libraries never do.  A command file writes its output to
 * stdout and its questions (a hidden PAT, a confirmation) to the terminal;
 * notices and warnings go through notice() and warn(); a failure is one
 * message in c->err, which main (alter.c) prints once.
 */
#ifndef ALTER_CLI_H
#define ALTER_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "creds.h"
#include "http.h"
#include "store.h"
#include "util.h"

#define POS_MAX		16
#define VALS_MAX	64
#define INPUT_BODY_MAX	(16u << 20)	/* --input and @file bodies */

enum { F_BOOL, F_VALUE, F_MULTI };

/* How a portal command's flag becomes part of the request (portal_run.c). */
enum flag_map {
	M_NONE,		/* handled by code: --yes, --confirm, --all, ... */
	M_PATH,		/* fills {key} of the path template */
	M_QUERY,	/* key=value */
	M_QUERY_TRUE,	/* a boolean flag sends key=true */
	M_QUERY_FALSE,	/* a boolean flag sends key=false */
	M_QUERY_ALWAYS,	/* key=true when given, key=false otherwise */
	M_BODY_STR,	/* "key": "value" */
	M_BODY_LIST,	/* "key": ["a", "b"] from a comma-separated value */
	M_BODY_MULTI,	/* "key": [...] from a repeated flag */
	M_BODY_INT,	/* "key": n */
	M_BODY_TRUE,	/* a boolean flag sets "key": true */
	M_BODY_FALSE,	/* a boolean flag sets "key": false */
	M_BODY_JSON,	/* "key": a JSON value given inline or as @file */
	M_BODY_SECRET,	/* "key": the bytes of - or @file, never inline */
	M_BODY_TARGET,	/* "target": {"kind": key, "id": value} */
	M_BODY_EXPIRES	/* "key": now + a duration, as RFC 3339 */
};

/* How a value is checked before any request. */
enum flag_check { V_NONE, V_DURATION, V_TIME, V_CIDRS, V_ENUM, V_ENUMS, V_RANGE, V_NAMES };

struct flag {
	const char	*name;		/* long name without "--" */
	char		 shortname;	/* or 0 */
	unsigned char	 kind;		/* F_BOOL, F_VALUE, F_MULTI */
	const char	*arg;		/* value placeholder for --help */
	const char	*help;
	/*
	 * Portal commands only, set by name (portal_rows.c); the pointers come
	 * first so that the small fields share one word.
	 */
	const char	*key;		/* path placeholder, query or body key */
	const char	*allowed;	/* V_ENUM(S): "a|b|c" */
	int		 lo, hi;	/* V_RANGE */
	unsigned char	 map;		/* enum flag_map */
	unsigned char	 check;		/* enum flag_check */
	unsigned char	 required;
};

struct ctx;

/* Row flags: what the dispatcher and portal_run set up or check. */
#define NEEDS_TOKEN	0x01	/* a token from ALTER_PAT or the store */
#define NEEDS_HTTP	0x02	/* base URL, trust, proxy (no token) */
#define NEEDS_APP	0x04	/* {app} from --app, ALTER_APP_ID or the link */
#define DESTRUCTIVE	0x08	/* --yes, or a question on the terminal */
#define NEEDS_FIELD	0x10	/* at least one body field */
#define APP_FILTER	0x20	/* --app, when given, becomes the app_id query */
#define NO_DATA		0x40	/* prints no data: -o and --fields are refused */

/* Output kinds of a portal command (docs/cli.md section 4). */
enum out_kind { OUT_OBJECT, OUT_LIST, OUT_BARE, OUT_CURSOR, OUT_EMPTY };

struct cmd {
	const char		*name;
	const struct cmd	*sub;		/* a group's rows, or NULL for a leaf */
	enum alter_exit		(*fn)(struct ctx *);
	unsigned		 flags;
	const struct flag	*opts;		/* the command's own flags */
	unsigned char		 minpos, maxpos;
	const char		*args;		/* positional arguments for --help */
	const char		*help;
	/* portal commands only */
	unsigned char		 ep;		/* index into the endpoint table */
	unsigned char		 out;		/* enum out_kind */
	short			 limit;		/* default page size */
	const char		*pos;		/* path placeholder the argument fills */
	const char		*columns;	/* table columns, comma-separated */
	const char		*defaults;	/* body defaults: "key=json;key=json" */
	const struct flag	*paging;	/* list rows: --limit, --offset, --all */
	const char		*confirm;	/* the question asks to type this ("name") */
	const char		*shown_once;	/* the answer's key shown only once */
	/* --help only: examples, one a line; more text after the summary */
	const char		*examples;
	const char		*about;
};

struct optval {
	const struct flag	*f;
	const char		*v;
};

/*
 * The parsed command line.  Owner: main (alter.c), which fills it with
 * parse_args before any handler runs; handlers only read it.
 */
struct args {
	const struct cmd	*root;		/* the root table, for scopes for */
	const struct cmd	*cmd;		/* the deepest row reached */
	char			 path[64];	/* "alter auth login" */
	char			*pos[POS_MAX];
	int			 npos;
	struct optval		 vals[VALS_MAX];
	int			 nvals;
	int			 quiet;
};

/*
 * The session: where requests go and with which token.  Owner: cli.c,
 * which fills it (session_open, or session_set_token and session_http for
 * auth login) and wipes and frees it (session_close).  Handlers use
 * http, and read the rest; the token never leaves this struct.
 */
struct session {
	struct http_client	 http;
	struct tls_trust	*trust;
	struct net_proxy	 proxy;
	struct creds_token	 token;
	char			 auth[CREDS_TOKEN_MAX + 16];	/* "Bearer <PAT>" */
	char			 token_source[4200];	/* "ALTER_PAT" or the store path */
	unsigned		 store_mode;
	int			 from_store;
	char			 base_url[2048];
	char			 other_hosts[2048];	/* other stored base URLs, "\n"-separated */
};

/*
 * What a handler is given: the arguments, the session and the error record
 * it fills on failure, which main prints once.  Owner: main (one per run).
 */
struct ctx {
	struct args		 a;
	struct session		 s;
	struct alter_err	 err;
};

/*
 * One message line on stderr: prefix, then text with every PAT-shaped word
 * masked and control characters escaped (docs/cli.md section 1).  main
 * prints the error line with it; notice() and warn() go through it.
 */
void		 message_line(const char *prefix, const char *text);
/* Messages on stderr, prefixed "alter: " / "alter: warning: "; --quiet mutes. */
void		 notice(const struct ctx *, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
void		 warn(const struct ctx *, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));

/* The nth value of flag name (0: first), or NULL. */
const struct optval *find_val(const struct ctx *, const char *name, int nth);
/* The value of flag name, or NULL; whether it was given. */
const char	*opt(const struct ctx *, const char *name);
int		 has(const struct ctx *, const char *name);
/* "exit codes: 0 ok, 1 error, ..." from the table beside the enum's names. */
void		 print_exit_codes(FILE *);
/* The dashboard URL (--dashboard-url, ALTER_DASHBOARD_URL, the default). */
const char	*dashboard(const struct ctx *);
/* Where to mint a PAT (docs/cli.md 2.4): <dashboard>/settings/tokens, or
 * with a base URL not the default and no dashboard named, a pointer to
 * "your dashboard" and --dashboard-url. */
const char	*tokens_page(const struct ctx *);

/*
 * docs/cli.md 4: o set up for --output (else table for a list, json for an
 * object), --fields and the row's table columns; AX_USAGE naming a bad one.
 */
struct json_out;
enum alter_exit	 output_open(struct ctx *, struct json_out *o, int islist);
/* Whether the human view is asked for: table (or no -o) and no --fields. */
int		 output_plain(const struct ctx *);

/*
 * Before any command runs (main): a set but empty ALTER_* variable, or a
 * dashboard URL that is not https://, is AX_USAGE naming it.
 */
enum alter_exit	 check_env(struct ctx *);

/* A decimal in [lo, hi], else AX_USAGE naming what. */
enum alter_exit	 parse_int(const char *s, long lo, long hi, const char *what, long *out,
		    struct alter_err *err);

/*
 * Read "@path" or "-" (standard input) into a NUL-terminated malloc'd
 * buffer of at most cap bytes (the caller wipes and frees it: it may hold
 * a secret).  A missing file is
 * AX_NOT_FOUND, anything else not @FILE or - is AX_USAGE naming flag.
 */
enum alter_exit	 read_input(const char *spec, const char *flag, size_t cap, char **out,
		    size_t *len, struct alter_err *err);

/* Map a non-2xx response to its exit code and message (docs/api.md section 2). */
enum alter_exit	 http_failure(struct ctx *, const char *method, const char *path,
		    struct http_response *r);

/*
 * The session (cli.c).  session_open sets up what the row's flags ask for:
 * NEEDS_TOKEN, the token (ALTER_PAT, else the store; docs/cli.md 2.1) and its
 * Authorization header, then for NEEDS_TOKEN or NEEDS_HTTP the base URL,
 * timeouts, proxy and trust.  auth login, whose token comes from a flag,
 * puts it in c->s.token and calls session_set_token then session_http.
 * session_close wipes the token and frees the rest.
 */
enum alter_exit	 session_open(struct ctx *, unsigned flags);
void		 session_set_token(struct ctx *, const char *source);
enum alter_exit	 session_http(struct ctx *);
void		 session_close(struct ctx *);
/* The built-in trust anchors, described for alter version. */
void		 session_roots(char *out, size_t outlen);

#endif
