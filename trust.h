/*
 * trust.h: between tls.c and trust.c only: the anchors of a struct
 * tls_trust that one server chain may use.  Loading and describing the
 * trust (tls_trust_load and the rest) is public in tls.h.  It names
 * BearSSL's types but leaves including bearssl.h to those two files, the
 * only ones that may.
 */
#ifndef ALTER_TRUST_H
#define ALTER_TRUST_H

#include <stddef.h>

#include "tls.h"
#include "x509.h"

/* The anchors picked for one chain, owned by the connection. */
struct trust_pick {
	br_x509_trust_anchor	*tas;
	unsigned char		*mem;		/* decoded bundle anchors point here */
	size_t			 used, cap;
};

/*
 * Pick the anchors of t whose name is one of names[0..nn) (the issuers and
 * subjects of the chain's certificates) into pick: compiled-in roots point
 * into the blob; bundle certificates are decoded only when they match.
 * Returns how many (0: none, or out of memory).
 */
size_t	trust_select(const struct tls_trust *t, const struct x509_span *names, size_t nn,
	    struct trust_pick *pick);

/* Free what trust_select() allocated in pick. */
void	trust_pick_free(struct trust_pick *pick);

#endif
