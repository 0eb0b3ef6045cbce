// SPDX-License-Identifier: Apache-2.0
/*
 * INFERENCE_CANCEL: of the inference being processed, of queued ones (the emulator answers
 * those with an ABORTED inference response at once), of finished ones, and repeated. Inferences
 * take LATENCY_MS here so every state can be observed.
 */
#include "ethosu_test.h"

#define KWS_IN 490
#define KWS_OUT 12
#define LATENCY_MS 500
#define WAIT_MS 20000

static const uint32_t kws_isize[] = { KWS_IN }, kws_osize[] = { KWS_OUT };

/* j must have been through job_init() */
static int start(struct job *j, int dev, int net, unsigned int seed)
{
	if (job_buffers1(j, dev, KWS_IN, KWS_OUT, seed))
		return -1;
	return job_start(j, net, NULL, 1);
}

#define CHECK_OK_RESULT(j)                                                                     \
	do {                                                                                   \
		char why_[128];                                                                \
		CHECK_DONE((j)->inf, WAIT_MS);                                                 \
		CHECK_STATUS(inf_state((j)->inf), ETHOSU_UAPI_STATUS_OK);                      \
		CHECK(job_check_outputs(j, kws_isize, kws_osize, why_, sizeof(why_)) >= 0,     \
		      "%s", why_);                                                             \
	} while (0)

/* Cancel the inference the firmware is processing: acknowledged, ABORTED, done later. */
static void cancel_processing(int dev, int net)
{
	struct ethosu_uapi_result_status st;
	long long before = emu_stat(0, "rx_cancel_inference_req");
	unsigned int i;
	struct job j;
	int r, cs = -1;

	job_init(&j);
	t_begin("cancel: processing inference: cancel OK, ABORTED at once, pollable after it ends");
	CHECK(before >= 0, "the emulator's stats have no rx_cancel_inference_req");
	CHECK_SYS(r, start(&j, dev, net, 1));
	CHECK_STATUS(inf_state(j.inf), ETHOSU_UAPI_STATUS_RUNNING);
	CHECK_SYS(r, inf_cancel(j.inf, &cs));
	CHECK_STATUS(cs, ETHOSU_UAPI_STATUS_OK);
	CHECK_EQ(emu_stat(0, "rx_cancel_inference_req") - before, 1);
	CHECK_STATUS(inf_state(j.inf), ETHOSU_UAPI_STATUS_ABORTED);
	CHECK_DONE(j.inf, WAIT_MS);
	CHECK_SYS(r, inf_status(j.inf, &st));
	CHECK_STATUS(st.status, ETHOSU_UAPI_STATUS_ABORTED);
	/* PMU results are taken only from OK responses */
	for (i = 0; i < ETHOSU_PMU_EVENT_MAX; i++)
		CHECK_EQ(st.pmu_count.events[i], 0);
	CHECK_EQ(st.pmu_count.cycle_count, 0);
out:
	job_free(&j);
	t_end();
}

/* Cancel queued inference `victim` of three: it ends at once, the others run normally. */
static void cancel_queued(int dev, int net, int victim)
{
	long long aborted = emu_stat(0, "inferences_aborted");
	struct job j[3];
	int i, r, cs = -1;

	for (i = 0; i < 3; i++)
		job_init(&j[i]);
	t_begin("cancel: queued inference %d of 3: ABORTED and pollable before the first ends",
		victim + 1);
	CHECK(aborted >= 0, "the emulator's stats have no inferences_aborted");
	for (i = 0; i < 3; i++)
		CHECK_SYS(r, start(&j[i], dev, net, 10 + i));
	CHECK_SYS(r, inf_cancel(j[victim].inf, &cs));
	CHECK_STATUS(cs, ETHOSU_UAPI_STATUS_OK);
	CHECK_DONE(j[victim].inf, LATENCY_MS);
	/* answered by the firmware at once, not after the inferences ahead of it */
	CHECK_STATUS(inf_state(j[0].inf), ETHOSU_UAPI_STATUS_RUNNING);
	CHECK_STATUS(inf_state(j[victim].inf), ETHOSU_UAPI_STATUS_ABORTED);
	CHECK(job_outputs_untouched(&j[victim]), "the cancelled inference wrote its OFM");
	for (i = 0; i < 3; i++)
		if (i != victim)
			CHECK_OK_RESULT(&j[i]);
	CHECK_EQ(emu_stat(0, "inferences_aborted") - aborted, 1);
out:
	for (i = 0; i < 3; i++)
		job_free(&j[i]);
	t_end();
}

/* Cancelling a finished inference changes nothing and reports ERROR (library: false). */
static void cancel_done(int dev, int net)
{
	struct job j;
	int r, cs = -1;

	job_init(&j);
	t_begin("cancel: finished inference: returns 0 with status ERROR, stays OK");
	CHECK_SYS(r, start(&j, dev, net, 20));
	CHECK_OK_RESULT(&j);
	CHECK_SYS(r, inf_cancel(j.inf, &cs));
	CHECK_STATUS(cs, ETHOSU_UAPI_STATUS_ERROR);
	CHECK_STATUS(inf_state(j.inf), ETHOSU_UAPI_STATUS_OK);
	CHECK_OK_RESULT(&j);
out:
	job_free(&j);
	t_end();
}

/* A second cancel of an inference that already ended ABORTED is a cancel of a done one. */
static void cancel_twice(int dev, int net)
{
	struct job a, b;
	int r, cs = -1;

	job_init(&a);
	job_init(&b);
	t_begin("cancel: twice: the second, after the ABORTED response, reports ERROR");
	CHECK_SYS(r, start(&a, dev, net, 30));
	CHECK_SYS(r, start(&b, dev, net, 31));
	CHECK_SYS(r, inf_cancel(b.inf, &cs));
	CHECK_STATUS(cs, ETHOSU_UAPI_STATUS_OK);
	CHECK_DONE(b.inf, WAIT_MS);
	CHECK_SYS(r, inf_cancel(b.inf, &cs));
	CHECK_STATUS(cs, ETHOSU_UAPI_STATUS_ERROR);
	CHECK_STATUS(inf_state(b.inf), ETHOSU_UAPI_STATUS_ABORTED);
	CHECK_OK_RESULT(&a);
out:
	job_free(&a);
	job_free(&b);
	t_end();
}

/*
 * Cancel everything queued behind a running inference, then close without waiting. Eight starts
 * and eight cancels must all happen while the first inference still runs: on a loaded TCG host
 * they took more than LATENCY_MS, so this case uses a longer latency.
 */
static void cancel_all_then_close(int dev, int net)
{
	enum { N = 8, SLOW_MS = 4000 };
	struct job j[N], after;
	int i, r, cs;

	for (i = 0; i < N; i++)
		job_init(&j[i]);
	job_init(&after);
	t_begin("cancel: all %d queued inferences, fds closed before they end; device still fine",
		N);
	CHECK_EQ(emu_set_latency(0, SLOW_MS * 1000), LATENCY_MS * 1000);
	for (i = 0; i < N; i++)
		CHECK_SYS(r, start(&j[i], dev, net, 40 + i));
	for (i = N - 1; i >= 0; i--) {
		cs = -1;
		CHECK_SYS(r, inf_cancel(j[i].inf, &cs));
		CHECK_STATUS(cs, ETHOSU_UAPI_STATUS_OK);
		CHECK_STATUS(inf_state(j[i].inf), ETHOSU_UAPI_STATUS_ABORTED);
	}
	for (i = 0; i < N; i++)
		job_free(&j[i]);
	/* the first was being processed: its response arrives after its fd is gone */
	CHECK_SYS(r, start(&after, dev, net, 50));
	CHECK_OK_RESULT(&after);
out:
	emu_set_latency(0, LATENCY_MS * 1000);
	for (i = 0; i < N; i++)
		job_free(&j[i]);
	job_free(&after);
	t_end();
}

/*
 * A cancel the firmware refuses (emulator knob refuse_cancel) of the inference queued behind a
 * running one: reported ERROR, the inference stays RUNNING, is not done, runs on and writes its
 * outputs. Its buffers then serve 100 more inferences, every output right.
 */
static void cancel_refused(int dev, int net)
{
	enum { MORE = 100 };
	struct job a, b;
	int i, r, cs = -1;

	job_init(&a);
	job_init(&b);
	t_begin("cancel: refused by the firmware: ERROR, stays RUNNING, ends OK; %d reuses right",
		MORE);
	CHECK_SYS(r, start(&a, dev, net, 70));
	CHECK_SYS(r, start(&b, dev, net, 71));
	CHECK_SYS(r, knob_write(0, "refuse_cancel", "1"));
	CHECK_SYS(r, inf_cancel(b.inf, &cs));
	CHECK_STATUS(cs, ETHOSU_UAPI_STATUS_ERROR);
	CHECK_EQ(knob_read(0, "refuse_cancel"), 0);
	CHECK_STATUS(inf_state(b.inf), ETHOSU_UAPI_STATUS_RUNNING);
	CHECK_EQ(inf_wait(b.inf, 0), 0);
	CHECK(job_outputs_untouched(&b), "OFM written before the inference ran");
	CHECK_OK_RESULT(&a);
	CHECK_OK_RESULT(&b);
	CHECK_EQ(emu_set_latency(0, 0), LATENCY_MS * 1000);
	for (i = 0; i < MORE; i++) {
		close_fd(&b.inf);
		fill_pattern(b.ifm_map[0], KWS_IN, 100 + i);
		memset(b.ofm_map[0], OFM_CANARY, KWS_OUT);
		CHECK_SYS(r, job_start(&b, net, NULL, 1));
		CHECK_OK_RESULT(&b);
	}
out:
	emu_set_latency(0, LATENCY_MS * 1000);
	knob_write(0, "refuse_cancel", "0");
	job_free(&a);
	job_free(&b);
	t_end();
}

int main(void)
{
	int dev = t_open_main(0, "cancel"), net = -1;
	long long old;

	if (dev < 0)
		return t_exit();
	old = emu_set_latency(0, LATENCY_MS * 1000);
	net = net_index(dev, 1);
	if (old < 0 || net < 0) {
		t_begin("cancel: set latency_us and create network index 1");
		t_fail(__LINE__, "latency %lld, network fd %d", old, net);
		t_end();
	} else {
		cancel_processing(dev, net);
		cancel_queued(dev, net, 2);
		cancel_queued(dev, net, 1);
		cancel_done(dev, net);
		cancel_twice(dev, net);
		cancel_all_then_close(dev, net);
		cancel_refused(dev, net);
	}
	if (old >= 0)
		emu_set_latency(0, old);
	close_fd(&net);
	close(dev);
	return t_exit();
}
