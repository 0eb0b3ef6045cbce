// SPDX-License-Identifier: Apache-2.0
/*
 * Host tests of the NPU model: the KWS models give the hardware's bytes; malformed payloads,
 * streams and addresses end in the documented error status (built with ASan and UBSan, so an
 * out-of-bounds access or undefined behaviour fails the run). Prints one line per test and
 * "N passed, N failed" last; exits non-zero on any failure.
 * Usage: npu_test KWS_DIR CORPUS_DIR EXPECT_TXT (test/fixtures/models/vela,
 * test/fixtures/npu-corpus, test/npu/corpus/expect.txt).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npu_internal.h"
#include "npu_model.h"
#include "npu_testutil.h"

static int passed, failed;
static const char *dir, *corpus_dir, *expect_path;

static void check(bool ok, const char *name, const char *detail)
{
	if (ok) {
		passed++;
		printf("ok - %s\n", name);
	} else {
		failed++;
		printf("FAIL - %s: %s\n", name, detail);
	}
}

static u8 *fixture(const char *name, size_t *size)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return npu_read_file(path, size);
}

/* A model ready to run with a payload the test may change. */
struct rig {
	u8 *file;
	size_t file_size;
	struct npu_model m;
	u8 *payload;
	size_t payload_size;
	u8 *arena, *fast;
	struct npu_region regions[NPU_REGIONS];
	struct npu_config cfg;
	struct npu_result res;
};

static void *ws;

static void rig_open(struct rig *r, const char *model, const char *npu)
{
	memset(r, 0, sizeof(*r));
	r->file = fixture(model, &r->file_size);
	if (npu_model_parse(r->file, r->file_size, &r->m)) {
		fprintf(stderr, "%s: %s\n", model, r->m.message);
		exit(2);
	}
	r->payload_size = r->m.cop1_size;
	r->payload = malloc(r->payload_size);
	memcpy(r->payload, r->m.cop1, r->payload_size);
	r->arena = calloc(1, r->m.arena_size);
	r->fast = calloc(1, r->m.fast_size ? r->m.fast_size : 1);
	npu_model_regions(&r->m, r->arena, r->fast, r->regions);
	r->cfg.hw = npu_hw_find(npu);
	r->cfg.workspace = ws;
	r->cfg.workspace_size = NPU_WORKSPACE_DEFAULT;
}

static enum npu_status rig_run(struct rig *r, size_t size)
{
	/* A fresh copy of the payload bytes, so ASan sees reads past @size. */
	u8 *p = malloc(size ? size : 1);

	memcpy(p, r->payload, size);
	memset(r->arena, 0, r->m.arena_size);
	memset(r->fast, 0, r->m.fast_size);
	npu_run(&r->cfg, p, size, r->regions, &r->res);
	free(p);
	return r->res.status;
}

static void rig_close(struct rig *r)
{
	free(r->file);
	free(r->payload);
	free(r->arena);
	free(r->fast);
}

/* Byte offset of the first command word: after the CMDSTREAM tag. */
static size_t stream_start(const struct rig *r)
{
	size_t pos = 4;

	while (pos + 4 <= r->payload_size) {
		u8 tag = r->payload[pos];

		pos += 4;
		if (tag == 0x02)
			return pos;
		if (tag == 0x01)
			pos += 8;
	}
	return 0;
}

/* Byte offset of the first cmd1 word with @opcode, 0 if none. */
static size_t find_cmd1(const struct rig *r, u32 opcode)
{
	size_t pos = stream_start(r);

	while (pos + 4 <= r->payload_size) {
		u32 w = npu_le32(r->payload + pos);

		if ((w & NPU_CMD1_FLAG) && (w & NPU_OPCODE_MASK) == opcode)
			return pos;
		pos += (w & NPU_CMD1_FLAG) ? 8 : 4;
	}
	return 0;
}

static void put32(u8 *p, u32 v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

/* The output scaling against values worked out by hand from TensorFlow Lite's definitions. */
static void test_rounding(void)
{
	char d[256];

	/* SaturatingRoundingDoublingHighMul rounds half up: 1.5 -> 2, -1.5 -> -1. */
	snprintf(d, sizeof(d), "%lld %lld", (long long)npu_scale_tfl(3, 1u << 30, 31),
		 (long long)npu_scale_tfl(-3, 1u << 30, 31));
	check(npu_scale_tfl(3, 1u << 30, 31) == 2 && npu_scale_tfl(-3, 1u << 30, 31) == -1,
	      "TFL rounding, shift 31: 3/2 -> 2, -3/2 -> -1", d);
	/* Double rounding: 3/8 is 1.5 -> 2 at bit 31, then 2/4 -> 1 (half away from zero). */
	snprintf(d, sizeof(d), "%lld %lld %lld", (long long)npu_scale_tfl(3, 1u << 30, 33),
		 (long long)npu_scale(3, 1u << 30, 33, NPU_ROUND_NATURAL),
		 (long long)npu_scale_tfl(-3, 1u << 30, 33));
	check(npu_scale_tfl(3, 1u << 30, 33) == 1 &&
	      npu_scale(3, 1u << 30, 33, NPU_ROUND_NATURAL) == 0 &&
	      npu_scale_tfl(-3, 1u << 30, 33) == 0,
	      "TFL double rounding 3/8 -> 1, NATURAL 3/8 -> 0, TFL -3/8 -> 0", d);
	check(npu_scale(-7, 1, 1, NPU_ROUND_TRUNCATE) == -3 &&
	      npu_scale(-7, 1, 1, NPU_ROUND_NATURAL) == -3 && npu_scale_tfl(-7, 1, 1) == -3 &&
	      npu_scale(-5, 1, 1, NPU_ROUND_NATURAL) == -2,
	      "-7/2: TRUNCATE -3, NATURAL -3, TFL -3; -5/2 NATURAL -2", "");
	/* A 40-bit value times a 32-bit scale needs 71 bits before the shift. */
	snprintf(d, sizeof(d), "%lld", (long long)npu_scale_tfl(-(1ll << 39), 0x80000000u, 40));
	check(npu_scale_tfl(-(1ll << 39), 0x80000000u, 40) == -(1ll << 30),
	      "-2^39 * 2^31 / 2^40 = -2^30 without overflow", d);
	check(npu_scale_tfl(12345, 1, 0) == 12345 && npu_round_shift(-1, 0, NPU_ROUND_TFL) == -1,
	      "unit scale and zero shift are the identity", "");
}

static void test_kws(const char *npu, bool expect_exact)
{
	char model[128], name[160], detail[512];
	struct npu_run_out out;
	struct npu_result res;
	size_t in_size, exp_size, msize, i;
	u8 *in = fixture("kws_cnn_small_int8_u55-128_input.bin", &in_size);
	u8 *exp = fixture("kws_cnn_small_int8_u55-128_expected_output.bin", &exp_size);
	u8 *file;
	int n = 0;

	snprintf(model, sizeof(model), "kws_cnn_small_int8_%s_vela.tflite", npu);
	file = fixture(model, &msize);
	npu_run_tflite_buf(file, msize, npu, in, in_size, 0, &res, &out);
	n += snprintf(detail, sizeof(detail), "status %s (%s), output", npu_status_name(res.status),
		      res.message ? res.message : "-");
	for (i = 0; i < out.size && n < 400; i++)
		n += snprintf(detail + n, sizeof(detail) - n, " %02x", out.data[i]);
	if (expect_exact) {
		snprintf(name, sizeof(name), "KWS %s: hardware's output bytes (%.1f ms, %llu MACs)",
			 npu, out.ms, (unsigned long long)res.macs);
		check(res.status == NPU_OK && out.size == exp_size &&
		      !memcmp(out.data, exp, exp_size), name, detail);
	} else {
		snprintf(name, sizeof(name), "KWS %s: not modelled yet, refused with ERR_UNSUPPORTED",
			 npu);
		check(res.status == NPU_ERR_UNSUPPORTED, name, detail);
	}
	free(in);
	free(exp);
	free(file);
}

static void test_config(void)
{
	struct rig r;

	rig_open(&r, "kws_cnn_small_int8_u55-128_vela.tflite", "u65-256");
	check(rig_run(&r, r.payload_size) == NPU_ERR_CONFIG,
	      "U55-128 payload on a U65-256: ERR_CONFIG", npu_status_name(r.res.status));
	r.cfg.hw = npu_hw_find("u55-256");
	check(rig_run(&r, r.payload_size) == NPU_ERR_CONFIG,
	      "U55-128 payload on a U55-256 (MAC count): ERR_CONFIG",
	      npu_status_name(r.res.status));
	r.cfg.hw = npu_hw_find("u55-128");
	put32(r.payload + 8, npu_le32(r.m.cop1 + 8) ^ 0x10);	/* cmd_stream_version */
	check(rig_run(&r, r.payload_size) == NPU_ERR_CONFIG,
	      "CONFIG word with another command stream version: ERR_CONFIG",
	      npu_status_name(r.res.status));
	memcpy(r.payload, r.m.cop1, r.payload_size);
	put32(r.payload + 12, 0x20000000);	/* ID: architecture 2.0 */
	check(rig_run(&r, r.payload_size) == NPU_ERR_CONFIG,
	      "ID word of another architecture: ERR_CONFIG", npu_status_name(r.res.status));
	memcpy(r.payload, r.m.cop1, r.payload_size);
	put32(r.payload + 12, 0x10f00000);	/* ID: architecture 1.15, newer than the NPU */
	check(rig_run(&r, r.payload_size) == NPU_ERR_CONFIG,
	      "ID word of a newer minor architecture: ERR_CONFIG", npu_status_name(r.res.status));
	rig_close(&r);
}

static void test_payload(void)
{
	struct rig r;
	size_t n, bad = 0, start;
	char detail[128] = "";

	rig_open(&r, "kws_cnn_small_int8_u55-128_vela.tflite", "u55-128");
	memcpy(r.payload, "COP2", 4);
	check(rig_run(&r, r.payload_size) == NPU_ERR_PAYLOAD, "bad fourcc: ERR_PAYLOAD",
	      npu_status_name(r.res.status));
	memcpy(r.payload, r.m.cop1, r.payload_size);
	check(rig_run(&r, 0) == NPU_ERR_PAYLOAD && rig_run(&r, 3) == NPU_ERR_PAYLOAD,
	      "empty and 3-byte payloads: ERR_PAYLOAD", npu_status_name(r.res.status));

	/* Every truncation: no CONFIG, no CMDSTREAM, or a CMDSTREAM longer than what is left. */
	start = stream_start(&r);
	for (n = 4; n < r.payload_size; n++) {
		enum npu_status s = rig_run(&r, n);
		enum npu_status want = NPU_ERR_PAYLOAD;

		if (s != want && !bad++)
			snprintf(detail, sizeof(detail), "length %zu gave %s, want %s", n,
				 npu_status_name(s), npu_status_name(want));
	}
	check(!bad, "every truncated payload: ERR_PAYLOAD, never a crash", detail);

	/* A CMDSTREAM tag before CONFIG. */
	memcpy(r.payload + 4, r.m.cop1 + start - 4, 4);
	check(rig_run(&r, r.payload_size) == NPU_ERR_PAYLOAD, "CMDSTREAM before CONFIG: ERR_PAYLOAD",
	      npu_status_name(r.res.status));
	memcpy(r.payload, r.m.cop1, r.payload_size);
	put32(r.payload + start - 4, 0x09);	/* unknown driver action */
	check(rig_run(&r, r.payload_size) == NPU_ERR_PAYLOAD, "unknown driver action: ERR_PAYLOAD",
	      npu_status_name(r.res.status));
	rig_close(&r);
}

static void test_stream(void)
{
	struct rig r;
	size_t start, pos, words, i;
	u32 stop_pos = 0;

	rig_open(&r, "kws_cnn_small_int8_u55-128_vela.tflite", "u55-128");
	start = stream_start(&r);
	words = (r.payload_size - start) / 4;

	/* An address far outside region 1 for the first IFM. */
	pos = find_cmd1(&r, NPU_SET_IFM_BASE0);
	put32(r.payload + pos + 4, 0xfffffff0u);
	check(pos && rig_run(&r, r.payload_size) == NPU_ERR_REGION,
	      "IFM base outside its region: ERR_REGION", npu_status_name(r.res.status));
	memcpy(r.payload, r.m.cop1, r.payload_size);
	/* A map that starts inside the region and runs past its end. */
	put32(r.payload + pos + 4, (u32)r.regions[1].size - 16);
	check(rig_run(&r, r.payload_size) == NPU_ERR_REGION,
	      "IFM running past the end of its region: ERR_REGION", npu_status_name(r.res.status));
	memcpy(r.payload, r.m.cop1, r.payload_size);
	/* The upper address byte (cmd1 immediate) counts too. */
	r.payload[pos + 2] = 0x01;
	check(rig_run(&r, r.payload_size) == NPU_ERR_REGION,
	      "IFM base above 4 GiB: ERR_REGION", npu_status_name(r.res.status));
	memcpy(r.payload, r.m.cop1, r.payload_size);
	/* A weight stream past the end of the region. */
	pos = find_cmd1(&r, NPU_SET_WEIGHT_LENGTH);
	put32(r.payload + pos + 4, 0x7fffffffu);
	check(pos && rig_run(&r, r.payload_size) == NPU_ERR_REGION,
	      "weight length past the region: ERR_REGION", npu_status_name(r.res.status));
	memcpy(r.payload, r.m.cop1, r.payload_size);
	/* A region the caller did not provide. */
	r.regions[1].base = NULL;
	check(rig_run(&r, r.payload_size) == NPU_ERR_REGION,
	      "region not provided: ERR_REGION", npu_status_name(r.res.status));
	npu_model_regions(&r.m, r.arena, r.fast, r.regions);
	/* Writes into the read-only region. */
	pos = find_cmd1(&r, NPU_SET_DMA0_SRC);
	for (i = start; i + 4 <= r.payload_size; i += 4)
		if ((npu_le32(r.payload + i) & 0xffff) == NPU_SET_DMA0_DST_REGION) {
			put32(r.payload + i, NPU_SET_DMA0_DST_REGION);	/* region 0 */
			break;
		}
	check(rig_run(&r, r.payload_size) == NPU_ERR_REGION, "DMA into region 0: ERR_REGION",
	      npu_status_name(r.res.status));
	memcpy(r.payload, r.m.cop1, r.payload_size);

	/* Without NPU_OP_STOP the stream ends in an error, and the count limit holds. */
	for (i = start; i + 4 <= r.payload_size; i += 4)
		if (npu_le32(r.payload + i) == 0xffff0000u)
			stop_pos = (u32)i;
	put32(r.payload + stop_pos, (NPU_SET_IFM_REGION) | 1u << 16);
	check(stop_pos && rig_run(&r, r.payload_size) == NPU_ERR_LIMIT,
	      "stream without NPU_OP_STOP: ERR_LIMIT", npu_status_name(r.res.status));
	memcpy(r.payload, r.m.cop1, r.payload_size);
	r.cfg.max_commands = 100;
	check(rig_run(&r, r.payload_size) == NPU_ERR_LIMIT && r.res.commands == 100,
	      "command limit of 100: ERR_LIMIT after 100 commands", npu_status_name(r.res.status));
	r.cfg.max_commands = 0;
	r.cfg.max_work = 1000;
	check(rig_run(&r, r.payload_size) == NPU_ERR_LIMIT,
	      "work limit of 1000 element accesses: ERR_LIMIT", npu_status_name(r.res.status));
	r.cfg.max_work = 0;

	/* An unknown operation, and a cmd1 cut off from its payload. */
	put32(r.payload + start, 0x0000007fu);
	check(rig_run(&r, r.payload_size) == NPU_ERR_STREAM, "unknown operation: ERR_STREAM",
	      npu_status_name(r.res.status));
	memcpy(r.payload, r.m.cop1, r.payload_size);
	put32(r.payload + r.payload_size - 4, NPU_CMD1_FLAG);
	put32(r.payload + start - 4, 0x02 | (u32)words << 16);
	check(rig_run(&r, r.payload_size) == NPU_ERR_STREAM || r.res.status == NPU_ERR_LIMIT,
	      "cmd1 as the last word: an error status", npu_status_name(r.res.status));
	memcpy(r.payload, r.m.cop1, r.payload_size);

	/* The workspace must hold the model's state. */
	r.cfg.workspace_size = 1024;
	check(rig_run(&r, r.payload_size) == NPU_ERR_WORKSPACE, "tiny workspace: ERR_WORKSPACE",
	      npu_status_name(r.res.status));
	r.cfg.workspace_size = NPU_WORKSPACE_DEFAULT;
	rig_close(&r);
}

/*
 * A hand-made payload: one MAX pool of a 1x1x1 map with a 65536x65536 kernel that lies almost
 * entirely in the padding. Nothing is read, yet visiting the window is 2^32 steps: the work
 * limit must stop it at once instead of letting it run for minutes.
 */
static void test_huge_window(void)
{
	static const u32 cmds[] = {
		NPU_SET_IFM_REGION | 1u << 16, NPU_SET_OFM_REGION | 1u << 16,
		NPU_SET_IFM_PRECISION | 1u << 16, NPU_SET_OFM_PRECISION | 1u << 16,
		NPU_SET_KERNEL_HEIGHT_M1 | 0xffffu << 16, NPU_SET_KERNEL_WIDTH_M1 | 0xffffu << 16,
		NPU_SET_IFM_PAD_TOP | 0xffffu << 16, NPU_SET_IFM_PAD_LEFT | 0xffffu << 16,
		NPU_SET_OFM_STRIDE_X | NPU_CMD1_FLAG, 1, NPU_SET_OFM_STRIDE_Y | NPU_CMD1_FLAG, 1,
		NPU_OP_POOL | NPU_POOL_MAX << 16, NPU_OP_STOP,
	};
	u32 words = sizeof(cmds) / sizeof(cmds[0]), i;
	struct rig r;

	rig_open(&r, "kws_cnn_small_int8_u55-128_vela.tflite", "u55-128");
	r.payload_size = 32 + 4 * words;
	r.payload = realloc(r.payload, r.payload_size);
	memcpy(r.payload, r.m.cop1, 16);			/* fourcc, CONFIG, config, ID */
	for (i = 16; i < 28; i += 4)
		put32(r.payload + i, 0x05);			/* NOP padding */
	put32(r.payload + 28, 0x02 | words << 16);		/* CMDSTREAM */
	for (i = 0; i < words; i++)
		put32(r.payload + 32 + 4 * i, cmds[i]);
	check(rig_run(&r, r.payload_size) == NPU_ERR_LIMIT,
	      "65536x65536 pooling window over padding: ERR_LIMIT at once",
	      npu_status_name(r.res.status));
	rig_close(&r);
}

static void n_detail(char *d, size_t n, const struct rig *r)
{
	snprintf(d, n, "status %s (%s), out %02x %02x %02x %02x", npu_status_name(r->res.status),
		 r->res.message ? r->res.message : "-", r->arena[16], r->arena[17], r->arena[18],
		 r->arena[19]);
}

/* A hand-made U85-256 payload: the KWS model's CONFIG and ID, then @cmds. */
static void rig_u85(struct rig *r, const u32 *cmds, u32 words)
{
	u32 i;

	rig_open(r, "kws_cnn_small_int8_u85-256_vela.tflite", "u85-256");
	r->payload_size = 32 + 4 * words;
	r->payload = realloc(r->payload, r->payload_size);
	memcpy(r->payload, r->m.cop1, 16);			/* fourcc, CONFIG, config, ID */
	for (i = 16; i < 28; i += 4)
		put32(r->payload + i, 0x05);			/* NOP padding */
	put32(r->payload + 28, 0x02 | words << 16);		/* CMDSTREAM */
	for (i = 0; i < words; i++)
		put32(r->payload + 32 + 4 * i, cmds[i]);
}

#define C0(op, v) ((op) | (u32)(v) << 16)
#define C1(op, v) ((op) | NPU_CMD1_FLAG), (u32)(v)
/* IFM: 4 signed 8-bit values at region 0, offset 0 (the model's own bytes). */
#define U85_IFM C0(NPU_SET_IFM_REGION, 0), C0(NPU_SET_IFM_PRECISION, 1), \
	C0(NPU_SET_IFM_DEPTH_M1, 3), C1(NPU_SET_IFM_STRIDE_C, 1), C1(NPU_SET_IFM_STRIDE_X, 4), \
	C1(NPU_SET_IFM_STRIDE_Y, 4), C1(NPU_SET_IFM_SCALE, 1), C1(NPU_SET_IFM2_SCALE, 1), \
	C1(NPU_SET_OFM_SCALE, 1), C0(NPU_SET_OFM_DEPTH_M1, 3)
/* IFM2: the scalar OP_SCALAR (storage NONE, broadcast SCALAR). */
#define U85_SCALAR(v) C0(NPU_SET_IFM2_PRECISION, 1 | 3u << 14), C1(NPU_SET_OP_SCALAR, v), \
	C0(NPU_SET_IFM2_BROADCAST, NPU85_BCAST_SCALAR)
/* OFM: 32-bit, chained into chain buffer n. */
#define U85_OFM_CHAIN(n) C0(NPU_SET_OFM_PRECISION, 1 | 2u << 1 | 2u << 14), \
	C0(NPU_SET_OFM_REGION, n), C0(NPU_SET_ACTIVATION, NPU85_ACT_NO_CLIP)

/*
 * U85 chaining, scalars and the output stage on hand-made streams: ifm + 10 goes through chain
 * buffer 1 and + 5 into the arena as int8, clamped to [-100, 100]; then malformed variants.
 */
static void test_u85(void)
{
	const u32 ok[] = {
		U85_IFM, U85_SCALAR(10), U85_OFM_CHAIN(1), C0(NPU_OP_ELEMENTWISE, NPU_EW_ADD),
		C0(NPU_SET_IFM_PRECISION, 1 | 2u << 2 | 2u << 14), C0(NPU_SET_IFM_REGION, 1),
		C1(NPU_SET_OP_SCALAR, 5), C0(NPU_SET_OFM_PRECISION, 1), C0(NPU_SET_OFM_REGION, 1),
		C1(NPU_SET_OFM_BASE0, 16), C1(NPU_SET_OFM_STRIDE_C, 1), C1(NPU_SET_OFM_STRIDE_X, 4),
		C1(NPU_SET_OFM_STRIDE_Y, 4), C0(NPU_SET_ACTIVATION, 0),
		C0(NPU_SET_ACTIVATION_MIN, (u16)-100), C0(NPU_SET_ACTIVATION_MAX, 100),
		C0(NPU_OP_ELEMENTWISE, NPU_EW_ADD), NPU_OP_STOP,
	};
	const u32 unwritten[] = {	/* reads chain buffer 3, which nothing wrote */
		U85_IFM, U85_SCALAR(1), C0(NPU_SET_IFM_PRECISION, 1 | 2u << 14),
		C0(NPU_SET_IFM_REGION, 3), U85_OFM_CHAIN(1), C0(NPU_OP_ELEMENTWISE, NPU_EW_ADD),
		NPU_OP_STOP,
	};
	const u32 too_big[] = {		/* 64 x 512 32-bit values: 128 KiB, the buffer holds 16 */
		U85_IFM, U85_SCALAR(1), U85_OFM_CHAIN(0), C0(NPU_SET_OFM_WIDTH_M1, 63),
		C0(NPU_SET_OFM_DEPTH_M1, 511), C0(NPU_SET_IFM_BROADCAST, NPU_BCAST_W | NPU_BCAST_C),
		C0(NPU_OP_ELEMENTWISE, NPU_EW_ADD), NPU_OP_STOP,
	};
	const u32 not_scalar[] = {	/* storage NONE without the SCALAR broadcast */
		U85_IFM, U85_SCALAR(1), C0(NPU_SET_IFM2_BROADCAST, 0), U85_OFM_CHAIN(0),
		C0(NPU_OP_ELEMENTWISE, NPU_EW_ADD), NPU_OP_STOP,
	};
	const u32 lut_past[] = {	/* int8 -> int32 LUT (1 KiB) in table 2: past 2 KiB */
		U85_IFM, U85_SCALAR(1), U85_OFM_CHAIN(0),
		C0(NPU_SET_ACTIVATION, NPU85_ACT_LUT_S8_S32 | 2u << 5 | NPU85_ACT_NO_CLIP),
		C0(NPU_OP_ELEMENTWISE, NPU_EW_ADD), NPU_OP_STOP,
	};
	const u32 div[] = { U85_IFM, U85_SCALAR(1), U85_OFM_CHAIN(0), C0(NPU_OP_ELEMENTWISE, 11),
			    NPU_OP_STOP };
	const u32 reserved[] = { U85_IFM, U85_SCALAR(1), U85_OFM_CHAIN(0),
				 C0(NPU_OP_ELEMENTWISE, 12), NPU_OP_STOP };
	const u32 rounding[] = {	/* OFM rounding TRUNCATE_TO_LOWER */
		U85_IFM, U85_SCALAR(1), U85_OFM_CHAIN(0), C1(NPU_SET_OFM_SCALE | 5u << 29, 1),
		C0(NPU_OP_ELEMENTWISE, NPU_EW_ADD), NPU_OP_STOP,
	};
	const u32 resize[] = { C0(NPU_OP_RESIZE, 0), NPU_OP_STOP };
	struct {
		const u32 *cmds;
		u32 words;
		enum npu_status want;
		const char *name;
	} bad[] = {
		{ unwritten, sizeof(unwritten) / 4, NPU_ERR_REGION,
		  "U85 chained IFM from an unwritten chain buffer: ERR_REGION" },
		{ too_big, sizeof(too_big) / 4, NPU_ERR_REGION,
		  "U85 chained OFM larger than the chain buffer: ERR_REGION" },
		{ not_scalar, sizeof(not_scalar) / 4, NPU_ERR_STREAM,
		  "U85 scalar IFM2 without the SCALAR broadcast: ERR_STREAM" },
		{ lut_past, sizeof(lut_past) / 4, NPU_ERR_STREAM,
		  "U85 LUT table past the LUT memory: ERR_STREAM" },
		{ div, sizeof(div) / 4, NPU_ERR_UNSUPPORTED,
		  "U85 elementwise DIV: ERR_UNSUPPORTED" },
		{ reserved, sizeof(reserved) / 4, NPU_ERR_STREAM,
		  "U85 reserved elementwise mode 12: ERR_STREAM" },
		{ rounding, sizeof(rounding) / 4, NPU_ERR_UNSUPPORTED,
		  "U85 OFM rounding TRUNCATE_TO_LOWER: ERR_UNSUPPORTED" },
		{ resize, sizeof(resize) / 4, NPU_ERR_UNSUPPORTED,
		  "U85 NPU_OP_RESIZE: ERR_UNSUPPORTED" },
	};
	char detail[160];
	struct rig r;
	unsigned int i;
	bool same = true;

	rig_u85(&r, ok, sizeof(ok) / 4);
	rig_run(&r, r.payload_size);
	n_detail(detail, sizeof(detail), &r);
	for (i = 0; i < 4; i++) {
		s32 v = (s8)r.regions[0].base[i] + 15;

		v = v < -100 ? -100 : v > 100 ? 100 : v;
		same &= (s8)r.arena[16 + i] == v;
	}
	check(r.res.status == NPU_OK && same,
	      "U85 chained elementwise ops with scalars: (ifm + 10) + 5, clamped to +-100", detail);
	rig_close(&r);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		rig_u85(&r, bad[i].cmds, bad[i].words);
		check(rig_run(&r, r.payload_size) == bad[i].want, bad[i].name,
		      npu_status_name(r.res.status));
		rig_close(&r);
	}
}

/* LSB-first bit writer for hand-made weight streams. */
static void put_bits(u8 *buf, u32 *pos, u32 n, u32 v)
{
	u32 i;

	for (i = 0; i < n; i++, (*pos)++)
		if (v >> i & 1)
			buf[*pos >> 3] |= 1u << (*pos & 7);
}

/*
 * The U85 fast weight format on a hand-made 1x1 convolution (8 -> 8 channels, depth-first, one
 * micro-block): raw 8-bit values, a 4-bit and a 2-bit palette, each giving the exact sums
 * of ifm * w that the test works out itself. Vela chose no fast weights for the corpus, so
 * this checks the decoder against the format as Vela's encoder writes it, not against hardware.
 */
static void test_u85_fast_weights(void)
{
	const u32 wbase = 4096;
	const u32 cmds[] = {
		C0(NPU_SET_IFM_REGION, 0), C0(NPU_SET_IFM_PRECISION, 1), C0(NPU_SET_IFM_DEPTH_M1, 7),
		C1(NPU_SET_IFM_STRIDE_C, 1), C1(NPU_SET_IFM_STRIDE_X, 8), C1(NPU_SET_IFM_STRIDE_Y, 8),
		C0(NPU_SET_OFM_REGION, 1), C0(NPU_SET_OFM_PRECISION, 1 | 2u << 1 | 0x100),
		C0(NPU_SET_OFM_DEPTH_M1, 7), C1(NPU_SET_OFM_STRIDE_C, 4), C1(NPU_SET_OFM_STRIDE_X, 32),
		C1(NPU_SET_OFM_STRIDE_Y, 32), C1(NPU_SET_OFM_SCALE, 1),
		C0(NPU_SET_ACTIVATION, NPU85_ACT_NO_CLIP), C0(NPU_SET_ACC_FORMAT, 2u << 8),
		C0(NPU_SET_OFM_BLK_DEPTH_M1, 7), C0(NPU_SET_WEIGHT_FORMAT, NPU85_WEIGHT_FAST),
		C0(NPU_SET_WEIGHT_REGION, 0), C1(NPU_SET_WEIGHT_BASE, wbase),
		C1(NPU_SET_WEIGHT_LENGTH, 544), C0(NPU_OP_CONV, 0), NPU_OP_STOP,
	};
	static const char *const names[3] = { "raw", "4-bit palette", "2-bit palette" };
	struct rig r;
	u8 *flash;
	int mode;

	for (mode = 0; mode < 3; mode++) {
		s16 w[8][8];
		u8 *ws8;
		u32 pos = 0, o, i, p;
		bool same = true;
		char name[128], detail[128] = "";

		rig_u85(&r, cmds, sizeof(cmds) / 4);
		flash = malloc(r.regions[0].size);
		memcpy(flash, r.regions[0].base, r.regions[0].size);
		r.regions[0].base = flash;
		ws8 = flash + wbase;
		memset(ws8, 0, 544);
		for (o = 0; o < 8; o++)
			for (i = 0; i < 8; i++)
				w[o][i] = mode == 0 ? (s16)(o * 8 + i) - 31 :
					  mode == 1 ? (s16)((o + 3 * i) % 11) - 5 :
						      (s16)((o + i) % 4) - 2;
		put_bits(ws8, &pos, 1, mode == 0);	/* raw */
		put_bits(ws8, &pos, 1, mode == 2);	/* 2-bit palette */
		pos = 104;
		put_bits(ws8, &pos, 8, 0);		/* raw offset */
		for (i = 0; i < 16; i++) {	/* palette: -5..10 (-2..13), sign in bit 0 */
			s32 v = (s32)i - (mode == 2 ? 2 : 5);

			put_bits(ws8, &pos, 9, v < 0 ? (u32)(-v) << 1 | 1 : (u32)v << 1);
		}
		/* Depth-first order: 8 IFM groups of 8, 2 OFM groups of 4, 4 OFM, 8 IFM. */
		for (p = 0; p < 512; p++) {
			u32 ig = p / 64, og = p / 32 % 2, oi = p / 8 % 4, iz = p % 8;
			u32 ii = ig * 8 + iz, oo = og * 4 + oi;
			s16 v = ii < 8 ? w[oo][ii] : 0;

			put_bits(ws8, &pos, mode == 0 ? 8 : mode == 1 ? 4 : 2,
				 mode == 0 ? (u32)(u8)v : (u32)(v + (mode == 2 ? 2 : 5)));
		}
		rig_run(&r, r.payload_size);
		for (o = 0; o < 8; o++) {
			s32 sum = 0, got = (s32)npu_le32(r.arena + 4 * o);

			for (i = 0; i < 8; i++)
				sum += (s8)flash[i] * w[o][i];
			if (got != sum && same) {
				same = false;
				snprintf(detail, sizeof(detail), "OFM channel %u: %d, want %d", o, got,
					 sum);
			}
		}
		snprintf(name, sizeof(name),
			 "U85 fast weight format, %s: 1x1 convolution gives the exact sums",
			 names[mode]);
		check(r.res.status == NPU_OK && same, name,
		      detail[0] ? detail : npu_status_name(r.res.status));
		rig_close(&r);
		free(flash);
	}
}

/* Inputs the fuzzer found (test/fixtures/npu-fuzz): each must end in a status, under ASan. */
static void test_fuzz_regressions(void)
{
	static const char *const npus[] = { "u55-128", "u85-256" };
	char path[1024], detail[160] = "";
	struct npu_region regions[NPU_REGIONS];
	struct npu_result res;
	struct npu_model m;
	size_t size, r;
	bool inside = true;
	unsigned int k;
	u8 *file, *arena;

	snprintf(path, sizeof(path), "%s/../../npu-fuzz/empty-readonly-region.tflite", dir);
	file = npu_read_file(path, &size);
	if (npu_model_parse(file, size, &m)) {
		check(false, "fuzz input empty-readonly-region: parses", m.message);
		free(file);
		return;
	}
	arena = calloc(1, m.arena_size ? m.arena_size : 1);
	npu_model_regions(&m, arena, NULL, regions);
	for (r = 0; r < NPU_REGIONS; r++) {
		const u8 *b = regions[r].base;

		if (!b || m.regions[r].data)
			continue;
		if (b < arena || b + regions[r].size > arena + m.arena_size) {
			inside = false;
			snprintf(detail, sizeof(detail), "region %zu: arena%+td, %zu bytes", r,
				 b - arena, regions[r].size);
		}
	}
	check(inside, "fuzz input empty-readonly-region: every arena region inside the arena",
	      detail);
	for (k = 0; k < 2; k++) {
		struct npu_config cfg = { .hw = npu_hw_find(npus[k]), .workspace = ws,
					  .workspace_size = NPU_WORKSPACE_DEFAULT };

		npu_run(&cfg, m.cop1, m.cop1_size, regions, &res);
	}
	check(true, "fuzz input empty-readonly-region: runs on U55-128 and U85-256 to a status",
	      "");
	free(arena);
	free(file);
}

/* Flips bits in the payload and the read-only region: any status, but no crash (ASan). */
static void test_corruption(const char *npu)
{
	char model[128], name[128];
	struct rig r;
	u8 *flash;
	size_t start, i;
	u32 seed = 12345, ok = 0, err = 0;

	snprintf(model, sizeof(model), "kws_cnn_small_int8_%s_vela.tflite", npu);
	rig_open(&r, model, npu);
	start = stream_start(&r);
	flash = malloc(r.regions[0].size);
	memcpy(flash, r.regions[0].base, r.regions[0].size);
	r.regions[0].base = flash;
	for (i = 0; i < 200; i++) {
		size_t p;

		memcpy(r.payload, r.m.cop1, r.payload_size);
		memcpy(flash, r.m.regions[0].data, r.regions[0].size);
		seed = seed * 1103515245u + 12345u;
		if (i & 1) {
			p = start + (seed >> 8) % (r.payload_size - start);
			r.payload[p] ^= 1u << (seed % 8);
		} else {
			p = (seed >> 8) % r.regions[0].size;
			flash[p] ^= 0xffu;
		}
		if (rig_run(&r, r.payload_size) == NPU_OK)
			ok++;
		else
			err++;
	}
	printf("# corruption %s: %u ran to STOP, %u refused\n", npu, ok, err);
	snprintf(name, sizeof(name), "%s: 200 corrupted payloads and weight streams: no crash", npu);
	check(ok + err == 200, name, "");
	free(flash);
	rig_close(&r);
}

static void test_model_parse(void)
{
	struct npu_model m;
	size_t size, n, bad = 0;
	u8 *file = fixture("kws_cnn_small_int8_u55-128_vela.tflite", &size);

	check(npu_model_parse(file, size, &m) == NPU_OK && m.arena_size == 48848 &&
	      m.n_ifm == 1 && m.ifm[0].size == 490 && m.n_ofm == 1 && m.ofm[0].size == 12 &&
	      m.regions[0].size == 72320 && m.cop1_size == 3436,
	      "loader: U55 KWS payload 3436 B, flash 72320 B, arena 48848 B, IFM 490 B, OFM 12 B",
	      m.message ? m.message : "wrong sizes");
	for (n = 0; n < size; n += 97) {
		u8 *t = malloc(n ? n : 1);

		memcpy(t, file, n);
		if (npu_model_parse(t, n, &m) == NPU_OK &&
		    (m.cop1 + m.cop1_size > t + n || m.cop1 < t))
			bad++;
		free(t);
	}
	check(!bad, "loader: truncated files never point outside the buffer", "");
	free(file);
}

/*
 * The status a corpus case must give: from expect.txt (NPU_STATUS_COUNT for DIFFERS), NPU_OK
 * (bit-exact) otherwise.
 */
static enum npu_status expected_status(const char *name, const char *npu)
{
	FILE *f = fopen(expect_path, "r");
	char line[256], c[128], n[32], st[64];
	enum npu_status want = NPU_OK;
	int i;

	if (!f) {
		perror(expect_path);
		exit(2);
	}
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#' || sscanf(line, "%127s %31s %63s", c, n, st) != 3)
			continue;
		if ((strcmp(c, "*") && strcmp(c, name)) || strcmp(n, npu))
			continue;
		for (i = 0; i < NPU_STATUS_COUNT; i++)
			if (!strcmp(npu_status_name(i), st))
				want = i;
		if (!strcmp(st, "DIFFERS"))
			want = NPU_STATUS_COUNT;	/* runs, but not bit-exact */
	}
	fclose(f);
	return want;
}

/*
 * The corpus: Vela-compiled single-operator models (and the shared plain models) for each NPU,
 * against TensorFlow Lite Micro's output for the plain model. One check per NPU.
 */
static void test_corpus(void)
{
	static const char *const npus[] = { "u55-32", "u55-64", "u55-128", "u55-256",
					    "u65-256", "u65-512", "u85-128", "u85-256",
					    "u85-512", "u85-1024", "u85-2048" };
	char path[1024], name[128], npu[32], detail[1024];
	unsigned int k;

	for (k = 0; k < sizeof(npus) / sizeof(npus[0]); k++) {
		int cases = 0, exact = 0, as_expected = 0, n = 0;
		FILE *f;

		snprintf(path, sizeof(path), "%s/cases.txt", corpus_dir);
		f = fopen(path, "r");
		if (!f) {
			perror(path);
			exit(2);
		}
		detail[0] = 0;
		while (fscanf(f, "%127s %31s", name, npu) == 2) {
			size_t msize, isize, gsize;
			struct npu_run_out out;
			struct npu_result res;
			enum npu_status want;
			u8 *model, *in, *gold;
			bool same;

			if (strcmp(npu, npus[k]))
				continue;
			snprintf(path, sizeof(path), "%s/%s_%s_vela.tflite", corpus_dir, name, npu);
			model = npu_read_file(path, &msize);
			snprintf(path, sizeof(path), "%s/%s_input.bin", corpus_dir, name);
			in = npu_read_file(path, &isize);
			snprintf(path, sizeof(path), "%s/%s_golden.bin", corpus_dir, name);
			gold = npu_read_file(path, &gsize);
			npu_run_tflite_buf(model, msize, npu, in, isize, 0, &res, &out);
			same = res.status == NPU_OK && out.size == gsize && !memcmp(out.data, gold, gsize);
			want = expected_status(name, npu);
			cases++;
			exact += same;
			if ((want == NPU_OK && same) ||
			    (want == NPU_STATUS_COUNT && res.status == NPU_OK && !same) ||
			    (want != NPU_OK && res.status == want))
				as_expected++;
			else if (n < 800)
				n += snprintf(detail + n, sizeof(detail) - n, "%s: %s%s; ", name,
					      npu_status_name(res.status),
					      res.status != NPU_OK ? "" : same ? " and bit-exact" :
					      " but bytes differ");
			free(model);
			free(in);
			free(gold);
		}
		fclose(f);
		snprintf(path, sizeof(path), "corpus %s: %d/%d bit-exact with TFLite Micro, all as expect.txt says",
			 npus[k], exact, cases);
		check(cases > 0 && as_expected == cases, path, detail);
	}
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: %s KWS_DIR CORPUS_DIR EXPECT_TXT\n", argv[0]);
		return 2;
	}
	dir = argv[1];
	corpus_dir = argv[2];
	expect_path = argv[3];
	ws = aligned_alloc(8, NPU_WORKSPACE_DEFAULT);
	test_rounding();
	test_kws("u55-128", true);
	test_kws("u65-256", true);
	test_kws("u85-256", true);
	test_model_parse();
	test_config();
	test_payload();
	test_stream();
	test_huge_window();
	test_u85();
	test_u85_fast_weights();
	test_fuzz_regressions();
	test_corruption("u55-128");
	test_corruption("u85-256");
	test_corpus();
	free(ws);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
