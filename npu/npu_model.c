// SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0
/*
 * Reads a Vela-compiled TFLite flatbuffer without trusting it: every offset is checked against
 * the buffer before use. Flatbuffers: a table starts with a signed offset back to its vtable
 * (u16 vtable size, u16 table size, then a u16 offset per field, 0 = absent); reference fields
 * hold a u32 offset relative to the field; vectors and strings start with a u32 count.
 *
 * TFLite slots used: Model{operator_codes 1, subgraphs 2, buffers 4, metadata 6},
 * OperatorCode{custom_code 1}, SubGraph{tensors 0, inputs 1, outputs 2, operators 3},
 * Tensor{shape 0, type 1, buffer 2}, Operator{opcode_index 0, inputs 1, outputs 2},
 * Buffer{data 0}, Metadata{name 0, buffer 1}.
 *
 * Regions follow TensorFlow Lite Micro's ethos-u kernel: region n is operator input n + 1
 * (0 the read-only tensor, 1 scratch, 2 fast scratch, then IFMs), continuing with the outputs.
 */
#include "npu_model.h"

struct fb {
	const u8 *b;
	size_t n;
};

static bool fb_u32(const struct fb *f, u64 pos, u32 *v)
{
	if (pos > f->n || f->n - pos < 4)
		return false;
	*v = npu_le32(f->b + pos);
	return true;
}

static bool fb_u16(const struct fb *f, u64 pos, u16 *v)
{
	if (pos > f->n || f->n - pos < 2)
		return false;
	*v = (u16)(f->b[pos] | f->b[pos + 1] << 8);
	return true;
}

/* Position of a field of the table at @t, 0 when absent; false when malformed. */
static bool fb_field(const struct fb *f, u64 t, u32 slot, u64 *pos)
{
	u32 soff;
	u16 vsize, off;
	s64 vt;

	if (!fb_u32(f, t, &soff))
		return false;
	vt = (s64)t - (s32)soff;
	if (vt < 0 || !fb_u16(f, (u64)vt, &vsize))
		return false;
	*pos = 0;
	if (4 + 2 * (u64)slot + 2 > vsize)
		return true;
	if (!fb_u16(f, (u64)vt + 4 + 2 * slot, &off))
		return false;
	if (off)
		*pos = t + off;
	return true;
}

static bool fb_ref(const struct fb *f, u64 pos, u64 *target)
{
	u32 off;

	if (!fb_u32(f, pos, &off))
		return false;
	*target = pos + off;
	return *target < f->n;
}

/* A vector field: count and element 0; absent gives an empty vector. */
static bool fb_vec(const struct fb *f, u64 t, u32 slot, u32 esize, u32 *len, u64 *first)
{
	u64 fld, v;

	*len = 0;
	*first = 0;
	if (!fb_field(f, t, slot, &fld))
		return false;
	if (!fld)
		return true;
	if (!fb_ref(f, fld, &v) || !fb_u32(f, v, len))
		return false;
	*first = v + 4;
	return *first <= f->n && (u64)*len * esize <= f->n - *first;
}

static bool fb_vec_table(const struct fb *f, u64 first, u32 i, u64 *t)
{
	return fb_ref(f, first + 4 * (u64)i, t);
}

static bool fb_scalar_u32(const struct fb *f, u64 t, u32 slot, u32 def, u32 *v)
{
	u64 fld;

	if (!fb_field(f, t, slot, &fld))
		return false;
	*v = def;
	return !fld || fb_u32(f, fld, v);
}

static bool fb_scalar_u8(const struct fb *f, u64 t, u32 slot, u8 *v)
{
	u64 fld;

	if (!fb_field(f, t, slot, &fld))
		return false;
	*v = 0;
	if (!fld)
		return true;
	if (fld >= f->n)
		return false;
	*v = f->b[fld];
	return true;
}

static bool fb_str_eq(const struct fb *f, u64 t, u32 slot, const char *s)
{
	u32 len, i;
	u64 first;

	if (!fb_vec(f, t, slot, 1, &len, &first) || !len)
		return false;
	for (i = 0; i < len; i++)
		if (!s[i] || f->b[first + i] != (u8)s[i])
			return false;
	return !s[len];
}

static enum npu_status bad(struct npu_model *m, const char *msg)
{
	m->message = msg;
	return NPU_ERR_PAYLOAD;
}

/* The data of buffer @idx: pointer and size (0 when the buffer is empty). */
static bool buffer_data(const struct fb *f, u64 model, u32 idx, const u8 **data, size_t *size)
{
	u32 nbuf, len;
	u64 first, buf, d;

	if (!fb_vec(f, model, 4, 4, &nbuf, &first) || idx >= nbuf ||
	    !fb_vec_table(f, first, idx, &buf) || !fb_vec(f, buf, 0, 1, &len, &d))
		return false;
	*data = len ? f->b + d : NULL;
	*size = len;
	return true;
}

static u32 type_size(u8 type)
{
	switch (type) {
	case 3: case 9: case 6:		/* UINT8, INT8, BOOL */
		return 1;
	case 7: case 1: case 16:	/* INT16, FLOAT16, UINT16 */
		return 2;
	case 0: case 2: case 15:	/* FLOAT32, INT32, UINT32 */
		return 4;
	case 4: case 12:		/* INT64, UINT64 */
		return 8;
	default:
		return 0;
	}
}

static bool tensor_info(const struct fb *f, u64 tensors, u32 ntensors, u32 idx, u32 *buffer,
			size_t *bytes)
{
	u32 rank, i, d;
	u64 t, shape;
	u8 type;
	u64 n;

	if (idx >= ntensors || !fb_vec_table(f, tensors, idx, &t) ||
	    !fb_vec(f, t, 0, 4, &rank, &shape) || !fb_scalar_u8(f, t, 1, &type) ||
	    !fb_scalar_u32(f, t, 2, 0, buffer) || !type_size(type) || rank > 8)
		return false;
	n = type_size(type);
	for (i = 0; i < rank; i++) {
		if (!fb_u32(f, shape + 4 * (u64)i, &d) || (s32)d < 0 || d > (1u << 30))
			return false;
		n *= d;
		if (n > ((u64)1 << 40))
			return false;
	}
	*bytes = (size_t)n;
	return true;
}

/* Offsets from OfflineMemoryAllocation: [version, subgraphs, tensors, offset or -1 ...]. */
static bool offline_offsets(const struct fb *f, u64 model, const u8 **offs, u32 *count)
{
	u32 nmeta, i, bidx;
	u64 first, md;
	size_t size;

	*offs = NULL;
	*count = 0;
	if (!fb_vec(f, model, 6, 4, &nmeta, &first))
		return false;
	for (i = 0; i < nmeta; i++) {
		if (!fb_vec_table(f, first, i, &md))
			return false;
		if (!fb_str_eq(f, md, 0, "OfflineMemoryAllocation"))
			continue;
		if (!fb_scalar_u32(f, md, 1, 0, &bidx) ||
		    !buffer_data(f, model, bidx, offs, &size) || size < 12 || size % 4)
			return false;
		*count = npu_le32(*offs + 8);
		if (*count > (size - 12) / 4)
			return false;
		*offs += 12;
		return true;
	}
	return true;
}

/*
 * The IFMs and OFMs in the order of the subgraph's inputs and outputs, which is the order of
 * the request's buffers (the operator may list them in another order).
 */
static enum npu_status model_io(const struct fb *f, u64 sg, u64 tensors, u32 ntensors,
				const u8 *offs, u32 noffs, struct npu_model *m)
{
	u32 dir, i, n, t, bidx;
	u64 list;

	for (dir = 0; dir < 2; dir++) {
		struct npu_model_tensor *io = dir ? m->ofm : m->ifm;

		if (!fb_vec(f, sg, 1 + dir, 4, &n, &list) || n > NPU_MODEL_MAX_IO)
			return bad(m, "malformed or too many subgraph inputs/outputs");
		for (i = 0; i < n; i++) {
			size_t bytes;
			s32 off;

			if (!fb_u32(f, list + 4 * (u64)i, &t) ||
			    !tensor_info(f, tensors, ntensors, t, &bidx, &bytes))
				return bad(m, "malformed subgraph input/output tensor");
			off = t < noffs ? (s32)npu_le32(offs + 4 * t) : -1;
			if (off < 0 || (size_t)off + bytes > m->arena_size)
				return bad(m, "IFM/OFM outside the arena");
			io[i].arena_offset = (size_t)off;
			io[i].size = bytes;
		}
		if (dir)
			m->n_ofm = n;
		else
			m->n_ifm = n;
	}
	return NPU_OK;
}

enum npu_status npu_model_parse(const u8 *buf, size_t size, struct npu_model *m)
{
	struct fb f = { buf, size };
	u64 model, sgs, sg, ops, op, codes, code, tensors, ins, outs;
	u32 nsg, nops, ncodes, ntensors, nin, nout, opcode, i, noffs;
	const u8 *offs;

	if (!m)
		return NPU_ERR_ARG;
	npu_memset(m, 0, sizeof(*m));
	if (!buf || size < 8 || !fb_ref(&f, 0, &model))
		return bad(m, "not a TFLite flatbuffer (too short or bad root offset)");
	if (!fb_vec(&f, model, 2, 4, &nsg, &sgs) || nsg != 1 || !fb_vec_table(&f, sgs, 0, &sg))
		return bad(m, "model must have exactly one subgraph");
	if (!fb_vec(&f, sg, 3, 4, &nops, &ops) || nops != 1 || !fb_vec_table(&f, ops, 0, &op))
		return bad(m, "subgraph must be one ethos-u operator alone");
	if (!fb_scalar_u32(&f, op, 0, 0, &opcode) || !fb_vec(&f, model, 1, 4, &ncodes, &codes) ||
	    opcode >= ncodes || !fb_vec_table(&f, codes, opcode, &code) ||
	    !fb_str_eq(&f, code, 1, "ethos-u"))
		return bad(m, "the operator is not the ethos-u custom operator");
	if (!fb_vec(&f, sg, 0, 4, &ntensors, &tensors) || !fb_vec(&f, op, 1, 4, &nin, &ins) ||
	    !fb_vec(&f, op, 2, 4, &nout, &outs))
		return bad(m, "malformed tensors or operator inputs/outputs");
	if (nin < 2 || nin - 1 + nout > NPU_REGIONS)
		return bad(m, "ethos-u operator needs a command stream and at most 8 regions");
	if (!offline_offsets(&f, model, &offs, &noffs))
		return bad(m, "malformed OfflineMemoryAllocation metadata");

	for (i = 0; i < nin + nout; i++) {
		bool is_in = i < nin;
		u32 t, bidx, r = i - 1;
		const u8 *data;
		size_t dsize, bytes;
		s64 off = -1;

		if (!fb_u32(&f, (is_in ? ins : outs) + 4 * (u64)(is_in ? i : i - nin), &t) ||
		    !tensor_info(&f, tensors, ntensors, t, &bidx, &bytes) ||
		    !buffer_data(&f, model, bidx, &data, &dsize))
			return bad(m, "malformed tensor of the ethos-u operator");
		if (t < noffs && (s32)npu_le32(offs + 4 * t) >= 0)
			off = (s32)npu_le32(offs + 4 * t);
		if (i == 0) {
			if (!data)
				return bad(m, "ethos-u operator without a command stream");
			m->cop1 = data;
			m->cop1_size = dsize;
			continue;
		}
		m->regions[r].present = true;
		m->regions[r].arena_offset = -1;
		if (data) {
			m->regions[r].data = data;
			m->regions[r].size = dsize;
		} else if (!bytes || (i == 1 && !dsize && off < 0)) {
			m->regions[r].size = 0;	/* an empty read-only tensor: nothing to read */
		} else if (off >= 0) {
			m->regions[r].arena_offset = off;
			m->regions[r].size = bytes;
			if ((size_t)off + bytes > m->arena_size)
				m->arena_size = (size_t)off + bytes;
		} else {
			return bad(m, "arena tensor without an OfflineMemoryAllocation offset");
		}
		if (i == 3)
			m->fast_size = bytes;
	}
	return model_io(&f, sg, tensors, ntensors, offs, noffs, m);
}

void npu_model_regions(const struct npu_model *m, u8 *arena, u8 *fast,
		       struct npu_region regions[NPU_REGIONS])
{
	u32 r;

	npu_memset(regions, 0, sizeof(struct npu_region) * NPU_REGIONS);
	for (r = 0; r < NPU_REGIONS; r++) {
		const struct npu_model_region *mr = &m->regions[r];

		if (!mr->present)
			continue;
		if (r == 2 && fast && !mr->data) {
			regions[r].base = fast;
			regions[r].size = m->fast_size;
			regions[r].writable = true;
		} else if (mr->data) {
			regions[r].base = (u8 *)mr->data;
			regions[r].size = mr->size;
			regions[r].writable = false;
		} else if (mr->arena_offset < 0) {
			/* An empty tensor: the region exists, but no address is inside it. */
			regions[r].base = arena;
			regions[r].size = 0;
			regions[r].writable = false;
		} else {
			/*
			 * An arena region reaches to the arena's end: Vela addresses past the
			 * tensor's own size (IFM and scratch share the arena).
			 */
			regions[r].base = arena + mr->arena_offset;
			regions[r].size = m->arena_size - (size_t)mr->arena_offset;
			regions[r].writable = true;
		}
	}
}
