/*
 * replay.c: a main for a fuzz harness without libFuzzer.  It runs every
 * file of the harness's committed corpus (CORPUS, relative to the top of
 * the tree, where tests/run.sh runs) through LLVMFuzzerTestOneInput once,
 * so that make check (and check-sanitize) keeps every crash ever found
 * fixed.  Prints TAP.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
main(void)
{
	char path[4096];
	struct dirent *de;
	struct stat st;
	unsigned char *buf;
	size_t n, files = 0;
	FILE *f;
	DIR *d;

	if ((d = opendir(CORPUS)) == NULL) {
		printf("not ok 1 - the corpus %s can be opened\n1..1\n", CORPUS);
		return 1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", CORPUS, de->d_name);
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
		    (f = fopen(path, "rb")) == NULL)
			continue;
		/* Exactly the file's size: an over-read is caught by the sanitizers. */
		buf = malloc((size_t)st.st_size ? (size_t)st.st_size : 1);
		n = buf ? fread(buf, 1, (size_t)st.st_size, f) : 0;
		fclose(f);
		if (buf == NULL)
			continue;
		printf("# %s\n", path);
		fflush(stdout);
		LLVMFuzzerTestOneInput(buf, n);
		free(buf);
		files++;
	}
	closedir(d);
	printf("ok 1 - every file of %s runs through its harness (%zu files)\n1..1\n", CORPUS, files);
	return files > 0 ? 0 : 1;
}
