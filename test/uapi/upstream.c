// SPDX-License-Identifier: Apache-2.0
/*
 * The upstream driver stack's own conformance tests (reference section 4.2), step by step on one
 * device fd: run_inference_test steps 1-11 and cancel_inference_test. The expected output is the
 * emulator's (docs/emulator.md) instead of the hardware's.
 */
#include "ethosu_test.h"

#define KWS_IN 490
#define KWS_OUT 12
#define WAIT_MS 60000

static const char *create_error(int err)
{
	static char text[128];

	snprintf(text, sizeof(text), "IOCTL cmd=NETWORK_CREATE failed: %s", strerror(err));
	return text;
}

/* Upstream's library turns the failed ioctl into this exact text. */
#define CHECK_CREATE_EINVAL(expr)                                                              \
	do {                                                                                   \
		int t_fd_;                                                                     \
		errno = 0;                                                                     \
		t_fd_ = (expr);                                                                \
		if (t_fd_ >= 0)                                                                \
			close(t_fd_);                                                          \
		CHECK(t_fd_ < 0 && !strcmp(create_error(errno),                               \
					   "IOCTL cmd=NETWORK_CREATE failed: Invalid argument"),  \
		      "%s", t_fd_ < 0 ? create_error(errno) : "NETWORK_CREATE succeeded");   \
	} while (0)

/* Shared by the steps: the model bytes (network-1.tflite, the KWS Vela model). */
static uint8_t *model;
static size_t model_len;

static void step1(int dev)
{
	int r;

	t_begin("upstream run_inference_test 1: ping");
	CHECK_SYS(r, ioctl(dev, ETHOSU_IOCTL_PING));
	CHECK_EQ(r, 0);
out:
	t_end();
}

static void step2(int dev)
{
	struct ethosu_uapi_kernel_driver_version v;
	int r;

	t_begin("upstream run_inference_test 2: driver version equals the header's");
	memset(&v, 0, sizeof(v));
	CHECK_SYS(r, ioctl(dev, ETHOSU_IOCTL_DRIVER_VERSION_GET, &v));
	CHECK_EQ(r, 0);
	CHECK(v.major == ETHOSU_KERNEL_DRIVER_VERSION_MAJOR &&
		      v.minor == ETHOSU_KERNEL_DRIVER_VERSION_MINOR &&
		      v.patch == ETHOSU_KERNEL_DRIVER_VERSION_PATCH,
	      "driver %u.%u.%u", v.major, v.minor, v.patch);
out:
	t_end();
}

static void step3(int dev)
{
	struct ethosu_uapi_device_capabilities caps;
	int r;

	t_begin("upstream run_inference_test 3: capabilities: architecture > 0.0.0, type SUBSYSTEM");
	memset(&caps, 0, sizeof(caps));
	CHECK_SYS(r, ioctl(dev, ETHOSU_IOCTL_CAPABILITIES_REQ, &caps));
	CHECK(caps.hw_id.arch_major_rev || caps.hw_id.arch_minor_rev || caps.hw_id.arch_patch_rev,
	      "architecture 0.0.0");
	CHECK_EQ(caps.hw_cfg.type, ETHOSU_UAPI_DEVICE_SUBSYSTEM);
out:
	t_end();
}

static void step4(int dev)
{
	int buf = -1;

	t_begin("upstream run_inference_test 4: buffer seek");
	CHECK_SYS(buf, buf_create(dev, 1024));
	CHECK_EQ(lseek(buf, 0, SEEK_END), 1024);
	CHECK_EQ(lseek(buf, 0, SEEK_SET), 0);
	CHECK_ERR(lseek(buf, 0, SEEK_CUR), EINVAL);
	CHECK_ERR(lseek(buf, 1, SEEK_CUR), EINVAL);
	CHECK_ERR(lseek(buf, 2, SEEK_END), EINVAL);
	CHECK_ERR(lseek(buf, 3, SEEK_SET), EINVAL);
out:
	close_fd(&buf);
	t_end();
}

static void step5(int dev)
{
	struct ethosu_uapi_network_create nc;

	t_begin("upstream run_inference_test 5: network of type INDEX+1 -> EINVAL");
	memset(&nc, 0, sizeof(nc));
	nc.type = ETHOSU_UAPI_NETWORK_INDEX + 1;
	CHECK_CREATE_EINVAL(ioctl(dev, ETHOSU_IOCTL_NETWORK_CREATE, &nc));
out:
	t_end();
}

static void step6(int dev)
{
	t_begin("upstream run_inference_test 6: user-buffer network, data_ptr 0, size 128 -> EINVAL");
	CHECK_CREATE_EINVAL(net_user(dev, NULL, 128));
out:
	t_end();
}

static void step7(int dev)
{
	uint8_t data[128] = { 0 };

	t_begin("upstream run_inference_test 7: user-buffer network, valid data, size 0 -> EINVAL");
	CHECK_CREATE_EINVAL(net_user(dev, data, 0));
out:
	t_end();
}

static void step8(int dev)
{
	struct ethosu_uapi_network_info info;
	int net = -1;

	t_begin("upstream run_inference_test 8: network index 0 does not exist (NETWORK_INFO fails)");
	CHECK_SYS(net, net_index(dev, 0));
	CHECK_ERR(net_info(net, &info), EBADF);
out:
	close_fd(&net);
	t_end();
}

static void step9(int dev)
{
	struct ethosu_uapi_network_info info;
	int net = -1, r;

	t_begin("upstream run_inference_test 9: network from buffer has one IFM and one OFM");
	CHECK(model, "%s: %s", fixture("network-1.tflite"), strerror(errno));
	CHECK_SYS(net, net_user(dev, model, (uint32_t)model_len));
	CHECK_SYS(r, net_info(net, &info));
	CHECK_EQ(info.ifm_count, 1);
	CHECK_EQ(info.ofm_count, 1);
	CHECK_EQ(info.ifm_size[0], KWS_IN);
	CHECK_EQ(info.ofm_size[0], KWS_OUT);
out:
	close_fd(&net);
	t_end();
}

static void step10(int dev)
{
	struct ethosu_uapi_network_info info;
	int net = -1;

	t_begin("upstream run_inference_test 10: unparsable network (second quarter of the model)");
	CHECK(model, "no model");
	CHECK_SYS(net, net_user(dev, model + model_len / 4,
				(uint32_t)(model_len / 2 - model_len / 4)));
	CHECK_ERR(net_info(net, &info), EBADF);
out:
	close_fd(&net);
	t_end();
}

static void step11(int dev)
{
	static const uint32_t isize[] = { KWS_IN }, osize[] = { KWS_OUT };
	uint32_t zeros[ETHOSU_PMU_EVENT_MAX] = { 0 };
	struct ethosu_uapi_network_info info;
	int net = -1, r, cs = -1;
	char why[128];
	struct job j;

	job_init(&j);
	t_begin("upstream run_inference_test 11: run inference: OK, cancel() false, output bytes");
	CHECK(model, "no model");
	CHECK_SYS(net, net_user(dev, model, (uint32_t)model_len));
	CHECK_SYS(r, net_info(net, &info));
	CHECK_SYS(r, job_buffers1(&j, dev, KWS_IN, KWS_OUT, 490));
	CHECK_SYS(r, job_start(&j, net, zeros, 0));
	CHECK_DONE(j.inf, WAIT_MS);
	CHECK_STATUS(inf_state(j.inf), ETHOSU_UAPI_STATUS_OK);
	CHECK_SYS(r, inf_cancel(j.inf, &cs));
	CHECK(cs != ETHOSU_UAPI_STATUS_OK, "cancel() of a finished inference returned true");
	CHECK(job_check_outputs(&j, isize, osize, why, sizeof(why)) >= 0, "%s", why);
out:
	job_free(&j);
	close_fd(&net);
	t_end();
}

static void run_inference_test(int dev)
{
	model = read_file(fixture("network-1.tflite"), &model_len);
	step1(dev);
	step2(dev);
	step3(dev);
	step4(dev);
	step5(dev);
	step6(dev);
	step7(dev);
	step8(dev);
	step9(dev);
	step10(dev);
	step11(dev);
	free(model);
}

static void cancel_inference_test(int dev)
{
	long long old = emu_set_latency(0, 500000);
	int net = -1, r, cs = -1;
	struct job j;

	job_init(&j);
	t_begin("upstream cancel_inference_test: RUNNING, cancel() true, ABORTED, fd readable");
	CHECK(old >= 0, "cannot set latency_us");
	CHECK_SYS(net, net_index(dev, 1));
	CHECK_SYS(r, job_buffers1(&j, dev, KWS_IN, KWS_OUT, 491));
	CHECK_SYS(r, job_start(&j, net, NULL, 0));
	CHECK_STATUS(inf_state(j.inf), ETHOSU_UAPI_STATUS_RUNNING);
	CHECK_SYS(r, inf_cancel(j.inf, &cs));
	CHECK_STATUS(cs, ETHOSU_UAPI_STATUS_OK);
	CHECK_STATUS(inf_state(j.inf), ETHOSU_UAPI_STATUS_ABORTED);
	CHECK_DONE(j.inf, WAIT_MS);
out:
	if (old >= 0)
		emu_set_latency(0, old);
	job_free(&j);
	close_fd(&net);
	t_end();
}

int main(void)
{
	int dev = t_open_main(0, "upstream");

	if (dev < 0)
		return t_exit();
	run_inference_test(dev);
	cancel_inference_test(dev);
	close(dev);
	return t_exit();
}
