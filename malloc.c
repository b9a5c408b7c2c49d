/*
 * malloc.c: a small allocator in place of musl's mallocng (about 6 KB).
 * alter is one thread, so none of mallocng's locking is needed.
 *
 * Every block starts with a 16-byte header (so that blocks stay 16-byte
 * aligned) holding its class.  Small blocks come in classes of 32 bytes
 * to 16 KiB, header included (class_size), carved from 64 KiB regions of
 * mmap; a freed block goes onto its class's list and is handed out again,
 * so memory stays flat while `audit list --all` streams.  Larger blocks
 * are mapped on their own, grown with mremap (no copy, no second buffer
 * at the peak) and unmapped when freed (the header holds their mapping's
 * length).
 */
#define _GNU_SOURCE	/* mremap */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#define HDR		16
#define SMALL_MAX	((size_t)16 << 10)	/* the largest class */
#define REGION		((size_t)64 << 10)
#define CLASSES		35		/* class_size(34) is SMALL_MAX */

struct block {
	size_t		 size;		/* class size, or mapping length */
	struct block	*next;		/* on a free list */
};

static struct block *free_list[CLASSES];
static char *bump, *bump_end;

static void *
map(size_t n)
{
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		errno = ENOMEM;
		return NULL;
	}
	return p;
}

/*
 * Class c's size, header included: 32, 48, then four steps to each power
 * of two (64, 80, 96, 112, 128, 160, ...), so that no block wastes more
 * than a quarter of itself: a cJSON node (64 bytes and a header) takes 80.
 */
static size_t
class_size(int c)
{
	if (c < 2)
		return (size_t)32 + 16 * (size_t)c;
	return ((size_t)16 << (c - 2) / 4) * (size_t)(4 + (c - 2) % 4);
}

/* The index of the smallest class holding n bytes (header included). */
static int
class_of(size_t n)
{
	int c = 0;

	while (class_size(c) < n)
		c++;
	return c;
}

/* What is left of the region goes to the free lists, biggest class first. */
static void
retire_region(void)
{
	struct block *b;
	int c;

	for (c = CLASSES - 1; c >= 0; c--) {
		while ((size_t)(bump_end - bump) >= class_size(c)) {
			b = (struct block *)(void *)bump;
			b->size = class_size(c);
			b->next = free_list[c];
			free_list[c] = b;
			bump += b->size;
		}
	}
}

void *
malloc(size_t n)
{
	struct block *b;
	size_t len;
	int c;

	if (n > SMALL_MAX - HDR) {
		if (n > SIZE_MAX / 2) {
			errno = ENOMEM;
			return NULL;
		}
		len = (n + HDR + 4095) & ~(size_t)4095;
		if ((b = map(len)) == NULL)
			return NULL;
		b->size = len;
		return (char *)b + HDR;
	}
	c = class_of(n + HDR);
	if ((b = free_list[c]) != NULL) {
		free_list[c] = b->next;
		return (char *)b + HDR;
	}
	len = class_size(c);
	if ((size_t)(bump_end - bump) < len) {
		retire_region();
		if ((bump = map(REGION)) == NULL)
			return NULL;
		bump_end = bump + REGION;
	}
	b = (struct block *)(void *)bump;
	bump += len;
	b->size = len;
	return (char *)b + HDR;
}

void
free(void *p)
{
	struct block *b;
	int c;

	if (p == NULL)
		return;
	b = (struct block *)(void *)((char *)p - HDR);
	if (b->size > SMALL_MAX) {
		munmap(b, b->size);
		return;
	}
	c = class_of(b->size);
	b->next = free_list[c];
	free_list[c] = b;
}

void *
calloc(size_t m, size_t n)
{
	void *p;

	if (n != 0 && m > SIZE_MAX / n) {
		errno = ENOMEM;
		return NULL;
	}
	if ((p = malloc(m * n)) != NULL)
		memset(p, 0, m * n);
	return p;
}

void *
realloc(void *p, size_t n)
{
	struct block *b;
	size_t have, len;
	void *q;

	if (p == NULL)
		return malloc(n);
	b = (struct block *)(void *)((char *)p - HDR);
	have = b->size - HDR;
	if (n <= have && n > have / 4)
		return p;
	if (b->size > SMALL_MAX && n > SMALL_MAX - HDR && n <= SIZE_MAX / 2) {
		len = (n + HDR + 4095) & ~(size_t)4095;
		if ((q = mremap(b, b->size, len, MREMAP_MAYMOVE)) == MAP_FAILED) {
			errno = ENOMEM;
			return NULL;
		}
		((struct block *)q)->size = len;
		return (char *)q + HDR;
	}
	if ((q = malloc(n)) == NULL)
		return NULL;
	memcpy(q, p, n < have ? n : have);
	free(p);
	return q;
}
