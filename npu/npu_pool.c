// SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0
/*
 * NPU_OP_POOL. MAX and AVERAGE work per channel over the kernel window (padding excluded);
 * REDUCE_SUM sums the window over every IFM channel into each OFM channel, which is how Vela
 * sums a softmax's exponentials. With the OFM precision's global-scale bit the result is scaled
 * by OFM_SCALE (Vela folds 1/N of an average into it); without it MAX and REDUCE_SUM pass the
 * value through and AVERAGE divides by the number of valid elements, rounding half away from
 * zero as TensorFlow Lite does.
 */
#include "npu_internal.h"

/* MAX, or the sum of (ifm - zero point), over one window; n counts the valid elements. */
static enum npu_status pool_acc(struct npu_state *st, u32 mode, const struct npu_fm *ifm,
				const struct npu_kernel *k, u32 oy, u32 ox, u32 oc, s64 *acc,
				u32 *n)
{
	u32 c0 = mode == NPU_POOL_REDUCE_SUM ? 0 : oc;
	u32 c1 = mode == NPU_POOL_REDUCE_SUM ? ifm->depth : oc + 1;
	u32 ky, kx, c;
	s64 v;
	u8 *p;

	*acc = mode == NPU_POOL_MAX ? NPU_S64_MIN : mode == NPU85_POOL_MIN ? NPU_S64_MAX : 0;
	*n = 0;
	for (ky = 0; ky < k->kh; ky++) {
		s64 iy = (s64)oy * k->sy - k->pad_top + (s64)ky * k->dy;

		for (kx = 0; kx < k->kw; kx++) {
			s64 ix = (s64)ox * k->sx - k->pad_left + (s64)kx * k->dx;
			u32 y, x;

			if (!npu_ifm_coord(k, iy, ix, &y, &x))
				continue;
			for (c = c0; c < c1; c++) {
				if (npu_fm_addr(st, ifm, y, x, c, false, &p))
					return st->res->status;
				v = npu_fm_load(ifm, p) - ifm->zero_point;
				if (mode == NPU_POOL_MAX)
					*acc = v > *acc ? v : *acc;
				else if (mode == NPU85_POOL_MIN)
					*acc = v < *acc ? v : *acc;
				else
					*acc += v;	/* AVERAGE, REDUCE_SUM, SUM, NONE */
				(*n)++;
			}
		}
	}
	if (!*n)
		*acc = 0;
	return NPU_OK;
}

/* v / n, ties away from zero (TensorFlow Lite's average pooling). */
static s64 div_round_away(s64 v, u32 n)
{
	u64 m = v < 0 ? (u64)0 - (u64)v : (u64)v;

	m = npu_div_u64(m + n / 2, n);
	return v < 0 ? -(s64)m : (s64)m;
}

enum npu_status npu_op_pool(struct npu_state *st, u32 mode)
{
	struct npu_fm ifm, ofm;
	struct npu_kernel k;
	u32 scale = st->r1[NPU_SET_OFM_SCALE], shift = st->r1p[NPU_SET_OFM_SCALE] & 0x3f;
	bool padded = st->r0[NPU_SET_IFM_PAD_TOP] || st->r0[NPU_SET_IFM_PAD_LEFT] ||
		      st->r0[NPU_SET_IFM_PAD_BOTTOM] || st->r0[NPU_SET_IFM_PAD_RIGHT];
	u32 oy, ox, oc;

	if (st->u85) {
		npu85_ofm_scale(st, &scale, &shift);
		if (mode == NPU85_POOL_ARGMAX_X || mode == NPU85_POOL_ARGMAX_Y)
			return npu_fail(st, NPU_ERR_UNSUPPORTED, "U85 pooling ARGMAX not modelled");
		if (NPU85_ACC_INPUT(st->r0[NPU_SET_ACC_FORMAT]) ||
		    (st->r0[NPU_SET_ACC_FORMAT] & NPU85_ACC_OUTPUT_OFF))
			return npu_fail(st, NPU_ERR_UNSUPPORTED,
					"U85 accumulator input/output modes not modelled");
	}
	if (mode > (st->u85 ? NPU85_POOL_MIN : NPU_POOL_REDUCE_SUM))
		return npu_fail(st, NPU_ERR_STREAM, "reserved pooling mode");
	if (npu_fm_read_regs(st, 0, &ifm) || npu_fm_read_regs(st, 2, &ofm) ||
	    npu_kernel_read(st, &ofm, &k))
		return st->res->status;
	if (mode != NPU_POOL_REDUCE_SUM && ifm.depth != ofm.depth)
		return npu_fail(st, NPU_ERR_STREAM, "pooling with IFM depth != OFM depth");
	if (k.up == 2)
		return npu_fail(st, NPU_ERR_UNSUPPORTED, "pooling a transpose-upscaled IFM");
	if (ifm.scalar)
		return npu_fail(st, NPU_ERR_UNSUPPORTED, "pooling a scalar IFM");
	if (mode == NPU85_POOL_NONE && (k.kh != 1 || k.kw != 1))
		return npu_fail(st, NPU_ERR_UNSUPPORTED,
				"U85 pooling NONE with a kernel above 1x1");
	npu_fm_prepare(st, &ifm, npu_ifm_stored(&k, k.ifm_h), npu_ifm_stored(&k, k.ifm_w),
		       ifm.depth, false);
	npu_fm_prepare(st, &ofm, ofm.height, ofm.width, ofm.depth, true);

	for (oy = 0; oy < ofm.height; oy++) {
		for (ox = 0; ox < ofm.width; ox++) {
			for (oc = 0; oc < ofm.depth; oc++) {
				s64 acc, v;
				u32 n;
				u8 *p;

				if (npu_window_work(st, &k) ||
				    pool_acc(st, mode, &ifm, &k, oy, ox, oc, &acc, &n))
					return st->res->status;
				if (mode == NPU_POOL_AVERAGE && n &&
				    (padded || !ofm.global_scale || st->u85))
					acc = div_round_away(acc, n);
				if (ofm.global_scale)
					acc = npu_scale(acc, scale, shift, ofm.round);
				if (npu_output(st, &ofm, acc, &v) ||
				    npu_fm_addr(st, &ofm, oy, ox, oc, true, &p))
					return st->res->status;
				npu_fm_store(&ofm, p, v);
			}
		}
	}
	return NPU_OK;
}
