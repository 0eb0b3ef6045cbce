// SPDX-License-Identifier: Apache-2.0
/*
 * Firmware restarts: the debugfs `crash` and `send_err` knobs, and the recovery the driver asks
 * for itself when a cancel times out. The device node goes and comes back; fds opened before
 * fail cleanly with ENODEV and can be closed; pending inferences end in ERROR (ABORTED if a
 * cancel was in flight); buffers stay mapped; the new device works.
 */
#include <pthread.h>

#include "ethosu_test.h"

#define KWS_IN 490
#define KWS_OUT 12
#define WAIT_MS 20000
#define CANCEL_TIMEOUT_MS 2000
#define ONLINE_MS 10000

static const uint32_t kws_isize[] = { KWS_IN }, kws_osize[] = { KWS_OUT };

/* The node of a subsystem (last seen as `minor`) is gone within timeout_ms. */
static int wait_node_gone(int subsys, int minor, unsigned int timeout_ms)
{
	uint64_t end = now_ms() + timeout_ms;
	char path[32];

	snprintf(path, sizeof(path), "/dev/ethosu%d", minor);
	while (emu_minor(subsys) >= 0 || !access(path, F_OK)) {
		if (now_ms() >= end)
			return -1;
		sleep_ms(5);
	}
	return 0;
}

/*
 * A pending inference ended by a firmware restart: done, with exactly this status. A finished
 * status is local state, so INFERENCE_STATUS still answers on a dead device.
 */
#define CHECK_ENDED(inf, want)                                                                 \
	do {                                                                                   \
		CHECK_DONE(inf, 3000);                                                         \
		CHECK_STATUS(inf_state(inf), want);                                            \
	} while (0)

/* Back online within ONLINE_MS, a fresh fd runs an inference correctly; 0 or -1 + why. */
static int works_again(int subsys, char *why, size_t len)
{
	int dev = -1, net = -1, ret = -1;
	struct job j;

	job_init(&j);
	if (emu_wait_online(subsys, ONLINE_MS) < 0) {
		snprintf(why, len, "subsystem %d did not come back", subsys);
		return -1;
	}
	dev = dev_open(subsys);
	net = dev >= 0 ? net_index(dev, 1) : -1;
	if (net < 0 || job_buffers1(&j, dev, KWS_IN, KWS_OUT, 99) || job_start(&j, net, NULL, 1) < 0)
		snprintf(why, len, "after the restart: setup: %s", strerror(errno));
	else if (inf_wait(j.inf, WAIT_MS) != POLLIN || inf_state(j.inf) != ETHOSU_UAPI_STATUS_OK)
		snprintf(why, len, "after the restart: inference not OK");
	else if (job_check_outputs(&j, kws_isize, kws_osize, why, len) >= 0)
		ret = 0;
	job_free(&j);
	close_fd(&net);
	close_fd(&dev);
	return ret;
}

#define CHECK_WORKS_AGAIN(subsys)                                                              \
	do {                                                                                   \
		char w_[160];                                                                  \
		CHECK(!works_again(subsys, w_, sizeof(w_)), "%s", w_);                         \
	} while (0)

/*
 * The remoteproc `state` file of a subsystem behind the AMP chain: the core's debugfs `device`
 * names its arm,ethosu-rproc platform device, which holds one remoteprocN. 0, or -1 + errno.
 */
static int rproc_state_path(int subsys, char *path, size_t len)
{
	char name[64], dir[160], knob[80];
	struct dirent *de;
	FILE *f;
	DIR *d;
	int found = -1;

	snprintf(knob, sizeof(knob), EMU_DEBUGFS "/%d/device", subsys);
	f = fopen(knob, "re");
	if (!f)
		return -1;
	found = fscanf(f, "%63s", name) == 1 ? 0 : -1;
	fclose(f);
	if (found) {
		errno = EINVAL;
		return -1;
	}
	snprintf(dir, sizeof(dir), "/sys/bus/platform/devices/%s/remoteproc", name);
	d = opendir(dir);
	if (!d)
		return -1;
	found = -1;
	while (found && (de = readdir(d)))
		if (!strncmp(de->d_name, "remoteproc", 10)) {
			snprintf(path, len, "%s/%s/state", dir, de->d_name);
			found = 0;
		}
	closedir(d);
	if (found)
		errno = ENOENT;
	return found;
}

/* Writes "stop" or "start" to subsystem 0's remoteproc state; 0, or -1 + errno. */
static int rproc_state_write(const char *cmd)
{
	char path[PATH_MAX];
	FILE *f;
	int ret;

	if (rproc_state_path(0, path, sizeof(path)))
		return -1;
	f = fopen(path, "we");
	if (!f)
		return -1;
	ret = fputs(cmd, f) < 0 ? -1 : 0;
	return fclose(f) || ret ? -1 : 0;
}

static int crash_knob_down(void)
{
	return knob_write(0, "crash", "800");
}

static int rproc_stop(void)
{
	return rproc_state_write("stop");
}

static int rproc_start(void)
{
	return rproc_state_write("start");
}

/* How a case takes subsystem 0's firmware down, and brings it back (NULL: it comes back alone). */
struct outage {
	const char *name;
	int (*down)(void);
	int (*up)(void);
};

static const struct outage crash_knob = { "the crash knob", crash_knob_down, NULL };
static const struct outage rproc_stop_start = { "remoteproc stop and start through sysfs",
						rproc_stop, rproc_start };

static void outage_with_open_fds(const struct outage *how)
{
	struct ethosu_uapi_device_capabilities before, after;
	struct ethosu_uapi_network_create nc = { .type = ETHOSU_UAPI_NETWORK_INDEX, .index = 1 };
	struct ethosu_uapi_result_status st, done_st;
	struct ethosu_uapi_network_info info;
	uint8_t *map = MAP_FAILED, want[4096];
	long long old = emu_set_latency(0, 2000000);
	int dev = -1, net = -1, buf = -1, minor, r, cs;
	struct job done, pending;

	job_init(&done);
	job_init(&pending);
	t_begin("crash: %s: node goes and comes back; old fds ENODEV and closable; pending -> "
		"ERROR; buffers stay mapped", how->name);
	CHECK(old >= 0, "cannot set latency_us");
	CHECK((minor = emu_wait_online(0, ONLINE_MS)) >= 0, "subsystem 0 offline");
	CHECK_SYS(dev, dev_open_minor(minor));
	CHECK_SYS(r, ioctl(dev, ETHOSU_IOCTL_CAPABILITIES_REQ, &before));
	CHECK_SYS(net, net_index(dev, 1));
	CHECK_SYS(buf, buf_create(dev, 4096));
	map = buf_map(buf, 4096);
	CHECK(map != MAP_FAILED, "mmap: %s", strerror(errno));
	fill_pattern(map, 4096, 5);
	memcpy(want, map, 4096);
	CHECK_SYS(r, job_buffers1(&done, dev, KWS_IN, KWS_OUT, 1));
	emu_set_latency(0, old);
	CHECK_SYS(r, job_start(&done, net, NULL, 0));
	CHECK_DONE(done.inf, WAIT_MS);
	CHECK_SYS(r, inf_status(done.inf, &done_st));
	CHECK_STATUS(done_st.status, ETHOSU_UAPI_STATUS_OK);
	emu_set_latency(0, 2000000);
	CHECK_SYS(r, job_buffers1(&pending, dev, KWS_IN, KWS_OUT, 2));
	CHECK_SYS(r, job_start(&pending, net, NULL, 0));

	CHECK(!how->down(), "%s: %s", how->name, strerror(errno));
	CHECK(!emu_wait_offline(0, 3000), "the emulator did not go offline");
	CHECK(!wait_node_gone(0, minor, 3000), "/dev/ethosu%d still there", minor);
	CHECK_ENDED(pending.inf, ETHOSU_UAPI_STATUS_ERROR);

	CHECK_ERR(ioctl(dev, ETHOSU_IOCTL_PING), ENODEV);
	CHECK_ERR(buf_create(dev, 64), ENODEV);
	CHECK_ERR(ioctl(dev, ETHOSU_IOCTL_NETWORK_CREATE, &nc), ENODEV);
	CHECK_ERR(ioctl(dev, ETHOSU_IOCTL_CAPABILITIES_REQ, &after), ENODEV);
	CHECK_ERR(net_info(net, &info), ENODEV);
	CHECK_ERR(inf_create(net, 1, done.ifm, 1, done.ofm, NULL, 0), ENODEV);
	/* finished before the crash: its status and counters stay what they were */
	CHECK_SYS(r, inf_status(done.inf, &st));
	CHECK_STATUS(st.status, ETHOSU_UAPI_STATUS_OK);
	CHECK(!memcmp(&st, &done_st, sizeof(st)), "a finished inference's result changed");
	/* nothing to cancel, and no device to ask */
	CHECK_ERR(inf_cancel(done.inf, &cs), ENODEV);
	CHECK(!memcmp(map, want, 4096), "a mapped buffer changed across the crash");
	memset(map, 0x77, 4096);
	CHECK(map[4095] == 0x77, "the mapping is not writable any more");

	CHECK_EQ(close(dev), 0);
	dev = -1;
	CHECK_EQ(close(net), 0);
	net = -1;
	CHECK_EQ(close(buf), 0);
	buf = -1;
	CHECK_EQ(close(pending.inf), 0);
	pending.inf = -1;
	CHECK(!how->up || !how->up(), "%s: start: %s", how->name, strerror(errno));

	CHECK((minor = emu_wait_online(0, ONLINE_MS)) >= 0, "subsystem 0 did not come back");
	CHECK_SYS(dev, dev_open_minor(minor));
	CHECK_SYS(r, ioctl(dev, ETHOSU_IOCTL_PING));
	CHECK_SYS(r, ioctl(dev, ETHOSU_IOCTL_CAPABILITIES_REQ, &after));
	CHECK(!memcmp(&before, &after, sizeof(after)), "capabilities changed across the restart");
	emu_set_latency(0, old);
	CHECK_WORKS_AGAIN(0);
out:
	if (old >= 0)
		emu_set_latency(0, old);
	if (map != MAP_FAILED)
		munmap(map, 4096);
	job_free(&done);
	job_free(&pending);
	close_fd(&dev);
	close_fd(&net);
	close_fd(&buf);
	emu_wait_online(0, ONLINE_MS);
	t_end();
}

/* Restarting subsystem 1 leaves subsystem 0's work alone. */
static void crash_other(void)
{
	long long old = emu_set_latency(0, 800000);
	int dev = -1, net = -1, r;
	struct job j;
	char why[128];

	job_init(&j);
	t_begin("crash: subsystem 1 restarts while subsystem 0 finishes its inference");
	CHECK(old >= 0, "cannot set latency_us");
	CHECK(emu_subsystems() >= 2, "needs 2 subsystems");
	CHECK_SYS(dev, dev_open(0));
	CHECK_SYS(net, net_index(dev, 1));
	CHECK_SYS(r, job_buffers1(&j, dev, KWS_IN, KWS_OUT, 3));
	CHECK_SYS(r, job_start(&j, net, NULL, 1));
	CHECK(!knob_write(1, "crash", "300"), "write crash: %s", strerror(errno));
	CHECK(!emu_wait_offline(1, 3000), "subsystem 1 did not go offline");
	CHECK_EQ(emu_stat(0, "online"), 1);
	CHECK_DONE(j.inf, WAIT_MS);
	CHECK_STATUS(inf_state(j.inf), ETHOSU_UAPI_STATUS_OK);
	CHECK(job_check_outputs(&j, kws_isize, kws_osize, why, sizeof(why)) >= 0, "%s", why);
	CHECK_WORKS_AGAIN(1);
out:
	if (old >= 0)
		emu_set_latency(0, old);
	job_free(&j);
	close_fd(&net);
	close_fd(&dev);
	emu_wait_online(1, ONLINE_MS);
	t_end();
}

/* An ERR message from the firmware makes the driver ask for a restart. */
static void send_err(void)
{
	long long old = emu_set_latency(0, 2000000);
	int dev = -1, net = -1, minor, r;
	struct job j;

	job_init(&j);
	t_begin("crash: send_err: the driver restarts the firmware; pending -> ERROR; old fd ENODEV");
	CHECK(old >= 0, "cannot set latency_us");
	CHECK((minor = emu_wait_online(0, ONLINE_MS)) >= 0, "subsystem 0 offline");
	CHECK_SYS(dev, dev_open_minor(minor));
	CHECK_SYS(net, net_index(dev, 1));
	CHECK_SYS(r, job_buffers1(&j, dev, KWS_IN, KWS_OUT, 4));
	CHECK_SYS(r, job_start(&j, net, NULL, 0));
	CHECK(!knob_write(0, "send_err", "1"), "write send_err: %s", strerror(errno));
	CHECK(!emu_wait_offline(0, 3000), "no restart after the ERR message");
	CHECK(!wait_node_gone(0, minor, 3000), "/dev/ethosu%d still there", minor);
	CHECK_ENDED(j.inf, ETHOSU_UAPI_STATUS_ERROR);
	CHECK_ERR(ioctl(dev, ETHOSU_IOCTL_PING), ENODEV);
	CHECK_EQ(close(dev), 0);
	dev = -1;
	emu_set_latency(0, old);
	CHECK_WORKS_AGAIN(0);
out:
	if (old >= 0)
		emu_set_latency(0, old);
	job_free(&j);
	close_fd(&net);
	close_fd(&dev);
	emu_wait_online(0, ONLINE_MS);
	t_end();
}

/* Restarts subsystem 0 so that its next rpmsg device carries this platform_data. */
static int reregister_with(const char *platdata)
{
	if (knob_write(0, "platform_data", "%s", platdata) || knob_write(0, "crash", "100") ||
	    emu_wait_offline(0, 3000))
		return -1;
	return emu_wait_online(0, ONLINE_MS) < 0 ? -1 : 0;
}

/*
 * The recovery hook is only taken from a transport that provides one: platform_data of another
 * kind (here a table that starts with a function, too) is never called, and nothing restarts.
 */
static void foreign_platform_data(void)
{
	long long calls = emu_stat(0, "foreign_hook_calls"), delivered;
	int dev = -1, r;
	uint64_t t0;

	t_begin("crash: an ERR message on a device whose platform_data is not a recovery hook: "
		"the driver calls nothing, the device stays");
	CHECK(calls >= 0, "the emulator's stats have no foreign_hook_calls");
	CHECK(!reregister_with("foreign"), "cannot re-register with foreign platform_data");
	CHECK_SYS(dev, dev_open(0));
	delivered = emu_stat(0, "tx_delivered");
	CHECK(!knob_write(0, "send_err", "1"), "write send_err: %s", strerror(errno));
	t0 = now_ms();
	while (emu_stat(0, "tx_delivered") == delivered && now_ms() - t0 < 2000)
		sleep_ms(5);
	CHECK(emu_stat(0, "tx_delivered") > delivered, "the ERR message was not delivered");
	/* a restart would have started within the emulator's 100 ms recovery delay */
	sleep_ms(500);
	CHECK_EQ(emu_stat(0, "foreign_hook_calls"), calls);
	CHECK_EQ(emu_stat(0, "online"), 1);
	CHECK_SYS(r, ioctl(dev, ETHOSU_IOCTL_PING));
out:
	close_fd(&dev);
	if (reregister_with("recovery"))
		t_fail(__LINE__, "cannot re-register with the recovery hook");
	t_end();
}

/* A cancel nobody answers: -EIO after 2 s, then the driver restarts the firmware. */
static void cancel_timeout(void)
{
	long long old = emu_set_latency(0, 30000000);
	int dev = -1, net = -1, minor, r;
	uint64_t t0, took;
	struct job j;

	job_init(&j);
	t_begin("crash: unanswered cancel -> EIO after 2 s, recovery follows, inference ABORTED");
	CHECK(old >= 0, "cannot set latency_us");
	CHECK((minor = emu_wait_online(0, ONLINE_MS)) >= 0, "subsystem 0 offline");
	CHECK_SYS(dev, dev_open_minor(minor));
	CHECK_SYS(net, net_index(dev, 1));
	CHECK_SYS(r, job_buffers1(&j, dev, KWS_IN, KWS_OUT, 5));
	CHECK_SYS(r, job_start(&j, net, NULL, 0));
	/* the inference is being processed (30 s): the next response is the CANCEL_RSP */
	CHECK(!knob_write(0, "drop", "1"), "write drop: %s", strerror(errno));
	t0 = now_ms();
	CHECK_ERR(inf_cancel(j.inf, NULL), EIO);
	took = now_ms() - t0;
	CHECK(took >= CANCEL_TIMEOUT_MS - 100 && took <= CANCEL_TIMEOUT_MS + 2500,
	      "cancel failed after %llu ms, want about %d", (unsigned long long)took,
	      CANCEL_TIMEOUT_MS);
	CHECK(!emu_wait_offline(0, 3000), "no recovery after the cancel timeout");
	CHECK(!wait_node_gone(0, minor, 3000), "/dev/ethosu%d still there", minor);
	CHECK_ENDED(j.inf, ETHOSU_UAPI_STATUS_ABORTED);
	CHECK_ERR(ioctl(dev, ETHOSU_IOCTL_PING), ENODEV);
	emu_set_latency(0, old);
	CHECK_WORKS_AGAIN(0);
out:
	knob_write(0, "drop", "0");
	if (old >= 0)
		emu_set_latency(0, old);
	job_free(&j);
	close_fd(&net);
	close_fd(&dev);
	emu_wait_online(0, ONLINE_MS);
	t_end();
}

/* An inference whose response was lost is ended by the next restart. */
static void lost_then_crash(void)
{
	int dev = -1, net = -1, r;
	struct job j;

	job_init(&j);
	t_begin("crash: an inference whose response was dropped ends ERROR at the restart");
	CHECK_SYS(dev, dev_open(0));
	CHECK_SYS(net, net_index(dev, 1));
	CHECK_SYS(r, job_buffers1(&j, dev, KWS_IN, KWS_OUT, 6));
	CHECK(!knob_write(0, "drop", "1"), "write drop: %s", strerror(errno));
	CHECK_SYS(r, job_start(&j, net, NULL, 0));
	CHECK_EQ(inf_wait(j.inf, 300), 0);
	CHECK_STATUS(inf_state(j.inf), ETHOSU_UAPI_STATUS_RUNNING);
	CHECK(!knob_write(0, "crash", "200"), "write crash: %s", strerror(errno));
	CHECK(!emu_wait_offline(0, 3000), "the emulator did not go offline");
	CHECK_ENDED(j.inf, ETHOSU_UAPI_STATUS_ERROR);
	CHECK_WORKS_AGAIN(0);
out:
	knob_write(0, "drop", "0");
	job_free(&j);
	close_fd(&net);
	close_fd(&dev);
	emu_wait_online(0, ONLINE_MS);
	t_end();
}

struct info_call {
	int net, ret, err;
	uint64_t took;
};

static void *info_thread(void *arg)
{
	struct info_call *c = arg;
	struct ethosu_uapi_network_info info;
	uint64_t t0 = now_ms();

	errno = 0;
	c->ret = net_info(c->net, &info);
	c->err = errno;
	c->took = now_ms() - t0;
	return NULL;
}

/* A NETWORK_INFO waiting on a stalled firmware is failed by the restart, not left to time out. */
static void waiter_failed_by_crash(void)
{
	struct info_call call = { .net = -1 };
	int dev = -1, joined = 1;
	long long sent;
	uint64_t t0;
	pthread_t tid;

	t_begin("crash: a NETWORK_INFO waiting on stalled firmware fails at the restart with "
		"EFAULT, before its 3 s timeout");
	CHECK_SYS(dev, dev_open(0));
	CHECK_SYS(call.net, net_index(dev, 1));
	CHECK((sent = emu_stat(0, "rx_network_info_req")) >= 0, "no rx_network_info_req stat");
	CHECK(!knob_write(0, "stall", "1"), "write stall: %s", strerror(errno));
	CHECK(!pthread_create(&tid, NULL, info_thread, &call), "pthread_create");
	joined = 0;
	/* the request is in the firmware's ring before the crash, so the call is waiting */
	t0 = now_ms();
	while (emu_stat(0, "rx_network_info_req") == sent && now_ms() - t0 < 2000)
		sleep_ms(5);
	CHECK(emu_stat(0, "rx_network_info_req") == sent + 1, "NETWORK_INFO_REQ never sent");
	CHECK(!knob_write(0, "crash", "600"), "write crash: %s", strerror(errno));
	CHECK(!emu_wait_offline(0, 3000), "the emulator did not go offline");
	/* the restarted firmware must answer the driver's probe */
	CHECK(!knob_write(0, "stall", "0"), "write stall: %s", strerror(errno));
	pthread_join(tid, NULL);
	joined = 1;
	CHECK(call.ret == -1 && call.err == EFAULT, "NETWORK_INFO returned %d (%s), want EFAULT", call.ret,
	      call.ret ? strerrorname_np(call.err) : "no error");
	CHECK(call.took < 2500, "NETWORK_INFO returned after %llu ms",
	      (unsigned long long)call.took);
	CHECK_WORKS_AGAIN(0);
out:
	knob_write(0, "stall", "0");
	if (!joined)
		pthread_join(tid, NULL);
	close_fd(&call.net);
	close_fd(&dev);
	emu_wait_online(0, ONLINE_MS);
	t_end();
}

/* Quick restarts in a row, with traffic in between. */
static void repeated(void)
{
	int round;

	t_begin("crash: five restarts in a row (100 ms each), an inference after each");
	for (round = 0; round < 5; round++) {
		CHECK(!knob_write(0, "crash", "100"), "write crash: %s", strerror(errno));
		CHECK(!emu_wait_offline(0, 3000), "round %d: no offline", round);
		CHECK_WORKS_AGAIN(0);
	}
out:
	emu_wait_online(0, ONLINE_MS);
	t_end();
}

int main(void)
{
	if (!skip_on_chain("crash: node goes and comes back with open fds", CHAIN_CRASH_KNOB))
		outage_with_open_fds(&crash_knob);
	/* Over the chain only: the fake transport has no remoteproc to stop */
	if (on_chain())
		outage_with_open_fds(&rproc_stop_start);
	if (!skip_on_chain("crash: subsystem 1 restarts while subsystem 0 works", CHAIN_CRASH_KNOB))
		crash_other();
	send_err();
	if (!skip_on_chain("crash: foreign platform_data", CHAIN_CRASH_KNOB))
		foreign_platform_data();
	cancel_timeout();
	if (!skip_on_chain("crash: a dropped response ends ERROR at the restart", CHAIN_CRASH_KNOB))
		lost_then_crash();
	if (!skip_on_chain("crash: a NETWORK_INFO waiter fails at the restart", CHAIN_CRASH_KNOB))
		waiter_failed_by_crash();
	if (!skip_on_chain("crash: five restarts in a row", CHAIN_CRASH_KNOB))
		repeated();
	return t_exit();
}
