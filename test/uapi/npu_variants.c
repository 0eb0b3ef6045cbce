// SPDX-License-Identifier: Apache-2.0
/*
 * Reloads the emulator: unloading it with fds open (the driver's remove with users), then four
 * subsystems with every NPU kind (U85's 8 PMU counters against the others' 4), then the rig's
 * own parameters again (ETHOSU_EMU_ARGS). Needs ETHOSU_MODULE_DIR; runs last in run-all.
 */
#include <sys/syscall.h>

#include "ethosu_test.h"
#include "modules.h"

#define KWS_IN 490
#define KWS_OUT 12
#define WAIT_MS 20000

static const uint32_t kws_isize[] = { KWS_IN }, kws_osize[] = { KWS_OUT };

static int emu_unload(void)
{
	int i;

	for (i = 0; i < 100; i++) {
		if (!syscall(SYS_delete_module, "ethosu_emu", O_NONBLOCK))
			return 0;
		if (errno != EAGAIN && errno != EBUSY)
			return -1;
		sleep_ms(50);
	}
	return -1;
}

static int count_nodes(void)
{
	struct dirent *de;
	DIR *d = opendir("/sys/class/ethosu");
	int n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d)))
		n += !strncmp(de->d_name, "ethosu", 6);
	closedir(d);
	return n;
}

static void unload_with_users(void)
{
	struct ethosu_uapi_network_info info;
	uint8_t pattern[KWS_IN];
	int dev = -1, net = -1, r;
	struct job j;

	job_init(&j);
	t_begin("reload: unloading the emulator with fds open: old fds ENODEV, no nodes left");
	CHECK(getenv("ETHOSU_MODULE_DIR"), "ETHOSU_MODULE_DIR is not set");
	CHECK_SYS(dev, dev_open(0));
	CHECK_SYS(net, net_index(dev, 1));
	CHECK_SYS(r, job_buffers1(&j, dev, KWS_IN, KWS_OUT, 1));
	CHECK(!emu_unload(), "delete_module(ethosu_emu): %s", strerror(errno));
	CHECK_EQ(count_nodes(), 0);
	CHECK_ERR(ioctl(dev, ETHOSU_IOCTL_PING), ENODEV);
	CHECK_ERR(net_info(net, &info), ENODEV);
	fill_pattern(pattern, KWS_IN, 1);
	CHECK(!memcmp(j.ifm_map[0], pattern, KWS_IN) && job_outputs_untouched(&j),
	      "a mapped buffer changed when the emulator went away");
	CHECK_EQ(close(net), 0);
	net = -1;
	CHECK_EQ(close(dev), 0);
	dev = -1;
out:
	job_free(&j);
	close_fd(&net);
	close_fd(&dev);
	t_end();
}

static void four_npus(void)
{
	static const char *const kinds[4] = { "u85-256", "u55-256", "u65-256", "u55-128" };
	static const uint32_t ev[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct ethosu_uapi_device_capabilities caps, want;
	struct ethosu_uapi_result_status st;
	int dev = -1, net = -1, s, r;
	unsigned int i;
	char why[128];
	struct job j;

	job_init(&j);
	t_begin("reload: four subsystems u85-256,u55-256,u65-256,u55-128: per-NPU PMU counters");
	CHECK(!module_load("emulator/ethosu_emu.ko",
			   "subsystems=4 npus=u85-256,u55-256,u65-256,u55-128 npu_model=0"),
	      "load: %s", strerror(errno));
	for (s = 0; s < 4; s++) {
		CHECK_SYS(dev, dev_open(s));
		CHECK(!strcmp(emu_npu(s), kinds[s]), "subsystem %d runs %s", s, emu_npu(s));
		CHECK_SYS(r, ioctl(dev, ETHOSU_IOCTL_CAPABILITIES_REQ, &caps));
		CHECK(!emu_expected_caps(kinds[s], &want), "no expectation for %s", kinds[s]);
		CHECK(!caps_diff(&caps, &want, why, sizeof(why)), "%s: %s", kinds[s], why);
		CHECK_SYS(net, net_index(dev, 1));
		CHECK_SYS(r, job_buffers1(&j, dev, KWS_IN, KWS_OUT, 10 + s));
		CHECK_SYS(r, job_start(&j, net, ev, 1));
		CHECK_DONE(j.inf, WAIT_MS);
		CHECK_SYS(r, inf_status(j.inf, &st));
		CHECK_STATUS(st.status, ETHOSU_UAPI_STATUS_OK);
		CHECK(job_check_outputs(&j, kws_isize, kws_osize, why, sizeof(why)) >= 0, "%s", why);
		for (i = 0; i < ETHOSU_PMU_EVENT_MAX; i++) {
			uint64_t want = i < (!strncmp(kinds[s], "u85", 3) ? 8u : 4u) ?
						1000ull * ev[i] + i + KWS_IN : 0;

			CHECK(st.pmu_count.events[i] == want,
			      "%s slot %u: count %llu, want %llu", kinds[s], i,
			      (unsigned long long)st.pmu_count.events[i],
			      (unsigned long long)want);
		}
		job_free(&j);
		close_fd(&net);
		close_fd(&dev);
	}
out:
	job_free(&j);
	close_fd(&net);
	close_fd(&dev);
	t_end();
}

static void restore(void)
{
	const char *args = getenv("ETHOSU_EMU_ARGS");
	int n, s;

	if (!args)
		args = "subsystems=2";
	t_begin("reload: back to the rig's emulator parameters (%s)", args);
	CHECK(!emu_unload() || errno == ENOENT, "delete_module: %s", strerror(errno));
	CHECK(!module_load("emulator/ethosu_emu.ko", args), "load: %s", strerror(errno));
	n = emu_subsystems();
	for (s = 0; s < n; s++)
		CHECK(emu_wait_online(s, 10000) >= 0, "subsystem %d did not come online", s);
	CHECK_EQ(count_nodes(), n);
out:
	t_end();
}

/* A file of test/fixtures/models/vela (malloc'd), or NULL. */
static void *vela_fixture(const char *name, size_t *len)
{
	char path[PATH_MAX];
	const char *repo = getenv("ETHOSU_REPO");

	snprintf(path, sizeof(path), "%s/test/fixtures/models/vela/%s",
		 repo ? repo : ETHOSU_TEST_REPO, name);
	return read_file(path, len);
}

/* One inference of a Vela KWS model file on subsystem s with the hardware's input. */
static int run_vela(int s, const char *model, struct ethosu_uapi_result_status *st,
		    uint8_t *out)
{
	void *bytes = NULL, *input = NULL;
	size_t len = 0, ilen = 0;
	int dev = -1, net = -1, r = -1;
	struct job j;

	job_init(&j);
	bytes = vela_fixture(model, &len);
	input = vela_fixture("kws_cnn_small_int8_u55-128_input.bin", &ilen);
	if (!bytes || !input || ilen != KWS_IN)
		goto out;
	dev = dev_open(s);
	if (dev < 0 || (net = net_user(dev, bytes, (uint32_t)len)) < 0 ||
	    job_buffers1(&j, dev, KWS_IN, KWS_OUT, 7))
		goto out;
	memcpy(j.ifm_map[0], input, KWS_IN);
	if (job_start(&j, net, NULL, 0) < 0 || inf_wait(j.inf, WAIT_MS) <= 0 ||
	    inf_status(j.inf, st))
		goto out;
	memcpy(out, j.ofm_map[0], KWS_OUT);
	r = 0;
out:
	job_free(&j);
	close_fd(&net);
	close_fd(&dev);
	free(bytes);
	free(input);
	return r;
}

/*
 * Every published MAC configuration, four at a time, with the NPU model on: the capabilities
 * of each; the U85-256 runs its own KWS model and answers the hardware's bytes, and a KWS model
 * compiled for another configuration ends with status ERROR and an untouched OFM.
 */
static void all_npus(void)
{
	static const char *const batches[2][4] = {
		{ "u55-32", "u55-64", "u65-512", "u85-128" },
		{ "u85-256", "u85-512", "u85-1024", "u85-2048" },
	};
	struct ethosu_uapi_device_capabilities caps, want;
	struct ethosu_uapi_result_status st;
	uint8_t out[KWS_OUT];
	char params[160], why[128];
	int dev = -1, s, r, b;
	size_t hw_len = 0;
	/* The three KWS models share one hardware output (test/fixtures/models/PROVENANCE.md). */
	uint8_t *hw_output = vela_fixture("kws_cnn_small_int8_u55-128_expected_output.bin", &hw_len);

	for (b = 0; b < 2; b++) {
		snprintf(params, sizeof(params), "subsystems=4 npus=%s,%s,%s,%s npu_model=1",
			 batches[b][0], batches[b][1], batches[b][2], batches[b][3]);
		t_begin("reload: %s: capabilities; U85-256 answers the hardware's KWS bytes, a KWS "
			"model for another NPU fails with status ERROR", params);
		CHECK(!emu_unload() || errno == ENOENT, "delete_module: %s", strerror(errno));
		CHECK(hw_output && hw_len == KWS_OUT, "no %d-byte U85-256 hardware output", KWS_OUT);
		CHECK(!module_load("emulator/ethosu_emu.ko", params), "load: %s", strerror(errno));
		for (s = 0; s < 4; s++) {
			const char *npu = batches[b][s];
			const char *model = !strncmp(npu, "u85", 3) ?
						    "kws_cnn_small_int8_u85-256_vela.tflite" :
					    !strncmp(npu, "u65", 3) ?
						    "kws_cnn_small_int8_u65-256_vela.tflite" :
						    "kws_cnn_small_int8_u55-128_vela.tflite";
			unsigned int k;

			CHECK_SYS(dev, dev_open(s));
			CHECK(!strcmp(emu_npu(s), npu), "subsystem %d runs %s", s, emu_npu(s));
			CHECK_SYS(r, ioctl(dev, ETHOSU_IOCTL_CAPABILITIES_REQ, &caps));
			CHECK(!emu_expected_caps(npu, &want), "no expectation for %s", npu);
			CHECK(!caps_diff(&caps, &want, why, sizeof(why)), "%s: %s", npu, why);
			close_fd(&dev);
			memset(out, OFM_CANARY, sizeof(out));
			CHECK(!run_vela(s, model, &st, out), "%s: %s did not run: %s", npu, model,
			      strerror(errno));
			if (!strcmp(npu, "u85-256")) {
				CHECK(st.status == ETHOSU_UAPI_STATUS_OK, "%s with %s: status %s", npu,
				      model, status_name(st.status));
				CHECK(!memcmp(out, hw_output, KWS_OUT),
				      "%s: the output differs from the hardware's", npu);
				continue;
			}
			CHECK(st.status == ETHOSU_UAPI_STATUS_ERROR, "%s with %s: status %s", npu,
			      model, status_name(st.status));
			for (k = 0; k < KWS_OUT; k++)
				CHECK(out[k] == OFM_CANARY, "%s: a failed inference wrote OFM byte %u",
				      npu, k);
		}
out:
		close_fd(&dev);
		t_end();
	}
	free(hw_output);
}

int main(void)
{
	/* Every case reloads the emulator with other NPUs */
	if (skip_on_chain("npu_variants: all cases", CHAIN_RELOAD))
		return t_exit();
	unload_with_users();
	four_npus();
	all_npus();
	restore();
	return t_exit();
}
