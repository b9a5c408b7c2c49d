/*
 * tests/unit.h: the whole unit-test harness.  Each check prints one TAP
 * line; unit_done() prints the plan and returns the exit status.
 */
#ifndef ALTER_UNIT_H
#define ALTER_UNIT_H

#include <stdio.h>

static int unit_n, unit_failed;

#define CHECK(cond, ...) do {						\
	int unit_ok = (cond) != 0;					\
	unit_n++;							\
	if (unit_ok) {							\
		printf("ok %d - ", unit_n);				\
	} else {							\
		unit_failed++;						\
		printf("not ok %d - ", unit_n);			\
	}								\
	printf(__VA_ARGS__);						\
	printf("\n");							\
	if (!unit_ok)							\
		printf("#   failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
} while (0)

static int
unit_done(void)
{
	printf("1..%d\n", unit_n);
	return unit_failed != 0;
}

#endif
