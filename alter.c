/*
 * alter.c: main and dispatch.  The root command table, global flags,
 * argument parsing, help and completion, and main, which sets up the
 * session a row asks for, runs the row's handler and prints the one error
 * line (docs/cli.md sections 1, 4).  Nothing calls into this file: the handlers
 * are in the command files (builtin.h), what they share in cli.c.
 */
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "builtin.h"
#include "cli.h"
#include "json.h"
#include "text.h"

/* ---- flags ---- */

/* docs/cli.md section 1: global flags, accepted before or after the command. */
static const struct flag global_flags[] = {
	{ "app", 0, F_VALUE, "ID", "app id (else ALTER_APP_ID, else the workspace link)" },
	{ "base-url", 0, F_VALUE, "URL", "API base URL (else ALTER_BASE_URL)" },
	{ "ca-file", 0, F_VALUE, "PATH", "trust only the CA certificates in PATH" },
	{ "dashboard-url", 0, F_VALUE, "URL", "dashboard URL (else ALTER_DASHBOARD_URL)" },
	{ "fields", 0, F_VALUE, "a,b", "keep only these top-level keys, or table columns" },
	{ "help", 'h', F_BOOL, NULL, "show help" },
	{ "output", 'o', F_VALUE, "FORMAT", "table, json, jsonl or value" },
	{ "quiet", 'q', F_BOOL, NULL, "no notices or warnings on stderr" },
	{ "timeout", 0, F_VALUE, "SECONDS", "per-request timeout (else ALTER_TIMEOUT, 60)" },
	{ "version", 0, F_BOOL, NULL, "print the version" },
	{ NULL, 0, 0, NULL, NULL }
};

/* ---- the root command table (rows sorted by name) ---- */

static enum alter_exit cmd_completion(struct ctx *);

static const struct cmd top_cmds[] = {
	{ "agents", portal_agents, NULL, 0, NULL, 0, 0, NULL, "an app's agents and their keys" },
	{ "api", NULL, cmd_api, NEEDS_TOKEN, api_flags, 2, 2, "METHOD PATH",
	  "one authenticated request to any API path",
	  .examples = "alter api GET /v1/apps --query limit=5\n"
	  "alter api POST /v1/apps --input @app.json -o json --fields id" },
	{ "apps", portal_apps, NULL, 0, NULL, 0, 0, NULL, "the organisation's apps",
	  .examples = "alter apps list --all -o jsonl" },
	{ "audit", portal_audit, NULL, 0, NULL, 0, 0, NULL, "audit events and traces" },
	{ "auth", auth_cmds, NULL, 0, NULL, 0, 0, NULL, "sign in with a PAT, status, sign out",
	  .examples = "alter auth login --token-file ~/.alter-pat\nalter auth status" },
	{ "completion", NULL, cmd_completion, NO_DATA, NULL, 1, 1, "bash|zsh|fish",
	  "print the shell completion script (see alter(1))",
	  .examples = "alter completion bash > /etc/bash_completion.d/alter" },
	{ "keys", portal_keys, NULL, 0, NULL, 0, 0, NULL, "an app's runtime API keys",
	  .examples = "alter keys list --fields id,name,status" },
	{ "link", NULL, cmd_link, NO_DATA, link_flags, 0, 1, "[APP_ID]",
	  "link this workspace to an app (.alter/link.json)",
	  .examples = "alter link app_123" },
	{ "managed-secrets", portal_secrets, NULL, 0, NULL, 0, 0, NULL, "an app's managed secrets" },
	{ "pats", pats_cmds, NULL, 0, NULL, 0, 0, NULL, "PATs: whoami", .examples = "alter pats whoami --fields name,expires_at" },
	{ "policy", portal_policy, NULL, 0, NULL, 0, 0, NULL, "an app's policy rules" },
	{ "providers", portal_providers, NULL, 0, NULL, 0, 0, NULL, "an app's OAuth providers" },
	{ "scopes", scopes_cmds, cmd_scopes, 0, NULL, 0, 0, NULL,
	  "the PAT scope table; scopes check LIST",
	  .examples = "alter scopes -o json --fields resource,verbs" },
	{ "unlink", NULL, cmd_unlink, NO_DATA, NULL, 0, 0, NULL, "remove the workspace link" },
	{ "version", NULL, cmd_version, 0, NULL, 0, 0, NULL, "print the version and build",
	  .examples = "alter version -o value --fields version" },
	{ NULL, NULL, NULL, 0, NULL, 0, 0, NULL, NULL }
};

static const struct cmd root = {
	"alter", top_cmds, NULL, 0, NULL, 0, 0, NULL,
	"command-line client for Alter's developer portal"
};

/* ---- help ---- */

/* Flags in two aligned columns: "-o, --output FORMAT" and "    --all". */
static void
print_flags(FILE *f, const struct flag *fl)
{
	char left[64];

	for (; fl != NULL && fl->name != NULL; fl++) {
		snprintf(left, sizeof(left), "%c%c%c --%s%s%s", fl->shortname ? '-' : ' ',
		    fl->shortname ? fl->shortname : ' ', fl->shortname ? ',' : ' ', fl->name,
		    fl->arg ? " " : "", fl->arg ? fl->arg : "");
		fprintf(f, "  %-30s %s%s\n", left, fl->help, fl->required ? " (required)" : "");
	}
}

/* Lines of text ("a\nb"), each indented by two spaces. */
static void
print_lines(FILE *f, const char *head, const char *text)
{
	const char *e;

	if (text == NULL)
		return;
	fprintf(f, "\n%s\n", head);
	for (; *text != '\0'; text = *e ? e + 1 : e) {
		e = strchr(text, '\n');
		if (e == NULL)
			e = text + strlen(text);
		fprintf(f, "  %.*s\n", (int)(e - text), text);
	}
}

/* A row without examples: one made from its path, arguments and required flags. */
static void
example(FILE *f, const struct ctx *c)
{
	const struct flag *fl;

	fprintf(f, "\nexample:\n  %s%s%s", c->a.path, c->a.cmd->args ? " " : "",
	    c->a.cmd->args ? c->a.cmd->args : "");
	for (fl = c->a.cmd->opts; fl != NULL && fl->name != NULL; fl++)
		if (fl->required)
			fprintf(f, " --%s%s%s", fl->name, fl->arg ? " " : "", fl->arg ? fl->arg : "");
	fputc('\n', f);
}

/*
 * docs/cli.md 4: usage, what the command does, its commands or its own
 * flags, examples, and one line pointing to the root's global flags.
 */
static void
help(FILE *f, const struct ctx *c)
{
	static const struct flag help_flag[] = {
		{ "help", 'h', F_BOOL, NULL, "show this help" }, { NULL, 0, 0, NULL, NULL }
	};
	const struct cmd *r = c->a.cmd, *s;

	fprintf(f, "usage: %s%s%s%s [flags]\n\n%s\n", c->a.path, r->sub ? " COMMAND" : "",
	    r->args ? " " : "", r->args ? r->args : "", r->help);
	if (r->about != NULL)
		fprintf(f, "\n%s\n", r->about);
	if (r->sub != NULL) {
		fprintf(f, "\ncommands:\n");
		for (s = r->sub; s->name != NULL; s++)
			fprintf(f, "  %-28s %s\n", s->name, s->help);
	}
	fprintf(f, "\n%s:\n", r == &root ? "global flags" : "flags");
	print_flags(f, r == &root ? global_flags : r->opts);
	if (r != &root) {
		print_flags(f, r->paging);
		print_flags(f, help_flag);
	}
	if (r->examples == NULL && r->fn != NULL && r != &root)
		example(f, c);
	print_lines(f, "examples:", r->examples);
	if (r != &root) {
		fprintf(f, "\nGlobal flags: see `alter --help`\n");
		return;
	}
	fprintf(f, "\nStart with 'alter auth login --token-file PATH' or ALTER_PAT; "
	    "'alter COMMAND --help' says more.\n");
	print_exit_codes(f);
}

/*
 * ---- did you mean: the known name nearest to a typo, from the tables ----
 */

/* The nearest so far to word: within 1 + len/4 edits, the first of equals. */
struct near {
	const char	*word, *best;
	size_t		 len, d;
};

static void
near_try(struct near *n, const char *name)
{
	size_t d = text_distance(n->word, n->len, name, strlen(name));

	/* Equals: the longer name (a typo drops a letter more often). */
	if (d <= 1 + n->len / 4 && (d < n->d || (d == n->d && strlen(name) > strlen(n->best)))) {
		n->d = d;
		n->best = name;
	}
}

/* "; did you mean 'x'?" into hint, or "" when nothing is near. */
static void
near_hint(const struct near *n, const char *prefix, char *hint, size_t cap)
{
	hint[0] = '\0';
	if (n->best != NULL)
		snprintf(hint, cap, "; did you mean '%s%s'?", prefix, n->best);
}

/*
 * ---- completion: the command tables as one shell case table ----
 *
 * The script maps each command path (" policy rules") to its command words
 * and each path plus " -" to its flags (own, list and global ones).  The
 * shell walks the words typed so far, keeping those that extend a known
 * path, and offers the command words of the path reached, or its flags
 * when there are none or the word being completed starts with '-'.
 */

#define COMP_PATH	128
/* bash and zsh: _alter_w PATH sets w; _alter_p WORDS... sets p and w. */
#define COMP_W	"_alter_w() {\ncase $1 in\n"
#define COMP_P	"*) return 1;;\nesac\n}\n_alter_p() {\np=\nfor i; do\n" \
	"[[ $i == -* ]] || ! _alter_w \"$p $i\" || p+=\" $i\"\ndone\n_alter_w \"$p\"\n" \
	"[[ $c == -* || -z $w ]] && _alter_w \"$p -\"\n}\n"

/*
 * Per shell: its name, the script's head, a row's start (given the command
 * path, then "" for its command words or " -" for its flags), a row's end,
 * and the script's tail in two parts.
 */
static const char *const comp_sh[][6] = {
	{ "bash", "# bash completion for alter, generated by 'alter completion bash'\n" COMP_W,
	  "'%s%s') w='", "';;\n", COMP_P, "_alter() {\nlocal c=${COMP_WORDS[COMP_CWORD]} p w i\n"
	  "_alter_p \"${COMP_WORDS[@]:1:COMP_CWORD-1}\"\n"
	  "COMPREPLY=($(compgen -W \"$w\" -- \"$c\"))\n}\ncomplete -F _alter alter\n" },
	{ "fish", "# fish completion for alter, generated by 'alter completion fish'\n"
	  "function __alter_w\nswitch $argv[1]\n", "case '%s%s'\nset -g __alter_w", "\n",
	  "case '*'\nreturn 1\nend\nend\nfunction __alter\nset p ''\n"
	  "for i in (commandline -opc)[2..-1]\n"
	  "if not string match -q -- '-*' $i; and __alter_w \"$p $i\"\nset p \"$p $i\"\nend\nend\n"
	  "__alter_w $p\nif string match -q -- '-*' (commandline -ct); or not set -q __alter_w[1]\n"
	  "__alter_w \"$p -\"\nend\nprintf '%s\\n' $__alter_w\nend\n",
	  "complete -c alter -f -a '(__alter)'\n" },
	{ "zsh", "#compdef alter\n# zsh completion for alter, generated by 'alter completion zsh'\n"
	  COMP_W, "'%s%s') w='", "';;\n", COMP_P, "_alter() {\nlocal c=$PREFIX p w i\n"
	  "_alter_p \"${(@)words[2,CURRENT-1]}\"\ncompadd -- ${=w}\n}\nif [[ $funcstack[1] == "
	  "_alter ]]; then _alter \"$@\"; else compdef _alter alter; fi\n" }
};

/* A row of r's command words and one of its flags, then each subcommand's. */
static void
comp_rows(const char *const *sh, char *path, size_t n, const struct cmd *r)
{
	const struct flag *fl;
	const struct cmd *s;
	int k;

	printf(sh[2], path, "");
	for (s = r->sub; s != NULL && s->name != NULL; s++)
		printf(" %s", s->name);
	fputs(sh[3], stdout);
	printf(sh[2], path, " -");
	for (k = 0; k < 3; k++)
		for (fl = k == 0 ? r->opts : k == 1 ? r->paging : global_flags;
		    fl != NULL && fl->name != NULL; fl++)
			printf(" --%s", fl->name);
	fputs(sh[3], stdout);
	for (s = r->sub; s != NULL && s->name != NULL; s++)
		if ((size_t)snprintf(path + n, COMP_PATH - n, " %s", s->name) < COMP_PATH - n)
			comp_rows(sh, path, strlen(path), s);
	path[n] = '\0';
}

static enum alter_exit
cmd_completion(struct ctx *c)
{
	char path[COMP_PATH] = "";
	size_t i;

	for (i = 0; i < sizeof(comp_sh) / sizeof(comp_sh[0]); i++)
		if (strcmp(c->a.pos[0], comp_sh[i][0]) == 0) {
			fputs(comp_sh[i][1], stdout);
			comp_rows(comp_sh[i], path, 0, &root);
			fputs(comp_sh[i][4], stdout);
			fputs(comp_sh[i][5], stdout);
			return AX_OK;
		}
	return alter_fail(&c->err, AX_USAGE, "shell '%s' must be bash, zsh or fish", c->a.pos[0]);
}

/* ---- argument parsing ---- */

static const struct flag *
lookup_flag(const struct flag *fl, const char *name, size_t len, char shortname)
{
	for (; fl != NULL && fl->name != NULL; fl++)
		if (shortname ? fl->shortname == shortname :
		    strlen(fl->name) == len && strncmp(fl->name, name, len) == 0)
			return fl;
	return NULL;
}

static enum alter_exit
add_val(struct ctx *c, const struct flag *f, const char *v)
{
	if (f->kind != F_MULTI && find_val(c, f->name, 0) != NULL)
		return alter_fail(&c->err, AX_USAGE, "--%s given twice", f->name);
	if (c->a.nvals == VALS_MAX)
		return alter_fail(&c->err, AX_USAGE, "too many flags");
	c->a.vals[c->a.nvals].f = f;
	c->a.vals[c->a.nvals].v = v;
	c->a.nvals++;
	return AX_OK;
}

/* A word that is not a flag: the next command of the path, or an argument. */
static enum alter_exit
parse_word(struct ctx *c, char *a)
{
	const struct cmd *s;
	size_t n;

	/* docs/cli.md 4: `alter help CMD...` is `alter CMD... --help`. */
	if (c->a.cmd == &root && strcmp(a, "help") == 0 && !has(c, "help"))
		return add_val(c, lookup_flag(global_flags, "help", 4, 0), "");
	if (c->a.cmd->sub != NULL && c->a.npos == 0) {
		for (s = c->a.cmd->sub; s->name != NULL && strcmp(s->name, a) != 0; s++)
			;
		if (s->name != NULL) {
			c->a.cmd = s;
			n = strlen(c->a.path);
			snprintf(c->a.path + n, sizeof(c->a.path) - n, " %s", s->name);
			return AX_OK;
		}
		if (c->a.cmd->fn == NULL) {
			struct near nr = { a, NULL, strlen(a), 64 };
			char hint[80];

			for (s = c->a.cmd->sub; s->name != NULL; s++)
				near_try(&nr, s->name);
			near_hint(&nr, "", hint, sizeof(hint));
			return alter_fail(&c->err, AX_USAGE, "unknown command '%s' for '%s'%s (see "
			    "'%s --help')", a, c->a.path, hint, c->a.path);
		}
	}
	if (c->a.npos == POS_MAX)
		return alter_fail(&c->err, AX_USAGE, "too many arguments");
	c->a.pos[c->a.npos++] = a;
	return AX_OK;
}

/* AX_USAGE naming --name (n bytes) and the nearest flag the command takes. */
static enum alter_exit
unknown_flag(struct ctx *c, const char *name, size_t n)
{
	const struct flag *const sets[] = { global_flags, c->a.cmd->opts, c->a.cmd->paging };
	const struct flag *fl;
	struct near nr = { name, NULL, n, 64 };
	char hint[80];
	size_t k;

	for (k = 0; k < 3; k++)
		for (fl = sets[k]; fl != NULL && fl->name != NULL; fl++)
			near_try(&nr, fl->name);
	near_hint(&nr, "--", hint, sizeof(hint));
	return alter_fail(&c->err, AX_USAGE, "unknown flag '--%.*s' for '%s'%s (see '%s --help')",
	    (int)n, name, c->a.path, hint, c->a.path);
}

/* The row of flag a ("--name", "--name=v" or "-x"); *eq at its '=' if any. */
static enum alter_exit
parse_flag(struct ctx *c, char *a, char **eq, const struct flag **f)
{
	size_t n;

	*eq = NULL;
	*f = NULL;
	if (a[1] != '-') {
		if (a[2] != '\0' || (*f = lookup_flag(global_flags, NULL, 0, a[1])) == NULL)
			return alter_fail(&c->err, AX_USAGE, "unknown flag '-%c' for '%s'; "
			    "see '%s --help'", a[1], c->a.path, c->a.path);
		return AX_OK;
	}
	*eq = strchr(a + 2, '=');
	n = *eq ? (size_t)(*eq - a - 2) : strlen(a + 2);
	/* docs/cli.md 2.2: a token in argv is refused, and never echoed. */
	if (n == 5 && strncmp(a + 2, "token", 5) == 0)
		return alter_fail(&c->err, AX_USAGE, "--token is refused: a value in argv is "
		    "visible to every local user; use ALTER_PAT, --token-file PATH or "
		    "--token-stdin (alter auth login)");
	if ((*f = lookup_flag(global_flags, a + 2, n, 0)) == NULL &&
	    (*f = lookup_flag(c->a.cmd->opts, a + 2, n, 0)) == NULL &&
	    (*f = lookup_flag(c->a.cmd->paging, a + 2, n, 0)) == NULL)
		return unknown_flag(c, a + 2, n);
	return AX_OK;
}

static enum alter_exit
parse_args(struct ctx *c, int argc, char **argv)
{
	const struct flag *f;
	enum alter_exit rc;
	char *eq;
	int i, flags_done = 0;

	c->a.cmd = c->a.root = &root;
	snprintf(c->a.path, sizeof(c->a.path), "alter");
	for (i = 1; i < argc; i++) {
		char *a = argv[i];

		if (flags_done || a[0] != '-' || a[1] == '\0') {
			if ((rc = parse_word(c, a)) != AX_OK)
				return rc;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			flags_done = 1;
			continue;
		}
		if ((rc = parse_flag(c, a, &eq, &f)) != AX_OK)
			return rc;
		if (f->kind == F_BOOL) {
			if (eq != NULL)
				return alter_fail(&c->err, AX_USAGE, "--%s takes no value", f->name);
			if (add_val(c, f, "") != AX_OK)
				return AX_USAGE;
			continue;
		}
		if (eq == NULL && i + 1 >= argc)
			return alter_fail(&c->err, AX_USAGE, "--%s needs a value (%s)", f->name,
			    f->arg);
		if (add_val(c, f, eq ? eq + 1 : argv[++i]) != AX_OK)
			return AX_USAGE;
	}
	return AX_OK;
}

/* ---- main ---- */

/* docs/cli.md 4: no flag is ignored; -o and --fields only where data is printed. */
static enum alter_exit
check_output(struct ctx *c)
{
	static const char *const names[] = { "output", "fields" };
	const char *fmt = opt(c, "output");
	size_t i;

	for (i = 0; i < 2; i++)
		if ((c->a.cmd->flags & NO_DATA) && has(c, names[i]))
			return alter_fail(&c->err, AX_USAGE, "--%s does not apply: '%s' prints no "
			    "data", names[i], c->a.path);
	if (fmt != NULL && json_format(fmt) < 0)
		return alter_fail(&c->err, AX_USAGE, "--output '%s' must be " JSON_FORMATS, fmt);
	return AX_OK;
}

static int
finish_stdout(struct ctx *c, int rc)
{
	/* docs/cli.md 1: a closed pipe is exit 0, quietly; other write errors exit 1. */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (errno == EPIPE)
			return rc;
		alter_fail(&c->err, AX_ERROR, "writing the output: %s", strerror(errno));
		return AX_ERROR;
	}
	return rc;
}

int
main(int argc, char **argv)
{
	static struct ctx ctx;
	static const struct rlimit no_core = { 0, 0 };
	struct ctx *c = &ctx;
	enum alter_exit rc;

	/* docs/cli.md 1: no core dump may hold the PAT; before any secret is read. */
	prctl(PR_SET_DUMPABLE, 0);
	/* prlimit64, not setrlimit: musl's setrlimit pulls in its thread sync (3 KiB). */
	syscall(SYS_prlimit64, 0, RLIMIT_CORE, &no_core, NULL);
	signal(SIGPIPE, SIG_IGN);
	rc = parse_args(c, argc, argv);
	c->a.quiet = has(c, "quiet");
	if (rc != AX_OK)
		goto out;
	if (has(c, "version")) {
		rc = cmd_version(c);
		goto out;
	}
	if (has(c, "help")) {
		help(stdout, c);
		goto out;
	}
	if (c->a.cmd->fn == NULL) {
		help(stderr, c);
		rc = AX_USAGE;
		goto out;
	}
	if ((rc = check_output(c)) != AX_OK)
		goto out;
	if (c->a.npos < c->a.cmd->minpos || c->a.npos > c->a.cmd->maxpos) {
		rc = alter_fail(&c->err, AX_USAGE, "'%s' takes %s%s; see '%s --help'", c->a.path,
		    c->a.cmd->args ? "arguments " : "no arguments", c->a.cmd->args ? c->a.cmd->args : "",
		    c->a.path);
		goto out;
	}
	if ((rc = check_env(c)) == AX_OK && (rc = session_open(c, c->a.cmd->flags)) == AX_OK)
		rc = c->a.cmd->fn(c);
out:
	rc = finish_stdout(c, rc);
	if (rc != AX_OK && c->err.msg[0] != '\0')
		message_line("alter: error: ", c->err.msg);
	session_close(c);
	return rc;
}
