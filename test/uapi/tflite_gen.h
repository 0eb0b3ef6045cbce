/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Builds minimal TFLite flatbuffers in memory (identifier "TFL3", schema version 3): one subgraph
 * whose tensors are exactly the given inputs and outputs, with shapes and element types of our
 * choice, and an optional description. The emulator only reads the description and the byte
 * sizes of subgraph 0's inputs and outputs, so these models exercise cases the shipped ones
 * cannot: many inputs/outputs, several OFMs, long descriptions, no inputs at all.
 *
 * Written front to back: a table comes first and its children follow it, because flatbuffer
 * offsets to children are unsigned (forward); each table's vtable sits just before it.
 */
#ifndef TFLITE_GEN_H
#define TFLITE_GEN_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* TFLite TensorType codes used here and their element sizes */
enum { TFL_FLOAT32 = 0, TFL_INT32 = 2, TFL_UINT8 = 3, TFL_INT16 = 7, TFL_INT8 = 9 };

struct tfl_tensor {
	uint8_t type;
	unsigned int rank;
	int32_t shape[4];
};

static inline uint32_t tfl_elem_size(uint8_t type)
{
	switch (type) {
	case TFL_FLOAT32:
	case TFL_INT32:
		return 4;
	case TFL_INT16:
		return 2;
	default:
		return 1;
	}
}

static inline uint32_t tfl_tensor_bytes(const struct tfl_tensor *t)
{
	uint32_t n = tfl_elem_size(t->type);
	unsigned int i;

	for (i = 0; i < t->rank; i++)
		n *= (uint32_t)t->shape[i];
	return n;
}

struct fb {
	uint8_t *buf;
	size_t cap, len;
	int overflow;
};

static inline size_t fb_put(struct fb *b, const void *p, size_t n)
{
	size_t at = b->len;

	if (b->len + n > b->cap) {
		b->overflow = 1;
		return at;
	}
	memcpy(b->buf + b->len, p, n);
	b->len += n;
	return at;
}

static inline size_t fb_u32(struct fb *b, uint32_t v)
{
	return fb_put(b, &v, 4);
}

static inline void fb_align4(struct fb *b)
{
	static const uint8_t zero[4];

	fb_put(b, zero, (4 - b->len % 4) % 4);
}

static inline void fb_patch(struct fb *b, size_t at, uint32_t v)
{
	if (at + 4 <= b->cap)
		memcpy(b->buf + at, &v, 4);
}

/* Points the offset slot at `slot` to the object at `obj` (obj > slot). */
static inline void fb_link(struct fb *b, size_t slot, size_t obj)
{
	fb_patch(b, slot, (uint32_t)(obj - slot));
}

/*
 * A vtable and a table of n 4-byte fields; returns the table; field i lives at +4+4i. Fields
 * whose bit is set in `absent` are marked missing in the vtable.
 */
static inline size_t fb_table_opt(struct fb *b, unsigned int n, unsigned int absent)
{
	uint16_t vt[2 + 8];
	size_t vpos, tpos;
	unsigned int i;

	fb_align4(b);
	vt[0] = (uint16_t)(4 + 2 * n);
	vt[1] = (uint16_t)(4 + 4 * n);
	for (i = 0; i < n; i++)
		vt[2 + i] = (absent >> i) & 1 ? 0 : (uint16_t)(4 + 4 * i);
	vpos = fb_put(b, vt, 4 + 2 * n);
	fb_align4(b);
	tpos = fb_u32(b, (uint32_t)(b->len - vpos)); /* soffset: table - vtable */
	for (i = 0; i < n; i++)
		fb_u32(b, 0);
	return tpos;
}

static inline size_t fb_table(struct fb *b, unsigned int n)
{
	return fb_table_opt(b, n, 0);
}

static inline size_t fb_string(struct fb *b, const char *s)
{
	size_t at;

	fb_align4(b);
	at = fb_u32(b, (uint32_t)strlen(s));
	fb_put(b, s, strlen(s) + 1);
	return at;
}

static inline size_t fb_ivec(struct fb *b, const int32_t *v, unsigned int n)
{
	size_t at;

	fb_align4(b);
	at = fb_u32(b, n);
	fb_put(b, v, 4 * (size_t)n);
	return at;
}

/*
 * Writes a model into buf; returns its length, 0 if cap is too small. Tensors 0..nin-1 are the
 * inputs and nin..nin+nout-1 the outputs. desc NULL leaves the description field out.
 */
static inline size_t tfl_build(uint8_t *buf, size_t cap, const char *desc,
			       const struct tfl_tensor *in, unsigned int nin,
			       const struct tfl_tensor *out, unsigned int nout)
{
	struct fb b = { buf, cap, 0, 0 };
	size_t model, sgvec, sg, tvec, tslot, t, bufvec, opvec, ops, s;
	unsigned int i, n = nin + nout;
	int32_t idx[64];

	if (n > 64)
		return 0;
	fb_u32(&b, 0);             /* root offset, patched below */
	fb_put(&b, "TFL3", 4);     /* file identifier */
	/* Model: version, operator_codes, subgraphs, description, buffers */
	model = fb_table_opt(&b, 5, desc ? 0 : 1u << 3);
	fb_link(&b, 0, model);
	fb_patch(&b, model + 4, 3);

	opvec = fb_u32(&b, 0); /* operator_codes: empty */
	fb_link(&b, model + 8, opvec);

	sgvec = fb_u32(&b, 1);
	s = fb_u32(&b, 0);
	fb_link(&b, model + 12, sgvec);
	/* SubGraph: tensors, inputs, outputs, operators, name */
	sg = fb_table(&b, 5);
	fb_link(&b, s, sg);
	tvec = fb_u32(&b, n);
	fb_link(&b, sg + 4, tvec);
	tslot = b.len;
	for (i = 0; i < n; i++)
		fb_u32(&b, 0);
	for (i = 0; i < n; i++) {
		const struct tfl_tensor *tt = i < nin ? &in[i] : &out[i - nin];
		char name[16];

		/* Tensor: shape, type, buffer, name */
		t = fb_table(&b, 4);
		fb_link(&b, tslot + 4 * i, t);
		fb_link(&b, t + 4, fb_ivec(&b, tt->shape, tt->rank));
		fb_patch(&b, t + 8, tt->type);
		fb_patch(&b, t + 12, 0);
		snprintf(name, sizeof(name), "%s%u", i < nin ? "in" : "out", i < nin ? i : i - nin);
		fb_link(&b, t + 16, fb_string(&b, name));
	}
	for (i = 0; i < n; i++)
		idx[i] = (int32_t)i;
	fb_link(&b, sg + 8, fb_ivec(&b, idx, nin));
	fb_link(&b, sg + 12, fb_ivec(&b, idx + nin, nout));
	ops = fb_u32(&b, 0); /* operators: empty */
	fb_link(&b, sg + 16, ops);
	fb_link(&b, sg + 20, fb_string(&b, "main"));

	if (desc)
		fb_link(&b, model + 16, fb_string(&b, desc));

	bufvec = fb_u32(&b, 1); /* buffers: one empty buffer, as converters write */
	s = fb_u32(&b, 0);
	fb_link(&b, model + 20, bufvec);
	fb_link(&b, s, fb_table(&b, 0));
	fb_align4(&b);
	return b.overflow ? 0 : b.len;
}

#endif /* TFLITE_GEN_H */
