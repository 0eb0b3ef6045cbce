// SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0
/*
 * The Ethos-U55/U65 compressed weight stream, written from its format description.
 *
 * The stream is LSB-first bits in slices. A slice header: ZDIV (3 bits; 6 = no zero runs, 7 =
 * end of stream: skip to the next byte), SLICELEN-1 (15), WDIV (3; 7 = uncompressed), WTRUNC (1),
 * NEWPAL (1), and with NEWPAL a direct offset (5), palette size (5, +1 when non-zero), palette
 * entry bits - 2 (3) and the palette. Weight indices and zero-run lengths are Golomb-Rice codes
 * whose unary parts come in chunks (12 weight bits, then the second unary bits; 12 or 8 zero-run
 * bits) and whose remainders follow one chunk later. An index below the palette size picks a
 * palette entry, others are index - palette size + direct offset; entries are sign-magnitude
 * with the sign in bit 0. With zero runs, a run of zeros precedes the first weight of a slice
 * that sets a palette and follows every weight.
 *
 * The decoded values come in the hardware's brick order, undone here into OHWI: per OFM block
 * of ofm_block_depth channels, per IFM block (32 deep, 16 for part-kernel-first or 16-bit IFMs),
 * per sub-kernel of at most 8x8 (4x8 etc. when dilated), then micro-blocks of OFM and IFM
 * channels and kernel elements, padded with zeros to whole micro-blocks.
 */
#include "npu_internal.h"

#define ZDIV_NONE 6
#define ZDIV_EOS 7
#define WDIV_RAW 7
#define MAX_SLICE 32768u

struct bits {
	const u8 *buf;
	u64 size_bits;
	u64 pos;
	bool err;
};

static u32 get(struct bits *b, u32 n)
{
	u32 v = 0, i;

	if (n > b->size_bits - b->pos || b->pos > b->size_bits) {
		b->err = true;
		b->pos = b->size_bits;
		return 0;
	}
	for (i = 0; i < n; i++, b->pos++)
		v |= (u32)((b->buf[b->pos >> 3] >> (b->pos & 7)) & 1) << i;
	return v;
}

struct slice_ws {
	u16 wv[MAX_SLICE];
	u32 zv[MAX_SLICE + 1];
};

static u32 popcount(u32 v, u32 n)
{
	u32 c = 0, i;

	for (i = 0; i < n; i++)
		c += (v >> i) & 1;
	return c;
}

/* Decodes the stream into out[0..need-1]; fails unless it holds at least that many values. */
static enum npu_status mlw_decode(struct npu_state *st, const u8 *src, size_t len, s16 *out,
				  size_t need, struct slice_ws *ws)
{
	struct bits b = { src, (u64)len * 8, 0, false };
	s16 palette[32];
	u32 palsize = 0, palbits = 0, diroff = 0, i;
	bool first = true, prev_zrun = false;
	size_t total = 0;

	while (total < need) {
		u32 zdiv = get(&b, 3), wdiv, nval, znval, zlen;
		u32 w_pos = 0, z_pos = 0, wp_pos = 0, zp_pos = 0, w_carry = 0, z_carry = 0;
		u32 wq[12] = { 0 }, zq[12] = { 0 }, wpq[12], zpq[12];
		u32 wn = 0, zn = 0, wpn = 0, zpn = 0;
		bool wtrunc, newpal, zrun, raw, wen = false, zen = false, wpen, zpen;

		while (zdiv == ZDIV_EOS && !b.err) {
			b.pos = (b.pos + 7) & ~(u64)7;
			zdiv = get(&b, 3);
		}
		if (b.err)
			return npu_fail(st, NPU_ERR_WEIGHTS, "weight stream ends early");
		if (zdiv > 3 && zdiv != ZDIV_NONE)
			return npu_fail(st, NPU_ERR_WEIGHTS, "weight stream: reserved ZDIV");
		nval = get(&b, 15) + 1;
		wdiv = get(&b, 3);
		wtrunc = get(&b, 1);
		newpal = get(&b, 1);
		zrun = zdiv != ZDIV_NONE;
		if (first && !newpal)
			return npu_fail(st, NPU_ERR_WEIGHTS, "weight stream: no palette");
		if (!newpal && zrun != prev_zrun)
			return npu_fail(st, NPU_ERR_WEIGHTS, "weight stream: zero-run mode");
		first = false;
		prev_zrun = zrun;
		if (newpal) {
			diroff = get(&b, 5);
			palsize = get(&b, 5);
			if (palsize)
				palsize++;
			palbits = get(&b, 3) + 2;
			for (i = 0; i < palsize; i++)
				palette[i] = (s16)get(&b, palbits);
		}
		raw = wdiv == WDIV_RAW;
		if (raw) {
			wdiv = 0;
			if (palsize)
				while ((1u << wdiv) < palsize)
					wdiv++;
			else
				wdiv = palbits;
		} else if (wdiv > 5) {
			return npu_fail(st, NPU_ERR_WEIGHTS, "weight stream: reserved WDIV");
		}
		znval = nval + (newpal ? 1 : 0);
		zlen = zdiv < 3 ? 12 : 8;
		ws->zv[0] = 0;
		/* Chunks: this chunk's unary parts, then the previous chunk's remainders. */
		do {
			s32 bal = zrun ? (s32)w_pos - (s32)z_pos : 0;
			u32 wu0 = 0, wu1, maxs, cnt, k;

			wpen = wen;
			zpen = zen;
			wpn = wn;
			zpn = zn;
			for (k = 0; k < 12; k++) {
				wpq[k] = wq[k];
				zpq[k] = zq[k];
			}
			wen = (bal < 8 || !zrun) && w_pos < nval;
			zen = bal >= 0 && zrun && z_pos < znval;
			if (wen && !raw)
				wu0 = get(&b, 12);
			if (zen) {
				u32 zu = get(&b, zlen);

				zn = 0;
				cnt = z_carry;
				for (k = 0; k < zlen; k++) {
					if (zu >> k & 1) {
						cnt++;
					} else {
						zq[zn++] = cnt;
						cnt = 0;
					}
				}
				z_carry = cnt;
				z_pos += zn;
			}
			if (wen) {
				maxs = raw && wdiv > 5 ? 8 : 12;
				wu1 = get(&b, popcount(wu0, maxs));
				wn = 0;
				cnt = w_carry;
				for (k = 0; k < maxs; k++) {
					u32 code = 0;

					if (wu0 >> k & 1) {
						code = 1 + (wu1 & 1);
						wu1 >>= 1;
					}
					cnt += code;
					if (code < 2 || wtrunc) {
						wq[wn++] = cnt;
						cnt = 0;
					}
				}
				w_carry = cnt;
				w_pos += wn;
			}
			for (k = 0; wpen && k < wpn && wp_pos < nval; k++) {
				u32 v = (wpq[k] << wdiv) + get(&b, wdiv);

				if (wpq[k] >= 512 || v >= 512)
					return npu_fail(st, NPU_ERR_WEIGHTS, "weight above 9 bits");
				ws->wv[wp_pos++] = (u16)v;
			}
			for (k = 0; zpen && k < zpn && zp_pos < znval; k++) {
				if (zpq[k] >= (1u << 20))
					return npu_fail(st, NPU_ERR_WEIGHTS, "zero run too long");
				ws->zv[zp_pos++] = (zpq[k] << zdiv) + get(&b, zdiv);
			}
			if (b.err)
				return npu_fail(st, NPU_ERR_WEIGHTS, "weight slice truncated");
		} while (wen || zen);

		/* Interleave: leading zeros, then each weight followed by its zero run. */
		if (newpal && zrun)
			for (i = 0; i < ws->zv[0] && total < need; i++)
				out[total++] = 0;
		for (i = 0; i < nval; i++) {
			u32 w = ws->wv[i], val, j, zr;

			val = w < palsize ? (u32)palette[w] : w - palsize + diroff;
			if (total < need)
				out[total++] = (val & 1) ? -(s16)(val >> 1) : (s16)(val >> 1);
			zr = zrun ? ws->zv[i + (newpal ? 1 : 0)] : 0;
			for (j = 0; j < zr && total < need; j++)
				out[total++] = 0;
		}
	}
	st->res->bytes_read += len;
	return NPU_OK;
}

static u32 min_u32(u32 a, u32 b)
{
	return a < b ? a : b;
}

static u32 npu_round_up(u32 v, u32 m)
{
	return (v + m - 1) / m * m;
}

/*
 * Walks the brick order. With ohwi == NULL it only counts the stream positions; otherwise it
 * stores dec[position] into the OHWI volume.
 */
/* Loop counts of one sub-kernel's micro-block walk, outermost first. */
struct sub_walk {
	u32 n[6];		/* IFM outer, OFM micro-blocks, elements, IFM inner, OFM, IFM */
	u32 ob, ib, sy, sx, sww, shh;
};

/* One sub-kernel: stores dec[n...] into OHWI (when ohwi is set); returns positions used. */
static size_t sub_kernel(const struct npu_state *st, const struct npu_wgeom *g,
			 const struct sub_walk *w, const s16 *dec, s16 *ohwi)
{
	u32 oub = st->hw->ofm_ublock_depth, iub = st->hw->ifm_ublock_depth;
	size_t total = (size_t)w->n[0] * w->n[1] * w->n[2] * w->n[3] * w->n[4] * w->n[5], j;

	for (j = 0; ohwi && j < total; j++) {
		size_t r = j;
		u32 iz = r % w->n[5], oz, inner, el, oblk, outer, kx, ky, i, o;

		r /= w->n[5];
		oz = r % w->n[4];
		r /= w->n[4];
		inner = (r % w->n[3]) * iub;
		r /= w->n[3];
		el = r % w->n[2];
		r /= w->n[2];
		oblk = (r % w->n[1]) * oub;
		outer = (u32)(r / w->n[1]) * iub;
		kx = el % w->sww;
		ky = el / w->sww;
		i = w->ib + inner + outer + iz;
		o = w->ob + oblk + oz;
		if (i >= g->ifm_depth || o >= g->ofm_depth || ky >= w->shh)
			continue;
		ohwi[(((size_t)o * g->kh + w->sy + ky) * g->kw + w->sx + kx) * g->ifm_depth + i] =
			dec[j];
	}
	return total;
}

static u32 npu_div_up(u32 v, u32 m)
{
	return (v + m - 1) / m;
}

/*
 * Walks the brick order. With ohwi == NULL it only counts the stream positions; otherwise it
 * stores dec[position] into the OHWI volume.
 */
static size_t brick_walk(const struct npu_state *st, const struct npu_wgeom *g, const s16 *dec,
			 s16 *ohwi)
{
	u32 oub = st->hw->ofm_ublock_depth, iub = st->hw->ifm_ublock_depth;
	u32 ibd = g->part_kernel || g->ifm_bits == 16 ? 16 : 32;
	u32 dh = 8 / g->dil_y, dw = 8 / g->dil_x;
	/* Kernel elements are padded to whole micro-blocks in these two orders. */
	u32 pad = g->part_kernel ? (g->ifm_bits == 16 ? 2 : 4) : g->depthwise ? 4 : 1;
	struct sub_walk w;
	size_t n = 0;

	for (w.ob = 0; w.ob < g->ofm_depth; w.ob += g->ofm_block_depth) {
		u32 cobd = min_u32(g->ofm_block_depth, g->ofm_depth - w.ob);

		for (w.ib = 0; w.ib < (g->depthwise ? 1 : g->ifm_depth); w.ib += ibd) {
			u32 cibd = g->depthwise ? iub :
				   g->part_kernel ? min_u32(ibd, g->ifm_depth - w.ib) : ibd;

			for (w.sy = 0; w.sy < g->kh; w.sy += dh) {
				w.shh = min_u32(g->kh - w.sy, dh);
				for (w.sx = 0; w.sx < g->kw; w.sx += dw) {
					u32 elems;

					w.sww = min_u32(g->kw - w.sx, dw);
					elems = npu_round_up(w.sww * w.shh, pad);
					w.n[0] = g->part_kernel ? npu_div_up(cibd, iub) : 1;
					w.n[1] = npu_div_up(cobd, oub);
					w.n[2] = elems;
					w.n[3] = g->part_kernel ? 1 : npu_div_up(cibd, iub);
					w.n[4] = oub;
					w.n[5] = g->depthwise ? 1 : iub;
					n += sub_kernel(st, g, &w, dec ? dec + n : NULL, ohwi);
				}
			}
		}
	}
	return n;
}

enum npu_status npu_weights_decode(struct npu_state *st, const u8 *src, size_t len,
				   const struct npu_wgeom *g, s16 *ohwi, s16 *tmp, size_t ntmp)
{
	size_t need = brick_walk(st, g, NULL, NULL);
	u8 *ws_end = st->ws + st->ws_size;
	struct slice_ws *sws;
	u8 *after;

	if (need > ntmp)
		return npu_fail(st, NPU_ERR_WORKSPACE, "workspace too small for decoded weights");
	after = (u8 *)(tmp + need);
	after += (8 - ((uintptr_t)after & 7)) & 7;
	if (after > ws_end || (size_t)(ws_end - after) < sizeof(*sws))
		return npu_fail(st, NPU_ERR_WORKSPACE, "workspace too small for the decoder");
	sws = (struct slice_ws *)after;
	if (mlw_decode(st, src, len, tmp, need, sws))
		return st->res->status;
	brick_walk(st, g, tmp, ohwi);
	return NPU_OK;
}

/*
 * The U85 brick order (architecture 2.x), walked for one weight stream. Per OFM block; per IFM
 * block (ifm_block_depth deep, visited forwards and backwards in turn from one OFM block to the
 * next); per sub-kernel of at most 8x8 taps (8 / dilation), columns outer; per IFM micro-block
 * group and OFM micro-block; then, per stride phase (part-kernel-first and depthwise split the
 * kernel by the stride), the sub-kernel's taps in rows that run alternately left and right,
 * each tap holding IFM groups of 8 (1 for depthwise) x this stream's OFM channels (groups of 4,
 * the streams taking turns) x the IFM group. The taps are padded with zeros to a multiple of 5
 * (8-bit part-kernel-first), 10 (16-bit, and depthwise), or 1 (depth-first).
 */
struct walk85 {
	const struct npu_wgeom *g;
	const s16 *dec;
	s16 *ohwi;
	size_t n, limit;
	bool dw, sp;
	u32 iubd, round, sx, sy, step;
};

/* One tap: IFM groups x this stream's OFM channels (groups of 4) x the IFM group. */
static void tap85(struct walk85 *wk, s64 o0, s64 i0, u32 wy, u32 wx)
{
	const struct npu_wgeom *g = wk->g;
	u32 iui, ouz, oui, iz;

	for (iui = 0; iui < wk->iubd; iui += wk->step) {
		for (ouz = g->stream * 4; ouz < g->ofm_ublock_depth; ouz += 4 * g->streams) {
			for (oui = 0; oui < 4; oui++) {
				for (iz = 0; iz < wk->step; iz++) {
					s64 i = i0 + iui + iz, o = o0 + ouz + oui;

					if (wk->ohwi && i < g->ifm_depth && o < g->ofm_depth)
						wk->ohwi[(((size_t)o * g->kh + wy) * g->kw + wx) *
							 g->ifm_depth + (size_t)i] = wk->dec[wk->n];
					wk->n++;
				}
			}
		}
	}
}

/* One OFM micro-block of one sub-kernel (at skx, sky; sw x sh taps): its taps, then padding. */
static void brick85(struct walk85 *wk, s64 o0, s64 i0, u32 skx, u32 sky, u32 sw, u32 sh)
{
	const struct npu_wgeom *g = wk->g;
	u32 left = npu_round_up(sw * sh, wk->round), phy, phx, ky, kx;

	for (phy = 0; phy < wk->sy; phy++) {
		u32 skh = (sh + wk->sy - 1 - phy) / wk->sy;

		for (phx = 0; phx < wk->sx; phx++) {
			u32 skw = (sw + wk->sx - 1 - phx) / wk->sx;

			for (ky = 0; ky < skh; ky++) {
				for (kx = 0; kx < skw && wk->n <= wk->limit; kx++) {
					u32 x = ky % 2 ? skw - 1 - kx : kx;

					left--;
					tap85(wk, o0, i0, sky + phy + ky * wk->sy,
					      skx + phx + x * wk->sx);
					if (wk->dw && left % wk->round == 0)
						wk->n += (u64)g->dw_pad * g->ofm_ublock_depth /
							 g->streams;
				}
			}
		}
	}
	if (left)
		wk->n += (u64)(left + (wk->dw ? g->dw_pad : 0)) * wk->iubd *
			 g->ofm_ublock_depth / g->streams;
}

/* One IFM block of one OFM block: sub-kernels (columns outer), IFM groups, OFM micro-blocks. */
static void block85(struct walk85 *wk, u32 ob, u32 cobd, s64 ib, u32 cibd)
{
	const struct npu_wgeom *g = wk->g;
	u32 dcx = 8 / g->dil_x, dcy = 8 / g->dil_y, skx, sky, iuo, ouo;

	for (skx = 0; skx < g->kw; skx += dcx) {
		u32 sw = min_u32(g->kw - skx, dcx);

		for (sky = 0; sky < g->kh; sky += dcy) {
			u32 sh = min_u32(g->kh - sky, dcy);

			for (iuo = 0; iuo < cibd; iuo += wk->iubd)
				for (ouo = 0; ouo < cobd && wk->n <= wk->limit;
				     ouo += g->ofm_ublock_depth)
					brick85(wk, (s64)ob + ouo, ib + iuo, skx, sky, sw, sh);
		}
	}
}

static size_t walk85(const struct npu_wgeom *g, const s16 *dec, s16 *ohwi, size_t limit)
{
	const bool pk = g->part_kernel, i16 = g->ifm_bits == 16;
	const u32 ibd = g->ifm_block_depth;
	struct walk85 wk = { .g = g, .dec = dec, .ohwi = ohwi, .limit = limit,
			     .dw = g->depthwise, .sp = g->sparse };
	s64 ib = 0, inc = -(s64)ibd;
	u32 ob;

	wk.iubd = pk ? (i16 && !wk.sp ? 8 : ibd) : wk.dw ? 1 : ibd;
	wk.round = pk ? (i16 || wk.sp ? 10 : 5) : wk.dw ? 10 : 1;
	wk.sy = pk || wk.dw ? g->stride_y : 1;
	wk.sx = pk || wk.dw ? g->stride_x : 1;
	wk.step = wk.dw ? 1 : wk.sp ? 16 : 8;
	for (ob = 0; ob < g->ofm_depth && wk.n <= limit; ob += g->ofm_block_depth) {
		u32 cobd = min_u32(g->ofm_block_depth, g->ofm_depth - ob);

		inc = -inc;
		for (; ib >= 0 && ib < (wk.dw ? 1 : (s64)g->ifm_depth); ib += inc)
			block85(&wk, ob, cobd, ib,
				wk.dw ? 1 : min_u32(ibd, g->ifm_depth - (u32)ib));
		ib -= inc;	/* the next OFM block starts on the last IFM block */
	}
	return wk.n;
}

/*
 * The U85 fast weight format: a 256-bit header (bit 0 raw, bit 1 two-bit palette, bits
 * 104-111 the raw values' signed offset, then 16 palette entries of 9 bits, sign-magnitude with
 * the sign in bit 0), then every weight as a 2-bit or 4-bit palette index or an 8-bit raw value
 * minus the offset, LSB first.
 */
static enum npu_status fwd_decode(struct npu_state *st, const u8 *src, size_t len, s16 *out,
				  size_t need)
{
	struct bits b = { src, (u64)len * 8, 0, false };
	bool raw, small;
	s16 pal[16];
	s32 adjust;
	u32 i, bits;
	size_t n;

	raw = get(&b, 1);
	small = get(&b, 1);
	b.pos = 104;
	adjust = (s8)get(&b, 8);
	for (i = 0; i < 16; i++) {
		u32 v = get(&b, 9);

		pal[i] = (v & 1) ? -(s16)(v >> 1) : (s16)(v >> 1);
	}
	bits = raw ? 8 : small ? 2 : 4;
	for (n = 0; n < need; n++) {
		u32 v = get(&b, bits);

		out[n] = raw ? (s16)((s8)v - adjust) : pal[v];
	}
	if (b.err)
		return npu_fail(st, NPU_ERR_WEIGHTS, "fast weight stream ends early");
	st->res->bytes_read += len;
	return NPU_OK;
}

enum npu_status npu85_weights_decode(struct npu_state *st, const u8 *src, size_t len,
				     const struct npu_wgeom *g, s16 *ohwi, s16 *tmp, size_t ntmp)
{
	u8 *ws_end = st->ws + st->ws_size;
	struct slice_ws *sws;
	size_t need;
	u8 *after;

	if (!g->ofm_block_depth || !g->ifm_block_depth || !g->ofm_ublock_depth || !g->streams ||
	    !g->stride_x || !g->stride_y || !g->dil_x || !g->dil_y || g->dil_x > 8 ||
	    g->dil_y > 8)
		return npu_fail(st, NPU_ERR_STREAM, "U85 weight geometry out of range");
	need = walk85(g, NULL, NULL, ntmp);
	if (need > ntmp)
		return npu_fail(st, NPU_ERR_WORKSPACE, "workspace too small for decoded weights");
	after = (u8 *)(tmp + need);
	after += (8 - ((uintptr_t)after & 7)) & 7;
	if (after > ws_end || (size_t)(ws_end - after) < sizeof(*sws))
		return npu_fail(st, NPU_ERR_WORKSPACE, "workspace too small for the decoder");
	sws = (struct slice_ws *)after;
	if (g->fast ? fwd_decode(st, src, len, tmp, need) :
		      mlw_decode(st, src, len, tmp, need, sws))
		return st->res->status;
	walk85(g, tmp, ohwi, need);
	return NPU_OK;
}
