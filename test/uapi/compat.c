// SPDX-License-Identifier: Apache-2.0
/*
 * The alias encodings of the UAPI header (ETHOSU_IOCTL_ALT_*): each returns what its canonical
 * command returns, writes exactly its own struct size, and exists only on its own fd type.
 */
#include "ethosu_test.h"

#define KWS_IN 490
#define KWS_OUT 12

static void version_alias(int dev)
{
	struct ethosu_uapi_kernel_driver_version a, b;
	int r;

	t_begin("compat: ALT_DRIVER_VERSION_GET (nr 0x00) = DRIVER_VERSION_GET");
	memset(&a, 0xA5, sizeof(a));
	memset(&b, 0x5A, sizeof(b));
	CHECK_SYS(r, ioctl(dev, ETHOSU_IOCTL_DRIVER_VERSION_GET, &a));
	CHECK_SYS(r, ioctl(dev, ETHOSU_IOCTL_ALT_DRIVER_VERSION_GET, &b));
	CHECK_EQ(r, 0);
	CHECK(!memcmp(&a, &b, sizeof(a)), "alias gave %u.%u.%u, canonical %u.%u.%u", b.major,
	      b.minor, b.patch, a.major, a.minor, a.patch);
	CHECK_EQ(b.major, ETHOSU_KERNEL_DRIVER_VERSION_MAJOR);
out:
	t_end();
}

static void capabilities_alias(int dev)
{
	struct ethosu_uapi_device_capabilities a, b;
	int r;

	t_begin("compat: ALT_CAPABILITIES_REQ (nr 0x01) = CAPABILITIES_REQ, all 56 bytes");
	memset(&a, 0xA5, sizeof(a));
	memset(&b, 0x5A, sizeof(b));
	CHECK_SYS(r, ioctl(dev, ETHOSU_IOCTL_CAPABILITIES_REQ, &a));
	CHECK_SYS(r, ioctl(dev, ETHOSU_IOCTL_ALT_CAPABILITIES_REQ, &b));
	CHECK_EQ(r, 0);
	CHECK(!memcmp(&a, &b, sizeof(a)), "capabilities differ");
	CHECK_EQ(b.hw_cfg.type, ETHOSU_UAPI_DEVICE_SUBSYSTEM);
out:
	t_end();
}

static void ping_alias(int dev)
{
	long long before = emu_stat(0, "rx_ping");
	int r, i;

	t_begin("compat: ALT_PING (nr 0x02) returns 0 and sends a PING");
	CHECK(before >= 0, "the emulator's stats have no rx_ping");
	CHECK_SYS(r, ioctl(dev, ETHOSU_IOCTL_ALT_PING));
	CHECK_EQ(r, 0);
	for (i = 0; i < 100 && emu_stat(0, "rx_ping") <= before; i++)
		sleep_ms(10);
	CHECK_EQ(emu_stat(0, "rx_ping") - before, 1);
out:
	t_end();
}

/*
 * The 80-byte status: same status and config, counts as 32-bit values, same cycle count, and
 * not a byte written past 80. The 112-byte one writes exactly 112.
 */
static void status_alias(int dev, int net, int wait)
{
	static const uint32_t ev[8] = { 17, 32, 35, 48, 64, 80, 128, 255 };
	struct ethosu_uapi_result_status a;
	struct ethosu_uapi_result_status_u32 *b;
	uint8_t raw[160];
	long long old = -1;
	unsigned int i;
	struct job j;
	int r;

	job_init(&j);
	t_begin("compat: ALT_INFERENCE_STATUS (80 bytes, 32-bit counts) = INFERENCE_STATUS, %s",
		wait ? "finished with PMU and cycles" : "while RUNNING");
	if (!wait) {
		old = emu_set_latency(0, 300000);
		CHECK(old >= 0, "cannot set latency_us");
	}
	CHECK_SYS(r, job_buffers1(&j, dev, KWS_IN, KWS_OUT, 3));
	CHECK_SYS(r, job_start(&j, net, ev, 1));
	if (wait)
		CHECK_DONE(j.inf, 20000);
	memset(raw, 0xA5, sizeof(raw));
	CHECK_SYS(r, ioctl(j.inf, ETHOSU_IOCTL_ALT_INFERENCE_STATUS, raw));
	CHECK_EQ(r, 0);
	for (i = sizeof(*b); i < sizeof(raw); i++)
		CHECK(raw[i] == 0xA5, "ALT_INFERENCE_STATUS wrote byte %u", i);
	CHECK_SYS(r, inf_status(j.inf, &a));
	b = (struct ethosu_uapi_result_status_u32 *)raw;
	CHECK_STATUS(b->status, wait ? ETHOSU_UAPI_STATUS_OK : ETHOSU_UAPI_STATUS_RUNNING);
	CHECK_EQ(b->status, a.status);
	CHECK(!memcmp(&b->pmu_config, &a.pmu_config, sizeof(a.pmu_config)), "pmu_config differs");
	for (i = 0; i < ETHOSU_PMU_EVENT_MAX; i++)
		CHECK_EQ(b->pmu_count.events[i], a.pmu_count.events[i]);
	CHECK_EQ(b->pmu_count.cycle_count, a.pmu_count.cycle_count);
	if (wait) {
		CHECK_EQ(b->pmu_count.cycle_count, emu_cycles(KWS_IN, KWS_OUT));
		CHECK_EQ(b->pmu_count.events[0], emu_pmu_count(ev[0], 0, KWS_IN, 4));
	}
	/* and the canonical command writes 112 bytes, no more */
	memset(raw, 0xA5, sizeof(raw));
	CHECK_SYS(r, ioctl(j.inf, ETHOSU_IOCTL_INFERENCE_STATUS, raw));
	for (i = sizeof(a); i < sizeof(raw); i++)
		CHECK(raw[i] == 0xA5, "INFERENCE_STATUS wrote byte %u", i);
	CHECK(!memcmp(raw, &a, sizeof(a)) || !wait, "two INFERENCE_STATUS calls differ");
	if (!wait)
		CHECK_DONE(j.inf, 20000);
out:
	if (old >= 0)
		emu_set_latency(0, old);
	job_free(&j);
	t_end();
}

/* Each alias belongs to the same fd type as its canonical command. */
static void alias_fd_types(int dev, int net)
{
	struct ethosu_uapi_result_status_u32 st;
	struct ethosu_uapi_device_capabilities caps;
	struct ethosu_uapi_kernel_driver_version v;
	struct job j;
	int r;

	job_init(&j);
	t_begin("compat: aliases on the wrong fd type -> ENOTTY");
	CHECK_SYS(r, job_buffers1(&j, dev, KWS_IN, KWS_OUT, 4));
	CHECK_SYS(r, job_start(&j, net, NULL, 0));
	CHECK_ERR(ioctl(dev, ETHOSU_IOCTL_ALT_INFERENCE_STATUS, &st), ENOTTY);
	CHECK_ERR(ioctl(net, ETHOSU_IOCTL_ALT_INFERENCE_STATUS, &st), ENOTTY);
	CHECK_ERR(ioctl(j.ifm[0], ETHOSU_IOCTL_ALT_INFERENCE_STATUS, &st), ENOTTY);
	CHECK_ERR(ioctl(net, ETHOSU_IOCTL_ALT_PING), ENOTTY);
	CHECK_ERR(ioctl(j.inf, ETHOSU_IOCTL_ALT_PING), ENOTTY);
	CHECK_ERR(ioctl(j.ifm[0], ETHOSU_IOCTL_ALT_PING), ENOTTY);
	CHECK_ERR(ioctl(net, ETHOSU_IOCTL_ALT_CAPABILITIES_REQ, &caps), ENOTTY);
	CHECK_ERR(ioctl(j.inf, ETHOSU_IOCTL_ALT_CAPABILITIES_REQ, &caps), ENOTTY);
	CHECK_ERR(ioctl(net, ETHOSU_IOCTL_ALT_DRIVER_VERSION_GET, &v), ENOTTY);
	CHECK_ERR(ioctl(j.ifm[0], ETHOSU_IOCTL_ALT_DRIVER_VERSION_GET, &v), ENOTTY);
	CHECK_DONE(j.inf, 20000);
out:
	job_free(&j);
	t_end();
}

static void alias_faults(int dev, int net)
{
	void *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct job j;
	int r;

	job_init(&j);
	t_begin("compat: aliases with unwritable or NULL pointers -> EFAULT");
	CHECK(ro != MAP_FAILED, "mmap: %s", strerror(errno));
	CHECK_ERR(ioctl(dev, ETHOSU_IOCTL_ALT_DRIVER_VERSION_GET, NULL), EFAULT);
	CHECK_ERR(ioctl(dev, ETHOSU_IOCTL_ALT_DRIVER_VERSION_GET, ro), EFAULT);
	CHECK_ERR(ioctl(dev, ETHOSU_IOCTL_ALT_CAPABILITIES_REQ, NULL), EFAULT);
	CHECK_ERR(ioctl(dev, ETHOSU_IOCTL_ALT_CAPABILITIES_REQ, ro), EFAULT);
	CHECK_SYS(r, job_buffers1(&j, dev, KWS_IN, KWS_OUT, 5));
	CHECK_SYS(r, job_start(&j, net, NULL, 0));
	CHECK_DONE(j.inf, 20000);
	CHECK_ERR(ioctl(j.inf, ETHOSU_IOCTL_ALT_INFERENCE_STATUS, NULL), EFAULT);
	CHECK_ERR(ioctl(j.inf, ETHOSU_IOCTL_ALT_INFERENCE_STATUS, ro), EFAULT);
out:
	if (ro != MAP_FAILED)
		munmap(ro, 4096);
	job_free(&j);
	t_end();
}

int main(void)
{
	int dev = t_open_main(0, "compat"), net;

	if (dev < 0)
		return t_exit();
	version_alias(dev);
	capabilities_alias(dev);
	ping_alias(dev);
	net = net_index(dev, 1);
	status_alias(dev, net, 1);
	status_alias(dev, net, 0);
	alias_fd_types(dev, net);
	alias_faults(dev, net);
	close_fd(&net);
	close(dev);
	return t_exit();
}
