// SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0
/*
 * DMA: a 1-D copy between regions, or from a region into internal memory (SHRAM, region bit 8),
 * which is how Vela uploads a LUT. Done at once at NPU_OP_DMA_START, so DMA_WAIT has nothing to
 * wait for; Vela's stream never reads a DMA destination before the matching wait.
 */
#include "npu_internal.h"

#define DMA_REGION_NUM(r) ((r) & 7u)
#define DMA_STRIDE_MODE(r) (((r) >> 9) & 3u)
#define DMA85_IDX_MODE 0x800u

static u64 addr1(struct npu_state *st, u32 op)
{
	return (u64)(st->r1p[op] & 0xff) << 32 | st->r1[op];
}

enum npu_status npu_op_dma(struct npu_state *st)
{
	u32 sreg = st->r0[NPU_SET_DMA0_SRC_REGION], dreg = st->r0[NPU_SET_DMA0_DST_REGION];
	u64 src = addr1(st, NPU_SET_DMA0_SRC), dst = addr1(st, NPU_SET_DMA0_DST);
	u64 len = addr1(st, NPU_SET_DMA0_LEN);
	const u8 *s;
	u8 *d;

	/* Bytes copied count as work: a million DMAs of a whole region must not hang. */
	st->work += len;
	if (st->work > st->max_work)
		return npu_fail(st, NPU_ERR_LIMIT, "work limit reached (DMA)");
	if (st->u85 && ((sreg | dreg) & DMA85_IDX_MODE))
		return npu_fail(st, NPU_ERR_UNSUPPORTED, "U85 indexed DMA not modelled");
	if (DMA_STRIDE_MODE(sreg) || DMA_STRIDE_MODE(dreg))
		return npu_fail(st, NPU_ERR_UNSUPPORTED, "2-D/3-D DMA not modelled");
	if (sreg & NPU_DMA_REGION_INTERNAL)
		return npu_fail(st, NPU_ERR_UNSUPPORTED, "DMA from internal memory not modelled");
	s = npu_region_ptr(st, DMA_REGION_NUM(sreg), src, len, false);
	if (!s)
		return st->res->status;
	if (dreg & NPU_DMA_REGION_INTERNAL) {
		if (dst > st->hw->shram_bytes || len > st->hw->shram_bytes - dst)
			return npu_fail(st, NPU_ERR_REGION, "DMA past internal memory");
		d = st->shram + dst;
	} else {
		d = npu_region_ptr(st, DMA_REGION_NUM(dreg), dst, len, true);
		if (!d)
			return st->res->status;
	}
	/* Regions may alias (arena and fast scratch): copy like memmove. */
	if (d > s && d < s + len) {
		while (len--)
			d[len] = s[len];
	} else {
		npu_memcpy(d, s, len);
	}
	st->res->bytes_read += addr1(st, NPU_SET_DMA0_LEN);
	st->res->bytes_written += addr1(st, NPU_SET_DMA0_LEN);
	return NPU_OK;
}
