// SPDX-License-Identifier: Apache-2.0
/*
 * Two subsystems (the rig's subsystems=2): separate device nodes and firmware, inferences on
 * both at once, neither waits for nor disturbs the other.
 */
#include "ethosu_test.h"

#define KWS_IN 490
#define KWS_OUT 12
#define WAIT_MS 20000

static const uint32_t kws_isize[] = { KWS_IN }, kws_osize[] = { KWS_OUT };

static void distinct_nodes(void)
{
	int m0 = emu_wait_online(0, 10000), m1 = emu_wait_online(1, 10000);

	t_begin("subsystems: two emulated subsystems, two different /dev/ethosuN");
	CHECK(emu_subsystems() >= 2, "the emulator runs %d subsystem(s); run-all needs 2",
	      emu_subsystems());
	CHECK(m0 >= 0 && m1 >= 0, "minors %d and %d", m0, m1);
	CHECK(m0 != m1, "both subsystems on minor %d", m0);
out:
	t_end();
}

/* A slow subsystem 0 does not hold back subsystem 1. */
static void independent(int d0, int d1)
{
	static const uint32_t ev[8] = { 4, 3, 2, 1, 0, 0, 0, 0 };
	struct ethosu_uapi_result_status st;
	long long old = emu_set_latency(0, 1000000);
	long long rx0 = emu_stat(0, "rx_inference_req"), rx1 = emu_stat(1, "rx_inference_req");
	int n0 = -1, n1 = -1, r;
	struct job a, b;
	char why[128];

	job_init(&a);
	job_init(&b);
	t_begin("subsystems: subsystem 1 finishes while subsystem 0 (1 s latency) still runs");
	CHECK(old >= 0, "cannot set latency_us");
	CHECK(rx0 >= 0 && rx1 >= 0, "no rx_inference_req in stats");
	CHECK_SYS(n0, net_index(d0, 1));
	CHECK_SYS(n1, net_index(d1, 1));
	CHECK_SYS(r, job_buffers1(&a, d0, KWS_IN, KWS_OUT, 1));
	CHECK_SYS(r, job_buffers1(&b, d1, KWS_IN, KWS_OUT, 2));
	CHECK_SYS(r, job_start(&a, n0, ev, 1));
	CHECK_SYS(r, job_start(&b, n1, ev, 1));
	CHECK_DONE(b.inf, 800);
	CHECK_SYS(r, inf_status(b.inf, &st));
	CHECK_STATUS(st.status, ETHOSU_UAPI_STATUS_OK);
	CHECK(job_check_outputs(&b, kws_isize, kws_osize, why, sizeof(why)) >= 0, "%s", why);
	CHECK_EQ(st.pmu_count.events[0], emu_pmu_count(4, 0, KWS_IN, emu_pmu_counters(1)));
	CHECK_EQ(st.pmu_count.cycle_count, emu_cycles(KWS_IN, KWS_OUT));
	CHECK_STATUS(inf_state(a.inf), ETHOSU_UAPI_STATUS_RUNNING);
	CHECK_EQ(emu_stat(0, "rx_inference_req") - rx0, 1);
	CHECK_EQ(emu_stat(1, "rx_inference_req") - rx1, 1);
	CHECK_DONE(a.inf, WAIT_MS);
	CHECK_STATUS(inf_state(a.inf), ETHOSU_UAPI_STATUS_OK);
	CHECK(job_check_outputs(&a, kws_isize, kws_osize, why, sizeof(why)) >= 0, "%s", why);
out:
	if (old >= 0)
		emu_set_latency(0, old);
	job_free(&a);
	job_free(&b);
	close_fd(&n0);
	close_fd(&n1);
	t_end();
}

/* Cancelling on one subsystem leaves the other's inference alone. */
static void cancel_isolated(int d0, int d1)
{
	long long o0 = emu_set_latency(0, 400000), o1 = emu_set_latency(1, 400000);
	int n0 = -1, n1 = -1, r, cs = -1;
	struct job a, b;
	char why[128];

	job_init(&a);
	job_init(&b);
	t_begin("subsystems: a cancel on subsystem 1 does not touch subsystem 0");
	CHECK(o0 >= 0 && o1 >= 0, "cannot set latency_us");
	CHECK_SYS(n0, net_index(d0, 1));
	CHECK_SYS(n1, net_index(d1, 1));
	CHECK_SYS(r, job_buffers1(&a, d0, KWS_IN, KWS_OUT, 3));
	CHECK_SYS(r, job_buffers1(&b, d1, KWS_IN, KWS_OUT, 4));
	CHECK_SYS(r, job_start(&a, n0, NULL, 0));
	CHECK_SYS(r, job_start(&b, n1, NULL, 0));
	CHECK_SYS(r, inf_cancel(b.inf, &cs));
	CHECK_STATUS(cs, ETHOSU_UAPI_STATUS_OK);
	CHECK_STATUS(inf_state(b.inf), ETHOSU_UAPI_STATUS_ABORTED);
	CHECK_STATUS(inf_state(a.inf), ETHOSU_UAPI_STATUS_RUNNING);
	CHECK_DONE(a.inf, WAIT_MS);
	CHECK_STATUS(inf_state(a.inf), ETHOSU_UAPI_STATUS_OK);
	CHECK(job_check_outputs(&a, kws_isize, kws_osize, why, sizeof(why)) >= 0, "%s", why);
	CHECK_DONE(b.inf, WAIT_MS);
	CHECK_STATUS(inf_state(b.inf), ETHOSU_UAPI_STATUS_ABORTED);
out:
	if (o0 >= 0)
		emu_set_latency(0, o0);
	if (o1 >= 0)
		emu_set_latency(1, o1);
	job_free(&a);
	job_free(&b);
	close_fd(&n0);
	close_fd(&n1);
	t_end();
}

/* A buffer's DMA address means nothing to another subsystem's NPU. */
static void foreign_buffer(int d0, int d1)
{
	int n1 = -1, b0 = -1, in1 = -1, out1 = -1;
	long long sent = emu_stat(1, "rx_inference_req");

	t_begin("subsystems: INFERENCE_CREATE with a buffer of the other subsystem -> EINVAL");
	CHECK_SYS(n1, net_index(d1, 1));
	CHECK_SYS(b0, buf_create(d0, 4096));
	CHECK_SYS(in1, buf_create(d1, KWS_IN));
	CHECK_SYS(out1, buf_create(d1, KWS_OUT));
	CHECK_ERR(inf_create(n1, 1, &b0, 1, &out1, NULL, 0), EINVAL);
	CHECK_ERR(inf_create(n1, 1, &in1, 1, &b0, NULL, 0), EINVAL);
	CHECK_EQ(emu_stat(1, "rx_inference_req"), sent);
out:
	close_fd(&n1);
	close_fd(&b0);
	close_fd(&in1);
	close_fd(&out1);
	t_end();
}

/* Both subsystems busy with interleaved work at the same time. */
static void interleaved(int d0, int d1)
{
	enum { N = 16 };
	static struct job jobs[2 * N];
	int nets[2] = { -1, -1 }, devs[2] = { d0, d1 }, i, r;
	char why[128];

	for (i = 0; i < 2 * N; i++)
		job_init(&jobs[i]);
	t_begin("subsystems: %d inferences alternating between the subsystems", 2 * N);
	CHECK_SYS(nets[0], net_index(d0, 1));
	CHECK_SYS(nets[1], net_index(d1, 1));
	for (i = 0; i < 2 * N; i++) {
		CHECK_SYS(r, job_buffers1(&jobs[i], devs[i % 2], KWS_IN, KWS_OUT, 500 + i));
		CHECK_SYS(r, job_start(&jobs[i], nets[i % 2], NULL, 0));
	}
	for (i = 0; i < 2 * N; i++) {
		CHECK_DONE(jobs[i].inf, WAIT_MS);
		CHECK_STATUS(inf_state(jobs[i].inf), ETHOSU_UAPI_STATUS_OK);
		CHECK(job_check_outputs(&jobs[i], kws_isize, kws_osize, why, sizeof(why)) >= 0,
		      "inference %d: %s", i, why);
	}
out:
	for (i = 0; i < 2 * N; i++)
		job_free(&jobs[i]);
	close_fd(&nets[0]);
	close_fd(&nets[1]);
	t_end();
}

int main(void)
{
	int d0, d1;

	distinct_nodes();
	if (t_failures)
		return t_exit();
	d0 = t_open_main(0, "subsystems");
	d1 = t_open_main(1, "subsystems");
	if (d0 >= 0 && d1 >= 0) {
		independent(d0, d1);
		cancel_isolated(d0, d1);
		foreign_buffer(d0, d1);
		interleaved(d0, d1);
	}
	close_fd(&d0);
	close_fd(&d1);
	return t_exit();
}
