/*
 * tests/helper/bench_run.c: run one command and report its cost, for make bench.
 * A small static program, so that the child's peak RSS is the command's own
 * (Linux carries the pre-exec memory of a forked parent into ru_maxrss).
 *
 * usage: bench_run CMD [ARG...]   (stdout and stderr go to /dev/null)
 * prints: wall_us cpu_us maxrss_kib exit_status
 */
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct timespec t0, t1;
	struct rusage ru;
	int status, fd;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: bench_run CMD [ARG...]\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((pid = fork()) == 0) {
		fd = open("/dev/null", O_WRONLY);
		dup2(fd, 1);
		dup2(fd, 2);
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &status, 0, &ru) < 0)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%ld %ld %ld %d\n",
	    (long)((t1.tv_sec - t0.tv_sec) * 1000000 + (t1.tv_nsec - t0.tv_nsec) / 1000),
	    (long)(ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec +
	    ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec),
	    ru.ru_maxrss, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return 0;
}
