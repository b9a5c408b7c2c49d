/*
 * util.c: the error record helper declared in alter.h.  Nothing else.
 */
#include <stdarg.h>
#include <stdio.h>

#include "alter.h"

enum alter_exit
alter_fail(struct alter_err *err, enum alter_exit code, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL) {
		err->code = code;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return code;
}
