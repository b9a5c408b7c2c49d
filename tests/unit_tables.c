/*
 * tests/unit_tables.c: invariants of the endpoint table (docs/api.md section 3):
 * every row is filled, every path starts with /v1/ and has balanced
 * placeholders, and every scope is a concrete scope of the docs/cli.md table.
 */
#include <string.h>

#include "endpoints.h"
#include "scopes.h"
#include "unit.h"

int
main(void)
{
	size_t i;
	int filled = 1, paths = 1, scopes = 1, methods = 1;

	for (i = 0; i < EP_COUNT; i++) {
		const struct endpoint *e = &endpoints[i];
		const char *p;
		int depth = 0;

		if (e->method == NULL || e->path == NULL) {
			filled = 0;
			continue;
		}
		if (strncmp(e->path, "/v1/", 4) != 0)
			paths = 0;
		for (p = e->path; *p; p++) {
			depth += *p == '{';
			depth -= *p == '}';
			if (depth < 0 || depth > 1)
				paths = 0;
		}
		if (depth != 0)
			paths = 0;
		if (strcmp(e->method, "GET") && strcmp(e->method, "POST") &&
		    strcmp(e->method, "PATCH") && strcmp(e->method, "DELETE"))
			methods = 0;
		if (e->scope != NULL && !scopes_is_concrete(e->scope, strlen(e->scope)))
			scopes = 0;
	}
	CHECK(filled, "every endpoint row has a method and a path");
	CHECK(paths, "every path starts with /v1/ and has balanced {placeholders}");
	CHECK(methods, "every method is one the API uses");
	CHECK(scopes, "every endpoint scope is a concrete scope of the scope table");
	CHECK(endpoints[EP_CATALOG].scope == NULL, "the provider catalog needs no token");
	return unit_done();
}
