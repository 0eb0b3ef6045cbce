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

	if (st->u85) {
		k->sx = (NPU85_STRIDE_X_HI(ks) << 1 | NPU_STRIDE_X_LO(ks)) + 1;
		k->sy = (NPU85_STRIDE_Y_HI(ks) << 1 | NPU_STRIDE_Y_LO(ks)) + 1;
	} else {
		k->sx = (NPU_STRIDE_X_HI(ks) << 1 | NPU_STRIDE_X_LO(ks)) + 1;
		k->sy = (NPU_STRIDE_Y_HI(ks) << 1 | NPU_STRIDE_Y_LO(ks)) + 1;
	}
	k->dx = NPU_STRIDE_DIL_X(ks) + 1;
	k->dy = NPU_STRIDE_DIL_Y(ks) + 1;
	if ((ekh - 1) % k->dy || (ekw - 1) % k->dx)
		return npu_fail(st, NPU_ERR_STREAM, "kernel size not a multiple of the dilation");
	k->kh = (ekh - 1) / k->dy + 1;
	k->kw = (ekw - 1) / k->dx + 1;
	k->pad_top = st->r0[NPU_SET_IFM_PAD_TOP];
	k->pad_left = st->r0[NPU_SET_IFM_PAD_LEFT];
	k->up = st->r0[NPU_SET_IFM_UPSCALE];
	if (k->up > 2)
		return npu_fail(st, NPU_ERR_STREAM, "reserved IFM upscale mode");
	h = (s64)(ofm->height - 1) * k->sy + ekh - k->pad_top - st->r0[NPU_SET_IFM_PAD_BOTTOM];
	w = (s64)(ofm->width - 1) * k->sx + ekw - k->pad_left - st->r0[NPU_SET_IFM_PAD_RIGHT];
	k->ifm_h = h > 0 ? (u32)h : 0;
	k->ifm_w = w > 0 ? (u32)w : 0;
	return NPU_OK;
}

/*
 * U85: one scale stream for all cores, 10 bytes per channel: a 32-bit bias and a 31-bit scale
 * (32-bit accumulator), or a 48-bit bias and a 15-bit scale (48-bit accumulator); then the
 * shift.
 */
static enum npu_status read_scale85(struct npu_state *st, const struct npu_fm *ofm, u32 c,
				    s64 *bias, u32 *scale, u32 *shift)
{
	const u8 *p;
	u64 b;

	if (ofm->global_scale) {
		*bias = 0;
		npu85_ofm_scale(st, scale, shift);
		return NPU_OK;
	}
	if (addr1(st, NPU_SET_SCALE_LENGTH) < 10 * ((u64)c + 1))
		return npu_fail(st, NPU_ERR_WEIGHTS, "scale stream shorter than the OFM depth");
	p = npu_region_ptr(st, st->r0[NPU_SET_SCALE_REGION],
			   addr1(st, NPU_SET_SCALE_BASE) + 10 * (u64)c, 10, false);
	if (!p)
		return st->res->status;
	if (NPU85_ACC_48BIT(st->r0[NPU_SET_ACC_FORMAT])) {
		b = npu_le32(p) | (u64)p[4] << 32 | (u64)p[5] << 40;
		*bias = (s64)(b << 16) >> 16;	/* sign-extend 48 bits */
		*scale = (u32)(p[6] | (p[7] & 0x7f) << 8);
	} else {
		*bias = (s32)npu_le32(p);
		*scale = npu_le32(p + 4) & 0x7fffffffu;
	}
	*shift = p[8] & 0x3f;
	st->res->bytes_read += 10;
	return NPU_OK;
}

static enum npu_status read_scale(struct npu_state *st, const struct npu_fm *ofm, u32 c,
				  s64 *bias, u32 *scale, u32 *shift)
{
	const u8 *p;
	u32 core;
	u64 b;

	if (st->u85)
		return read_scale85(st, ofm, c, bias, scale, shift);

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

		for (kx = 0; kx < k->kw; kx++) {
			s64 ix = (s64)ox * k->sx - k->pad_left + (s64)kx * k->dx;
			const s16 *wk = w + (((size_t)oc * k->kh + ky) * k->kw + kx) * g->ifm_depth;
			const u8 *p0;
			u32 y, x;

			if (!npu_ifm_coord(k, iy, ix, &y, &x))
				continue;
			p0 = npu_fm_ptr(ifm, y, x);
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

		for (kx = 0; kx < k->kw; kx++) {
			s64 ix = (s64)ox * k->sx - k->pad_left + (s64)kx * k->dx;
			const s16 *wk = w + (((size_t)oc * k->kh + ky) * k->kw + kx) * g->ifm_depth;
			u32 y, x;

			if (!npu_ifm_coord(k, iy, ix, &y, &x))
				continue;
			for (ic = 0; ic < g->ifm_depth; ic++) {
				u32 c = g->depthwise ? oc : ic;

				if (npu_fm_addr(st, ifm, y, x, c, false, &p))
					return st->res->status;
				*acc += (npu_fm_load(ifm, p) - ifm->zero_point) * wk[ic];
			}
		}
	}
	return NPU_OK;
}

/* The OFM micro-block depth of each U85 configuration, by ACC_FORMAT's micro-block (HxW). */
u32 npu85_ofm_ublock_depth(const struct npu_state *st)
{
	/* U1X1, U1X2, U1X4, U2X2, U2X4, U4X4 */
	static const u8 depth[5][6] = {
		{ 16, 8, 0, 0, 0, 0 },		/* 128 MACs */
		{ 0, 16, 8, 8, 0, 0 },		/* 256 */
		{ 0, 0, 16, 16, 0, 0 },		/* 512 */
		{ 0, 0, 32, 32, 16, 0 },	/* 1024 */
		{ 0, 0, 64, 64, 0, 16 },	/* 2048 */
	};
	u32 mb = NPU85_ACC_MICROBLOCK(st->r0[NPU_SET_ACC_FORMAT]), i;

	for (i = 0; i < 5; i++)
		if (st->hw->macs == 128u << i)
			return mb < 6 ? depth[i][mb] : 0;
	return 0;
}

/*
 * U85: one weight stream per core (WEIGHT, WEIGHT1..3), each holding its share of every OFM
 * micro-block (groups of four channels), decoded straight into the OHWI volume.
 */
static enum npu_status load_weights85(struct npu_state *st, struct npu_wgeom *g, s16 *w,
				      u64 wcount)
{
	static const u32 base_reg[4] = { NPU_SET_WEIGHT_BASE, NPU_SET_WEIGHT1_BASE,
					 NPU_SET_WEIGHT2_BASE, NPU_SET_WEIGHT3_BASE };
	s16 *tmp = w + ((wcount + 3) & ~(u64)3);
	u8 *end = st->ws + st->ws_size;
	u32 k;

	u32 fmt = st->r0[NPU_SET_WEIGHT_FORMAT];

	if (fmt & ~(NPU85_WEIGHT_FAST | NPU85_WEIGHT_SPARSE))
		return npu_fail(st, NPU_ERR_STREAM, "reserved weight format");
	g->fast = fmt & NPU85_WEIGHT_FAST;
	g->sparse = fmt & NPU85_WEIGHT_SPARSE;
	if (g->sparse && (g->depthwise || g->ifm_bits != 8))
		return npu_fail(st, NPU_ERR_UNSUPPORTED,
				"U85 2:4 sparse weights with depthwise or 16-bit IFMs not modelled");
	if (g->sparse && !g->part_kernel)
		g->ifm_block_depth = 128;
	if (g->fast && st->hw->cores > 1)
		return npu_fail(st, NPU_ERR_UNSUPPORTED,
				"U85 fast weight format with several cores not modelled");
	if ((u8 *)tmp >= end)
		return npu_fail(st, NPU_ERR_WORKSPACE, "workspace too small");
	g->streams = st->hw->cores;
	if (g->streams < 1 || g->streams > 4)
		return npu_fail(st, NPU_ERR_ARG, "U85 core count outside 1-4");
	for (k = 0; k < g->streams; k++) {
		u64 len = addr1(st, base_reg[k] + 1), base = addr1(st, base_reg[k]);
		const u8 *src = npu_region_ptr(st, st->r0[NPU_SET_WEIGHT_REGION], base, len, false);

		g->stream = k;
		if (!src || npu85_weights_decode(st, src, len, g, w, tmp,
						 (size_t)(end - (u8 *)tmp) / sizeof(s16)))
			return st->res->status;
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

	npu_memset(&g, 0, sizeof(g));
	if (npu_fm_read_regs(st, 0, &ifm) || npu_fm_read_regs(st, 2, &ofm) ||
	    npu_kernel_read(st, &ofm, &k))
		return st->res->status;
	if (ifm.elem == 4)
		return npu_fail(st, NPU_ERR_STREAM, "convolution with a 32-bit IFM");
	if (st->u85) {
		u32 acc = st->r0[NPU_SET_ACC_FORMAT];

		if (NPU85_ACC_INPUT(acc) || (acc & NPU85_ACC_OUTPUT_OFF))
			return npu_fail(st, NPU_ERR_UNSUPPORTED,
					"U85 accumulator input/output modes not modelled");
		if (ifm.scalar || ifm.chained)
			return npu_fail(st, NPU_ERR_UNSUPPORTED,
					"convolution of a scalar or chained IFM");
		g.ofm_ublock_depth = npu85_ofm_ublock_depth(st);
		if (!g.ofm_ublock_depth)
			return npu_fail(st, NPU_ERR_STREAM,
					"micro-block not available on this NPU");
	}
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
	g.stride_x = k.sx;
	g.stride_y = k.sy;
	/* U85 IFM block depth: Vela's fixed choice for convolutions. */
	g.dw_pad = (ifm.elem == 1 && st->hw->macs <= 256) ? 0 : st->hw->macs <= 512 ? 2 : 6;
	g.ifm_block_depth = g.part_kernel ? 16 :
			    (st->hw->macs <= 256 && g.ofm_ublock_depth == 16) ? 32 : 64;

	/* Workspace: the OHWI volume, then the decoder's buffers. */
	/* Checked in two steps so that the 64-bit product cannot wrap. */
	wcount = (u64)g.ofm_depth * g.kh * g.kw;
	if (wcount * 2 + 8 <= st->ws_size)
		wcount *= g.ifm_depth;
	if (wcount * 2 + 8 > st->ws_size)
		return npu_fail(st, NPU_ERR_WORKSPACE, "workspace too small");
	/* Clearing and decoding weights is work too: many large streams must not add up. */
	st->work += wcount;
	if (st->work > st->max_work)
		return npu_fail(st, NPU_ERR_LIMIT, "work limit reached (weights)");
	npu_fm_prepare(st, &ifm, npu_ifm_stored(&k, k.ifm_h), npu_ifm_stored(&k, k.ifm_w),
		       ifm.depth, false);
	npu_fm_prepare(st, &ofm, ofm.height, ofm.width, ofm.depth, true);
	w = (s16 *)st->ws;
	npu_memset(w, 0, wcount * 2);
	if (st->u85 ? load_weights85(st, &g, w, wcount) : load_weights(st, &g, w, wcount))
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

				if (npu_window_work(st, &k) ||
				    conv_acc(st, &ifm, &k, &g, w, oy, ox, oc, &acc))
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
