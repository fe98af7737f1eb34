/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * count_writes: how many times a command replaced or rewrote one file.
 *
 *   count_writes OUTFILE DIR NAME CMD [ARGS...]
 *
 * Watches DIR with inotify, runs CMD, and writes to OUTFILE the number of
 * events that put new content under DIR/NAME: a rename onto it (the node
 * DB's temp-file-and-rename write) or a close after writing it in place.
 * Exits with CMD's status.  Tests use it to prove that several -n/-v pairs
 * are one record write, not one write per pair.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/wait.h>
#include <unistd.h>

static int run(char **argv)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		execvp(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* Reads every queued event (the fd is non-blocking) and counts ours. */
static long count_events(int fd, const char *name)
{
	char buf[64 * 1024] __attribute__((aligned(__alignof__(struct inotify_event))));
	long n = 0;
	ssize_t len;

	while ((len = read(fd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + len;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;

			if (ev->len && strcmp(ev->name, name) == 0 &&
			    (ev->mask & (IN_MOVED_TO | IN_CLOSE_WRITE)))
				n++;
			p += sizeof(*ev) + ev->len;
		}
	}
	return n;
}

int main(int argc, char **argv)
{
	FILE *out;
	int fd, rc;

	if (argc < 5) {
		fprintf(stderr, "usage: count_writes OUTFILE DIR NAME CMD [ARGS...]\n");
		return 2;
	}
	fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (fd < 0 || inotify_add_watch(fd, argv[2], IN_MOVED_TO | IN_CLOSE_WRITE) < 0) {
		perror("count_writes: inotify");
		return 2;
	}
	rc = run(argv + 4);
	if (rc < 0) {
		perror("count_writes: run");
		return 2;
	}
	out = fopen(argv[1], "w");
	if (!out || fprintf(out, "%ld\n", count_events(fd, argv[3])) < 0 || fclose(out) != 0) {
		perror("count_writes: output");
		return 2;
	}
	return rc;
}
