// SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0
/*
 * NPU_OP_CONV and NPU_OP_DEPTHWISE: decode the weight stream into OHWI, then for every OFM
 * element sum (ifm - zero point) * weight over the kernel (padding contributes nothing), add
 * the channel's 40-bit bias and scale with its 32-bit scale and 6-bit shift (10-byte records
 * at SCALE_BASE, or OFM_SCALE with no bias when the OFM precision selects the global scale).
 */
#include "npu_internal.h"

static u64 addr1(struct npu_state *st, u32 op)
{
	return (u64)(st->r1p[op] & 0xff) << 32 | st->r1[op];
}

enum npu_status npu_kernel_read(struct npu_state *st, const struct npu_fm *ofm,
				struct npu_kernel *k)
{
	u32 ks = st->r0[NPU_SET_KERNEL_STRIDE];
	u32 ekh = st->r0[NPU_SET_KERNEL_HEIGHT_M1] + 1u, ekw = st->r0[NPU_SET_KERNEL_WIDTH_M1] + 1u;
	s64 h, w;

	k->sx = (NPU_STRIDE_X_HI(ks) << 1 | NPU_STRIDE_X_LO(ks)) + 1;
	k->sy = (NPU_STRIDE_Y_HI(ks) << 1 | NPU_STRIDE_Y_LO(ks)) + 1;
	k->dx = NPU_STRIDE_DIL_X(ks) + 1;
	k->dy = NPU_STRIDE_DIL_Y(ks) + 1;
	if ((ekh - 1) % k->dy || (ekw - 1) % k->dx)
		return npu_fail(st, NPU_ERR_STREAM, "kernel size not a multiple of the dilation");
	k->kh = (ekh - 1) / k->dy + 1;
	k->kw = (ekw - 1) / k->dx + 1;
	k->pad_top = st->r0[NPU_SET_IFM_PAD_TOP];
	k->pad_left = st->r0[NPU_SET_IFM_PAD_LEFT];
	if (st->r0[NPU_SET_IFM_UPSCALE])
		return npu_fail(st, NPU_ERR_UNSUPPORTED, "IFM upscaling not modelled");
	h = (s64)(ofm->height - 1) * k->sy + ekh - k->pad_top - st->r0[NPU_SET_IFM_PAD_BOTTOM];
	w = (s64)(ofm->width - 1) * k->sx + ekw - k->pad_left - st->r0[NPU_SET_IFM_PAD_RIGHT];
	k->ifm_h = h > 0 ? (u32)h : 0;
	k->ifm_w = w > 0 ? (u32)w : 0;
	return NPU_OK;
}

static enum npu_status read_scale(struct npu_state *st, const struct npu_fm *ofm, u32 c,
				  s64 *bias, u32 *scale, u32 *shift)
{
	const u8 *p;
	u32 core;
	u64 b;

	if (ofm->global_scale) {
		*bias = 0;
		*scale = st->r1[NPU_SET_OFM_SCALE];
		*shift = st->r1p[NPU_SET_OFM_SCALE] & 0x3f;
		return NPU_OK;
	}
	/* With several cores, core k's stream holds channels k, k + cores, ... */
	core = c % st->hw->cores;
	c /= st->hw->cores;
	if (addr1(st, core ? NPU_SET_SCALE1_LENGTH : NPU_SET_SCALE_LENGTH) < 10 * ((u64)c + 1))
		return npu_fail(st, NPU_ERR_WEIGHTS, "scale stream shorter than the OFM depth");
	p = npu_region_ptr(st, st->r0[NPU_SET_SCALE_REGION],
			   addr1(st, core ? NPU_SET_SCALE1_BASE : NPU_SET_SCALE_BASE) + 10 * c, 10,
			   false);
	if (!p)
		return st->res->status;
	b = npu_le32(p) | (u64)p[4] << 32;
	*bias = (s64)(b << 24) >> 24;	/* sign-extend 40 bits */
	*scale = npu_le32(p + 5);
	*shift = p[9] & 0x3f;
	st->res->bytes_read += 10;
	return NPU_OK;
}

/*
 * conv_acc() for an IFM that npu_fm_prepare() found inside its region: pointer arithmetic per
 * channel instead of a checked access per element.
 */
static enum npu_status conv_acc_fast(struct npu_state *st, const struct npu_fm *ifm,
				     const struct npu_kernel *k, const struct npu_wgeom *g,
				     const s16 *w, u32 oy, u32 ox, u32 oc, s64 *acc)
{
	u32 ky, kx, ic, n = 0;
	s64 sum = 0;

	for (ky = 0; ky < k->kh; ky++) {
		s64 iy = (s64)oy * k->sy - k->pad_top + (s64)ky * k->dy;

		for (kx = 0; kx < k->kw && iy >= 0 && iy < k->ifm_h; kx++) {
			s64 ix = (s64)ox * k->sx - k->pad_left + (s64)kx * k->dx;
			const s16 *wk = w + (((size_t)oc * k->kh + ky) * k->kw + kx) * g->ifm_depth;
			const u8 *p0;

			if (ix < 0 || ix >= k->ifm_w)
				continue;
			p0 = npu_fm_ptr(ifm, (u32)iy, (u32)ix);
			if (g->depthwise) {
				sum += (npu_fm_load(ifm, p0 + npu_fm_chan(ifm, oc)) -
					ifm->zero_point) * wk[0];
				n++;
				continue;
			}
			if (ifm->elem == 1 && ifm->is_signed && !ifm->brick) {
				for (ic = 0; ic < g->ifm_depth; ic++)
					sum += ((s32)(s8)p0[ic] - ifm->zero_point) * wk[ic];
			} else {
				for (ic = 0; ic < g->ifm_depth; ic++)
					sum += (npu_fm_load(ifm, p0 + npu_fm_chan(ifm, ic)) -
						ifm->zero_point) * wk[ic];
			}
			n += g->ifm_depth;
		}
	}
	st->res->bytes_read += (u64)n * ifm->elem;
	st->work += n;
	if (st->work > st->max_work)
		return npu_fail(st, NPU_ERR_LIMIT, "work limit reached (feature map too large)");
	*acc = sum;
	return NPU_OK;
}

/* Sum of (ifm - zero point) * weight over the kernel window of one OFM element. */
static enum npu_status conv_acc(struct npu_state *st, const struct npu_fm *ifm,
				const struct npu_kernel *k, const struct npu_wgeom *g, const s16 *w,
				u32 oy, u32 ox, u32 oc, s64 *acc)
{
	u32 ky, kx, ic;
	u8 *p;

	*acc = 0;
	if (ifm->ready)
		return conv_acc_fast(st, ifm, k, g, w, oy, ox, oc, acc);
	for (ky = 0; ky < k->kh; ky++) {
		s64 iy = (s64)oy * k->sy - k->pad_top + (s64)ky * k->dy;

		if (iy < 0 || iy >= k->ifm_h)
			continue;
		for (kx = 0; kx < k->kw; kx++) {
			s64 ix = (s64)ox * k->sx - k->pad_left + (s64)kx * k->dx;
			const s16 *wk = w + (((size_t)oc * k->kh + ky) * k->kw + kx) * g->ifm_depth;

			if (ix < 0 || ix >= k->ifm_w)
				continue;
			for (ic = 0; ic < g->ifm_depth; ic++) {
				u32 c = g->depthwise ? oc : ic;

				if (npu_fm_addr(st, ifm, (u32)iy, (u32)ix, c, false, &p))
					return st->res->status;
				*acc += (npu_fm_load(ifm, p) - ifm->zero_point) * wk[ic];
			}
		}
	}
	return NPU_OK;
}

/*
 * Decodes the weight stream(s) into the OHWI volume @w (@wcount weights). With several cores,
 * core k has its own stream (WEIGHT, WEIGHT1) for channels k, k + cores, ..., encoded with OFM
 * blocks of its share of the block depth.
 */
static enum npu_status load_weights(struct npu_state *st, const struct npu_wgeom *g, s16 *w,
				    u64 wcount)
{
	u32 n = st->hw->cores, core, j;
	size_t per = (size_t)g->kh * g->kw * g->ifm_depth;
	s16 *cw = n == 1 ? w : w + ((wcount + 3) & ~(u64)3);

	for (core = 0; core < n && core < g->ofm_depth; core++) {
		struct npu_wgeom cg = *g;
		u64 len = addr1(st, core ? NPU_SET_WEIGHT1_LENGTH : NPU_SET_WEIGHT_LENGTH);
		u64 base = addr1(st, core ? NPU_SET_WEIGHT1_BASE : NPU_SET_WEIGHT_BASE);
		const u8 *src;
		s16 *tmp;
		u8 *end = st->ws + st->ws_size;

		cg.ofm_depth = (g->ofm_depth - core + n - 1) / n;
		cg.ofm_block_depth = (g->ofm_block_depth + n - 1 - core) / n;
		if (!cg.ofm_block_depth)
			return npu_fail(st, NPU_ERR_STREAM, "OFM block shallower than the cores");
		tmp = cw + ((cg.ofm_depth * per + 3) & ~(size_t)3);
		if ((u8 *)tmp >= end)
			return npu_fail(st, NPU_ERR_WORKSPACE, "workspace too small");
		src = npu_region_ptr(st, st->r0[NPU_SET_WEIGHT_REGION], base, len, false);
		if (!src || npu_weights_decode(st, src, len, &cg, cw, tmp,
					       (size_t)(end - (u8 *)tmp) / sizeof(s16)))
			return st->res->status;
		for (j = 0; n > 1 && j < cg.ofm_depth; j++)
			npu_memcpy(w + ((size_t)core + (size_t)j * n) * per, cw + j * per,
				   per * sizeof(s16));
	}
	return NPU_OK;
}

enum npu_status npu_op_conv(struct npu_state *st, bool depthwise)
{
	struct npu_fm ifm, ofm;
	struct npu_kernel k;
	struct npu_wgeom g;
	u64 wcount;
	s16 *w;
	u32 oy, ox, oc;

	if (npu_fm_read_regs(st, 0, &ifm) || npu_fm_read_regs(st, 2, &ofm) ||
	    npu_kernel_read(st, &ofm, &k))
		return st->res->status;
	if (ifm.elem == 4)
		return npu_fail(st, NPU_ERR_STREAM, "convolution with a 32-bit IFM");
	if (depthwise && ifm.depth != ofm.depth)
		return npu_fail(st, NPU_ERR_UNSUPPORTED, "depthwise with IFM depth != OFM depth");

	g.ofm_depth = ofm.depth;
	g.kh = k.kh;
	g.kw = k.kw;
	g.ifm_depth = depthwise ? 1 : ifm.depth;
	g.ofm_block_depth = st->r0[NPU_SET_OFM_BLK_DEPTH_M1] + 1u;
	g.depthwise = depthwise;
	g.part_kernel = !depthwise && (st->r0[NPU_SET_KERNEL_STRIDE] & NPU_STRIDE_PART_KERNEL);
	g.ifm_bits = 8 * ifm.elem;
	g.dil_x = k.dx;
	g.dil_y = k.dy;

	/* Workspace: the OHWI volume, then the decoder's buffers. */
	/* Checked in two steps so that the 64-bit product cannot wrap. */
	wcount = (u64)g.ofm_depth * g.kh * g.kw;
	if (wcount * 2 + 8 <= st->ws_size)
		wcount *= g.ifm_depth;
	if (wcount * 2 + 8 > st->ws_size)
		return npu_fail(st, NPU_ERR_WORKSPACE, "workspace too small");
	npu_fm_prepare(st, &ifm, k.ifm_h, k.ifm_w, ifm.depth, false);
	npu_fm_prepare(st, &ofm, ofm.height, ofm.width, ofm.depth, true);
	w = (s16 *)st->ws;
	npu_memset(w, 0, wcount * 2);
	if (load_weights(st, &g, w, wcount))
		return st->res->status;

	for (oc = 0; oc < ofm.depth; oc++) {
		s64 bias = 0;
		u32 scale = 0, shift = 0;

		if (read_scale(st, &ofm, oc, &bias, &scale, &shift))
			return st->res->status;
		for (oy = 0; oy < ofm.height; oy++) {
			for (ox = 0; ox < ofm.width; ox++) {
				s64 acc, v;
				u8 *p;

				if (conv_acc(st, &ifm, &k, &g, w, oy, ox, oc, &acc))
					return st->res->status;
				st->res->macs += (u64)k.kh * k.kw * g.ifm_depth;
				v = npu_scale(acc + bias, scale, shift, ofm.round);
				if (npu_output(st, &ofm, v, &v) ||
				    npu_fm_addr(st, &ofm, oy, ox, oc, true, &p))
					return st->res->status;
				npu_fm_store(&ofm, p, v);
			}
		}
	}
	return NPU_OK;
}
