// SPDX-License-Identifier: Apache-2.0
/*
 * Fault injection through the emulator's debugfs knobs that do not restart the firmware:
 * latency_us, drop, fail_status, reject, corrupt, stall (with O_NONBLOCK and killed waiters),
 * stats. The driver must survive each, end pending work in a final status, time out with the
 * documented errno, and work normally right after. (send_err and crash, which restart the
 * firmware, are in crash.c.)
 */
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>

#include "ethosu_test.h"

#define KWS_IN 490
#define KWS_OUT 12
#define WAIT_MS 20000
#define NETWORK_INFO_TIMEOUT_MS 3000

static const uint32_t kws_isize[] = { KWS_IN }, kws_osize[] = { KWS_OUT };

/* A NETWORK_INFO that must work, with the KWS answer. */
#define CHECK_INFO_OK(net)                                                                     \
	do {                                                                                   \
		struct ethosu_uapi_network_info i_;                                            \
		int r_;                                                                        \
		CHECK_SYS(r_, net_info(net, &i_));                                             \
		CHECK(i_.ifm_count == 1 && i_.ifm_size[0] == KWS_IN && i_.ofm_count == 1 &&    \
			      i_.ofm_size[0] == KWS_OUT,                                       \
		      "NETWORK_INFO after the fault: %u IFM(s), %u OFM(s)", i_.ifm_count,      \
		      i_.ofm_count);                                                           \
	} while (0)

/* NETWORK_INFO with its response lost: -ETIME after the driver's 3 s, not before. */
#define CHECK_INFO_TIMES_OUT(net)                                                              \
	do {                                                                                   \
		struct ethosu_uapi_network_info i_;                                            \
		uint64_t t0_ = now_ms(), took_;                                                \
		CHECK_ERR(net_info(net, &i_), ETIME);                                          \
		took_ = now_ms() - t0_;                                                        \
		CHECK(took_ >= NETWORK_INFO_TIMEOUT_MS - 100 &&                                \
			      took_ <= NETWORK_INFO_TIMEOUT_MS + 3000,                         \
		      "NETWORK_INFO timed out after %llu ms, want about %d",                 \
		      (unsigned long long)took_, NETWORK_INFO_TIMEOUT_MS);                     \
	} while (0)

static void latency_knob(void)
{
	long long old = emu_set_latency(0, 12345);

	t_begin("fault: latency_us reads back what was written");
	CHECK(old >= 0, "cannot read/write latency_us");
	CHECK_EQ(knob_read(0, "latency_us"), 12345);
out:
	if (old >= 0)
		emu_set_latency(0, old);
	t_end();
}

static void drop_network_info(int net)
{
	long long dropped = emu_stat(0, "tx_dropped");

	t_begin("fault: drop 1: NETWORK_INFO -> ETIME after 3 s, then works");
	CHECK(dropped >= 0, "no tx_dropped in stats");
	CHECK(!knob_write(0, "drop", "1"), "write drop: %s", strerror(errno));
	CHECK_INFO_TIMES_OUT(net);
	CHECK_EQ(emu_stat(0, "tx_dropped") - dropped, 1);
	CHECK_INFO_OK(net);
out:
	knob_write(0, "drop", "0");
	t_end();
}

/* A lost inference response: still RUNNING; a cancel is acknowledged and marks it ABORTED. */
static void drop_inference(int dev, int net)
{
	struct job j, next;
	int r, cs = -1;
	char why[128];

	job_init(&j);
	job_init(&next);
	t_begin("fault: drop 1: inference stays RUNNING; cancel -> ABORTED; next inference OK");
	CHECK_SYS(r, job_buffers1(&j, dev, KWS_IN, KWS_OUT, 1));
	CHECK(!knob_write(0, "drop", "1"), "write drop: %s", strerror(errno));
	CHECK_SYS(r, job_start(&j, net, NULL, 0));
	CHECK_EQ(inf_wait(j.inf, 500), 0);
	CHECK_STATUS(inf_state(j.inf), ETHOSU_UAPI_STATUS_RUNNING);
	CHECK_SYS(r, inf_cancel(j.inf, &cs));
	CHECK_STATUS(cs, ETHOSU_UAPI_STATUS_OK);
	CHECK_STATUS(inf_state(j.inf), ETHOSU_UAPI_STATUS_ABORTED);
	CHECK_SYS(r, job_buffers1(&next, dev, KWS_IN, KWS_OUT, 2));
	CHECK_SYS(r, job_start(&next, net, NULL, 0));
	CHECK_DONE(next.inf, WAIT_MS);
	CHECK_STATUS(inf_state(next.inf), ETHOSU_UAPI_STATUS_OK);
	CHECK(job_check_outputs(&next, kws_isize, kws_osize, why, sizeof(why)) >= 0, "%s", why);
out:
	knob_write(0, "drop", "0");
	job_free(&j);
	job_free(&next);
	t_end();
}

static void fail_status_network_info(int net)
{
	struct ethosu_uapi_network_info info;

	t_begin("fault: fail_status 1: NETWORK_INFO -> EBADF, then works");
	CHECK(!knob_write(0, "fail_status", "1"), "write fail_status: %s", strerror(errno));
	CHECK_ERR(net_info(net, &info), EBADF);
	CHECK_INFO_OK(net);
out:
	knob_write(0, "fail_status", "0");
	t_end();
}

/* n injected statuses over n+1 inferences: the first n end in `want`, the last is OK. */
static void injected_inference_status(int dev, int net, const char *knob, int want)
{
	static const uint32_t ev[8] = { 1, 1, 1, 1, 1, 1, 1, 1 };
	struct ethosu_uapi_result_status st;
	struct job j[3];
	unsigned int k;
	char why[128];
	int i, r;

	for (i = 0; i < 3; i++)
		job_init(&j[i]);
	t_begin("fault: %s 2: two inferences end %s with PMU counts 0, the third is OK", knob,
		status_name(want));
	CHECK(!knob_write(0, knob, "2"), "write %s: %s", knob, strerror(errno));
	for (i = 0; i < 3; i++) {
		CHECK_SYS(r, job_buffers1(&j[i], dev, KWS_IN, KWS_OUT, 10 + i));
		CHECK_SYS(r, job_start(&j[i], net, ev, 1));
	}
	for (i = 0; i < 3; i++) {
		CHECK_DONE(j[i].inf, WAIT_MS);
		CHECK_SYS(r, inf_status(j[i].inf, &st));
		CHECK_STATUS(st.status, i < 2 ? want : ETHOSU_UAPI_STATUS_OK);
		if (i < 2) {
			for (k = 0; k < ETHOSU_PMU_EVENT_MAX; k++)
				CHECK_EQ(st.pmu_count.events[k], 0);
			CHECK_EQ(st.pmu_count.cycle_count, 0);
			CHECK(job_outputs_untouched(&j[i]), "a failed inference wrote its OFM");
		}
	}
	CHECK(job_check_outputs(&j[2], kws_isize, kws_osize, why, sizeof(why)) >= 0, "%s", why);
	CHECK_EQ(st.pmu_count.cycle_count, emu_cycles(KWS_IN, KWS_OUT));
out:
	knob_write(0, knob, "0");
	for (i = 0; i < 3; i++)
		job_free(&j[i]);
	t_end();
}

/*
 * A corrupted inference response (bad magic, 4 bytes short, type 99, msg_id + 1000) is dropped
 * by the driver: the inference stays RUNNING, the next one is fine, a cancel still works.
 */
static void corrupt_inference(int dev, int net, const char *how)
{
	struct job j, next;
	int r, cs = -1;
	char why[128];

	job_init(&j);
	job_init(&next);
	t_begin("fault: corrupt %s: the inference response is ignored (RUNNING), next one OK", how);
	CHECK_SYS(r, job_buffers1(&j, dev, KWS_IN, KWS_OUT, 20));
	CHECK_SYS(r, job_buffers1(&next, dev, KWS_IN, KWS_OUT, 21));
	CHECK(!knob_write(0, "corrupt", "%s", how), "write corrupt: %s", strerror(errno));
	CHECK_SYS(r, job_start(&j, net, NULL, 0));
	CHECK_EQ(inf_wait(j.inf, 300), 0);
	CHECK_STATUS(inf_state(j.inf), ETHOSU_UAPI_STATUS_RUNNING);
	CHECK_SYS(r, job_start(&next, net, NULL, 0));
	CHECK_DONE(next.inf, WAIT_MS);
	CHECK_STATUS(inf_state(next.inf), ETHOSU_UAPI_STATUS_OK);
	/* processed in order: the first one ran, only its answer was lost */
	CHECK(!job_outputs_untouched(&j), "the emulator did not run the first inference");
	CHECK_STATUS(inf_state(j.inf), ETHOSU_UAPI_STATUS_RUNNING);
	CHECK(job_check_outputs(&next, kws_isize, kws_osize, why, sizeof(why)) >= 0, "%s", why);
	CHECK_SYS(r, inf_cancel(j.inf, &cs));
	CHECK_STATUS(cs, ETHOSU_UAPI_STATUS_OK);
	CHECK_STATUS(inf_state(j.inf), ETHOSU_UAPI_STATUS_ABORTED);
out:
	knob_write(0, "corrupt", "none");
	job_free(&j);
	job_free(&next);
	t_end();
}

/* The same for a NETWORK_INFO response: the waiter times out, then NETWORK_INFO works. */
static void corrupt_network_info(int net)
{
	t_begin("fault: corrupt msg_id on a NETWORK_INFO response -> ETIME, then works");
	CHECK(!knob_write(0, "corrupt", "msg_id"), "write corrupt: %s", strerror(errno));
	CHECK_INFO_TIMES_OUT(net);
	CHECK_INFO_OK(net);
out:
	knob_write(0, "corrupt", "none");
	t_end();
}

/* stall: requests are accepted and wait; resuming answers them (late ones are ignored). */
static void stall(int dev, int net)
{
	struct job j;
	char why[128];
	int r;

	job_init(&j);
	t_begin("fault: stall: NETWORK_INFO -> ETIME, inference waits; resume: inference OK");
	CHECK_SYS(r, job_buffers1(&j, dev, KWS_IN, KWS_OUT, 30));
	CHECK(!knob_write(0, "stall", "1"), "write stall: %s", strerror(errno));
	CHECK_SYS(r, job_start(&j, net, NULL, 1));
	CHECK_INFO_TIMES_OUT(net);
	CHECK_STATUS(inf_state(j.inf), ETHOSU_UAPI_STATUS_RUNNING);
	CHECK_EQ(inf_wait(j.inf, 0), 0);
	CHECK(!knob_write(0, "stall", "0"), "write stall: %s", strerror(errno));
	/* the stale NETWORK_INFO response arrives now and must be ignored */
	CHECK_DONE(j.inf, WAIT_MS);
	CHECK_STATUS(inf_state(j.inf), ETHOSU_UAPI_STATUS_OK);
	CHECK(job_check_outputs(&j, kws_isize, kws_osize, why, sizeof(why)) >= 0, "%s", why);
	CHECK_INFO_OK(net);
out:
	knob_write(0, "stall", "0");
	job_free(&j);
	t_end();
}

static void on_alarm(int sig)
{
	(void)sig;
}

static void *unstall_later(void *arg)
{
	sleep_ms(*(unsigned int *)arg);
	knob_write(0, "stall", "0");
	return NULL;
}

/*
 * A stalled firmware stops taking messages off its 64-slot TX ring. Once the ring is full,
 * INFERENCE_CREATE waits for a free slot: a signal ends the wait with EINTR, and resuming the
 * firmware lets it through. Every queued inference then completes.
 */
static void tx_ring_full(int dev, int net)
{
	enum { RING = 64, N = RING + 1 };
	static struct job jobs[N];
	struct sigaction sa, old_sa;
	unsigned int delay = 600;
	int i, r, started = 0, have_sa = 0;
	struct job extra;
	uint64_t t0, took;
	pthread_t tid;
	char why[128];

	for (i = 0; i < N; i++)
		job_init(&jobs[i]);
	job_init(&extra);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm; /* no SA_RESTART: the wait must end with EINTR */
	t_begin("fault: stalled firmware, full TX ring: INFERENCE_CREATE waits, EINTR on a signal, "
		"goes through on resume");
	for (i = 0; i < N; i++)
		CHECK_SYS(r, job_buffers1(&jobs[i], dev, KWS_IN, KWS_OUT, 200 + i));
	CHECK_SYS(r, job_buffers1(&extra, dev, KWS_IN, KWS_OUT, 300));
	CHECK(!knob_write(0, "stall", "1"), "write stall: %s", strerror(errno));
	for (i = 0; i < RING; i++) {
		t0 = now_ms();
		CHECK_SYS(r, job_start(&jobs[i], net, NULL, 0));
		CHECK(now_ms() - t0 < 2000, "create %d of %d blocked", i + 1, RING);
	}
	CHECK(!sigaction(SIGALRM, &sa, &old_sa), "sigaction: %s", strerror(errno));
	have_sa = 1;
	ualarm(300000, 0);
	t0 = now_ms();
	CHECK_ERR(job_start(&extra, net, NULL, 0), EINTR);
	took = now_ms() - t0;
	CHECK(took >= 250, "EINTR after %llu ms, before the signal", (unsigned long long)took);
	CHECK(!pthread_create(&tid, NULL, unstall_later, &delay), "pthread_create");
	started = 1;
	t0 = now_ms();
	CHECK_SYS(r, job_start(&jobs[RING], net, NULL, 0));
	took = now_ms() - t0;
	CHECK(took >= delay - 100, "the create on a full ring returned after %llu ms, before the "
	      "firmware resumed", (unsigned long long)took);
	for (i = 0; i < N; i++) {
		CHECK_DONE(jobs[i].inf, WAIT_MS);
		CHECK_STATUS(inf_state(jobs[i].inf), ETHOSU_UAPI_STATUS_OK);
		CHECK(job_check_outputs(&jobs[i], kws_isize, kws_osize, why, sizeof(why)) >= 0,
		      "inference %d: %s", i, why);
	}
out:
	ualarm(0, 0);
	if (have_sa)
		sigaction(SIGALRM, &old_sa, NULL);
	if (started)
		pthread_join(tid, NULL);
	knob_write(0, "stall", "0");
	for (i = 0; i < N; i++)
		job_free(&jobs[i]);
	job_free(&extra);
	t_end();
}

/*
 * The same full ring on a network fd made O_NONBLOCK: INFERENCE_CREATE is EAGAIN at once instead
 * of a wait, sends nothing, and goes through after the firmware resumes.
 */
static void tx_ring_full_nonblock(int dev, int net)
{
	enum { RING = 64, N = RING + 1 };
	static struct job jobs[N];
	int i, r, flags = fcntl(net, F_GETFL);
	long long rx = -1;
	char why[128];
	uint64_t t0;

	for (i = 0; i < N; i++)
		job_init(&jobs[i]);
	t_begin("fault: full TX ring, O_NONBLOCK network fd: INFERENCE_CREATE EAGAIN at once, OK "
		"after resume");
	CHECK_SYS(r, flags);
	CHECK_SYS(r, fcntl(net, F_SETFL, flags | O_NONBLOCK));
	for (i = 0; i < N; i++)
		CHECK_SYS(r, job_buffers1(&jobs[i], dev, KWS_IN, KWS_OUT, 400 + i));
	CHECK(!knob_write(0, "stall", "1"), "write stall: %s", strerror(errno));
	for (i = 0; i < RING; i++)
		CHECK_SYS(r, job_start(&jobs[i], net, NULL, 0));
	rx = emu_stat(0, "rx_inference_req");
	t0 = now_ms();
	CHECK_ERR(job_start(&jobs[RING], net, NULL, 0), EAGAIN);
	CHECK(now_ms() - t0 < 500, "EAGAIN after %llu ms", (unsigned long long)(now_ms() - t0));
	CHECK_EQ(emu_stat(0, "rx_inference_req"), rx);
	CHECK(!knob_write(0, "stall", "0"), "write stall: %s", strerror(errno));
	for (i = 0; i < 500 && job_start(&jobs[RING], net, NULL, 0) < 0 && errno == EAGAIN; i++)
		sleep_ms(2);
	CHECK(jobs[RING].inf >= 0, "INFERENCE_CREATE after resume: %s", strerror(errno));
	for (i = 0; i < N; i++) {
		CHECK_DONE(jobs[i].inf, WAIT_MS);
		CHECK_STATUS(inf_state(jobs[i].inf), ETHOSU_UAPI_STATUS_OK);
		CHECK(job_check_outputs(&jobs[i], kws_isize, kws_osize, why, sizeof(why)) >= 0,
		      "inference %d: %s", i, why);
	}
out:
	knob_write(0, "stall", "0");
	if (flags >= 0)
		fcntl(net, F_SETFL, flags);
	for (i = 0; i < N; i++)
		job_free(&jobs[i]);
	t_end();
}

/* A process killed while NETWORK_INFO waits for a stalled firmware dies at once, not after 3 s. */
static void info_killable(int net)
{
	struct ethosu_uapi_network_info info;
	uint64_t t0, took;
	int status = 0;
	pid_t pid;

	t_begin("fault: stall: SIGKILL ends a NETWORK_INFO wait at once");
	CHECK(!knob_write(0, "stall", "1"), "write stall: %s", strerror(errno));
	pid = fork();
	CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0)
		_exit(net_info(net, &info) ? 1 : 0);
	sleep_ms(300);
	t0 = now_ms();
	kill(pid, SIGKILL);
	CHECK(waitpid(pid, &status, 0) == pid, "waitpid: %s", strerror(errno));
	took = now_ms() - t0;
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "the child was not killed (%#x)",
	      status);
	CHECK(took < 1000, "the killed child took %llu ms to go", (unsigned long long)took);
	CHECK(!knob_write(0, "stall", "0"), "write stall: %s", strerror(errno));
	CHECK_INFO_OK(net);
out:
	knob_write(0, "stall", "0");
	t_end();
}

/* The stats file follows the traffic: queued, processing, online. */
static void stats(int dev, int net)
{
	long long old = emu_set_latency(0, 600000);
	long long ok = emu_stat(0, "inferences_ok");
	struct job j[3];
	int i, r;

	for (i = 0; i < 3; i++)
		job_init(&j[i]);
	t_begin("fault: stats: online 1, 1 processing + 2 queued, inferences_ok +3");
	CHECK(old >= 0, "cannot set latency_us");
	CHECK_EQ(emu_stat(0, "online"), 1);
	for (i = 0; i < 3; i++) {
		CHECK_SYS(r, job_buffers1(&j[i], dev, KWS_IN, KWS_OUT, 40 + i));
		CHECK_SYS(r, job_start(&j[i], net, NULL, 0));
	}
	for (i = 0; i < 100 && emu_stat(0, "queued") != 2; i++)
		sleep_ms(5);
	CHECK_EQ(emu_stat(0, "processing"), 1);
	CHECK_EQ(emu_stat(0, "queued"), 2);
	for (i = 0; i < 3; i++)
		CHECK_DONE(j[i].inf, WAIT_MS);
	CHECK_EQ(emu_stat(0, "inferences_ok") - ok, 3);
	CHECK_EQ(emu_stat(0, "queued"), 0);
out:
	if (old >= 0)
		emu_set_latency(0, old);
	for (i = 0; i < 3; i++)
		job_free(&j[i]);
	t_end();
}

int main(void)
{
	static const char *const how[] = { "magic", "size", "type", "msg_id" };
	int dev = t_open_main(0, "fault"), net = -1;
	unsigned int i;

	if (dev < 0)
		return t_exit();
	net = net_index(dev, 1);
	latency_knob();
	drop_network_info(net);
	drop_inference(dev, net);
	fail_status_network_info(net);
	injected_inference_status(dev, net, "fail_status", ETHOSU_UAPI_STATUS_ERROR);
	injected_inference_status(dev, net, "reject", ETHOSU_UAPI_STATUS_REJECTED);
	for (i = 0; i < ARRAY_SIZE(how); i++)
		corrupt_inference(dev, net, how[i]);
	corrupt_network_info(net);
	stall(dev, net);
	if (!skip_on_chain("fault: stalled firmware, full TX ring", CHAIN_RING))
		tx_ring_full(dev, net);
	if (!skip_on_chain("fault: full TX ring, O_NONBLOCK", CHAIN_RING))
		tx_ring_full_nonblock(dev, net);
	info_killable(net);
	stats(dev, net);
	close_fd(&net);
	close(dev);
	return t_exit();
}
