// SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0
/*
 * The COP1 driver payload and the command-stream interpreter. The payload is a fourcc "COP1",
 * then tagged driver actions (tag byte, reserved byte, 16-bit parameter): CONFIG (0x01) followed
 * by the CONFIG and ID words the stream was compiled for, NOP (0x05) padding, and CMDSTREAM
 * (0x02) whose length in words is reserved << 16 | parameter, followed by the words. The
 * CONFIG/ID check is the Cortex-M core driver's: MACs per cycle, command-stream version and
 * product must equal the NPU's, the architecture major revision must equal and the minor must
 * not be newer than the NPU's.
 */
#include "npu_internal.h"

#define COP1_FOURCC 0x31504f43u	/* "COP1" little endian */
#define DA_CONFIG 0x01
#define DA_CMDSTREAM 0x02
#define DA_READ_APB 0x03
#define DA_DUMP_SHRAM 0x04
#define DA_NOP 0x05

enum npu_status npu_fail(struct npu_state *st, enum npu_status s, const char *msg)
{
	if (st->res->status == NPU_OK) {
		st->res->status = s;
		st->res->message = msg;
	}
	return s;
}

static enum npu_status check_config(struct npu_state *st, u32 config, u32 id)
{
	u32 hc = st->hw->config, hid = st->hw->id;

	if ((config & 0xf) != (hc & 0xf))
		return npu_fail(st, NPU_ERR_CONFIG,
				"payload compiled for another MAC count (CONFIG.macs_per_cc)");
	if (((config >> 4) & 0xf) != ((hc >> 4) & 0xf))
		return npu_fail(st, NPU_ERR_CONFIG,
				"payload compiled for another command stream version");
	if ((config >> 28) != (hc >> 28))
		return npu_fail(st, NPU_ERR_CONFIG,
				"payload compiled for another NPU product (CONFIG.product)");
	if ((id >> 28) != (hid >> 28) || ((id >> 20) & 0xff) > ((hid >> 20) & 0xff))
		return npu_fail(st, NPU_ERR_CONFIG,
				"payload compiled for another NPU architecture (ID.arch_rev)");
	return NPU_OK;
}

static enum npu_status exec_cmd0(struct npu_state *st, u32 op, u32 param, bool *stop)
{
	switch (op) {
	case NPU_OP_STOP:
		*stop = true;
		return NPU_OK;
	case NPU_OP_IRQ:
	case NPU_OP_DMA_WAIT:	/* each DMA completes at DMA_START */
	case NPU_OP_KERNEL_WAIT:
	case NPU_OP_PMU_MASK:
		return NPU_OK;
	case NPU_OP_CONV:
	case NPU_OP_DEPTHWISE:
		st->res->ops++;
		return npu_op_conv(st, op == NPU_OP_DEPTHWISE);
	case NPU_OP_POOL:
		st->res->ops++;
		return npu_op_pool(st, param);
	case NPU_OP_ELEMENTWISE:
		st->res->ops++;
		return npu_op_elementwise(st, param);
	case NPU_OP_DMA_START:
		st->res->dma++;
		return npu_op_dma(st);
	case NPU_OP_RESIZE:
		if (st->u85)
			return npu_fail(st, NPU_ERR_UNSUPPORTED, "U85 NPU_OP_RESIZE not modelled");
		return npu_fail(st, NPU_ERR_STREAM, "unknown NPU operation");
	default:
		if (op < 0x100)
			return npu_fail(st, NPU_ERR_STREAM, "unknown NPU operation");
		st->r0[op] = (u16)param;
		return NPU_OK;
	}
}

static enum npu_status run_stream(struct npu_state *st, const u8 *words, u32 count, u32 base_off)
{
	u32 limit = st->cfg->max_commands ? st->cfg->max_commands : NPU_DEFAULT_MAX_COMMANDS;
	bool stop = false;
	u32 i = 0;

	while (i < count) {
		u32 w = npu_le32(words + 4 * (size_t)i);
		u32 op = w & NPU_OPCODE_MASK, param = w >> 16;
		enum npu_status s;

		st->res->fail_offset = base_off + 4 * i;
		if (st->res->commands >= limit)
			return npu_fail(st, NPU_ERR_LIMIT, "command limit reached");
		st->res->commands++;
		if (w & NPU_CMD1_FLAG) {
			if (i + 1 >= count)
				return npu_fail(st, NPU_ERR_STREAM, "cmd1 without payload");
			st->r1[op] = npu_le32(words + 4 * (size_t)(i + 1));
			st->r1p[op] = (u16)param;
			i += 2;
			continue;
		}
		s = exec_cmd0(st, op, param, &stop);
		if (s != NPU_OK)
			return s;
		i++;
		if (stop)
			return NPU_OK;
	}
	return npu_fail(st, NPU_ERR_LIMIT, "command stream ends without NPU_OP_STOP");
}

enum npu_status npu_run(const struct npu_config *cfg, const u8 *cop1, size_t size,
			const struct npu_region regions[NPU_REGIONS], struct npu_result *res)
{
	struct npu_state *st;
	bool have_config = false, have_stream = false;
	size_t pos;
	unsigned int i;

	if (!res)
		return NPU_ERR_ARG;
	npu_memset(res, 0, sizeof(*res));
	if (!cfg || !cfg->hw || !regions || (!cop1 && size)) {
		res->status = NPU_ERR_ARG;
		res->message = "NULL configuration, NPU or regions";
		return res->status;
	}
	/* The state (with its SHRAM copy) lives in the workspace: no stack, no statics. */
	if (!cfg->workspace || ((uintptr_t)cfg->workspace & 7) ||
	    cfg->workspace_size < sizeof(*st)) {
		res->status = NPU_ERR_WORKSPACE;
		res->message = "workspace missing, unaligned or too small";
		return res->status;
	}
	st = cfg->workspace;
	npu_memset(st, 0, sizeof(*st));
	st->ws = (u8 *)cfg->workspace + sizeof(*st);
	st->ws_size = cfg->workspace_size - sizeof(*st);
	st->cfg = cfg;
	st->max_work = cfg->max_work ? cfg->max_work : NPU_DEFAULT_MAX_WORK;
	st->hw = cfg->hw;
	st->u85 = cfg->hw->arch == NPU_ARCH_U85;
	st->res = res;
	for (i = 0; i < NPU_REGIONS; i++)
		st->regions[i] = regions[i];

	if (size < 4 || npu_le32(cop1) != COP1_FOURCC)
		return npu_fail(st, NPU_ERR_PAYLOAD, "payload does not start with the fourcc COP1");
	pos = 4;
	while (pos + 4 <= size) {
		u32 tag = npu_le32(cop1 + pos);
		u32 id = tag & 0xff, len;

		res->fail_offset = (u32)pos;
		pos += 4;
		switch (id) {
		case DA_CONFIG:
			if (size - pos < 8)
				return npu_fail(st, NPU_ERR_PAYLOAD, "CONFIG tag truncated");
			if (check_config(st, npu_le32(cop1 + pos), npu_le32(cop1 + pos + 4)))
				return res->status;
			have_config = true;
			pos += 8;
			break;
		case DA_NOP:
		case DA_READ_APB:	/* register dumps: nothing to model */
		case DA_DUMP_SHRAM:
			break;
		case DA_CMDSTREAM:
			len = ((tag >> 8) & 0xff) << 16 | tag >> 16;
			if (!have_config)
				return npu_fail(st, NPU_ERR_PAYLOAD, "CMDSTREAM before CONFIG");
			if ((size - pos) / 4 < len)
				return npu_fail(st, NPU_ERR_PAYLOAD,
						"CMDSTREAM longer than the payload");
			if (run_stream(st, cop1 + pos, len, (u32)pos))
				return res->status;
			pos += 4 * (size_t)len;
			have_stream = true;
			break;
		default:
			return npu_fail(st, NPU_ERR_PAYLOAD, "unknown driver action");
		}
	}
	if (!have_config)
		return npu_fail(st, NPU_ERR_PAYLOAD, "payload has no CONFIG tag");
	if (!have_stream)
		return npu_fail(st, NPU_ERR_PAYLOAD, "payload has no CMDSTREAM tag");
	return res->status;
}
