// SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0
/*
 * NPU_OP_ELEMENTWISE over the OFM's shape. IFM2 may broadcast along H, W or C, be a scalar
 * (IFM2_SCALAR), or be the first operand (reversed). Operands are read minus their zero points.
 *
 * ADD/SUB: a * OPA_SCALE +/- b * OPB_SCALE (16-bit operand scales), or one operand scaled by
 * the 32-bit OPA_SCALE (IFM scale mode 1: IFM, 2: IFM2), then OFM_SCALE. MUL: a * b, then
 * OFM_SCALE; with a 32-bit operand only the OFM shift applies (Vela's int32 softmax relies on a
 * shift of 31 being a rounding doubling high multiply). MIN/MAX/ABS: then OFM_SCALE. SHL/SHR
 * shift a by b (SHR rounds with the OFM rounding mode); CLZ counts the leading zeros of a as a
 * 32-bit word.
 */
#include "npu_internal.h"

static u32 clz32(u32 v)
{
	u32 n = 0;

	if (!v)
		return 32;
	while (!(v & 0x80000000u)) {
		v <<= 1;
		n++;
	}
	return n;
}

static enum npu_status operand(struct npu_state *st, const struct npu_fm *fm, u32 y, u32 x, u32 c,
			       s64 *v)
{
	u8 *p;

	if (npu_fm_addr(st, fm, y, x, c, false, &p))
		return st->res->status;
	*v = npu_fm_load(fm, p) - fm->zero_point;
	return NPU_OK;
}

/*
 * 32-bit operand scaling (TensorFlow Lite's ADD/SUB with different input scales): both operands
 * are shifted left by 20 (8-bit IFMs) or 15 (16-bit); the operand the mode names is then scaled
 * by OPA_SCALE (which Vela fills whichever operand it is) with TFL double rounding, and the other
 * halved, exactly as TensorFlow Lite's reference does.
 */
static void scale_operands(struct npu_state *st, u32 opmode, s64 *a, s64 *b)
{
	u32 in_shift = st->r0[NPU_SET_IFM_PRECISION] & 0xc ? 15 : 20;
	u32 m = st->r1[NPU_SET_OPA_SCALE], sh = st->r1p[NPU_SET_OPA_SCALE] & 0x3f;
	s64 *scaled = opmode == 1 ? a : b, *other = opmode == 1 ? b : a;

	*scaled = npu_scale_tfl(*scaled * ((s64)1 << in_shift), m, sh + in_shift);
	*other *= (s64)1 << (in_shift - 1);
}

static enum npu_status compute(struct npu_state *st, u32 mode, const struct npu_fm *ofm,
			       bool wide, u32 opmode, s64 a, s64 b, s64 *out)
{
	u32 scale = st->r1[NPU_SET_OFM_SCALE], shift = st->r1p[NPU_SET_OFM_SCALE] & 0x3f;
	s64 v;

	if (st->u85)
		npu85_ofm_scale(st, &scale, &shift);

	switch (mode) {
	case NPU_EW_ADD:
	case NPU_EW_SUB:
		if (!opmode && !st->u85) {
			a *= (s64)st->r1[NPU_SET_OPA_SCALE];
			b *= (s64)st->r1[NPU_SET_OPB_SCALE];
		}
		v = mode == NPU_EW_ADD ? a + b : a - b;
		*out = npu_scale(v, scale, shift, ofm->round);
		return NPU_OK;
	case NPU_EW_MUL:
		*out = wide ? npu_round_shift(a * b, shift, ofm->round) :
			      npu_scale(a * b, scale, shift, ofm->round);
		return NPU_OK;
	case NPU_EW_MIN:
	case NPU_EW_MAX:
		v = (mode == NPU_EW_MIN) == (a < b) ? a : b;
		*out = npu_scale(v, scale, shift, ofm->round);
		return NPU_OK;
	case NPU_EW_ABS:
		*out = npu_scale(a < 0 ? -a : a, scale, shift, ofm->round);
		return NPU_OK;
	case NPU_EW_CLZ:
		*out = clz32((u32)a);
		return NPU_OK;
	case NPU_EW_SHL:
		b = npu_clamp(b, 0, 31);
		*out = npu_clamp(a * ((s64)1 << b), -0x80000000ll, 0x7fffffffll);
		return NPU_OK;
	case NPU_EW_SHR:
		*out = npu_round_shift(a, (u32)npu_clamp(b, 0, 31), ofm->round);
		return NPU_OK;
	default:
		return npu_fail(st, NPU_ERR_UNSUPPORTED, "elementwise LRELU not modelled");
	}
}

/* One operand at (y, x, c) of the OFM: broadcast along the axes @bc names, or the scalar. */
static enum npu_status operand_at(struct npu_state *st, const struct npu_fm *fm, u32 bc,
				  u32 y, u32 x, u32 c, s64 *v)
{
	if (fm->scalar) {
		*v = fm->scalar_value - fm->zero_point;
		return NPU_OK;
	}
	return operand(st, fm, bc & NPU_BCAST_H ? 0 : y, bc & NPU_BCAST_W ? 0 : x,
		       bc & NPU_BCAST_C ? 0 : c, v);
}

static void prepare_operand(struct npu_state *st, struct npu_fm *fm, u32 bc,
			    const struct npu_fm *ofm)
{
	if (!fm->scalar)
		npu_fm_prepare(st, fm, bc & NPU_BCAST_H ? 1 : ofm->height,
			       bc & NPU_BCAST_W ? 1 : ofm->width, bc & NPU_BCAST_C ? 1 : ofm->depth,
			       false);
}

/* U85: IFM and IFM2 broadcast (1 H, 2 W, 4 C, 8 scalar), each operand with its own scale. */
static enum npu_status regs85(struct npu_state *st, u32 mode, u32 *bc1, u32 *bc2)
{
	*bc1 = NPU85_BCAST_MODE(st->r0[NPU_SET_IFM_BROADCAST]);
	*bc2 = NPU85_BCAST_MODE(st->r0[NPU_SET_IFM2_BROADCAST]);
	if (mode == NPU_EW_LRELU || (mode > NPU_EW_SHL && mode <= 11) ||
	    (mode >= 16 && mode <= 19) || (mode >= 33 && mode <= 36) || mode == 42)
		return npu_fail(st, NPU_ERR_UNSUPPORTED,
				"U85 elementwise LRELU, LSR, DIV, compare and logic not modelled");
	if (mode > NPU_EW_SHL)
		return npu_fail(st, NPU_ERR_STREAM, "reserved elementwise mode");
	if (*bc1 > NPU85_BCAST_SCALAR || *bc2 > NPU85_BCAST_SCALAR)
		return npu_fail(st, NPU_ERR_STREAM, "reserved broadcast mode");
	return NPU_OK;
}

enum npu_status npu_op_elementwise(struct npu_state *st, u32 mode)
{
	u32 bc = st->r0[NPU_SET_IFM2_BROADCAST], bc1 = 0;
	u32 opmode = NPU_PREC_IFM_SCALE_MODE(st->r0[NPU_SET_IFM_PRECISION]);
	bool unary = mode == NPU_EW_ABS || mode == NPU_EW_CLZ, reversed = false;
	bool addsub = mode == NPU_EW_ADD || mode == NPU_EW_SUB;
	struct npu_fm ifm, ifm2, ofm;
	u32 y, x, c;
	bool wide;

	if (st->u85) {
		if (regs85(st, mode, &bc1, &bc))
			return st->res->status;
		opmode = 0;
	} else {
		if (mode > NPU_EW_SHL)
			return npu_fail(st, NPU_ERR_STREAM, "reserved elementwise mode");
		if (opmode > 2)
			return npu_fail(st, NPU_ERR_STREAM, "reserved IFM scale mode");
		reversed = bc & NPU_BCAST_REVERSED;
	}
	if (npu_fm_read_regs(st, 0, &ifm) || npu_fm_read_regs(st, 2, &ofm))
		return st->res->status;
	if (unary) {
		npu_memset(&ifm2, 0, sizeof(ifm2));
		ifm2.elem = ifm.elem;
		ifm2.scalar = true;
	} else if (!st->u85 && (bc & NPU_BCAST_SCALAR)) {
		u16 sv = st->r0[NPU_SET_IFM2_SCALAR];

		npu_memset(&ifm2, 0, sizeof(ifm2));
		ifm2.elem = ifm.elem;
		ifm2.scalar = true;
		ifm2.scalar_value = ifm.is_signed ? (s64)(s16)sv : (s64)sv;
	} else if (npu_fm_read_regs(st, 1, &ifm2)) {
		return st->res->status;
	}
	if (st->u85) {
		bool s1 = bc1 == NPU85_BCAST_SCALAR, s2 = bc == NPU85_BCAST_SCALAR;

		if (ifm.scalar != s1 || (!unary && ifm2.scalar != s2))
			return npu_fail(st, NPU_ERR_STREAM,
					"scalar broadcast and storage NONE disagree");
	}
	wide = ifm.elem == 4 || (!unary && ifm2.elem == 4);
	prepare_operand(st, &ifm, bc1, &ofm);
	if (!unary)
		prepare_operand(st, &ifm2, bc, &ofm);
	npu_fm_prepare(st, &ofm, ofm.height, ofm.width, ofm.depth, true);

	for (y = 0; y < ofm.height; y++) {
		for (x = 0; x < ofm.width; x++) {
			for (c = 0; c < ofm.depth; c++) {
				s64 a = 0, b = 0, v;
				u8 *p;

				if (operand_at(st, &ifm, bc1, y, x, c, &a) ||
				    (!unary && operand_at(st, &ifm2, bc, y, x, c, &b)))
					return st->res->status;
				if (st->u85 && addsub &&
				    (npu85_ifm_scale(st, NPU_SET_IFM_SCALE, &a) ||
				     npu85_ifm_scale(st, NPU_SET_IFM2_SCALE, &b)))
					return st->res->status;
				/* The scale mode names registers (IFM, IFM2), not operand order. */
				if (opmode && addsub)
					scale_operands(st, opmode, &a, &b);
				if (reversed) {
					v = a;
					a = b;
					b = v;
				}
				if (compute(st, mode, &ofm, wide, opmode, a, b, &v) ||
				    npu_output(st, &ofm, v, &v) ||
				    npu_fm_addr(st, &ofm, y, x, c, true, &p))
					return st->res->status;
				npu_fm_store(&ofm, p, v);
			}
		}
	}
	return NPU_OK;
}
