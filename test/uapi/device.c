// SPDX-License-Identifier: Apache-2.0
/*
 * Device fd ioctls: PING, DRIVER_VERSION_GET, CAPABILITIES_REQ (canonical encodings; the aliases
 * are in compat.c), plus what a device node looks like (one per subsystem, non-seekable, module
 * version).
 */
#include "ethosu_test.h"

static void nodes(void)
{
	int n = emu_subsystems(), i, fd = -1;
	struct stat st;
	char path[32];

	t_begin("device: one /dev/ethosuN char device per subsystem (%d)", n);
	for (i = 0; i < n; i++) {
		int minor = emu_wait_online(i, 10000);

		CHECK(minor >= 0, "subsystem %d has no device node", i);
		snprintf(path, sizeof(path), "/dev/ethosu%d", minor);
		CHECK(!stat(path, &st) && S_ISCHR(st.st_mode), "%s is not a char device", path);
		CHECK_SYS(fd, dev_open_minor(minor));
		close_fd(&fd);
	}
out:
	close_fd(&fd);
	t_end();
}

static void ping(int subsys)
{
	long long before, after;
	int fd = -1, r;

	t_begin("device %d: PING returns 0 and reaches the firmware", subsys);
	CHECK_SYS(fd, dev_open(subsys));
	before = emu_stat(subsys, "rx_ping");
	CHECK_SYS(r, ioctl(fd, ETHOSU_IOCTL_PING));
	CHECK_EQ(r, 0);
	CHECK_SYS(r, ioctl(fd, ETHOSU_IOCTL_PING));
	/* PING is queued, not awaited: give the emulator a moment to count it */
	for (int i = 0; i < 100 && emu_stat(subsys, "rx_ping") < before + 2; i++)
		sleep_ms(10);
	after = emu_stat(subsys, "rx_ping");
	CHECK(before >= 0, "the emulator's stats have no rx_ping");
	CHECK_EQ(after - before, 2);
out:
	close_fd(&fd);
	t_end();
}

static void driver_version(int subsys)
{
	struct ethosu_uapi_kernel_driver_version v;
	int fd = -1, r;

	t_begin("device %d: DRIVER_VERSION_GET is the header's 4.0.0", subsys);
	CHECK_SYS(fd, dev_open(subsys));
	memset(&v, 0xA5, sizeof(v));
	CHECK_SYS(r, ioctl(fd, ETHOSU_IOCTL_DRIVER_VERSION_GET, &v));
	CHECK_EQ(r, 0);
	CHECK_EQ(v.major, ETHOSU_KERNEL_DRIVER_VERSION_MAJOR);
	CHECK_EQ(v.minor, ETHOSU_KERNEL_DRIVER_VERSION_MINOR);
	CHECK_EQ(v.patch, ETHOSU_KERNEL_DRIVER_VERSION_PATCH);
	CHECK_EQ(v.major, 4);
out:
	close_fd(&fd);
	t_end();
}

static void module_version(void)
{
	char want[32], got[32] = "";
	FILE *f = NULL;

	t_begin("device: /sys/module/ethosu/version is MAJOR.MINOR.PATCH of the header");
	snprintf(want, sizeof(want), "%d.%d.%d", ETHOSU_KERNEL_DRIVER_VERSION_MAJOR,
		 ETHOSU_KERNEL_DRIVER_VERSION_MINOR, ETHOSU_KERNEL_DRIVER_VERSION_PATCH);
	f = fopen("/sys/module/ethosu/version", "re");
	CHECK(f, "/sys/module/ethosu/version: %s", strerror(errno));
	CHECK(fscanf(f, "%31s", got) == 1, "empty version file");
	CHECK(!strcmp(got, want), "version \"%s\", want \"%s\"", got, want);
out:
	if (f)
		fclose(f);
	t_end();
}

static void capabilities(int subsys)
{
	struct ethosu_uapi_device_capabilities caps, again, want;
	const char *npu = emu_npu(subsys);
	long long before;
	char why[96];
	int fd = -1, r;

	t_begin("device %d: CAPABILITIES_REQ: the %s's ID/CONFIG fields, subsystem, firmware 0.16.0",
		subsys, npu);
	CHECK(!emu_expected_caps(npu, &want), "unknown NPU kind \"%s\"", npu);
	CHECK_SYS(fd, dev_open(subsys));
	before = emu_stat(subsys, "rx_capabilities_req");
	memset(&caps, 0xA5, sizeof(caps));
	CHECK_SYS(r, ioctl(fd, ETHOSU_IOCTL_CAPABILITIES_REQ, &caps));
	CHECK_EQ(r, 0);
	CHECK(!caps_diff(&caps, &want, why, sizeof(why)), "%s", why);
	/* Cached at probe: asking again gives the same bytes and sends nothing. */
	memset(&again, 0x5A, sizeof(again));
	CHECK_SYS(r, ioctl(fd, ETHOSU_IOCTL_CAPABILITIES_REQ, &again));
	CHECK(!memcmp(&caps, &again, sizeof(again)), "a second CAPABILITIES_REQ differs");
	CHECK(before >= 0, "the emulator's stats have no rx_capabilities_req");
	CHECK_EQ(emu_stat(subsys, "rx_capabilities_req"), before);
out:
	close_fd(&fd);
	t_end();
}

static void not_seekable(int subsys)
{
	int fd = -1;

	t_begin("device %d: the device fd is not seekable (ESPIPE)", subsys);
	CHECK_SYS(fd, dev_open(subsys));
	CHECK_ERR(lseek(fd, 0, SEEK_SET), ESPIPE);
	CHECK_ERR(lseek(fd, 0, SEEK_END), ESPIPE);
out:
	close_fd(&fd);
	t_end();
}

static void many_opens(int subsys)
{
	int fds[8], i, r;

	for (i = 0; i < 8; i++)
		fds[i] = -1;
	t_begin("device %d: eight opens are independent; closing one leaves the others working",
		subsys);
	for (i = 0; i < 8; i++)
		CHECK_SYS(fds[i], dev_open(subsys));
	close_fd(&fds[3]);
	for (i = 0; i < 8; i++) {
		if (i != 3)
			CHECK_SYS(r, ioctl(fds[i], ETHOSU_IOCTL_PING));
	}
out:
	for (i = 0; i < 8; i++)
		close_fd(&fds[i]);
	t_end();
}

int main(void)
{
	int n = emu_subsystems(), i;

	nodes();
	module_version();
	for (i = 0; i < n && i < 4; i++) {
		ping(i);
		driver_version(i);
		capabilities(i);
		not_seekable(i);
		many_opens(i);
	}
	return t_exit();
}
