// SPDX-License-Identifier: Apache-2.0
/*
 * The emulator's NPU model path (docs/emulator.md): the shared Vela KWS models, given the input
 * recorded on hardware, must answer the bytes real Ethos-U hardware answered
 * (test/fixtures/models/vela/kws_*_expected_output.bin), through /dev/ethosuN and real syscalls.
 * Also: a model compiled for another NPU is refused (status ERROR), the knob "model" 0 gives the
 * formula back, and the PMU MAC_ACTIVE count is the model's MAC count over the NPU's MACs.
 * Runs on the rig's subsystems (u55-128, u65-256); U85 is in npu_variants (needs a reload).
 */
#include <stdbool.h>

#include "ethosu_test.h"

#define KWS_IN 490
#define KWS_OUT 12
#define WAIT_MS 60000
/* Multiply-accumulates of one KWS inference (docs/npu-model.md, counted by the model). */
#define KWS_MACS 2498304ull
/* The rpmsg firmware's PMU event values: CYCLE, NPU_ACTIVE, MAC_ACTIVE. */
#define EV_CYCLE 1
#define EV_NPU_ACTIVE 5
#define EV_MAC_ACTIVE 6

static const uint32_t kws_isize[] = { KWS_IN }, kws_osize[] = { KWS_OUT };

static void *vela_file(const char *name, size_t *len)
{
	static char path[PATH_MAX];
	const char *repo = getenv("ETHOSU_REPO");

	snprintf(path, sizeof(path), "%s/test/fixtures/models/vela/%s",
		 repo ? repo : ETHOSU_TEST_REPO, name);
	return read_file(path, len);
}

static int subsystem_of(const char *npu)
{
	int s;

	for (s = 0; s < emu_subsystems(); s++)
		if (!strcmp(emu_npu(s), npu))
			return s;
	return -1;
}

static uint8_t *input, *expected;

/* One inference of the network fd with the KWS input; fills st and out. */
static int run_kws(int dev, int net, const uint32_t *events, struct ethosu_uapi_result_status *st,
		   uint8_t *out, char *why, size_t len)
{
	struct job j;
	int r = -1;

	job_init(&j);
	if (job_buffers1(&j, dev, KWS_IN, KWS_OUT, 1)) {
		snprintf(why, len, "buffers: %s", strerror(errno));
		goto out;
	}
	memcpy(j.ifm_map[0], input, KWS_IN);
	if (job_start(&j, net, events, 1) < 0) {
		snprintf(why, len, "INFERENCE_CREATE: %s", strerror(errno));
		goto out;
	}
	if (inf_wait(j.inf, WAIT_MS) <= 0 || inf_status(j.inf, st)) {
		snprintf(why, len, "inference did not finish: %s", strerror(errno));
		goto out;
	}
	memcpy(out, j.ofm_map[0], KWS_OUT);
	r = 0;
out:
	job_free(&j);
	return r;
}

static void hex(const uint8_t *p, char *s)
{
	int i;

	for (i = 0; i < KWS_OUT; i++)
		sprintf(s + 3 * i, "%02x ", p[i]);
	s[3 * KWS_OUT - 1] = 0;
}

/* The hardware bytes from the KWS model of @npu, on the subsystem emulating @npu. */
static void hardware_bytes(const char *npu, bool builtin)
{
	static const uint32_t ev[8] = { EV_MAC_ACTIVE, EV_CYCLE, EV_NPU_ACTIVE, 2 };
	struct ethosu_uapi_result_status st, st2;
	uint8_t out[KWS_OUT], out2[KWS_OUT];
	char name[96], why[160], got[64], want[64];
	int s = subsystem_of(npu), dev = -1, net = -1;
	long long ok0, ok1;
	uint64_t macs_cc = 0;
	size_t len = 0;
	void *model = NULL;

	t_begin("kws_model: %s KWS Vela model (%s) gives the hardware's bytes, PMU MAC_ACTIVE = "
		"MACs / MACs per cycle, CYCLE = NPU_ACTIVE = cycle counter, deterministic",
		npu, builtin ? "built-in index 1" : "user buffer");
	CHECK(s >= 0, "no subsystem emulates %s", npu);
	CHECK_SYS(dev, dev_open(s));
	CHECK(!knob_write(s, "model", "1"), "cannot enable the model: %s", strerror(errno));
	if (builtin) {
		CHECK_SYS(net, net_index(dev, 1));
	} else {
		snprintf(name, sizeof(name), "kws_cnn_small_int8_%s_vela.tflite", npu);
		model = vela_file(name, &len);
		CHECK(model, "%s: %s", name, strerror(errno));
		CHECK_SYS(net, net_user(dev, model, (uint32_t)len));
	}
	ok0 = emu_stat(s, "model_ok");
	CHECK(!run_kws(dev, net, ev, &st, out, why, sizeof(why)), "%s", why);
	CHECK_STATUS(st.status, ETHOSU_UAPI_STATUS_OK);
	hex(out, got);
	hex(expected, want);
	CHECK(!memcmp(out, expected, KWS_OUT), "output %s, hardware %s", got, want);
	ok1 = emu_stat(s, "model_ok");
	CHECK(ok1 == ok0 + 1, "model_ok went from %lld to %lld", ok0, ok1);
	printf("# %s: KWS model run took %lld us in the guest (stats model_last_us)\n", npu,
	       emu_stat(s, "model_last_us"));

	macs_cc = 1ull << emu_macs_log2(npu);
	CHECK_EQ(st.pmu_count.events[0], (KWS_MACS + macs_cc - 1) / macs_cc);
	CHECK(st.pmu_count.cycle_count > st.pmu_count.events[0],
	      "cycle count %llu not above the MAC cycles %llu",
	      (unsigned long long)st.pmu_count.cycle_count,
	      (unsigned long long)st.pmu_count.events[0]);
	CHECK_EQ(st.pmu_count.events[1], st.pmu_count.cycle_count);
	CHECK_EQ(st.pmu_count.events[2], st.pmu_count.cycle_count);
	CHECK_EQ(st.pmu_count.events[3], 0);

	CHECK(!run_kws(dev, net, ev, &st2, out2, why, sizeof(why)), "%s", why);
	CHECK_STATUS(st2.status, ETHOSU_UAPI_STATUS_OK);
	CHECK(!memcmp(out2, expected, KWS_OUT), "second run differs");
	CHECK(!memcmp(&st.pmu_count, &st2.pmu_count, sizeof(st.pmu_count)),
	      "PMU counts differ between two runs");
out:
	if (s >= 0)
		knob_write(s, "model", "0");
	free(model);
	close_fd(&net);
	close_fd(&dev);
	t_end();
}

/* A model compiled for another NPU: the CONFIG check refuses it (status ERROR, OFM untouched). */
static void wrong_npu(void)
{
	struct ethosu_uapi_result_status st;
	int s = subsystem_of("u65-256"), dev = -1, net = -1, r;
	long long err0;
	struct job j;

	job_init(&j);
	t_begin("kws_model: the U55-128 KWS model on a u65-256 subsystem: status ERROR, OFM untouched, "
		"model_error counted");
	CHECK(s >= 0, "no subsystem emulates u65-256");
	CHECK_SYS(dev, dev_open(s));
	CHECK(!knob_write(s, "model", "1"), "cannot enable the model");
	CHECK_SYS(net, net_index(dev, 1));
	err0 = emu_stat(s, "model_error");
	CHECK_SYS(r, job_buffers1(&j, dev, KWS_IN, KWS_OUT, 2));
	memcpy(j.ifm_map[0], input, KWS_IN);
	CHECK_SYS(r, job_start(&j, net, NULL, 0));
	CHECK_DONE(j.inf, WAIT_MS);
	CHECK_SYS(r, inf_status(j.inf, &st));
	CHECK_STATUS(st.status, ETHOSU_UAPI_STATUS_ERROR);
	CHECK(job_outputs_untouched(&j), "a failed inference wrote its OFM");
	CHECK_EQ(emu_stat(s, "model_error"), err0 + 1);
out:
	if (s >= 0)
		knob_write(s, "model", "0");
	job_free(&j);
	close_fd(&net);
	close_fd(&dev);
	t_end();
}

/* Knob model 0: the same network answers with the documented formula again. */
static void knob_off(void)
{
	struct ethosu_uapi_result_status st;
	int s = subsystem_of("u55-128"), dev = -1, net = -1, r;
	char why[128];
	struct job j;

	job_init(&j);
	t_begin("kws_model: knob model 0: the KWS network answers with the formula");
	CHECK(s >= 0, "no subsystem emulates u55-128");
	CHECK_SYS(dev, dev_open(s));
	CHECK(!knob_write(s, "model", "0"), "cannot disable the model");
	CHECK_EQ(knob_read(s, "model"), 0);
	CHECK_SYS(net, net_index(dev, 1));
	CHECK_SYS(r, job_buffers1(&j, dev, KWS_IN, KWS_OUT, 3));
	CHECK_SYS(r, job_start(&j, net, NULL, 0));
	CHECK_DONE(j.inf, WAIT_MS);
	CHECK_SYS(r, inf_status(j.inf, &st));
	CHECK_STATUS(st.status, ETHOSU_UAPI_STATUS_OK);
	CHECK(job_check_outputs(&j, kws_isize, kws_osize, why, sizeof(why)) >= 0, "%s", why);
out:
	job_free(&j);
	close_fd(&net);
	close_fd(&dev);
	t_end();
}

/* The NPU model runs off the message worker: a PING answers while a model inference is active. */
static void ping_while_running(void)
{
	struct ethosu_uapi_device_capabilities caps, want;
	struct ethosu_uapi_result_status st;
	int s = subsystem_of("u55-128"), dev = -1, net = -1, r;
	long long old = -1;
	char why[128];
	struct job j;

	job_init(&j);
	t_begin("kws_model: PING and CAPABILITIES answer while a model inference is active (3 s "
		"latency); the inference then completes with the hardware's bytes");
	CHECK(s >= 0, "no subsystem emulates u55-128");
	CHECK_SYS(dev, dev_open(s));
	CHECK(!knob_write(s, "model", "1"), "cannot enable the model");
	old = emu_set_latency(s, 3000000);
	CHECK(old >= 0, "cannot set latency_us");
	CHECK_SYS(net, net_index(dev, 1));
	CHECK_SYS(r, job_buffers1(&j, dev, KWS_IN, KWS_OUT, 4));
	memcpy(j.ifm_map[0], input, KWS_IN);
	CHECK_SYS(r, job_start(&j, net, NULL, 0));
	CHECK_EQ(ioctl(dev, ETHOSU_IOCTL_PING), 0);
	CHECK_SYS(r, ioctl(dev, ETHOSU_IOCTL_CAPABILITIES_REQ, &caps));
	CHECK(!emu_expected_caps("u55-128", &want), "no expectation for u55-128");
	CHECK(!caps_diff(&caps, &want, why, sizeof(why)), "%s", why);
	CHECK(inf_state(j.inf) == ETHOSU_UAPI_STATUS_RUNNING, "inference is not running");
	CHECK_DONE(j.inf, WAIT_MS);
	CHECK_SYS(r, inf_status(j.inf, &st));
	CHECK_STATUS(st.status, ETHOSU_UAPI_STATUS_OK);
	CHECK(!memcmp(j.ofm_map[0], expected, KWS_OUT), "output differs from the hardware's");
out:
	if (old >= 0)
		emu_set_latency(s, old);
	if (s >= 0)
		knob_write(s, "model", "0");
	job_free(&j);
	close_fd(&net);
	close_fd(&dev);
	t_end();
}

int main(void)
{
	size_t n = 0, m = 0;

	input = vela_file("kws_cnn_small_int8_u55-128_input.bin", &n);
	expected = vela_file("kws_cnn_small_int8_u55-128_expected_output.bin", &m);
	if (!input || !expected || n != KWS_IN || m != KWS_OUT) {
		t_begin("kws_model: read the KWS input and expected output fixtures");
		t_fail(__LINE__, "missing or wrong size (%zu, %zu)", n, m);
		t_end();
		return t_exit();
	}
	hardware_bytes("u55-128", false);
	hardware_bytes("u55-128", true);
	hardware_bytes("u65-256", false);
	wrong_npu();
	knob_off();
	ping_while_running();
	free(input);
	free(expected);
	return t_exit();
}
