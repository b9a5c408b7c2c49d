/*
 * tests/unit_json.c: numbers in request bodies survive cJSON's printer,
 * which reads its own "%1.15g" text back through json.c's sscanf (the
 * binary's only sscanf, replacing musl's 4 KB scanf engine).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "unit.h"

static const struct {
	double		 value;
	const char	*text;
} nums[] = {
	{ 42, "{\"n\":42}" },
	{ 0.1, "{\"n\":0.1}" },
	{ -2.5, "{\"n\":-2.5}" },
	{ 1.0 / 3, "{\"n\":0.33333333333333331}" },	/* needs the 17-digit retry */
	{ 1e300, "{\"n\":1e+300}" },
};

int
main(void)
{
	size_t i;
	double d = 0;
	int k = 0;

	for (i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		struct json_body *b = json_body_new();
		char *s;

		CHECK(b != NULL && json_body_set_num(b, "n", nums[i].value) == 0,
		    "set number %zu", i);
		s = b ? json_body_text(b) : NULL;
		CHECK(s != NULL && strcmp(s, nums[i].text) == 0, "%s printed as %s", nums[i].text,
		    s ? s : "(null)");
		free(s);
		json_body_free(b);
	}
	CHECK(sscanf(" 1.5e3", "%lg", &d) == 1 && d == 1500, "sscanf %%lg reads a number");
	CHECK(sscanf("x", "%lg", &d) == 0, "sscanf %%lg refuses a non-number");
	CHECK(sscanf("7", "%d", &k) == EOF, "sscanf refuses any other format");
	return unit_done();
}
