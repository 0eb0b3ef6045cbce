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

static inline long long emu_stat(int subsys, const char *name);

/*
 * Waits up to timeout_ms for subsystem `subsys` to have an openable node; its minor or -1. While
 * the emulator says the firmware is offline, a node still there is the old one being removed.
 */
static inline int emu_wait_online(int subsys, unsigned int timeout_ms)
{
	uint64_t end = now_ms() + timeout_ms;

	for (;;) {
		int minor = emu_stat(subsys, "online") ? emu_minor(subsys) : -1;

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

/*
 * Opens the device node of a subsystem, waiting up to 10 s for it (only briefly once a wait for
 * that subsystem has timed out, so a missing device fails a program fast); -1 + ENODEV if absent.
 */
static inline int dev_open(int subsys)
{
	static unsigned char gave_up[8];
	int minor = emu_wait_online(subsys, subsys < 8 && gave_up[subsys] ? 100 : 10000);

	if (subsys < 8)
		gave_up[subsys] = minor < 0;
	if (minor < 0) {
		errno = ENODEV;
		return -1;
	}
	return dev_open_minor(minor);
}

/* dev_open() for a program's shared device fd: a failure is reported as a failed case. */
static inline int t_open_main(int subsys, const char *prog)
{
	int fd = dev_open(subsys);

	if (fd < 0) {
		t_begin("%s: open the device of subsystem %d", prog, subsys);
		t_fail(__LINE__, "%s", strerror(errno));
	}
	return fd;
}

/* The fd is O_RDWR and close-on-exec, as the driver creates buffer/network/inference fds. */
static inline int fd_is_rdwr_cloexec(int fd)
{
	int fl = fcntl(fd, F_GETFL), fdfl = fcntl(fd, F_GETFD);

	return fl >= 0 && fdfl >= 0 && (fl & O_ACCMODE) == O_RDWR && (fdfl & FD_CLOEXEC);
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

/* Waits up to timeout_ms for the emulator to report a subsystem offline (stats: online 0). */
static inline int emu_wait_offline(int subsys, unsigned int timeout_ms)
{
	uint64_t end = now_ms() + timeout_ms;

	while (emu_stat(subsys, "online") != 0) {
		if (now_ms() >= end)
			return -1;
		sleep_ms(5);
	}
	return 0;
}

/* Number of emulated subsystems (the emulator's `subsystems` parameter; 1 if unreadable). */
static inline int emu_subsystems(void)
{
	FILE *f = fopen("/sys/module/ethosu_emu/parameters/subsystems", "re");
	int n = 1;

	if (f) {
		if (fscanf(f, "%d", &n) != 1 || n < 1)
			n = 1;
		fclose(f);
	}
	return n;
}

/* The NPU kind a subsystem emulates: the `npus` parameter, else the emulator's default. */
static inline const char *emu_npu(int subsys)
{
	static const char *const defaults[] = { "u55-128", "u65-256", "u85-256", "u55-256" };
	static char names[4][16];
	char list[256] = "", *tok, *save = NULL;
	FILE *f = fopen("/sys/module/ethosu_emu/parameters/npus", "re");
	int i = 0;

	if (subsys < 0 || subsys > 3)
		return "";
	if (f) {
		if (!fgets(list, sizeof(list), f))
			list[0] = 0;
		fclose(f);
	}
	for (tok = strtok_r(list, ",\n", &save); tok; tok = strtok_r(NULL, ",\n", &save), i++) {
		if (i == subsys && tok[0] == 'u') {
			snprintf(names[subsys], sizeof(names[subsys]), "%s", tok);
			return names[subsys];
		}
	}
	return defaults[subsys];
}

/* Number of PMU event counters of a subsystem's NPU: 8 on U85, 4 on U55/U65. */
static inline int emu_pmu_counters(int subsys)
{
	return !strncmp(emu_npu(subsys), "u85", 3) ? 8 : 4;
}

/*
 * What CAPABILITIES_REQ must report for an emulated NPU (docs/emulator.md: the ID and CONFIG
 * register fields of the real parts, macs_per_cc as log2; firmware core driver 0.16.0).
 */
static inline int emu_expected_caps(const char *npu, struct ethosu_uapi_device_capabilities *c)
{
	static const struct {
		const char *name;
		uint32_t id[7]; /* status, minor, major, product, arch patch, minor, major */
		uint32_t macs, csv;
	} table[] = {
		{ "u55-128", { 1, 0, 2, 4, 0, 1, 1 }, 7, 0 },
		{ "u55-256", { 1, 0, 2, 4, 0, 1, 1 }, 8, 0 },
		{ "u65-256", { 1, 0, 0, 6, 6, 0, 1 }, 8, 0 },
		{ "u85-256", { 1, 0, 0, 7, 0, 0, 2 }, 8, 1 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(table); i++) {
		if (strcmp(npu, table[i].name))
			continue;
		memset(c, 0, sizeof(*c));
		c->hw_id.version_status = table[i].id[0];
		c->hw_id.version_minor = table[i].id[1];
		c->hw_id.version_major = table[i].id[2];
		c->hw_id.product_major = table[i].id[3];
		c->hw_id.arch_patch_rev = table[i].id[4];
		c->hw_id.arch_minor_rev = table[i].id[5];
		c->hw_id.arch_major_rev = table[i].id[6];
		c->hw_cfg.macs_per_cc = table[i].macs;
		c->hw_cfg.cmd_stream_version = table[i].csv;
		c->hw_cfg.custom_dma = 0;
		c->hw_cfg.type = ETHOSU_UAPI_DEVICE_SUBSYSTEM;
		c->driver_major_rev = 0;
		c->driver_minor_rev = 16;
		c->driver_patch_rev = 0;
		return 0;
	}
	return -1;
}

/* Describes the first field where two capability structs differ. */
static inline int caps_diff(const struct ethosu_uapi_device_capabilities *got,
			    const struct ethosu_uapi_device_capabilities *want, char *why,
			    size_t len)
{
	static const char *const names[] = {
		"version_status", "version_minor", "version_major", "product_major",
		"arch_patch_rev", "arch_minor_rev", "arch_major_rev", "macs_per_cc",
		"cmd_stream_version", "custom_dma", "type", "driver_patch_rev",
		"driver_minor_rev", "driver_major_rev",
	};
	const uint32_t *g = (const uint32_t *)got, *w = (const uint32_t *)want;
	unsigned int i;

	for (i = 0; i < sizeof(*got) / 4; i++) {
		if (g[i] != w[i]) {
			snprintf(why, len, "%s is %u, want %u", names[i], g[i], w[i]);
			return 1;
		}
	}
	return 0;
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

/* ---- one inference with its own buffers ---- */

#define OFM_CANARY 0xAA

struct job {
	unsigned int nifm, nofm;
	int ifm[ETHOSU_FD_MAX], ofm[ETHOSU_FD_MAX];
	uint8_t *ifm_map[ETHOSU_FD_MAX], *ofm_map[ETHOSU_FD_MAX];
	uint32_t ifm_len[ETHOSU_FD_MAX], ofm_len[ETHOSU_FD_MAX];
	int inf;
};

static inline void job_init(struct job *j)
{
	unsigned int i;

	memset(j, 0, sizeof(*j));
	for (i = 0; i < ETHOSU_FD_MAX; i++) {
		j->ifm[i] = j->ofm[i] = -1;
		j->ifm_map[i] = j->ofm_map[i] = MAP_FAILED;
	}
	j->inf = -1;
}

/*
 * Creates and maps the buffers: IFM i gets fill_pattern(seed + i), every OFM byte the canary.
 * Returns 0, or -1 with errno set (the job must still be released with job_free).
 */
static inline int job_buffers(struct job *j, int dev, unsigned int nifm, const uint32_t *ifm_len,
			      unsigned int nofm, const uint32_t *ofm_len, unsigned int seed)
{
	unsigned int i;

	j->nifm = nifm;
	j->nofm = nofm;
	for (i = 0; i < nifm; i++) {
		j->ifm_len[i] = ifm_len[i];
		j->ifm[i] = buf_create(dev, ifm_len[i]);
		if (j->ifm[i] < 0)
			return -1;
		j->ifm_map[i] = buf_map(j->ifm[i], ifm_len[i]);
		if (j->ifm_map[i] == MAP_FAILED)
			return -1;
		fill_pattern(j->ifm_map[i], ifm_len[i], seed + i);
	}
	for (i = 0; i < nofm; i++) {
		j->ofm_len[i] = ofm_len[i];
		j->ofm[i] = buf_create(dev, ofm_len[i]);
		if (j->ofm[i] < 0)
			return -1;
		j->ofm_map[i] = buf_map(j->ofm[i], ofm_len[i]);
		if (j->ofm_map[i] == MAP_FAILED)
			return -1;
		memset(j->ofm_map[i], OFM_CANARY, ofm_len[i]);
	}
	return 0;
}

/* Single IFM / single OFM shorthand. */
static inline int job_buffers1(struct job *j, int dev, uint32_t ifm_len, uint32_t ofm_len,
			       unsigned int seed)
{
	return job_buffers(j, dev, 1, &ifm_len, 1, &ofm_len, seed);
}

static inline int job_start(struct job *j, int net, const uint32_t *events, uint32_t cycles)
{
	j->inf = inf_create(net, j->nifm, j->ifm, j->nofm, j->ofm, events, cycles);
	return j->inf;
}

/* Closes the buffer fds but keeps the mappings (the inference holds its own references). */
static inline void job_close_buffers(struct job *j)
{
	unsigned int i;

	for (i = 0; i < ETHOSU_FD_MAX; i++) {
		close_fd(&j->ifm[i]);
		close_fd(&j->ofm[i]);
	}
}

static inline void job_free(struct job *j)
{
	unsigned int i;

	for (i = 0; i < ETHOSU_FD_MAX; i++) {
		if (j->ifm_map[i] != MAP_FAILED)
			munmap(j->ifm_map[i], j->ifm_len[i]);
		if (j->ofm_map[i] != MAP_FAILED)
			munmap(j->ofm_map[i], j->ofm_len[i]);
	}
	job_close_buffers(j);
	close_fd(&j->inf);
	job_init(j);
}

/*
 * Checks the OFMs against the emulator's formula for tensors of isize[] / osize[] bytes (the
 * model's), and that bytes past each tensor kept the canary. Returns T (the input length), or
 * -1 with a reason in why.
 */
static inline long job_check_outputs(const struct job *j, const uint32_t *isize,
				     const uint32_t *osize, char *why, size_t len)
{
	const uint8_t *in[ETHOSU_FD_MAX];
	static uint8_t want[1 << 20];
	unsigned int i, k;
	size_t t = 0, b;

	for (i = 0; i < j->nifm; i++)
		in[i] = j->ifm_map[i];
	for (k = 0; k < j->nofm; k++) {
		if (osize[k] > sizeof(want) || osize[k] > j->ofm_len[k]) {
			snprintf(why, len, "OFM %u: tensor %u bytes, buffer %u", k, osize[k],
				 j->ofm_len[k]);
			return -1;
		}
		t = emu_expected_ofm(in, isize, j->nifm, k, want, osize[k]);
		for (b = 0; b < osize[k]; b++) {
			if (j->ofm_map[k][b] != want[b]) {
				snprintf(why, len, "OFM %u byte %zu is 0x%02x, want 0x%02x", k, b,
					 j->ofm_map[k][b], want[b]);
				return -1;
			}
		}
		for (; b < j->ofm_len[k]; b++) {
			if (j->ofm_map[k][b] != OFM_CANARY) {
				snprintf(why, len, "OFM %u byte %zu past the tensor was written", k, b);
				return -1;
			}
		}
	}
	if (!j->nofm)
		for (i = 0; i < j->nifm; i++)
			t += isize[i];
	return (long)t;
}

/* Every OFM byte still holds the canary (nothing was written). */
static inline int job_outputs_untouched(const struct job *j)
{
	unsigned int k;
	uint32_t b;

	for (k = 0; k < j->nofm; k++)
		for (b = 0; b < j->ofm_len[k]; b++)
			if (j->ofm_map[k][b] != OFM_CANARY)
				return 0;
	return 1;
}

static inline const char *status_name(int s)
{
	static const char *const names[] = { "OK", "ERROR", "RUNNING", "REJECTED", "ABORTED",
					     "ABORTING" };

	return s >= 0 && s < (int)ARRAY_SIZE(names) ? names[s] : "?";
}

#define CHECK_STATUS(got, want)                                                                \
	do {                                                                                   \
		int t_s_ = (got);                                                              \
		CHECK(t_s_ == (want), "status %d (%s), want %s", t_s_, status_name(t_s_),      \
		      status_name(want));                                                      \
	} while (0)

/* Waits for an inference to be done (POLLIN) within timeout_ms; fails the case otherwise. */
#define CHECK_DONE(inf, timeout_ms)                                                            \
	do {                                                                                   \
		int t_w_ = inf_wait((inf), (timeout_ms));                                      \
		CHECK(t_w_ == POLLIN, "poll: %s", t_w_ < 0 ? strerror(errno)                   \
						 : t_w_ ? "revents not POLLIN"                 \
							: "not done in time");                 \
	} while (0)

#endif /* ETHOSU_TEST_H */
