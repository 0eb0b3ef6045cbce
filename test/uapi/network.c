// SPDX-License-Identifier: Apache-2.0
/*
 * Network fds: NETWORK_CREATE (built-in index and user buffer) and NETWORK_INFO, with the
 * expected descriptions and tensor byte sizes read off the model files beforehand (and, for the
 * models built in memory by tflite_gen.h, chosen by the test).
 */
#include "ethosu_test.h"
#include "tflite_gen.h"

struct expect {
	const char *desc;
	unsigned int nifm, nofm;
	uint32_t ifm[ETHOSU_FD_MAX], ofm[ETHOSU_FD_MAX];
};

/* The built-in networks the rig installs, and the same files as fixtures. */
static const struct expect builtin[4] = {
	[1] = { "Vela Optimised", 1, 1, { 490 }, { 12 } },  /* KWS, Vela for U55-128 */
	[2] = { "MLIR Converted.", 1, 1, { 192 }, { 72 } }, /* test_conv2d_int8 */
	[3] = { "MLIR Converted.", 2, 1, { 4, 4 }, { 4 } }, /* test_add_int8 */
};

/* Compares a whole NETWORK_INFO struct with the expectation: unused bytes must be zero. */
static int info_matches(const struct ethosu_uapi_network_info *got, const struct expect *e,
			char *why, size_t len)
{
	struct ethosu_uapi_network_info want;
	unsigned int i;

	memset(&want, 0, sizeof(want));
	snprintf(want.desc, sizeof(want.desc), "%s", e->desc);
	want.ifm_count = e->nifm;
	want.ofm_count = e->nofm;
	for (i = 0; i < e->nifm; i++)
		want.ifm_size[i] = e->ifm[i];
	for (i = 0; i < e->nofm; i++)
		want.ofm_size[i] = e->ofm[i];
	if (!memcmp(got, &want, sizeof(want)))
		return 1;
	if (memcmp(got->desc, want.desc, sizeof(want.desc)))
		snprintf(why, len, "desc \"%.32s\", want \"%s\" (NUL-padded)", got->desc, want.desc);
	else if (got->ifm_count != want.ifm_count || got->ofm_count != want.ofm_count)
		snprintf(why, len, "counts %u/%u, want %u/%u", got->ifm_count, got->ofm_count,
			 want.ifm_count, want.ofm_count);
	else
		for (i = 0; i < ETHOSU_FD_MAX; i++) {
			if (got->ifm_size[i] != want.ifm_size[i] ||
			    got->ofm_size[i] != want.ofm_size[i]) {
				snprintf(why, len, "slot %u: ifm %u ofm %u, want %u/%u", i,
					 got->ifm_size[i], got->ofm_size[i], want.ifm_size[i],
					 want.ofm_size[i]);
				break;
			}
		}
	return 0;
}

#define CHECK_INFO(info, e)                                                                    \
	do {                                                                                   \
		char why_[160] = "?";                                                          \
		CHECK(info_matches(info, e, why_, sizeof(why_)), "%s", why_);                  \
	} while (0)

static void by_index(int dev, unsigned int index)
{
	struct ethosu_uapi_network_info info;
	int net = -1, r;

	t_begin("network: index %u: NETWORK_INFO \"%s\", %u IFM(s), %u OFM(s)", index,
		builtin[index].desc, builtin[index].nifm, builtin[index].nofm);
	CHECK_SYS(net, net_index(dev, index));
	CHECK(fd_is_rdwr_cloexec(net), "network fd is not O_RDWR + close-on-exec");
	CHECK_SYS(r, net_info(net, &info));
	CHECK_EQ(r, 0);
	CHECK_INFO(&info, &builtin[index]);
out:
	close_fd(&net);
	t_end();
}

static void by_user_buffer(int dev, unsigned int index)
{
	struct ethosu_uapi_network_info info, again;
	char name[32];
	size_t len = 0;
	void *model = NULL;
	int net = -1, r;

	snprintf(name, sizeof(name), "network-%u.tflite", index);
	t_begin("network: user buffer %s: same info as built-in index %u", name, index);
	model = read_file(fixture(name), &len);
	CHECK(model, "%s: %s", fixture(name), strerror(errno));
	CHECK_SYS(net, net_user(dev, model, (uint32_t)len));
	/* The kernel keeps its own copy: the user's bytes no longer matter. */
	memset(model, 0xEE, len);
	free(model);
	model = NULL;
	CHECK_SYS(r, net_info(net, &info));
	CHECK_INFO(&info, &builtin[index]);
	CHECK_SYS(r, net_info(net, &again));
	CHECK(!memcmp(&info, &again, sizeof(info)), "a second NETWORK_INFO differs");
out:
	free(model);
	close_fd(&net);
	t_end();
}

/* Every NETWORK_INFO asks the firmware again (nothing cached in the kernel). */
static void info_round_trips(int dev)
{
	struct ethosu_uapi_network_info info;
	long long before;
	int net = -1, r, i;

	t_begin("network: each NETWORK_INFO sends one NETWORK_INFO_REQ");
	CHECK_SYS(net, net_index(dev, 1));
	before = emu_stat(0, "rx_network_info_req");
	CHECK(before >= 0, "the emulator's stats have no rx_network_info_req");
	for (i = 0; i < 3; i++)
		CHECK_SYS(r, net_info(net, &info));
	CHECK_EQ(emu_stat(0, "rx_network_info_req") - before, 3);
out:
	close_fd(&net);
	t_end();
}

static void unknown_index(int dev, uint32_t index)
{
	struct ethosu_uapi_network_info info;
	int net = -1;

	t_begin("network: index %u: NETWORK_CREATE succeeds, NETWORK_INFO -> EBADF", index);
	CHECK_SYS(net, net_index(dev, index));
	CHECK_ERR(net_info(net, &info), EBADF);
out:
	close_fd(&net);
	t_end();
}

static void bad_type(int dev)
{
	static const uint32_t types[] = { 0, ETHOSU_UAPI_NETWORK_INDEX + 1, 0xFFFFFFFF };
	struct ethosu_uapi_network_create c;
	unsigned int i;

	t_begin("network: NETWORK_CREATE type 0, INDEX+1, 0xffffffff -> EINVAL");
	for (i = 0; i < ARRAY_SIZE(types); i++) {
		memset(&c, 0, sizeof(c));
		c.type = types[i];
		c.index = 1;
		CHECK_ERR(ioctl(dev, ETHOSU_IOCTL_NETWORK_CREATE, &c), EINVAL);
	}
out:
	t_end();
}

static void bad_user_buffer(int dev)
{
	uint8_t data[128] = { 0 };

	t_begin("network: USER_BUFFER with data_ptr 0 (size 128) or size 0 -> EINVAL");
	CHECK_ERR(net_user(dev, NULL, 128), EINVAL);
	CHECK_ERR(net_user(dev, data, 0), EINVAL);
	CHECK_ERR(net_user(dev, NULL, 0), EINVAL);
out:
	t_end();
}

/* Bytes the firmware cannot parse: the network fd exists, NETWORK_INFO fails. */
static void unparsable(int dev, const char *what, const void *data, uint32_t len)
{
	struct ethosu_uapi_network_info info;
	int net = -1;

	t_begin("network: unparsable model (%s): NETWORK_INFO -> EBADF", what);
	CHECK_SYS(net, net_user(dev, data, len));
	CHECK_ERR(net_info(net, &info), EBADF);
out:
	close_fd(&net);
	t_end();
}

static void unparsable_cases(int dev)
{
	static const uint8_t junk[16] = { 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8 };
	uint8_t zeros[256] = { 0 };
	size_t len = 0;
	uint8_t *model = read_file(fixture("network-1.tflite"), &len);

	if (!model) {
		t_begin("network: unparsable model (second quarter of network-1.tflite)");
		t_fail(__LINE__, "%s: %s", fixture("network-1.tflite"), strerror(errno));
		t_end();
	} else {
		unparsable(dev, "second quarter of network-1.tflite", model + len / 4,
			   (uint32_t)(len / 2 - len / 4));
	}
	free(model);
	unparsable(dev, "16 junk bytes", junk, sizeof(junk));
	unparsable(dev, "1 byte", junk, 1);
	unparsable(dev, "256 zero bytes", zeros, sizeof(zeros));
}

/* Models built by tflite_gen.h: counts, element sizes, description handling. */
static void generated(int dev, const char *what, const char *desc, const struct tfl_tensor *in,
		      unsigned int nin, const struct tfl_tensor *out, unsigned int nout,
		      const char *want_desc)
{
	static uint8_t model[16384];
	struct ethosu_uapi_network_info info;
	struct expect e;
	unsigned int i;
	size_t len;
	int net = -1, r;

	t_begin("network: generated model, %s", what);
	len = tfl_build(model, sizeof(model), desc, in, nin, out, nout);
	CHECK(len > 0, "model does not fit");
	CHECK_SYS(net, net_user(dev, model, (uint32_t)len));
	if (nin > ETHOSU_FD_MAX || nout > ETHOSU_FD_MAX) {
		CHECK_ERR(net_info(net, &info), EBADF);
		goto out;
	}
	memset(&e, 0, sizeof(e));
	e.desc = want_desc;
	e.nifm = nin;
	e.nofm = nout;
	for (i = 0; i < nin; i++)
		e.ifm[i] = tfl_tensor_bytes(&in[i]);
	for (i = 0; i < nout; i++)
		e.ofm[i] = tfl_tensor_bytes(&out[i]);
	CHECK_SYS(r, net_info(net, &info));
	CHECK_INFO(&info, &e);
out:
	close_fd(&net);
	t_end();
}

static void generated_cases(int dev)
{
	static const char long_desc[] = "a description well beyond thirty-one bytes";
	struct tfl_tensor in[17], out[17];
	struct tfl_tensor mixed_in[2] = { { TFL_INT8, 2, { 1, 5 } }, { TFL_FLOAT32, 2, { 2, 3 } } };
	struct tfl_tensor mixed_out[3] = { { TFL_UINT8, 1, { 7 } },
					   { TFL_INT16, 3, { 1, 2, 5 } },
					   { TFL_INT32, 1, { 1 } } };
	char trunc[32];
	unsigned int i;

	for (i = 0; i < 17; i++) {
		in[i] = (struct tfl_tensor){ TFL_INT8, 2, { 1, (int32_t)i + 1 } };
		out[i] = (struct tfl_tensor){ TFL_INT16, 2, { 2, (int32_t)i + 1 } };
	}
	memcpy(trunc, long_desc, 31);
	trunc[31] = 0;
	generated(dev, "2 IFMs, 3 OFMs, int8/float32/uint8/int16/int32 element sizes", "mixed types",
		  mixed_in, 2, mixed_out, 3, "mixed types");
	generated(dev, "42-byte description truncated to 31", long_desc, in, 1, out, 1, trunc);
	generated(dev, "31-byte description kept whole", trunc, in, 1, out, 1, trunc);
	generated(dev, "no description field -> empty desc", NULL, in, 1, out, 1, "");
	generated(dev, "16 IFMs and 16 OFMs (the maximum)", "sixteen", in, 16, out, 16, "sixteen");
	generated(dev, "no IFMs", "no inputs", in, 0, out, 2, "no inputs");
	generated(dev, "17 IFMs -> EBADF", "too many", in, 17, out, 1, NULL);
	generated(dev, "17 OFMs -> EBADF", "too many", in, 1, out, 17, NULL);
}

static void outlives_device(void)
{
	struct ethosu_uapi_network_info info;
	int dev = -1, net = -1, r;

	t_begin("network: a network fd keeps working after its device fd is closed");
	CHECK_SYS(dev, dev_open(0));
	CHECK_SYS(net, net_index(dev, 1));
	close_fd(&dev);
	CHECK_SYS(r, net_info(net, &info));
	CHECK_INFO(&info, &builtin[1]);
out:
	close_fd(&net);
	close_fd(&dev);
	t_end();
}

static void many(int dev)
{
	enum { N = 32 };
	struct ethosu_uapi_network_info info;
	int fds[N], i, r;
	size_t len = 0;
	void *model = read_file(fixture("network-2.tflite"), &len);

	for (i = 0; i < N; i++)
		fds[i] = -1;
	t_begin("network: %d user-buffer and index networks open at once", N);
	CHECK(model, "%s: %s", fixture("network-2.tflite"), strerror(errno));
	for (i = 0; i < N; i++)
		CHECK_SYS(fds[i], i % 2 ? net_index(dev, 3) : net_user(dev, model, (uint32_t)len));
	for (i = N - 1; i >= 0; i--) {
		CHECK_SYS(r, net_info(fds[i], &info));
		CHECK_INFO(&info, &builtin[i % 2 ? 3 : 2]);
	}
out:
	for (i = 0; i < N; i++)
		close_fd(&fds[i]);
	free(model);
	t_end();
}

int main(void)
{
	unsigned int i;
	int dev = t_open_main(0, "network");

	if (dev < 0)
		return t_exit();
	for (i = 1; i <= 3; i++)
		by_index(dev, i);
	for (i = 1; i <= 3; i++)
		by_user_buffer(dev, i);
	info_round_trips(dev);
	unknown_index(dev, 0);
	unknown_index(dev, 4);
	unknown_index(dev, 0xFFFFFFFF);
	bad_type(dev);
	bad_user_buffer(dev);
	unparsable_cases(dev);
	generated_cases(dev);
	outlives_device();
	many(dev);
	close(dev);
	return t_exit();
}
