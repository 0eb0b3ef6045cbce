/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Case reporting of the UAPI conformance programs: "ok - name" / "not ok - name: why". A case is
 * a function: t_begin(), CHECK*() jumping to its "out:" label on the first failure, cleanup,
 * t_end(). Every program returns t_exit(). Plus small time and file helpers.
 */
#ifndef REPORT_H
#define REPORT_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef ETHOSU_TEST_REPO
#define ETHOSU_TEST_REPO "."
#endif

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- case reporting ---- */

static char t_name[160];
static int t_case_failed;
static int t_failures;
static struct timespec t_start;

static inline void t_begin(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t_name, sizeof(t_name), fmt, ap);
	va_end(ap);
	t_case_failed = 0;
	clock_gettime(CLOCK_MONOTONIC, &t_start);
}

/* Records the first failure of the current case; later ones add nothing. */
static inline void __attribute__((format(printf, 2, 3))) t_fail(int line, const char *fmt, ...)
{
	va_list ap;

	if (t_case_failed)
		return;
	t_case_failed = 1;
	t_failures++;
	printf("not ok - %s: line %d: ", t_name, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

/* ETHOSU_TEST_TIMES=1 adds a "# N ms" line after each case, for finding slow ones. */
static inline void t_end(void)
{
	struct timespec now;

	if (!t_case_failed)
		printf("ok - %s\n", t_name);
	if (getenv("ETHOSU_TEST_TIMES")) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		printf("# %ld ms\n", (long)((now.tv_sec - t_start.tv_sec) * 1000 +
					     (now.tv_nsec - t_start.tv_nsec) / 1000000));
	}
	fflush(stdout);
}

static inline int t_exit(void)
{
	return t_failures ? 1 : 0;
}

#define CHECK(cond, ...)                                                                       \
	do {                                                                                   \
		if (!(cond)) {                                                                 \
			t_fail(__LINE__, __VA_ARGS__);                                       \
			goto out;                                                              \
		}                                                                              \
	} while (0)

/* A system call (or wrapper returning -1 + errno) that must succeed; keeps its result. */
#define CHECK_SYS(var, expr)                                                                   \
	do {                                                                                   \
		errno = 0;                                                                     \
		(var) = (expr);                                                                \
		if ((long)(var) < 0) {                                                         \
			t_fail(__LINE__, "%s: %s", #expr, strerror(errno));           \
			goto out;                                                              \
		}                                                                              \
	} while (0)

/* A call that must fail with -1 and exactly errno err. A returned fd is closed. */
#define CHECK_ERR(expr, err)                                                                   \
	do {                                                                                   \
		long t_r_;                                                                     \
		errno = 0;                                                                     \
		t_r_ = (long)(expr);                                                           \
		if (t_r_ != -1 || errno != (err)) {                                            \
			int t_e_ = t_r_ == -1 ? errno : 0;                                     \
			t_fail(__LINE__, "%s: got %ld (%s), want -1 (%s)", #expr,             \
			       t_r_, t_e_ ? strerrorname_np(t_e_) : "no error",                \
			       strerrorname_np(err));                                          \
			goto out;                                                              \
		}                                                                              \
	} while (0)

#define CHECK_EQ(a, b)                                                                         \
	do {                                                                                   \
		unsigned long long t_a_ = (unsigned long long)(a);                             \
		unsigned long long t_b_ = (unsigned long long)(b);                             \
		if (t_a_ != t_b_) {                                                            \
			t_fail(__LINE__, "%s == %llu (0x%llx), want %s == %llu (0x%llx)",      \
			       #a, t_a_, t_a_, #b, t_b_, t_b_);                      \
			goto out;                                                              \
		}                                                                              \
	} while (0)

static inline void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static inline uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static inline void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* ---- files ---- */

/* Reads a whole file into a malloc'ed buffer; NULL with errno set on failure. */
static inline void *read_file(const char *path, size_t *len)
{
	struct stat st;
	char *data = NULL;
	size_t done = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) || !(data = malloc(st.st_size ? st.st_size : 1)))
		goto fail;
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, data + done, st.st_size - done);

		if (n <= 0) {
			errno = n ? errno : EIO;
			goto fail;
		}
		done += n;
	}
	close(fd);
	*len = done;
	return data;
fail:
	free(data);
	close(fd);
	return NULL;
}

/* Path of a network fixture; ETHOSU_REPO overrides the checkout the programs were built in. */
static inline const char *fixture(const char *name)
{
	static char path[PATH_MAX];
	const char *repo = getenv("ETHOSU_REPO");

	snprintf(path, sizeof(path), "%s/test/fixtures/networks/%s", repo ? repo : ETHOSU_TEST_REPO,
		 name);
	return path;
}

#endif /* REPORT_H */
