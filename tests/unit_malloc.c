/*
 * tests/unit_malloc.c: malloc.c, the allocator linked in place of musl's:
 * alignment, calloc zeroing reused blocks, realloc copying, freed blocks
 * reused (streaming stays flat), large mapped blocks, overflow refused.
 * Every other test runs on it too: it is in the binary and the units.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

static int
filled(const unsigned char *p, size_t n, unsigned char v)
{
	while (n-- > 0)
		if (*p++ != v)
			return 0;
	return 1;
}

int
main(void)
{
	static const size_t sizes[] = { 0, 1, 15, 16, 17, 100, 4096, 65520, 131056,
	    131057, 300000, 2u << 20 };
	void *p[sizeof(sizes) / sizeof(sizes[0])];
	unsigned char *a, *b;
	size_t i;
	int ok = 1, reused = 0;
	volatile size_t huge = SIZE_MAX;	/* out of the compiler's sight */

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		p[i] = malloc(sizes[i]);
		ok &= p[i] != NULL && ((uintptr_t)p[i] & 15) == 0;
		memset(p[i], 0xa5, sizes[i]);
	}
	CHECK(ok, "every size from 0 to 2 MiB is 16-byte aligned");
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		ok &= filled(p[i], sizes[i], 0xa5);
	CHECK(ok, "blocks do not overlap");
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		free(p[i]);

	a = malloc(200);
	memset(a, 0xff, 200);
	free(a);
	b = calloc(50, 4);
	CHECK(b == a, "a freed block is handed out again");
	CHECK(b != NULL && filled(b, 200, 0), "calloc zeroes a reused block");
	free(b);

	a = malloc(40);
	memcpy(a, "0123456789012345678901234567890123456789", 40);
	a = realloc(a, 5000);
	CHECK(a != NULL && memcmp(a, "0123456789012345678901234567890123456789", 40) == 0,
	    "realloc to a bigger class keeps the bytes");
	a = realloc(a, 400000);
	CHECK(a != NULL && memcmp(a, "0123456789", 10) == 0, "realloc to a mapped block keeps the bytes");
	a = realloc(a, 3000000);
	CHECK(a != NULL && memcmp(a, "0123456789", 10) == 0, "a mapped block grows in place or moves, bytes kept");
	a = realloc(a, 10);
	CHECK(a != NULL && memcmp(a, "0123456789", 10) == 0, "realloc down keeps the bytes");
	free(a);
	free(NULL);

	a = malloc(1000);
	for (i = 0; i < 100000; i++) {
		free(a);
		b = malloc(1000);
		reused += b == a;
		a = b;
	}
	free(a);
	CHECK(reused == 100000, "a stream of equal blocks reuses one block");
	a = calloc(huge / 2, 4);
	CHECK(a == NULL, "calloc refuses an overflowing size");
	free(a);
	a = malloc(huge - 8);
	CHECK(a == NULL, "malloc refuses an impossible size");
	free(a);
	return unit_done();
}
