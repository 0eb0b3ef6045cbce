/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared helpers of the UAPI conformance programs: case reporting ("ok - name" /
 * "not ok - name: why"), thin ioctl wrappers, the emulator's debugfs knobs and its documented
 * output/PMU formulas (docs/emulator.md), computed here independently of the emulator.
 *
 * A case is a function: t_begin(), CHECK*() jumping to its "out:" label on the first failure,
 * cleanup, t_end(). Every program returns t_exit().
 */
#ifndef ETHOSU_TEST_H
#define ETHOSU_TEST_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "uapi/ethosu.h"

#ifndef ETHOSU_TEST_REPO
#define ETHOSU_TEST_REPO "."
#endif

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- case reporting ---- */

static char t_name[160];
static int t_case_failed;
static int t_failures;

static inline void t_begin(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t_name, sizeof(t_name), fmt, ap);
	va_end(ap);
	t_case_failed = 0;
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

static inline void t_end(void)
{
	if (!t_case_failed)
		printf("ok - %s\n", t_name);
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

/* ---- emulated subsystems: /dev nodes, debugfs ---- */

#define EMU_DEBUGFS "/sys/kernel/debug/ethosu_emu"

/*
 * The minor of the /dev/ethosuN node that belongs to emulated subsystem `subsys` (probe order is
 * asynchronous, so N need not equal subsys), found through the sysfs parent chain
 * .../ethosu-emu.<subsys>/...; -1 if it is not registered.
 */
static inline int emu_minor(int subsys)
{
	char want[32], link[PATH_MAX], real[PATH_MAX];
	struct dirent *de;
	int found = -1, any_emu = 0;
	DIR *d = opendir("/sys/class/ethosu");

	if (!d)
		return -1;
	snprintf(want, sizeof(want), "/ethosu-emu.%d/", subsys);
	while ((de = readdir(d))) {
		int minor;

		if (sscanf(de->d_name, "ethosu%d", &minor) != 1)
			continue;
		snprintf(link, sizeof(link), "/sys/class/ethosu/%s", de->d_name);
		if (!realpath(link, real))
			continue;
		if (strstr(real, "/ethosu-emu."))
			any_emu = 1;
		if (strstr(real, want))
			found = minor;
	}
	closedir(d);
	if (found < 0 && !any_emu) {
		/* A parent chain without the emulator's name: fall back to subsystem = minor. */
		snprintf(link, sizeof(link), "/sys/class/ethosu/ethosu%d", subsys);
		if (!access(link, F_OK))
			found = subsys;
	}
	return found;
}

static inline int dev_open_minor(int minor)
{
	char path[32];

	snprintf(path, sizeof(path), "/dev/ethosu%d", minor);
	return open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
}

/* Waits up to timeout_ms for subsystem `subsys` to have an openable node; its minor or -1. */
static inline int emu_wait_online(int subsys, unsigned int timeout_ms)
{
	uint64_t end = now_ms() + timeout_ms;

	for (;;) {
		int minor = emu_minor(subsys);

		if (minor >= 0) {
			int fd = dev_open_minor(minor);

			if (fd >= 0) {
				close(fd);
				return minor;
			}
		}
		if (now_ms() >= end)
			return -1;
		sleep_ms(10);
	}
}

/* Opens the device node of a subsystem, waiting up to 10 s for it; -1 with errno ENODEV if absent. */
static inline int dev_open(int subsys)
{
	int minor = emu_wait_online(subsys, 10000);

	if (minor < 0) {
		errno = ENODEV;
		return -1;
	}
	return dev_open_minor(minor);
}

static inline int knob_write(int subsys, const char *knob, const char *fmt, ...)
{
	char path[128], val[64];
	va_list ap;
	ssize_t n;
	int fd;

	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	snprintf(path, sizeof(path), EMU_DEBUGFS "/%d/%s", subsys, knob);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -1;
}

/* Reads a numeric knob (latency_us); -1 on failure. */
static inline long long knob_read(int subsys, const char *knob)
{
	char path[128];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), EMU_DEBUGFS "/%d/%s", subsys, knob);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (fscanf(f, "%lld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/* One value of the stats file ("name value" lines); -1 if missing. */
static inline long long emu_stat(int subsys, const char *name)
{
	char path[128], key[64];
	long long v, found = -1;
	FILE *f;

	snprintf(path, sizeof(path), EMU_DEBUGFS "/%d/stats", subsys);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fscanf(f, "%63s %lld", key, &v) == 2) {
		if (!strcmp(key, name)) {
			found = v;
			break;
		}
	}
	fclose(f);
	return found;
}

/*
 * Sets latency_us of a subsystem and returns the previous value (for restoring), or -1.
 */
static inline long long emu_set_latency(int subsys, long long us)
{
	long long old = knob_read(subsys, "latency_us");

	if (old < 0 || knob_write(subsys, "latency_us", "%lld", us))
		return -1;
	return old;
}

/* Number of PMU event counters of a subsystem's NPU: 8 on U85, 4 on U55/U65. */
static inline int emu_pmu_counters(int subsys)
{
	static const char *const defaults[] = { "u55-128", "u65-256", "u85-256", "u55-256" };
	char list[256] = "", *tok, *save = NULL;
	const char *npu = subsys < 4 ? defaults[subsys] : "";
	FILE *f = fopen("/sys/module/ethosu_emu/parameters/npus", "re");
	int i = 0;

	if (f) {
		if (!fgets(list, sizeof(list), f))
			list[0] = 0;
		fclose(f);
	}
	for (tok = strtok_r(list, ",\n", &save); tok; tok = strtok_r(NULL, ",\n", &save), i++) {
		if (i == subsys && tok[0] == 'u')
			npu = tok;
	}
	return !strncmp(npu, "u85", 3) ? 8 : 4;
}

/* ---- ioctl wrappers (return -1 + errno like the syscall) ---- */

static inline int buf_create(int dev, uint32_t size)
{
	struct ethosu_uapi_buffer_create c = { .size = size };

	return ioctl(dev, ETHOSU_IOCTL_BUFFER_CREATE, &c);
}

static inline void *buf_map(int buf, size_t size)
{
	return mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, buf, 0);
}

static inline int net_index(int dev, uint32_t index)
{
	struct ethosu_uapi_network_create c;

	memset(&c, 0, sizeof(c));
	c.type = ETHOSU_UAPI_NETWORK_INDEX;
	c.index = index;
	return ioctl(dev, ETHOSU_IOCTL_NETWORK_CREATE, &c);
}

static inline int net_user(int dev, const void *data, uint32_t size)
{
	struct ethosu_uapi_network_create c;

	memset(&c, 0, sizeof(c));
	c.type = ETHOSU_UAPI_NETWORK_USER_BUFFER;
	c.network.data_ptr = (uintptr_t)data;
	c.network.size = size;
	return ioctl(dev, ETHOSU_IOCTL_NETWORK_CREATE, &c);
}

static inline int net_info(int net, struct ethosu_uapi_network_info *info)
{
	memset(info, 0xA5, sizeof(*info));
	return ioctl(net, ETHOSU_IOCTL_NETWORK_INFO, info);
}

/* events: ETHOSU_PMU_EVENT_MAX ids or NULL for none */
static inline int inf_create(int net, unsigned int nifm, const int *ifm, unsigned int nofm,
			     const int *ofm, const uint32_t *events, uint32_t cycles)
{
	struct ethosu_uapi_inference_create c;
	unsigned int i;

	memset(&c, 0, sizeof(c));
	c.ifm_count = nifm;
	for (i = 0; i < nifm && i < ETHOSU_FD_MAX; i++)
		c.ifm_fd[i] = ifm[i];
	c.ofm_count = nofm;
	for (i = 0; i < nofm && i < ETHOSU_FD_MAX; i++)
		c.ofm_fd[i] = ofm[i];
	for (i = 0; events && i < ETHOSU_PMU_EVENT_MAX; i++)
		c.pmu_config.events[i] = events[i];
	c.pmu_config.cycle_count = cycles;
	return ioctl(net, ETHOSU_IOCTL_INFERENCE_CREATE, &c);
}

static inline int inf_status(int inf, struct ethosu_uapi_result_status *st)
{
	memset(st, 0xA5, sizeof(*st));
	return ioctl(inf, ETHOSU_IOCTL_INFERENCE_STATUS, st);
}

/* The status field alone, or -1 if the ioctl failed. */
static inline int inf_state(int inf)
{
	struct ethosu_uapi_result_status st;

	return inf_status(inf, &st) ? -1 : (int)st.status;
}

/* Polls like the library (POLLIN|POLLERR): revents, 0 on timeout, -1 on error. */
static inline int inf_wait(int inf, int timeout_ms)
{
	struct pollfd p = { .fd = inf, .events = POLLIN | POLLERR };
	int r;

	do
		r = poll(&p, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	return r > 0 ? p.revents : r;
}

static inline int inf_cancel(int inf, int *status)
{
	struct ethosu_uapi_cancel_inference_status c;
	int r;

	memset(&c, 0xA5, sizeof(c));
	r = ioctl(inf, ETHOSU_IOCTL_INFERENCE_CANCEL, &c);
	if (!r && status)
		*status = (int)c.status;
	return r;
}

/* ---- the emulator's output and PMU model (docs/emulator.md) ---- */

/* A deterministic input pattern; seed makes different inferences carry different bytes. */
static inline void fill_pattern(uint8_t *p, size_t n, unsigned int seed)
{
	uint32_t x = seed * 2654435761u + 12345;
	size_t i;

	for (i = 0; i < n; i++) {
		x = x * 1103515245u + 12345;
		p[i] = (uint8_t)(x >> 16);
	}
}

/*
 * Expected bytes of OFM k: in = the first isize[i] bytes of every IFM, concatenated (T bytes);
 * ofm[j] = (in[j mod T] + k + 1) mod 256 for j < osize. Returns T.
 */
static inline size_t emu_expected_ofm(const uint8_t *const *ifm, const uint32_t *isize,
				      unsigned int nifm, unsigned int k, uint8_t *out, size_t osize)
{
	size_t t = 0, j;
	unsigned int i;

	for (i = 0; i < nifm; i++)
		t += isize[i];
	for (j = 0; j < osize; j++) {
		uint8_t v = 0;

		if (t) {
			size_t pos = j % t;

			for (i = 0; pos >= isize[i]; i++)
				pos -= isize[i];
			v = ifm[i][pos];
		}
		out[j] = (uint8_t)(v + k + 1);
	}
	return t;
}

/* Expected count of PMU slot i for event id e (the low 8 bits reach the firmware). */
static inline uint64_t emu_pmu_count(uint32_t e, unsigned int i, uint64_t t, int counters)
{
	e &= 0xff;
	if ((int)i >= counters || !e)
		return 0;
	return 1000ull * e + i + t;
}

static inline uint64_t emu_cycles(uint64_t t, uint64_t sum_osize)
{
	return 100000 + t + sum_osize;
}

#endif /* ETHOSU_TEST_H */
