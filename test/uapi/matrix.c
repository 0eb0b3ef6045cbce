// SPDX-License-Identifier: Apache-2.0
/*
 * The rows of the fault matrix (docs/reliability.md) that no other program covers: faults that
 * hit the driver's probe (VERSION_REQ, the first request after a restart), corrupt NETWORK_INFO
 * responses of each kind, a REJECTED armed while NETWORK_INFO runs, a crash during a probe, a
 * remote that refuses to cancel the inference it is running, and unloading the emulator while it
 * is stalled. Each case restores the subsystem.
 */

#include "ethosu_test.h"
#include "modules.h"

#define KWS_IN 490
#define KWS_OUT 12
#define WAIT_MS 20000
#define ONLINE_MS 10000
#define PROBE_TIMEOUT_MS 2000 /* the driver's VERSION_REQ timeout */

static const uint32_t kws_isize[] = { KWS_IN }, kws_osize[] = { KWS_OUT };

/* The firmware of subsystem 0 restarts with knob=val armed; 0 once it is registered again. */
static int restart_armed(const char *knob, const char *val)
{
	uint64_t end;

	if (knob_write(0, knob, "%s", val) || knob_write(0, "crash", "50") ||
	    emu_wait_offline(0, 3000))
		return -1;
	for (end = now_ms() + 3000; emu_stat(0, "online") != 1; sleep_ms(5))
		if (now_ms() >= end)
			return -1;
	return 0;
}

/* A restart without faults brings the node back and it runs an inference correctly. */
static int works_after_restart(char *why, size_t len)
{
	int dev = -1, net = -1, ret = -1;
	struct job j;

	job_init(&j);
	if (knob_write(0, "crash", "100") || emu_wait_offline(0, 3000) ||
	    emu_wait_online(0, ONLINE_MS) < 0) {
		snprintf(why, len, "no node after a clean restart");
		return -1;
	}
	dev = dev_open(0);
	net = dev >= 0 ? net_index(dev, 1) : -1;
	if (net < 0 || job_buffers1(&j, dev, KWS_IN, KWS_OUT, 21) || job_start(&j, net, NULL, 0) < 0)
		snprintf(why, len, "after the restart: %s", strerror(errno));
	else if (inf_wait(j.inf, WAIT_MS) != POLLIN || inf_state(j.inf) != ETHOSU_UAPI_STATUS_OK)
		snprintf(why, len, "after the restart: the inference is not OK");
	else if (job_check_outputs(&j, kws_isize, kws_osize, why, len) >= 0)
		ret = 0;
	job_free(&j);
	close_fd(&net);
	close_fd(&dev);
	return ret;
}

#define CHECK_RECOVERS()                                                                       \
	do {                                                                                   \
		char w_[160];                                                                  \
		CHECK(!works_after_restart(w_, sizeof(w_)), "%s", w_);                         \
	} while (0)

/*
 * A fault on the VERSION_RSP of a probe: the probe fails after its 2 s timeout, no node appears,
 * CAPABILITIES_REQ is never sent, and nothing retries until the firmware restarts again.
 */
static void probe_fault(const char *knob, const char *val, const char *disarm)
{
	long long version, caps;

	t_begin("matrix: probe, %s %s on VERSION_RSP: no node after the 2 s timeout, no "
		"CAPABILITIES_REQ, back after a clean restart", knob, val);
	version = emu_stat(0, "rx_version_req");
	caps = emu_stat(0, "rx_capabilities_req");
	CHECK(!restart_armed(knob, val), "restart with %s %s", knob, val);
	sleep_ms(PROBE_TIMEOUT_MS + 1000);
	CHECK(emu_minor(0) < 0, "a node appeared (/dev/ethosu%d)", emu_minor(0));
	CHECK_EQ(emu_stat(0, "online"), 1);
	CHECK_EQ(emu_stat(0, "rx_version_req"), version + 1);
	CHECK_EQ(emu_stat(0, "rx_capabilities_req"), caps);
	CHECK(!knob_write(0, knob, "%s", disarm), "disarm %s", knob);
	/* a late answer (a resumed stall) binds nothing either */
	sleep_ms(200);
	CHECK(emu_minor(0) < 0, "a node appeared after %s %s", knob, disarm);
	CHECK_RECOVERS();
out:
	knob_write(0, knob, "%s", disarm);
	emu_wait_online(0, ONLINE_MS);
	t_end();
}

/* A crash while a probe waits for its VERSION_RSP: the next registration probes cleanly. */
static void crash_during_probe(void)
{
	uint64_t t0;

	t_begin("matrix: probe, crash while the probe waits: the removal waits for the probe's "
		"timeout, the next start probes and works");
	CHECK(!restart_armed("stall", "1"), "restart stalled");
	sleep_ms(300);
	t0 = now_ms();
	CHECK(!knob_write(0, "crash", "200"), "write crash: %s", strerror(errno));
	CHECK(!emu_wait_offline(0, 5000), "the emulator did not go offline");
	CHECK(now_ms() - t0 < 4000, "the crash took %llu ms", (unsigned long long)(now_ms() - t0));
	CHECK(!knob_write(0, "stall", "0"), "write stall");
	CHECK(emu_wait_online(0, ONLINE_MS) >= 0, "no node after the restart");
	CHECK_RECOVERS();
out:
	knob_write(0, "stall", "0");
	emu_wait_online(0, ONLINE_MS);
	t_end();
}

/* Every kind of corrupt NETWORK_INFO_RSP is ignored: the call times out (ETIME), then works. */
static void info_corrupt(int net, const char *how)
{
	struct ethosu_uapi_network_info info;
	uint64_t t0;
	int r;

	t_begin("matrix: network info, corrupt %s response: ignored, ETIME after 3 s, then works",
		how);
	CHECK(!knob_write(0, "corrupt", "%s", how), "write corrupt: %s", strerror(errno));
	t0 = now_ms();
	CHECK_ERR(net_info(net, &info), ETIME);
	CHECK(now_ms() - t0 >= 2900, "ETIME after %llu ms", (unsigned long long)(now_ms() - t0));
	CHECK_SYS(r, net_info(net, &info));
	CHECK_EQ(info.ifm_count, 1);
	CHECK_EQ(info.ifm_size[0], KWS_IN);
out:
	knob_write(0, "corrupt", "none");
	t_end();
}

/* reject only applies to inferences: a NETWORK_INFO in between leaves it armed. */
static void info_reject(int dev, int net)
{
	struct ethosu_uapi_network_info info;
	struct job j;
	int r;

	job_init(&j);
	t_begin("matrix: network info with reject 1 armed: OK, the reject waits for the next "
		"inference (REJECTED)");
	CHECK(!knob_write(0, "reject", "1"), "write reject: %s", strerror(errno));
	CHECK_SYS(r, net_info(net, &info));
	CHECK_EQ(knob_read(0, "reject"), 1);
	CHECK_SYS(r, job_buffers1(&j, dev, KWS_IN, KWS_OUT, 22));
	CHECK_SYS(r, job_start(&j, net, NULL, 0));
	CHECK_DONE(j.inf, WAIT_MS);
	CHECK_STATUS(inf_state(j.inf), ETHOSU_UAPI_STATUS_REJECTED);
	CHECK_EQ(knob_read(0, "reject"), 0);
out:
	knob_write(0, "reject", "0");
	job_free(&j);
	t_end();
}

/*
 * A remote that refuses to cancel the inference it is running (refuse_cancel 1): the cancel
 * returns 0 with status ERROR, the knob is used up, the inference stays RUNNING and not pollable,
 * its outputs untouched, then it ends OK with the right outputs. (cancel.c refuses a queued one.)
 */
static void cancel_refused_running(int dev, int net)
{
	long long latency = -1, cancels;
	struct job j;
	int r, cs = -1;
	char why[160];

	job_init(&j);
	t_begin("matrix: cancel refused by the remote while the inference runs: ERROR, stays "
		"RUNNING, then ends OK with the right outputs");
	cancels = emu_stat(0, "rx_cancel_inference_req");
	CHECK(cancels >= 0, "the emulator's stats have no rx_cancel_inference_req");
	CHECK((latency = emu_set_latency(0, 500 * 1000)) >= 0, "set latency_us: %s", strerror(errno));
	CHECK_SYS(r, job_buffers1(&j, dev, KWS_IN, KWS_OUT, 24));
	CHECK_SYS(r, job_start(&j, net, NULL, 0));
	CHECK_STATUS(inf_state(j.inf), ETHOSU_UAPI_STATUS_RUNNING);
	CHECK(!knob_write(0, "refuse_cancel", "1"), "write refuse_cancel: %s", strerror(errno));
	CHECK_SYS(r, inf_cancel(j.inf, &cs));
	CHECK_STATUS(cs, ETHOSU_UAPI_STATUS_ERROR);
	CHECK_EQ(emu_stat(0, "rx_cancel_inference_req") - cancels, 1);
	CHECK_EQ(knob_read(0, "refuse_cancel"), 0);
	CHECK_STATUS(inf_state(j.inf), ETHOSU_UAPI_STATUS_RUNNING);
	CHECK_EQ(inf_wait(j.inf, 0), 0);
	CHECK(job_outputs_untouched(&j), "OFM written before the inference ended");
	CHECK_DONE(j.inf, WAIT_MS);
	CHECK_STATUS(inf_state(j.inf), ETHOSU_UAPI_STATUS_OK);
	CHECK(job_check_outputs(&j, kws_isize, kws_osize, why, sizeof(why)) >= 0, "%s", why);
out:
	knob_write(0, "refuse_cancel", "0");
	if (latency >= 0)
		emu_set_latency(0, latency);
	job_free(&j);
	t_end();
}

static int emu_reload(void)
{
	const char *args = getenv("ETHOSU_EMU_ARGS");
	int i;

	for (i = 0; i < 100; i++) {
		if (!module_unload("ethosu_emu"))
			break;
		if (errno != EAGAIN && errno != EBUSY)
			return -1;
		sleep_ms(50);
	}
	return module_load("emulator/ethosu_emu.ko", args ? args : "subsystems=2");
}

/* Unloading a stalled firmware with a request waiting: everything ends, nothing hangs. */
static void unload_stalled(void)
{
	int dev = -1, net = -1, r, s, n;
	uint64_t t0;
	struct job j;

	job_init(&j);
	t_begin("matrix: module unload while stalled with an inference queued: ERROR, ENODEV, "
		"unload within 5 s, reload works");
	CHECK(getenv("ETHOSU_MODULE_DIR"), "ETHOSU_MODULE_DIR is not set");
	CHECK_SYS(dev, dev_open(0));
	CHECK_SYS(net, net_index(dev, 1));
	CHECK_SYS(r, job_buffers1(&j, dev, KWS_IN, KWS_OUT, 23));
	CHECK(!knob_write(0, "stall", "1"), "write stall");
	CHECK_SYS(r, job_start(&j, net, NULL, 0));
	t0 = now_ms();
	CHECK(!emu_reload(), "reload the emulator: %s", strerror(errno));
	CHECK(now_ms() - t0 < 5000, "the reload took %llu ms", (unsigned long long)(now_ms() - t0));
	CHECK_DONE(j.inf, 1000);
	CHECK_STATUS(inf_state(j.inf), ETHOSU_UAPI_STATUS_ERROR);
	CHECK_ERR(ioctl(dev, ETHOSU_IOCTL_PING), ENODEV);
	n = emu_subsystems();
	for (s = 0; s < n; s++)
		CHECK(emu_wait_online(s, ONLINE_MS) >= 0, "subsystem %d did not come back", s);
	CHECK_EQ(knob_read(0, "stall"), 0);
out:
	job_free(&j);
	close_fd(&net);
	close_fd(&dev);
	t_end();
}

int main(void)
{
	int dev, net;

	/* The probe cases restart the firmware with the crash knob */
	if (!skip_on_chain("matrix: the probe cases (6 faults, a crash during the probe)",
			   CHAIN_CRASH_KNOB)) {
		probe_fault("drop", "1", "0");
		probe_fault("corrupt", "magic", "none");
		probe_fault("corrupt", "size", "none");
		probe_fault("corrupt", "type", "none");
		probe_fault("corrupt", "msg_id", "none");
		probe_fault("stall", "1", "0");
		crash_during_probe();
	}

	dev = t_open_main(0, "matrix");
	if (dev < 0)
		return t_exit();
	net = net_index(dev, 1);
	if (net < 0) {
		t_begin("matrix: NETWORK_CREATE index 1");
		t_fail(__LINE__, "%s", strerror(errno));
	} else {
		info_corrupt(net, "magic");
		info_corrupt(net, "size");
		info_corrupt(net, "type");
		info_reject(dev, net);
		cancel_refused_running(dev, net);
		close(net);
	}
	close(dev);
	if (!skip_on_chain("matrix: module unload while stalled", CHAIN_RELOAD))
		unload_stalled();
	return t_exit();
}
