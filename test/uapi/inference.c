// SPDX-License-Identifier: Apache-2.0
/*
 * Inference fds: INFERENCE_CREATE, INFERENCE_STATUS (status, PMU config/counts, cycles), poll,
 * and the output bytes, all checked against the emulator's documented formulas computed here.
 */
#include <pthread.h>

#include "ethosu_test.h"
#include "tflite_gen.h"

#define KWS_IN 490
#define KWS_OUT 12
#define WAIT_MS 20000

static const uint32_t kws_isize[] = { KWS_IN }, kws_osize[] = { KWS_OUT };
static int counters; /* PMU event counters of subsystem 0's NPU */

/* Checks status OK, outputs, PMU and cycles of a finished inference. */
#define CHECK_RESULT(j, isize, osize, events, cycles)                                          \
	do {                                                                                   \
		char why_[128];                                                                \
		long t_;                                                                       \
		CHECK_DONE((j)->inf, WAIT_MS);                                                 \
		CHECK_SYS(r, inf_status((j)->inf, &st));                                       \
		CHECK_STATUS(st.status, ETHOSU_UAPI_STATUS_OK);                                \
		t_ = job_check_outputs(j, isize, osize, why_, sizeof(why_));                   \
		CHECK(t_ >= 0, "%s", why_);                                                    \
		CHECK(pmu_matches(&st, events, cycles, (uint64_t)t_, sum(osize, (j)->nofm),    \
				  why_, sizeof(why_)),                                         \
		      "%s", why_);                                                             \
	} while (0)

static uint64_t sum(const uint32_t *v, unsigned int n)
{
	uint64_t s = 0;

	while (n--)
		s += v[n];
	return s;
}

static int pmu_matches(const struct ethosu_uapi_result_status *st, const uint32_t *events,
		       uint32_t cycles, uint64_t t, uint64_t osum, char *why, size_t len)
{
	uint64_t want_cycles = cycles & 0xff ? emu_cycles(t, osum) : 0;
	unsigned int i;

	for (i = 0; i < ETHOSU_PMU_EVENT_MAX; i++) {
		uint32_t e = events ? events[i] : 0;
		uint64_t want = emu_pmu_count(e, i, t, counters);

		if (st->pmu_count.events[i] != want) {
			snprintf(why, len, "PMU slot %u (event %u): count %llu, want %llu", i, e,
				 (unsigned long long)st->pmu_count.events[i],
				 (unsigned long long)want);
			return 0;
		}
		if (st->pmu_config.events[i] != (e & 0xff)) {
			snprintf(why, len, "PMU slot %u: config %u, want %u", i,
				 st->pmu_config.events[i], e & 0xff);
			return 0;
		}
	}
	/* callers use flags below 0x100: the driver's and the firmware's copies then agree */
	if (st->pmu_config.cycle_count != cycles) {
		snprintf(why, len, "cycle counter enable %u, want %u", st->pmu_config.cycle_count,
			 cycles);
		return 0;
	}
	if (st->pmu_count.cycle_count != want_cycles) {
		snprintf(why, len, "cycle count %llu, want %llu",
			 (unsigned long long)st->pmu_count.cycle_count,
			 (unsigned long long)want_cycles);
		return 0;
	}
	return 1;
}

/* KWS (built-in index 1) with a PMU setup; exactly the tensor-sized buffers. */
static void kws(int dev, int net, const char *what, const uint32_t *events, uint32_t cycles)
{
	struct ethosu_uapi_result_status st;
	struct job j;
	int r;

	job_init(&j);
	t_begin("inference: KWS, %s", what);
	CHECK_SYS(r, job_buffers1(&j, dev, KWS_IN, KWS_OUT, 11));
	CHECK_SYS(r, job_start(&j, net, events, cycles));
	CHECK(fd_is_rdwr_cloexec(j.inf), "inference fd is not O_RDWR + close-on-exec");
	CHECK_RESULT(&j, kws_isize, kws_osize, events, cycles);
out:
	job_free(&j);
	t_end();
}

static void kws_cases(int dev, int net)
{
	static const uint32_t all[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	static const uint32_t sparse[8] = { 0, 35, 0, 255, 17, 0, 48, 0 };

	kws(dev, net, "no PMU: status OK, outputs per formula, counts 0", NULL, 0);
	kws(dev, net, "events 1..8 and cycles: counts 1000e+i+T on the NPU's counters", all, 1);
	kws(dev, net, "sparse events, cycle counter off", sparse, 0);
	kws(dev, net, "cycle counter only: 100000+T+sum(osize)", NULL, 1);
	/* cycle_count is an enable flag: any non-zero value that survives 8 bits */
	kws(dev, net, "cycle_count flag 0xff", NULL, 0xff);
}

/* Event ids wider than 8 bits reach the firmware as their low byte. */
static void wide_events(int dev, int net)
{
	static const uint32_t wide[8] = { 0x123, 0x1ff, 0x10005, 0x80000011, 0, 0, 0, 0 };
	struct ethosu_uapi_result_status st;
	struct job j;
	unsigned int i;
	int r;

	job_init(&j);
	t_begin("inference: PMU event ids use their low 8 bits (0x123 counts as 0x23)");
	CHECK_SYS(r, job_buffers1(&j, dev, KWS_IN, KWS_OUT, 12));
	CHECK_SYS(r, job_start(&j, net, wide, 0));
	CHECK_DONE(j.inf, WAIT_MS);
	CHECK_SYS(r, inf_status(j.inf, &st));
	CHECK_STATUS(st.status, ETHOSU_UAPI_STATUS_OK);
	for (i = 0; i < ETHOSU_PMU_EVENT_MAX; i++)
		CHECK_EQ(st.pmu_count.events[i], emu_pmu_count(wide[i], i, KWS_IN, counters));
out:
	job_free(&j);
	t_end();
}

/* Bigger buffers than the tensors: only the tensor bytes are read and written. */
static void oversized_buffers(int dev, int net)
{
	static const uint32_t ilen[] = { 1000 }, olen[] = { 4096 };
	struct ethosu_uapi_result_status st;
	struct job j;
	int r;

	job_init(&j);
	t_begin("inference: buffers larger than the tensors: T = tensor size, OFM tail untouched");
	CHECK_SYS(r, job_buffers(&j, dev, 1, ilen, 1, olen, 13));
	CHECK_SYS(r, job_start(&j, net, NULL, 1));
	CHECK_RESULT(&j, kws_isize, kws_osize, NULL, 1);
out:
	job_free(&j);
	t_end();
}

/* A network and buffers from any model; isize/osize are the model's tensor sizes. */
static void model_run(int dev, const char *what, int net_fd, unsigned int nifm,
		      const uint32_t *isize, const uint32_t *ilen, unsigned int nofm,
		      const uint32_t *osize, const uint32_t *olen, const uint32_t *events)
{
	struct ethosu_uapi_result_status st;
	struct job j;
	int r;

	job_init(&j);
	t_begin("inference: %s", what);
	CHECK(net_fd >= 0, "NETWORK_CREATE: %s", strerror(errno));
	CHECK_SYS(r, job_buffers(&j, dev, nifm, ilen ? ilen : isize, nofm, olen ? olen : osize,
				 nifm * 31 + nofm));
	CHECK_SYS(r, job_start(&j, net_fd, events, 1));
	CHECK_RESULT(&j, isize, osize, events, 1);
out:
	job_free(&j);
	t_end();
}

static int gen_net(int dev, const struct tfl_tensor *in, unsigned int nin,
		   const struct tfl_tensor *out, unsigned int nout)
{
	static uint8_t model[16384];
	size_t len = tfl_build(model, sizeof(model), "generated", in, nin, out, nout);

	if (!len) {
		errno = E2BIG;
		return -1;
	}
	return net_user(dev, model, (uint32_t)len);
}

static void model_cases(int dev)
{
	static const uint32_t ev[8] = { 9, 8, 7, 6, 5, 4, 3, 2 };
	static const uint32_t add_i[] = { 4, 4 }, add_o[] = { 4 }, add_il[] = { 64, 9 };
	static const uint32_t conv_i[] = { 192 }, conv_o[] = { 72 };
	struct tfl_tensor mi[2] = { { TFL_INT8, 2, { 1, 5 } }, { TFL_FLOAT32, 2, { 2, 3 } } };
	struct tfl_tensor mo[3] = { { TFL_UINT8, 1, { 7 } },
				    { TFL_INT16, 3, { 1, 2, 5 } },
				    { TFL_INT32, 1, { 1 } } };
	struct tfl_tensor wrap_i[1] = { { TFL_INT8, 1, { 3 } } };
	struct tfl_tensor wrap_o[1] = { { TFL_INT8, 2, { 5, 10 } } };
	struct tfl_tensor big_i[16], big_o[16];
	uint32_t mis[2], mos[3], bis[16], bos[16], wis[1] = { 3 }, wos[1] = { 50 };
	unsigned int i;
	size_t len = 0;
	void *model;
	int net;

	net = net_index(dev, 3);
	model_run(dev, "test_add (index 3): 2 IFMs in order, larger buffers", net, 2, add_i,
		  add_il, 1, add_o, NULL, ev);
	close_fd(&net);
	net = net_index(dev, 2);
	model_run(dev, "test_conv2d (index 2): 192 -> 72 bytes", net, 1, conv_i, NULL, 1, conv_o,
		  NULL, ev);
	close_fd(&net);

	model = read_file(fixture("network-1.tflite"), &len);
	net = model ? net_user(dev, model, (uint32_t)len) : -1;
	free(model);
	model_run(dev, "KWS from a user buffer (network-1.tflite)", net, 1, kws_isize, NULL, 1,
		  kws_osize, NULL, NULL);
	close_fd(&net);

	for (i = 0; i < 2; i++)
		mis[i] = tfl_tensor_bytes(&mi[i]);
	for (i = 0; i < 3; i++)
		mos[i] = tfl_tensor_bytes(&mo[i]);
	net = gen_net(dev, mi, 2, mo, 3);
	model_run(dev, "generated 2 IFMs / 3 OFMs: OFM k adds k+1", net, 2, mis, NULL, 3, mos,
		  NULL, ev);
	close_fd(&net);

	net = gen_net(dev, wrap_i, 1, wrap_o, 1);
	model_run(dev, "generated 3-byte IFM, 50-byte OFM: input wraps", net, 1, wis, NULL, 1, wos,
		  NULL, NULL);
	close_fd(&net);

	net = gen_net(dev, NULL, 0, mo, 3);
	model_run(dev, "generated model without IFMs: OFM k is all k+1", net, 0, NULL, NULL, 3,
		  mos, NULL, ev);
	close_fd(&net);

	for (i = 0; i < 16; i++) {
		big_i[i] = (struct tfl_tensor){ TFL_INT8, 2, { 1, (int32_t)i + 1 } };
		big_o[i] = (struct tfl_tensor){ TFL_INT16, 2, { 2, (int32_t)i + 1 } };
		bis[i] = tfl_tensor_bytes(&big_i[i]);
		bos[i] = tfl_tensor_bytes(&big_o[i]);
	}
	net = gen_net(dev, big_i, 16, big_o, 16);
	model_run(dev, "generated 16 IFMs / 16 OFMs (the maximum)", net, 16, bis, NULL, 16, bos,
		  NULL, ev);
	close_fd(&net);
}

/* One buffer as IFM and OFM: the firmware reads all of the input before writing. */
static void shared_ifm_ofm(int dev, int net)
{
	static const uint32_t len[] = { KWS_IN };
	uint8_t in[KWS_IN], want[KWS_OUT];
	const uint8_t *ins[1] = { in };
	struct job j;
	int r, i;

	job_init(&j);
	t_begin("inference: the IFM buffer doubles as the OFM: OFM from the original input");
	CHECK_SYS(r, job_buffers(&j, dev, 1, len, 0, NULL, 19));
	memcpy(in, j.ifm_map[0], KWS_IN);
	CHECK_SYS(j.inf, inf_create(net, 1, j.ifm, 1, j.ifm, NULL, 0));
	CHECK_DONE(j.inf, WAIT_MS);
	CHECK_STATUS(inf_state(j.inf), ETHOSU_UAPI_STATUS_OK);
	emu_expected_ofm(ins, kws_isize, 1, 0, want, KWS_OUT);
	for (i = 0; i < KWS_OUT; i++)
		CHECK_EQ(j.ifm_map[0][i], want[i]);
	CHECK(!memcmp(j.ifm_map[0] + KWS_OUT, in + KWS_OUT, KWS_IN - KWS_OUT),
	      "bytes past the OFM tensor changed");
out:
	job_free(&j);
	t_end();
}

/* Mismatches between the inference and the model end in ERROR, outputs untouched. */
static void mismatch(int dev, int net, const char *what, unsigned int nifm, uint32_t ilen,
		     unsigned int nofm, uint32_t olen)
{
	static const uint32_t ev[8] = { 1, 2, 3, 4, 0, 0, 0, 0 };
	struct ethosu_uapi_result_status st;
	uint32_t il[ETHOSU_FD_MAX], ol[ETHOSU_FD_MAX];
	struct job j;
	unsigned int i;
	int r;

	for (i = 0; i < ETHOSU_FD_MAX; i++) {
		il[i] = ilen;
		ol[i] = olen;
	}
	job_init(&j);
	t_begin("inference: KWS with %s -> ERROR, outputs and PMU untouched", what);
	CHECK_SYS(r, job_buffers(&j, dev, nifm, il, nofm, ol, 14));
	CHECK_SYS(r, job_start(&j, net, ev, 1));
	CHECK_DONE(j.inf, WAIT_MS);
	CHECK_SYS(r, inf_status(j.inf, &st));
	CHECK_STATUS(st.status, ETHOSU_UAPI_STATUS_ERROR);
	CHECK(job_outputs_untouched(&j), "an OFM was written");
	for (i = 0; i < ETHOSU_PMU_EVENT_MAX; i++)
		CHECK_EQ(st.pmu_count.events[i], 0);
	CHECK_EQ(st.pmu_count.cycle_count, 0);
out:
	job_free(&j);
	t_end();
}

static void mismatch_cases(int dev, int net)
{
	mismatch(dev, net, "no IFM", 0, KWS_IN, 1, KWS_OUT);
	mismatch(dev, net, "2 IFMs", 2, KWS_IN, 1, KWS_OUT);
	mismatch(dev, net, "16 IFMs", 16, KWS_IN, 1, KWS_OUT);
	mismatch(dev, net, "no OFM", 1, KWS_IN, 0, KWS_OUT);
	mismatch(dev, net, "2 OFMs", 1, KWS_IN, 2, KWS_OUT);
	mismatch(dev, net, "16 OFMs", 1, KWS_IN, 16, KWS_OUT);
	mismatch(dev, net, "an IFM 1 byte short", 1, KWS_IN - 1, 1, KWS_OUT);
	mismatch(dev, net, "an OFM 1 byte short", 1, KWS_IN, 1, KWS_OUT - 1);
}

static void bad_network(int dev, const char *what, int net)
{
	struct ethosu_uapi_result_status st;
	struct job j;
	int r;

	job_init(&j);
	t_begin("inference: on %s -> ERROR", what);
	CHECK(net >= 0, "NETWORK_CREATE: %s", strerror(errno));
	CHECK_SYS(r, job_buffers1(&j, dev, KWS_IN, KWS_OUT, 15));
	CHECK_SYS(r, job_start(&j, net, NULL, 0));
	CHECK_DONE(j.inf, WAIT_MS);
	CHECK_SYS(r, inf_status(j.inf, &st));
	CHECK_STATUS(st.status, ETHOSU_UAPI_STATUS_ERROR);
	CHECK(job_outputs_untouched(&j), "an OFM was written");
out:
	job_free(&j);
	t_end();
}

static void bad_network_cases(int dev)
{
	size_t len = 0;
	uint8_t *model = read_file(fixture("network-1.tflite"), &len);
	int net;

	net = net_index(dev, 0);
	bad_network(dev, "built-in index 0 (absent)", net);
	close_fd(&net);
	net = model ? net_user(dev, model + len / 4, (uint32_t)(len / 2 - len / 4)) : -1;
	bad_network(dev, "an unparsable network (second quarter of the model)", net);
	close_fd(&net);
	free(model);
}

/* With latency, the inference is observably RUNNING and not pollable. */
static void running(int dev, int net)
{
	static const uint32_t ev[8] = { 5, 6, 7, 8, 9, 10, 11, 12 };
	struct ethosu_uapi_result_status st;
	long long old = emu_set_latency(0, 400000);
	uint64_t t0 = now_ms(), took;
	struct job j;
	unsigned int i;
	int r;

	job_init(&j);
	t_begin("inference: while RUNNING: no POLLIN, config echoed, counts 0; done after latency");
	CHECK(old >= 0, "cannot set latency_us");
	CHECK_SYS(r, job_buffers1(&j, dev, KWS_IN, KWS_OUT, 16));
	t0 = now_ms();
	CHECK_SYS(r, job_start(&j, net, ev, 1));
	CHECK_SYS(r, inf_status(j.inf, &st));
	CHECK_STATUS(st.status, ETHOSU_UAPI_STATUS_RUNNING);
	for (i = 0; i < ETHOSU_PMU_EVENT_MAX; i++) {
		CHECK_EQ(st.pmu_config.events[i], ev[i]);
		CHECK_EQ(st.pmu_count.events[i], 0);
	}
	CHECK_EQ(st.pmu_config.cycle_count, 1);
	CHECK_EQ(st.pmu_count.cycle_count, 0);
	CHECK_EQ(inf_wait(j.inf, 0), 0);
	CHECK(job_outputs_untouched(&j), "OFM written before the inference finished");
	CHECK_DONE(j.inf, WAIT_MS);
	took = now_ms() - t0;
	CHECK(took >= 390, "done after %llu ms with latency 400 ms", (unsigned long long)took);
	CHECK_SYS(r, inf_status(j.inf, &st));
	CHECK_STATUS(st.status, ETHOSU_UAPI_STATUS_OK);
	/* level-triggered: still readable */
	CHECK_EQ(inf_wait(j.inf, 0), POLLIN);
out:
	if (old >= 0)
		emu_set_latency(0, old);
	job_free(&j);
	t_end();
}

/* Closing everything but the inference fd right after create changes nothing. */
static void holds_references(void)
{
	struct ethosu_uapi_result_status st;
	long long old = emu_set_latency(0, 100000);
	int dev = -1, net = -1, r;
	struct job j;

	job_init(&j);
	t_begin("inference: completes after its device, network and buffer fds are closed");
	CHECK(old >= 0, "cannot set latency_us");
	CHECK_SYS(dev, dev_open(0));
	CHECK_SYS(net, net_index(dev, 1));
	CHECK_SYS(r, job_buffers1(&j, dev, KWS_IN, KWS_OUT, 17));
	CHECK_SYS(r, job_start(&j, net, NULL, 1));
	job_close_buffers(&j);
	close_fd(&net);
	close_fd(&dev);
	CHECK_RESULT(&j, kws_isize, kws_osize, NULL, 1);
out:
	if (old >= 0)
		emu_set_latency(0, old);
	job_free(&j);
	close_fd(&net);
	close_fd(&dev);
	t_end();
}

/* The same buffers serve consecutive inferences with new inputs. */
static void reuse_buffers(int dev, int net)
{
	struct ethosu_uapi_result_status st;
	struct job j;
	int r, round;

	job_init(&j);
	t_begin("inference: three inferences reuse one IFM/OFM pair with new inputs");
	CHECK_SYS(r, job_buffers1(&j, dev, KWS_IN, KWS_OUT, 18));
	for (round = 0; round < 3; round++) {
		fill_pattern(j.ifm_map[0], KWS_IN, 100 + round);
		memset(j.ofm_map[0], OFM_CANARY, KWS_OUT);
		CHECK_SYS(r, job_start(&j, net, NULL, 0));
		CHECK_RESULT(&j, kws_isize, kws_osize, NULL, 0);
		close_fd(&j.inf);
	}
out:
	job_free(&j);
	t_end();
}

/* Many inferences queued at once, each with its own input. */
static void many_in_flight(int dev, int net)
{
	enum { N = 48 };
	static const uint32_t ev[8] = { 3, 0, 3, 0, 3, 0, 3, 0 };
	static struct job jobs[N];
	struct ethosu_uapi_result_status st;
	int i, r;

	for (i = 0; i < N; i++)
		job_init(&jobs[i]);
	t_begin("inference: %d in flight at once, each OK with its own outputs", N);
	for (i = 0; i < N; i++) {
		CHECK_SYS(r, job_buffers1(&jobs[i], dev, KWS_IN, KWS_OUT, 1000 + i));
		CHECK_SYS(r, job_start(&jobs[i], net, ev, i % 2));
	}
	for (i = 0; i < N; i++) {
		struct job *j = &jobs[i];

		CHECK_RESULT(j, kws_isize, kws_osize, ev, (uint32_t)(i % 2));
	}
out:
	for (i = 0; i < N; i++)
		job_free(&jobs[i]);
	t_end();
}

/* Several threads share one device fd, each with its own network. */
struct worker {
	int dev, failed;
	unsigned int id;
	char why[128];
};

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	struct ethosu_uapi_result_status st;
	int net = net_index(w->dev, 1), i;
	struct job j;

	job_init(&j);
	if (net < 0) {
		snprintf(w->why, sizeof(w->why), "NETWORK_CREATE: %s", strerror(errno));
		w->failed = 1;
		return NULL;
	}
	for (i = 0; i < 10 && !w->failed; i++) {
		if (job_buffers1(&j, w->dev, KWS_IN, KWS_OUT, w->id * 100 + i) ||
		    job_start(&j, net, NULL, 1) < 0) {
			snprintf(w->why, sizeof(w->why), "setup: %s", strerror(errno));
			w->failed = 1;
		} else if (inf_wait(j.inf, WAIT_MS) != POLLIN || inf_status(j.inf, &st) ||
			   st.status != ETHOSU_UAPI_STATUS_OK) {
			snprintf(w->why, sizeof(w->why), "inference %d not OK", i);
			w->failed = 1;
		} else if (job_check_outputs(&j, kws_isize, kws_osize, w->why, sizeof(w->why)) <
				   0 ||
			   st.pmu_count.cycle_count != emu_cycles(KWS_IN, KWS_OUT)) {
			w->failed = 1;
		}
		job_free(&j);
	}
	close(net);
	return NULL;
}

static void threads(int dev)
{
	enum { N = 4 };
	struct worker w[N];
	pthread_t tid[N];
	int i, started = 0;

	t_begin("inference: %d threads x 10 inferences on one device fd", N);
	for (i = 0; i < N; i++) {
		w[i] = (struct worker){ .dev = dev, .id = (unsigned int)i };
		CHECK(!pthread_create(&tid[i], NULL, worker_run, &w[i]), "pthread_create");
		started++;
	}
out:
	for (i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	for (i = 0; i < started; i++) {
		if (w[i].failed) {
			t_fail(__LINE__, "thread %d: %s", i, w[i].why);
			break;
		}
	}
	t_end();
}

int main(void)
{
	int dev = t_open_main(0, "inference"), net;

	if (dev < 0)
		return t_exit();
	counters = emu_pmu_counters(0);
	net = net_index(dev, 1);
	if (net < 0) {
		t_begin("inference: NETWORK_CREATE index 1");
		t_fail(__LINE__, "%s", strerror(errno));
		t_end();
		return t_exit();
	}
	kws_cases(dev, net);
	wide_events(dev, net);
	oversized_buffers(dev, net);
	shared_ifm_ofm(dev, net);
	model_cases(dev);
	mismatch_cases(dev, net);
	bad_network_cases(dev);
	running(dev, net);
	holds_references();
	reuse_buffers(dev, net);
	many_in_flight(dev, net);
	threads(dev);
	close(net);
	close(dev);
	return t_exit();
}
