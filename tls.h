/*
 * tls.h: TLS 1.2 over a connected socket with BearSSL (tls.c), and the
 * trust anchors it checks against (docs/cli.md section 6; trust.c).  tls.c and
 * trust.c are the only modules that see BearSSL; they never print.
 */
#ifndef ALTER_TLS_H
#define ALTER_TLS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util.h"

/* Where anchors come from, as gathered by the caller (docs/cli.md section 6). */
struct tls_trust_cfg {
	const char	*ca_file;	/* --ca-file or ALTER_CA_FILE, or NULL */
	const char	*ca_file_from;	/* "--ca-file" or "ALTER_CA_FILE" */
	const char	*cert_file;	/* SSL_CERT_FILE, or NULL */
	const char	*cert_dir;	/* SSL_CERT_DIR (colon-separated), or NULL */
};

struct tls_trust;
struct tls_conn;

/*
 * Load the anchors named by cfg, else the host's bundle, else the compiled-in
 * roots.  A named file that is missing is AX_NOT_FOUND; an unreadable or
 * certificate-less one AX_USAGE.  The result is freed with tls_trust_free.
 */
enum alter_exit	 tls_trust_load(const struct tls_trust_cfg *cfg, struct tls_trust **out,
		    struct alter_err *err);
void		 tls_trust_free(struct tls_trust *);

/* One line saying where anchors come from, e.g. "host bundle /etc/...". */
const char	*tls_trust_describe(const struct tls_trust *);

/* Describe the compiled-in roots ("N roots, bundle sha256 ..."). */
void		 tls_builtin_describe(char *out, size_t outlen);

/*
 * Run a TLS 1.2 handshake on fd (owned by the connection from now on, closed
 * by tls_close, also on failure) for host (a name or an IP literal without
 * brackets).  Returns NULL with err filled (AX_ERROR, a certificate or
 * protocol message naming host) on failure.
 */
struct tls_conn	*tls_connect(int fd, const char *host, struct tls_trust *trust,
		    int64_t deadline_ms, struct alter_err *err);

/* Send all of buf.  Returns 0, or -1 with err filled. */
int		 tls_write(struct tls_conn *, const void *buf, size_t len, int64_t deadline_ms,
		    struct alter_err *err);

#define TLS_EOF		0	/* the peer sent close_notify */
#define TLS_ERR		-1	/* err filled */
#define TLS_EOF_RAW	-2	/* TCP closed without close_notify: truncation */

/* Read some bytes: > 0 bytes read, or one of the TLS_* codes above. */
ssize_t		 tls_read(struct tls_conn *, void *buf, size_t len, int64_t deadline_ms,
		    struct alter_err *err);

/* Close and free (NULL is fine).  Does not wait for the peer's close_notify. */
void		 tls_close(struct tls_conn *);

#endif
