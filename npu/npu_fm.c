// SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0
/*
 * Region memory and feature maps. Every byte the model touches goes through npu_region_ptr(),
 * which refuses addresses outside the region the caller lent. A feature map is up to four tiles
 * (0 top-left, 1 top-right, 2 below 0, 3 below 1) in NHWC or NHCWB16 (bricks of 16 channels:
 * offset = (c / 16) * stride_c + y * stride_y + x * stride_x + (c % 16) * element size).
 */
#include "npu_internal.h"

/* Regions and, for feature maps, the U85 chain buffers above them. */
static u8 *region_ptr(struct npu_state *st, u32 region, u64 addr, u64 len, bool write,
		      u32 nregions)
{
	const struct npu_region *r;

	if (region >= nregions || !st->regions[region].base) {
		npu_fail(st, NPU_ERR_REGION, "access to a region the caller did not provide");
		return NULL;
	}
	r = &st->regions[region];
	if (addr > r->size || len > r->size - addr) {
		npu_fail(st, NPU_ERR_REGION, "address outside its region");
		return NULL;
	}
	if (write && !r->writable) {
		npu_fail(st, NPU_ERR_REGION, "write to a read-only region");
		return NULL;
	}
	return r->base + addr;
}

u8 *npu_region_ptr(struct npu_state *st, u32 region, u64 addr, u64 len, bool write)
{
	return region_ptr(st, region, addr, len, write, NPU_REGIONS);
}

static u64 addr1(struct npu_state *st, u32 op)
{
	return (u64)(st->r1p[op] & 0xff) << 32 | st->r1[op];
}

static void set_precision(struct npu_fm *fm, u32 prec, u32 size)
{
	fm->elem = 1u << size;
	fm->is_signed = prec & NPU_PREC_SIGNED;
	fm->brick = prec & NPU_PREC_BRICK;
	fm->round = NPU_PREC_ROUND(prec);
}

static s32 zero_point(const struct npu_fm *fm, u16 raw)
{
	return fm->is_signed ? (s32)(s16)raw : (s32)raw;
}

static s64 scalar_value(const struct npu_fm *fm, u32 raw)
{
	switch (fm->elem) {
	case 1:
		return fm->is_signed ? (s64)(s8)raw : (s64)(u8)raw;
	case 2:
		return fm->is_signed ? (s64)(s16)raw : (s64)(u16)raw;
	default:
		return fm->is_signed ? (s64)(s32)raw : (s64)raw;
	}
}

/*
 * U85 precision fields: type bit 0, size bits 2-3 (OFM: 1-2), format bits 6-7, storage bits
 * 14-15 (chained: the region register names a chain buffer; none: an IFM is the scalar
 * OP_SCALAR). OFM: scale mode bit 8, reverse and transpose (not modelled); its rounding mode
 * is in OFM_SCALE.
 */
static enum npu_status read_prec85(struct npu_state *st, int which, struct npu_fm *fm)
{
	u32 prec = st->r0[which == 0 ? NPU_SET_IFM_PRECISION :
			  which == 1 ? NPU_SET_IFM2_PRECISION : NPU_SET_OFM_PRECISION];
	u32 size = which == 2 ? NPU85_PREC_OFM_SIZE(prec) : NPU85_PREC_IFM_SIZE(prec);
	u32 storage = NPU85_PREC_STORAGE(prec), rnd;

	if (size > 2)
		return npu_fail(st, NPU_ERR_UNSUPPORTED, "64-bit feature maps not modelled");
	if (NPU85_PREC_FORMAT(prec) > 1)
		return npu_fail(st, NPU_ERR_STREAM, "feature map with a reserved format");
	fm->elem = 1u << size;
	fm->is_signed = prec & NPU_PREC_SIGNED;
	fm->brick = NPU85_PREC_FORMAT(prec) == 1;
	if (storage == NPU85_STORAGE_TILE3X1)
		return npu_fail(st, NPU_ERR_UNSUPPORTED, "3x1 tiled feature maps not modelled");
	if (which == 2) {
		if (NPU85_PREC_OFM_REVERSE(prec) || NPU85_PREC_OFM_TRANSPOSE(prec))
			return npu_fail(st, NPU_ERR_UNSUPPORTED,
					"OFM reverse/transpose not modelled");
		if (storage == NPU85_STORAGE_NONE)
			return npu_fail(st, NPU_ERR_UNSUPPORTED, "OFM without output not modelled");
		fm->global_scale = prec & NPU85_PREC_OFM_GLOBAL_SCALE;
		rnd = NPU85_SCALE_OFM_ROUND(st->r1p[NPU_SET_OFM_SCALE]);
		if (rnd == NPU85_ROUND_DBL_SYMMETRIC)
			fm->round = NPU_ROUND_TFL;
		else if (rnd == NPU85_ROUND_NATURAL)
			fm->round = NPU_ROUND_NATURAL;
		else if (rnd == NPU85_ROUND_TRUNCATE_ZERO)
			fm->round = NPU_ROUND_TRUNCATE;
		else
			return npu_fail(st, NPU_ERR_UNSUPPORTED,
					"OFM rounding mode not modelled (asymmetric, symmetric, floor)");
	} else if (storage == NPU85_STORAGE_NONE) {
		fm->scalar = true;
		fm->scalar_value = scalar_value(fm, st->r1[NPU_SET_OP_SCALAR]);
	}
	if (storage == NPU85_STORAGE_CHAINED) {
		fm->chained = true;
		fm->brick = false;
		fm->region = NPU_REGIONS + (fm->region & 7);
		for (size = 0; size < 4; size++)
			fm->base[size] = 0;
		fm->h0 = 0xffffffffu;
		fm->h1 = 0xffffffffu;
		fm->w0 = 0xffffffffu;
	}
	return NPU_OK;
}

/* which: 0 IFM, 1 IFM2, 2 OFM. The caller fills in height/width of input maps. */
enum npu_status npu_fm_read_regs(struct npu_state *st, int which, struct npu_fm *fm)
{
	static const u32 bases[3] = { NPU_SET_IFM_BASE0, NPU_SET_IFM2_BASE0, NPU_SET_OFM_BASE0 };
	u32 b = bases[which], i, prec, size;

	npu_memset(fm, 0, sizeof(*fm));
	for (i = 0; i < 4; i++)
		fm->base[i] = addr1(st, b + i);
	fm->stride_x = addr1(st, b + 4);
	fm->stride_y = addr1(st, b + 5);
	fm->stride_c = addr1(st, b + 6);
	if (which == 2) {
		fm->region = st->r0[NPU_SET_OFM_REGION];
		fm->h0 = st->r0[NPU_SET_OFM_HEIGHT0_M1] + 1u;
		fm->h1 = st->r0[NPU_SET_OFM_HEIGHT1_M1] + 1u;
		fm->w0 = st->r0[NPU_SET_OFM_WIDTH0_M1] + 1u;
		fm->height = st->r0[NPU_SET_OFM_HEIGHT_M1] + 1u;
		fm->width = st->r0[NPU_SET_OFM_WIDTH_M1] + 1u;
		fm->depth = st->r0[NPU_SET_OFM_DEPTH_M1] + 1u;
		prec = st->r0[NPU_SET_OFM_PRECISION];
		size = NPU_PREC_OFM_SIZE(prec);
		fm->global_scale = prec & NPU_PREC_OFM_GLOBAL_SCALE;
		set_precision(fm, prec, size);
		fm->zero_point = zero_point(fm, st->r0[NPU_SET_OFM_ZERO_POINT]);
	} else {
		u32 o = which == 0 ? 0 : 0x80;	/* IFM2 cmd0 registers sit 0x80 above IFM's */

		fm->region = st->r0[NPU_SET_IFM_REGION + o];
		fm->h0 = st->r0[NPU_SET_IFM_HEIGHT0_M1 + o] + 1u;
		fm->h1 = st->r0[NPU_SET_IFM_HEIGHT1_M1 + o] + 1u;
		fm->w0 = st->r0[NPU_SET_IFM_WIDTH0_M1 + o] + 1u;
		fm->depth = st->r0[NPU_SET_IFM_DEPTH_M1] + 1u;
		prec = st->r0[NPU_SET_IFM_PRECISION + o];
		size = NPU_PREC_IFM_SIZE(prec);
		set_precision(fm, prec, size);
		fm->zero_point = zero_point(fm, st->r0[NPU_SET_IFM_ZERO_POINT + o]);
	}
	if (st->u85) {
		if (fm->region >= NPU_REGIONS)
			return npu_fail(st, NPU_ERR_REGION, "feature map region number above 7");
		return read_prec85(st, which, fm);
	}
	if (size > 2)
		return npu_fail(st, NPU_ERR_STREAM, "feature map precision with a reserved size");
	if (fm->region >= NPU_REGIONS)
		return npu_fail(st, NPU_ERR_REGION, "feature map region number above 7");
	return NPU_OK;
}

/* Tile of (y, x), with y and x made relative to the tile. */
static unsigned int fm_tile(const struct npu_fm *fm, u32 *y, u32 *x)
{
	if (*x >= fm->w0) {
		*x -= fm->w0;
		if (*y >= fm->h1) {
			*y -= fm->h1;
			return 3;
		}
		return 1;
	}
	if (*y >= fm->h0) {
		*y -= fm->h0;
		return 2;
	}
	return 0;
}

static u64 fm_offset(const struct npu_fm *fm, u32 y, u32 x, u32 c)
{
	u64 off = (u64)y * fm->stride_y + (u64)x * fm->stride_x;

	if (fm->brick)
		return off + (u64)(c / 16) * fm->stride_c + (u64)(c % 16) * fm->elem;
	return off + (u64)c * fm->elem;
}

/*
 * Checks once that every element of an height x width x depth map lies in its region: offsets
 * grow with y, x and c, so the last element of each tile in use bounds that tile. On success
 * npu_fm_addr() no longer checks each element; otherwise it keeps checking, and fails on the
 * first element that is out of range.
 */
void npu_fm_prepare(struct npu_state *st, struct npu_fm *fm, u32 height, u32 width, u32 depth,
		    bool write)
{
	const struct npu_region *r;
	unsigned int t;

	fm->ready = false;
	if (fm->chained && height && width && depth) {
		/* A chain buffer holds one compact NHWC map; its writer sets its size. */
		fm->stride_x = (u64)depth * fm->elem;
		fm->stride_y = (u64)width * fm->stride_x;
		if (write) {
			u64 n = (u64)height * fm->stride_y;

			st->regions[fm->region].base = st->chain[fm->region - NPU_REGIONS];
			st->regions[fm->region].size = n <= NPU_CHAIN_BYTES ? (size_t)n : 0;
			st->regions[fm->region].writable = true;
		}
	}
	if (!height || !width || !depth || fm->region >= NPU_REGIONS + NPU_CHAINS)
		return;
	r = &st->regions[fm->region];
	if (!r->base || (write && !r->writable))
		return;
	for (t = 0; t < 4; t++) {
		u32 y0 = t >= 2 ? (t == 2 ? fm->h0 : fm->h1) : 0, x0 = t & 1 ? fm->w0 : 0;
		u32 y1 = t == 0 || t == 2 ? fm->h0 : fm->h1;	/* tile heights from the top */
		u32 ymax, xmax;
		u64 last;

		/* The rows and columns of the map this tile holds. */
		ymax = t < 2 ? (height < y1 ? height : y1) : height;
		xmax = t & 1 ? width : (width < fm->w0 ? width : fm->w0);
		if (ymax <= y0 || xmax <= x0) {
			fm->ptr[t] = NULL;
			continue;
		}
		last = fm_offset(fm, ymax - 1 - y0, xmax - 1 - x0, depth - 1);
		if (fm->base[t] > r->size || last > r->size - fm->base[t] ||
		    fm->elem > r->size - fm->base[t] - last)
			return;
		fm->ptr[t] = r->base + fm->base[t];
	}
	fm->ready = true;
}

u8 *npu_fm_ptr(const struct npu_fm *fm, u32 y, u32 x)
{
	unsigned int t = fm_tile(fm, &y, &x);

	return fm->ptr[t] + fm_offset(fm, y, x, 0);
}

enum npu_status npu_fm_addr(struct npu_state *st, const struct npu_fm *fm, u32 y, u32 x, u32 c,
			    bool write, u8 **p)
{
	unsigned int t;

	/* Every element goes through here: the place to bound an operation's time. */
	if (++st->work > st->max_work)
		return npu_fail(st, NPU_ERR_LIMIT, "work limit reached (feature map too large)");
	if (write)
		st->res->bytes_written += fm->elem;
	else
		st->res->bytes_read += fm->elem;
	t = fm_tile(fm, &y, &x);
	if (fm->ready) {
		*p = fm->ptr[t] + fm_offset(fm, y, x, c);
		return NPU_OK;
	}
	if (fm->scalar) {
		*p = NULL;
		return npu_fail(st, NPU_ERR_UNSUPPORTED, "scalar feature map for this operation");
	}
	*p = region_ptr(st, fm->region, fm->base[t] + fm_offset(fm, y, x, c), fm->elem, write,
			NPU_REGIONS + NPU_CHAINS);
	return *p ? NPU_OK : st->res->status;
}

s64 npu_fm_load(const struct npu_fm *fm, const u8 *p)
{
	u32 v;

	switch (fm->elem) {
	case 1:
		return fm->is_signed ? (s64)(s8)p[0] : (s64)p[0];
	case 2:
		v = (u32)p[0] | (u32)p[1] << 8;
		return fm->is_signed ? (s64)(s16)v : (s64)v;
	default:
		v = npu_le32(p);
		return fm->is_signed ? (s64)(s32)v : (s64)v;
	}
}

void npu_fm_store(const struct npu_fm *fm, u8 *p, s64 v)
{
	u32 i;

	for (i = 0; i < fm->elem; i++)
		p[i] = (u8)((u64)v >> (8 * i));
}

/* Type range of an OFM, or of the clip range an ACTIVATION forces. */
static void out_range(const struct npu_fm *ofm, u32 clip, s64 *lo, s64 *hi)
{
	switch (clip) {
	case NPU_CLIP_U8:
		*lo = 0;
		*hi = 255;
		return;
	case NPU_CLIP_S8:
		*lo = -128;
		*hi = 127;
		return;
	case NPU_CLIP_S16:
		*lo = -32768;
		*hi = 32767;
		return;
	}
	if (ofm->is_signed) {
		*hi = ((s64)1 << (8 * ofm->elem - 1)) - 1;
		*lo = -*hi - 1;
	} else {
		*lo = 0;
		*hi = ((s64)1 << (8 * ofm->elem)) - 1;
	}
}

/*
 * U85 TANH and SIGMOID: the 2 KiB table holds 512 entries, a 16-bit base (low half) and the
 * 16-bit step to the next entry (high half), interpolated linearly. TANH indexes it with the
 * value saturated to 17 bits (8 fraction bits between entries) and rounds half away from zero;
 * SIGMOID with 18 bits (9 fraction bits: the table is tanh(x / 2)) and returns (1 + t) / 2,
 * rounded half up. Derived from Vela's int16
 * tanh/logistic on U85-256 against TensorFlow Lite Micro's outputs (bit-exact on both).
 */
static s64 tanh_sigmoid85(const u8 *lut, s64 v, bool sigmoid)
{
	u32 fb = sigmoid ? 9 : 8, u, e;
	s64 half = (s64)1 << (fb + 8), t;

	v = npu_clamp(v, -half, half - 1);
	u = (u32)(v + half);
	e = npu_le32(lut + 4 * (u >> fb));
	t = (s64)(s16)(e & 0xffff) * ((s64)1 << fb) + (s64)(s16)(e >> 16) * (u & ((1u << fb) - 1));
	if (sigmoid)
		return (t + ((s64)32768 << fb) + ((s64)1 << fb)) >> (fb + 1);
	/* TANH rounds the interpolation half away from zero. */
	e = (u32)(((t < 0 ? -t : t) + ((s64)1 << (fb - 1))) >> fb);
	return t < 0 ? -(s64)e : (s64)e;
}

/*
 * U85 output stage: add the zero point; unless the clip range is NONE, clamp to
 * ACTIVATION_MIN/MAX (16-bit, signed for a signed OFM); with a LUT, saturate to the LUT's input
 * type and look the value up in the table (slot = table * LUT size in the LUT memory, which DMA
 * fills); otherwise saturate to the OFM type.
 */
static enum npu_status output85(struct npu_state *st, const struct npu_fm *ofm, s64 v, s64 *out)
{
	u32 act = st->r0[NPU_SET_ACTIVATION], func = NPU85_ACT_FUNC(act);
	u32 lut_bytes = 0, esize = 1, off;
	s64 lo, hi, in_lo = -128, in_hi = 127;
	const u8 *e;

	switch (func) {
	case NPU85_ACT_NONE:
		break;
	case NPU85_ACT_LUT_U8_U8:
		in_lo = 0;
		in_hi = 255;
		lut_bytes = 256;
		break;
	case NPU85_ACT_LUT_S8_S8:
		lut_bytes = 256;
		break;
	case NPU85_ACT_LUT_S8_S16:
		lut_bytes = 512;
		esize = 2;
		break;
	case NPU85_ACT_LUT_S8_S32:
		lut_bytes = 1024;
		esize = 4;
		break;
	case NPU85_ACT_TANH:
	case NPU85_ACT_SIGMOID:
		if (NPU85_ACT_TABLE(act))
			return npu_fail(st, NPU_ERR_STREAM,
					"TANH/SIGMOID with a table other than 0");
		v = tanh_sigmoid85(st->shram, v + ofm->zero_point, func == NPU85_ACT_SIGMOID);
		if (!(act & NPU85_ACT_NO_CLIP)) {
			u16 amin = st->r0[NPU_SET_ACTIVATION_MIN];
			u16 amax = st->r0[NPU_SET_ACTIVATION_MAX];

			v = npu_clamp(v, ofm->is_signed ? (s64)(s16)amin : (s64)amin,
				      ofm->is_signed ? (s64)(s16)amax : (s64)amax);
		}
		out_range(ofm, NPU_CLIP_OFM, &lo, &hi);
		*out = npu_clamp(v, lo, hi);
		return NPU_OK;
	case NPU85_ACT_LUT_S16_S16:
	case NPU85_ACT_LUT_S16_S32:
		return npu_fail(st, NPU_ERR_UNSUPPORTED, "U85 16-bit LUTs not modelled");
	default:
		return npu_fail(st, NPU_ERR_STREAM, "reserved activation function");
	}
	v += ofm->zero_point;
	if (!(act & NPU85_ACT_NO_CLIP)) {
		u16 amin = st->r0[NPU_SET_ACTIVATION_MIN], amax = st->r0[NPU_SET_ACTIVATION_MAX];

		lo = ofm->is_signed ? (s64)(s16)amin : (s64)amin;
		hi = ofm->is_signed ? (s64)(s16)amax : (s64)amax;
		v = npu_clamp(v, lo, hi);
	}
	if (lut_bytes) {
		off = NPU85_ACT_TABLE(act) * lut_bytes;
		if (off + lut_bytes > NPU85_LUT_BYTES)
			return npu_fail(st, NPU_ERR_STREAM, "LUT table index past the LUT memory");
		off += (u32)(npu_clamp(v, in_lo, in_hi) - in_lo) * esize;
		e = st->shram + off;
		v = esize == 4 ? (s64)(s32)npu_le32(e) :
		    esize == 2 ? (s64)(s16)(e[0] | e[1] << 8) :
		    in_lo < 0 ? (s64)(s8)e[0] : (s64)e[0];
	}
	out_range(ofm, NPU_CLIP_OFM, &lo, &hi);
	*out = npu_clamp(v, lo, hi);
	return NPU_OK;
}

/*
 * The output stage after scaling: a 32-bit OFM without a LUT takes the value saturated (zero
 * point and ACTIVATION_MIN/MAX do not apply, they are 16-bit); otherwise add the zero point,
 * clamp to ACTIVATION_MIN/MAX and the type (or forced clip) range, then look up the LUT.
 */
enum npu_status npu_output(struct npu_state *st, const struct npu_fm *ofm, s64 v, s64 *out)
{
	u32 act = st->r0[NPU_SET_ACTIVATION];
	u32 func = NPU_ACT_FUNC(act), clip = NPU_ACT_CLIP(act);
	bool lut = func >= NPU_ACT_LUT0 && func <= NPU_ACT_LUT7;
	s64 lo, hi, amin, amax;
	u32 base;

	if (st->u85)
		return output85(st, ofm, v, out);
	if (func != NPU_ACT_NONE && !lut)
		return npu_fail(st, NPU_ERR_UNSUPPORTED, "TANH/SIGMOID activation not modelled");
	if (clip != NPU_CLIP_OFM && clip != NPU_CLIP_U8 && clip != NPU_CLIP_S8 &&
	    clip != NPU_CLIP_S16)
		return npu_fail(st, NPU_ERR_STREAM, "reserved activation clip range");
	if (ofm->elem == 4 && clip == NPU_CLIP_OFM && !lut) {
		*out = npu_clamp(v, -0x80000000ll, 0x7fffffffll);
		if (!ofm->is_signed)
			*out = npu_clamp(v, 0, 0xffffffffll);
		return NPU_OK;
	}
	out_range(ofm, clip, &lo, &hi);
	amin = lo < 0 ? (s64)(s16)st->r0[NPU_SET_ACTIVATION_MIN] : st->r0[NPU_SET_ACTIVATION_MIN];
	amax = lo < 0 ? (s64)(s16)st->r0[NPU_SET_ACTIVATION_MAX] : st->r0[NPU_SET_ACTIVATION_MAX];
	v += ofm->zero_point;
	v = npu_clamp(v, amin > lo ? amin : lo, amax < hi ? amax : hi);
	if (!lut) {
		*out = v;
		return NPU_OK;
	}
	if (hi - lo > 255)
		return npu_fail(st, NPU_ERR_UNSUPPORTED, "16-bit interpolated LUT not modelled");
	/* LUT slot n sits 256 * n bytes into the top 2 KiB of SHRAM. */
	base = st->hw->shram_bytes - 2048 + 256 * (func - NPU_ACT_LUT0);
	if (ofm->elem == 4) {
		*out = (s32)npu_le32(st->shram + base + 4 * (u32)(v - lo));
	} else {
		u8 e = st->shram[base + (u32)(v - lo)];

		*out = ofm->is_signed ? (s64)(s8)e : (s64)e;
	}
	return NPU_OK;
}
