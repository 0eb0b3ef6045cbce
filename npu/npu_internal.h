/* SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0 */
/* Internal state and helpers shared by the model's files; not part of the API. */
#ifndef NPU_INTERNAL_H
#define NPU_INTERNAL_H

#include "npu.h"
#include "npu_regs.h"

#define NPU_REG_SLOTS 1024	/* opcodes are 10 bits wide */
/* U85 chain buffers: regions NPU_REGIONS + n, compact NHWC, written and read by operations. */
#define NPU_CHAINS 8
#define NPU_CHAIN_BYTES 16384

/* One feature map as the registers describe it (IFM, IFM2 or OFM). */
struct npu_fm {
	u32 region;
	u64 base[4];
	u32 h0, h1, w0;		/* tile sizes, not minus one */
	u64 stride_x, stride_y, stride_c;
	u32 height, width, depth;	/* whole map; for IFMs derived from the OFM and kernel */
	u32 elem;		/* bytes per element: 1, 2 or 4 */
	bool is_signed;
	bool brick;		/* NHCWB16 */
	s32 zero_point;
	u32 round;		/* rounding mode (OFM) */
	bool global_scale;	/* OFM: OFM_SCALE instead of the per-channel stream */
	bool chained;		/* U85: a chain buffer (region NPU_REGIONS + n), compact NHWC */
	bool scalar;		/* U85: storage NONE, every element is OP_SCALAR */
	s64 scalar_value;
	bool ready;		/* npu_fm_prepare() found the whole map inside its region */
	u8 *ptr[4];		/* then: each tile's base in memory */
};

struct npu_state {
	const struct npu_config *cfg;
	const struct npu_hw *hw;
	bool u85;			/* architecture 2.x register fields */
	struct npu_region regions[NPU_REGIONS + NPU_CHAINS];
	struct npu_result *res;
	u16 r0[NPU_REG_SLOTS];		/* cmd0 immediates by opcode */
	u32 r1[NPU_REG_SLOTS];		/* cmd1 payloads by opcode */
	u16 r1p[NPU_REG_SLOTS];		/* cmd1 immediates by opcode */
	u8 shram[64 * 1024];		/* internal memory: the DMA target for LUTs */
	u64 work, max_work;		/* element accesses so far, and the limit */
	u8 chain[NPU_CHAINS][NPU_CHAIN_BYTES];	/* U85 chain buffers */
	u8 *ws;				/* the rest of the workspace: decoded weights */
	size_t ws_size;
};

enum npu_status npu_fail(struct npu_state *st, enum npu_status s, const char *msg);

/* Bounds-checked access to region memory: returns NULL (and records why) when out of range. */
u8 *npu_region_ptr(struct npu_state *st, u32 region, u64 addr, u64 len, bool write);

/* Feature maps. */
enum npu_status npu_fm_read_regs(struct npu_state *st, int which, struct npu_fm *fm);
void npu_fm_prepare(struct npu_state *st, struct npu_fm *fm, u32 height, u32 width, u32 depth,
		    bool write);
/* After a successful npu_fm_prepare(): channel 0 of (y, x), and channel c's offset from it. */
u8 *npu_fm_ptr(const struct npu_fm *fm, u32 y, u32 x);

static inline u64 npu_fm_chan(const struct npu_fm *fm, u32 c)
{
	if (fm->brick)
		return (u64)(c / 16) * fm->stride_c + (u64)(c % 16) * fm->elem;
	return (u64)c * fm->elem;
}

enum npu_status npu_fm_addr(struct npu_state *st, const struct npu_fm *fm, u32 y, u32 x, u32 c,
			    bool write, u8 **p);
s64 npu_fm_load(const struct npu_fm *fm, const u8 *p);
void npu_fm_store(const struct npu_fm *fm, u8 *p, s64 v);

/* Rounding and scaling, in npu_scale.c. */
s64 npu_scale_tfl(s64 x, u32 scale, u32 shift);
s64 npu_round_shift(s64 x, u32 shift, u32 mode);
s64 npu_scale(s64 x, u32 scale, u32 shift, u32 mode);
s64 npu_clamp(s64 v, s64 lo, s64 hi);

/* Output stage: zero point, activation clamp, LUT, saturation. */
enum npu_status npu_output(struct npu_state *st, const struct npu_fm *ofm, s64 v, s64 *out);

/* U85: the OFM_SCALE register (shift, scale, rounding) and IFM/IFM2 operand scaling. */
void npu85_ofm_scale(struct npu_state *st, u32 *scale, u32 *shift);
enum npu_status npu85_ifm_scale(struct npu_state *st, u32 reg, s64 *v);
/* U85: 0 or the OFM micro-block depth ACC_FORMAT selects for this NPU. */
u32 npu85_ofm_ublock_depth(const struct npu_state *st);

/* Kernel, stride, dilation and padding as the registers give them. */
struct npu_kernel {
	u32 kh, kw;		/* undilated */
	u32 sy, sx, dy, dx;
	s32 pad_top, pad_left;
	u32 ifm_h, ifm_w;	/* IFM extent the OFM needs, padding excluded (upscaled) */
	u32 up;			/* IFM_UPSCALE: 0 none, 1 nearest x2, 2 transpose (zeros) x2 */
};

/*
 * Maps a kernel position in the (upscaled) IFM to the stored element: false for padding and
 * for the zeros a transpose upscale inserts between elements.
 */
static inline bool npu_ifm_coord(const struct npu_kernel *k, s64 iy, s64 ix, u32 *y, u32 *x)
{
	if (iy < 0 || iy >= k->ifm_h || ix < 0 || ix >= k->ifm_w)
		return false;
	if (k->up == 2 && ((iy | ix) & 1))
		return false;
	*y = k->up ? (u32)(iy >> 1) : (u32)iy;
	*x = k->up ? (u32)(ix >> 1) : (u32)ix;
	return true;
}

/*
 * Counts an output element's kernel window as work before it is visited: a huge kernel over
 * padding reads nothing but must not loop unbounded either.
 */
static inline enum npu_status npu_window_work(struct npu_state *st, const struct npu_kernel *k)
{
	st->work += (u64)k->kh * k->kw;
	if (st->work > st->max_work)
		return npu_fail(st, NPU_ERR_LIMIT, "work limit reached (kernel window)");
	return NPU_OK;
}

/* The stored IFM's extent along one axis. */
static inline u32 npu_ifm_stored(const struct npu_kernel *k, u32 n)
{
	return k->up ? (n + 1) / 2 : n;
}

enum npu_status npu_kernel_read(struct npu_state *st, const struct npu_fm *ofm,
				struct npu_kernel *k);

/* Operations. */
enum npu_status npu_op_conv(struct npu_state *st, bool depthwise);
enum npu_status npu_op_pool(struct npu_state *st, u32 mode);
enum npu_status npu_op_elementwise(struct npu_state *st, u32 mode);
enum npu_status npu_op_dma(struct npu_state *st);

/* Weights: decodes a Vela weight stream, in npu_weights.c. */
struct npu_wgeom {
	u32 ofm_depth, kh, kw, ifm_depth;	/* OHWI volume */
	u32 ofm_block_depth;
	bool depthwise, part_kernel;
	u32 ifm_bits;
	u32 dil_x, dil_y;
	/* U85 */
	u32 ifm_block_depth, ofm_ublock_depth, stride_x, stride_y;
	u32 streams, stream;	/* weight streams (cores) and the one being decoded */
	u32 dw_pad;		/* depthwise: zero taps after every ten */
	bool fast;		/* the fast weight format (one stream) */
	bool sparse;		/* 2:4 sparse weights: IFM groups of 16 */
};

/* U85: decodes one weight stream of g->streams into the OHWI volume. */
enum npu_status npu85_weights_decode(struct npu_state *st, const u8 *src, size_t len,
				     const struct npu_wgeom *g, s16 *ohwi, s16 *tmp, size_t ntmp);
enum npu_status npu_weights_decode(struct npu_state *st, const u8 *src, size_t len,
				   const struct npu_wgeom *g, s16 *ohwi, s16 *tmp, size_t ntmp);

#endif
