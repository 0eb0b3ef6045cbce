/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The emulated subsystems as the tests see them: their /dev nodes (found through sysfs), the
 * emulator's debugfs knobs and stats, the NPU each emulates with its expected capabilities, and
 * its documented output/PMU/cycle formulas (docs/emulator.md), computed here independently.
 */
#ifndef EMU_MODEL_H
#define EMU_MODEL_H

#include <dirent.h>

#include "uapi/ethosu.h"

#include "report.h"

/* ---- emulated subsystems: /dev nodes, debugfs ---- */

#define EMU_DEBUGFS "/sys/kernel/debug/ethosu_emu"

/*
 * The minor of the /dev/ethosuN node that belongs to emulated subsystem `subsys` (probe order is
 * asynchronous, so N need not equal subsys), found through the sysfs parent chain
 * .../ethosu-emu.<subsys>/...; -1 if it is not registered.
 */
static inline int emu_minor(int subsys)
{
	char want[80], name[64], link[PATH_MAX], real[PATH_MAX];
	struct dirent *de;
	int found = -1, any_emu = 0;
	DIR *d = opendir("/sys/class/ethosu");
	FILE *f;

	if (!d)
		return -1;
	snprintf(want, sizeof(want), "/ethosu-emu.%d/", subsys);
	/* The core names the device its node sits under (the chain's: the remoteproc node) */
	snprintf(link, sizeof(link), EMU_DEBUGFS "/%d/device", subsys);
	f = fopen(link, "re");
	if (f) {
		if (fscanf(f, "%63s", name) == 1)
			snprintf(want, sizeof(want), "/%s/", name);
		fclose(f);
	}
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

/*
 * Number of emulated subsystems: the firmware cores with a debugfs directory (the fake
 * transport's `subsystems`, or the cores behind the AMP chain's remotes); at least 1.
 */
static inline int emu_subsystems(void)
{
	DIR *d = opendir(EMU_DEBUGFS);
	struct dirent *e;
	int n = 0;

	if (!d)
		return 1;
	while ((e = readdir(d)))
		if (e->d_name[0] >= '0' && e->d_name[0] <= '9')
			n++;
	closedir(d);
	return n ? n : 1;
}

/*
 * The cases a transport cannot run: with ETHOSU_TRANSPORT=amp (test/amp/uapi-chain) the
 * firmware core sits behind remoteproc and virtio-rpmsg, whose own ring and restart replace the
 * fake transport's. Prints "# skip - <what>: <why>" (run-all counts those) and returns 1 there.
 */
#define CHAIN_CRASH_KNOB                                                                       \
	"the crash knob restarts the fake transport's rpmsg device; over the chain the firmware " \
	"restarts through remoteproc (send_err and the cancel timeout here, test/amp/run-guest)"
#define CHAIN_RELOAD "reloads ethosu_emu.ko, which the AMP test module holds"
#define CHAIN_RING                                                                             \
	"the chain's TX ring is virtio-rpmsg's vring plus the core's inbox, not the fake "        \
	"transport's 64 slots"

/* The programs run over the AMP chain (test/amp/uapi-chain sets ETHOSU_TRANSPORT=amp). */
static inline int on_chain(void)
{
	const char *t = getenv("ETHOSU_TRANSPORT");

	return t && !strcmp(t, "amp");
}

static inline int skip_on_chain(const char *what, const char *why)
{
	if (!on_chain())
		return 0;
	printf("# skip - %s: %s\n", what, why);
	fflush(stdout);
	return 1;
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
static const struct emu_npu_caps {
	const char *name;
	uint32_t id[7]; /* status, minor, major, product, arch patch, minor, major */
	uint32_t macs, csv;
} emu_npu_table[] = {
	{ "u55-32", { 1, 0, 2, 4, 0, 1, 1 }, 5, 0 },
	{ "u55-64", { 1, 0, 2, 4, 0, 1, 1 }, 6, 0 },
	{ "u55-128", { 1, 0, 2, 4, 0, 1, 1 }, 7, 0 },
	{ "u55-256", { 1, 0, 2, 4, 0, 1, 1 }, 8, 0 },
	{ "u65-256", { 1, 0, 0, 6, 6, 0, 1 }, 8, 0 },
	{ "u65-512", { 1, 0, 0, 6, 6, 0, 1 }, 9, 0 },
	{ "u85-128", { 1, 0, 0, 7, 0, 0, 2 }, 7, 1 },
	{ "u85-256", { 1, 0, 0, 7, 0, 0, 2 }, 8, 1 },
	{ "u85-512", { 1, 0, 0, 7, 0, 0, 2 }, 9, 1 },
	{ "u85-1024", { 1, 0, 0, 7, 0, 0, 2 }, 10, 1 },
	{ "u85-2048", { 1, 0, 0, 7, 0, 0, 2 }, 11, 1 },
};

static inline int emu_expected_caps(const char *npu, struct ethosu_uapi_device_capabilities *c)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(emu_npu_table); i++) {
		if (strcmp(npu, emu_npu_table[i].name))
			continue;
		memset(c, 0, sizeof(*c));
		c->hw_id.version_status = emu_npu_table[i].id[0];
		c->hw_id.version_minor = emu_npu_table[i].id[1];
		c->hw_id.version_major = emu_npu_table[i].id[2];
		c->hw_id.product_major = emu_npu_table[i].id[3];
		c->hw_id.arch_patch_rev = emu_npu_table[i].id[4];
		c->hw_id.arch_minor_rev = emu_npu_table[i].id[5];
		c->hw_id.arch_major_rev = emu_npu_table[i].id[6];
		c->hw_cfg.macs_per_cc = emu_npu_table[i].macs;
		c->hw_cfg.cmd_stream_version = emu_npu_table[i].csv;
		c->hw_cfg.custom_dma = 0;
		c->hw_cfg.type = ETHOSU_UAPI_DEVICE_SUBSYSTEM;
		c->driver_major_rev = 0;
		c->driver_minor_rev = 16;
		c->driver_patch_rev = 0;
		return 0;
	}
	return -1;
}

/* log2 of the MACs per cycle of an emulated NPU (0 if unknown). */
static inline unsigned int emu_macs_log2(const char *npu)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(emu_npu_table); i++)
		if (!strcmp(npu, emu_npu_table[i].name))
			return emu_npu_table[i].macs;
	return 0;
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

#endif /* EMU_MODEL_H */
