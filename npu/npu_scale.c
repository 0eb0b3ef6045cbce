// SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0
/*
 * Output scaling: v * scale / 2^shift with the OFM rounding mode, done in 96-bit integer
 * arithmetic so that a 40-bit bias plus accumulator times a 32-bit scale cannot overflow.
 *
 * TFL rounding reproduces TensorFlow Lite's MultiplyByQuantizedMultiplier: a rounding doubling
 * high multiply (round half up at bit 31) followed by a rounding divide by 2^(shift - 31) (round
 * half away from zero). For shift <= 31 the first step is the only one. NATURAL rounds half up
 * once; TRUNCATE drops the fraction (towards zero).
 */
#include "npu_internal.h"

#define NPU_MAG_MAX ((u64)1 << 62)	/* results are saturated later; keep them in s64 */

struct u128 {
	u64 hi, lo;
};

static struct u128 mul_u64_u32(u64 a, u32 m)
{
	u64 lo = (a & 0xffffffffu) * m;
	u64 mid = (a >> 32) * m;
	struct u128 r;

	r.lo = lo + (mid << 32);
	r.hi = (mid >> 32) + (r.lo < lo);
	return r;
}

static struct u128 add_u64(struct u128 a, u64 b)
{
	a.lo += b;
	a.hi += a.lo < b;
	return a;
}

/* a >> s, saturated to NPU_MAG_MAX. */
static u64 shr_sat(struct u128 a, u32 s)
{
	u64 r;

	if (s >= 128)
		return 0;
	if (s >= 64)
		return (a.hi >> (s - 64)) > NPU_MAG_MAX ? NPU_MAG_MAX : a.hi >> (s - 64);
	if (s && (a.hi >> s))
		return NPU_MAG_MAX;
	if (!s && a.hi)
		return NPU_MAG_MAX;
	r = s ? (a.hi << (64 - s)) | (a.lo >> s) : a.lo;
	return r > NPU_MAG_MAX ? NPU_MAG_MAX : r;
}

static u64 mag(s64 x)
{
	return x < 0 ? (u64)0 - (u64)x : (u64)x;
}

static s64 with_sign(u64 m, bool neg)
{
	return neg ? -(s64)m : (s64)m;
}

/* round(x * scale / 2^shift), ties towards +infinity. */
static s64 round_half_up(s64 x, u32 scale, u32 shift)
{
	struct u128 p = mul_u64_u32(mag(x), scale);
	bool neg = x < 0;

	if (!shift)
		return with_sign(shr_sat(p, 0), neg);
	/* Magnitude form of floor(v / 2^s + 1/2): a negative tie rounds towards zero. */
	p = add_u64(p, ((u64)1 << (shift - 1)) - (neg ? 1 : 0));
	return with_sign(shr_sat(p, shift), neg);
}

/* x / 2^shift, ties away from zero (TFLite's RoundingDivideByPOT). */
static s64 round_half_away(s64 x, u32 shift)
{
	u64 m = mag(x);

	if (!shift)
		return x;
	if (shift >= 63)
		return 0;
	m = (m + ((u64)1 << (shift - 1))) >> shift;
	return with_sign(m, x < 0);
}

s64 npu_scale_tfl(s64 x, u32 scale, u32 shift)
{
	if (shift <= 31)
		return round_half_up(x, scale, shift);
	return round_half_away(round_half_up(x, scale, 31), shift - 31);
}

s64 npu_scale(s64 x, u32 scale, u32 shift, u32 mode)
{
	switch (mode) {
	case NPU_ROUND_TRUNCATE:
		return with_sign(shr_sat(mul_u64_u32(mag(x), scale), shift), x < 0);
	case NPU_ROUND_NATURAL:
		return round_half_up(x, scale, shift);
	default:
		return npu_scale_tfl(x, scale, shift);
	}
}

s64 npu_round_shift(s64 x, u32 shift, u32 mode)
{
	return npu_scale(x, 1, shift, mode);
}

s64 npu_clamp(s64 v, s64 lo, s64 hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* U85 OFM_SCALE: a 31-bit scale, a 6-bit shift (the rounding mode is read with the OFM). */
void npu85_ofm_scale(struct npu_state *st, u32 *scale, u32 *shift)
{
	*scale = st->r1[NPU_SET_OFM_SCALE] & 0x7fffffffu;
	*shift = NPU85_SCALE_SHIFT(st->r1p[NPU_SET_OFM_SCALE]);
}

/*
 * U85 IFM_SCALE/IFM2_SCALE on one operand. Double rounding with position d behaves as
 * TensorFlow Lite's ADD: the operand shifted left by d, then a rounding doubling high multiply
 * and a rounding divide (the d the shift register does not count); NATURAL rounds once.
 */
enum npu_status npu85_ifm_scale(struct npu_state *st, u32 reg, s64 *v)
{
	u32 imm = st->r1p[reg], scale = st->r1[reg] & 0x7fffffffu;
	u32 shift = NPU85_SCALE_SHIFT(imm), dbl = NPU85_SCALE_DBL_RND(imm);

	if (NPU85_SCALE_IFM_ROUND(imm)) {
		*v = npu_scale(*v, scale, shift, NPU_ROUND_NATURAL);
		return NPU_OK;
	}
	if (dbl > 30)
		return npu_fail(st, NPU_ERR_UNSUPPORTED, "double-rounding position above 30");
	*v = npu_clamp(*v, -((s64)1 << 32), (s64)1 << 32);
	*v = npu_scale_tfl(*v * ((s64)1 << dbl), scale, shift + dbl);
	return NPU_OK;
}
