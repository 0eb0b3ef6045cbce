// SPDX-License-Identifier: GPL-2.0-only
/*
 * Flatbuffer layout used here: a table starts with a signed 32-bit offset back to its vtable;
 * the vtable holds its own size, the table size, then one 16-bit offset per field (0 = absent).
 * Reference fields (tables, vectors, strings) hold an unsigned 32-bit offset from the field.
 * Vectors and strings start with a 32-bit element count. Every read is checked against the
 * buffer, which the host may still be changing, so no value is trusted or read twice.
 *
 * TFLite schema slots read: Model{version 0, operator_codes 1, subgraphs 2, description 3},
 * SubGraph{tensors 0, inputs 1, outputs 2, operators 3}, Tensor{shape 0, type 1},
 * Operator{opcode_index 0}, OperatorCode{custom_code 1}.
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "ethosu_compat.h"
#include "emu_tflite.h"

#define MODEL_OPERATOR_CODES 1
#define MODEL_SUBGRAPHS 2
#define MODEL_DESCRIPTION 3
#define SUBGRAPH_TENSORS 0
#define SUBGRAPH_INPUTS 1
#define SUBGRAPH_OUTPUTS 2
#define SUBGRAPH_OPERATORS 3
#define OPERATOR_OPCODE_INDEX 0
#define OPCODE_CUSTOM_CODE 1
#define TENSOR_SHAPE 0
#define TENSOR_TYPE 1

struct fb {
	const u8 *buf;
	u64 size;
};

/* A vector: element count and the position of element 0. */
struct fb_vec {
	u32 len;
	u64 pos;
};

static bool fb_has(const struct fb *fb, u64 pos, u64 n)
{
	return pos <= fb->size && n <= fb->size - pos;
}

static bool fb_u8(const struct fb *fb, u64 pos, u8 *out)
{
	if (!fb_has(fb, pos, 1))
		return false;
	*out = fb->buf[pos];
	return true;
}

static bool fb_u16(const struct fb *fb, u64 pos, u16 *out)
{
	if (!fb_has(fb, pos, 2))
		return false;
	*out = get_unaligned_le16(fb->buf + pos);
	return true;
}

static bool fb_u32(const struct fb *fb, u64 pos, u32 *out)
{
	if (!fb_has(fb, pos, 4))
		return false;
	*out = get_unaligned_le32(fb->buf + pos);
	return true;
}

/* Follows the unsigned offset stored at @pos. */
static bool fb_deref(const struct fb *fb, u64 pos, u64 *target)
{
	u32 off;

	if (!fb_u32(fb, pos, &off))
		return false;
	*target = pos + off;
	return *target < fb->size;
}

/* Position of field @slot of the table at @table; 0 when the field is absent. */
static bool fb_field(const struct fb *fb, u64 table, unsigned int slot, u64 *pos)
{
	u16 vt_size, off;
	u32 soff;
	s64 vt;

	if (!fb_u32(fb, table, &soff))
		return false;
	vt = (s64)table - (s32)soff;
	if (vt < 0 || !fb_u16(fb, vt, &vt_size))
		return false;
	*pos = 0;
	if (4 + 2 * (u64)slot + 2 > vt_size)
		return true;
	if (!fb_u16(fb, vt + 4 + 2 * slot, &off))
		return false;
	if (off)
		*pos = table + off;
	return true;
}

/* Reads the vector a reference field points to; absent means empty. */
static bool fb_vector(const struct fb *fb, u64 table, unsigned int slot, u64 elem_size,
		      struct fb_vec *vec)
{
	u64 field, v;

	if (!fb_field(fb, table, slot, &field))
		return false;
	vec->len = 0;
	vec->pos = 0;
	if (!field)
		return true;
	if (!fb_deref(fb, field, &v) || !fb_u32(fb, v, &vec->len))
		return false;
	vec->pos = v + 4;
	return fb_has(fb, vec->pos, vec->len * elem_size);
}

/* The table that element @i of a vector of tables points to. */
static bool fb_vec_table(const struct fb *fb, const struct fb_vec *vec, u32 i, u64 *table)
{
	return i < vec->len && fb_deref(fb, vec->pos + 4 * (u64)i, table);
}

/* Bytes per element of a TFLite TensorType; 0 for types without a fixed size. */
static unsigned int tflite_type_size(u8 type)
{
	switch (type) {
	case 3:  /* UINT8 */
	case 6:  /* BOOL */
	case 9:  /* INT8 */
		return 1;
	case 1:  /* FLOAT16 */
	case 7:  /* INT16 */
	case 16: /* UINT16 */
	case 18: /* BFLOAT16 */
		return 2;
	case 0:  /* FLOAT32 */
	case 2:  /* INT32 */
	case 15: /* UINT32 */
		return 4;
	case 4:  /* INT64 */
	case 8:  /* COMPLEX64 */
	case 10: /* FLOAT64 */
	case 12: /* UINT64 */
		return 8;
	case 11: /* COMPLEX128 */
		return 16;
	default: /* STRING, RESOURCE, VARIANT, INT4 (packed), unknown */
		return 0;
	}
}

/* Byte size of one tensor: product of its shape (empty = scalar) times the element size. */
static int tflite_tensor_size(const struct fb *fb, u64 tensor, u32 *bytes)
{
	struct fb_vec shape;
	u64 field, n = 1;
	unsigned int esize;
	u8 type = 0; /* FLOAT32 when absent */
	u32 i, dim;

	if (!fb_field(fb, tensor, TENSOR_TYPE, &field) || (field && !fb_u8(fb, field, &type)))
		return -EINVAL;
	esize = tflite_type_size(type);
	if (!esize)
		return -EINVAL;
	if (!fb_vector(fb, tensor, TENSOR_SHAPE, 4, &shape))
		return -EINVAL;
	for (i = 0; i < shape.len; i++) {
		if (!fb_u32(fb, shape.pos + 4 * (u64)i, &dim) || (s32)dim < 0)
			return -EINVAL;
		n *= dim;
		if (n > U32_MAX)
			return -EINVAL;
	}
	n *= esize;
	if (n > U32_MAX)
		return -EINVAL;
	*bytes = n;
	return 0;
}

/* Sizes of the tensors a subgraph's inputs or outputs vector names. */
static int tflite_io_sizes(const struct fb *fb, u64 subgraph, unsigned int slot,
			   const struct fb_vec *tensors, u32 *count, u32 *sizes)
{
	struct fb_vec io;
	u64 tensor;
	u32 i, idx;
	int ret;

	if (!fb_vector(fb, subgraph, slot, 4, &io))
		return -EINVAL;
	if (io.len > ETHOSU_RPMSG_BUFFER_MAX)
		return -E2BIG;
	for (i = 0; i < io.len; i++) {
		if (!fb_u32(fb, io.pos + 4 * (u64)i, &idx) ||
		    !fb_vec_table(fb, tensors, idx, &tensor))
			return -EINVAL;
		ret = tflite_tensor_size(fb, tensor, &sizes[i]);
		if (ret)
			return ret;
	}
	*count = io.len;
	return 0;
}

static int tflite_description(const struct fb *fb, u64 model, char *desc, size_t desc_size)
{
	u64 field, str;
	u32 len;

	memset(desc, 0, desc_size);
	if (!fb_field(fb, model, MODEL_DESCRIPTION, &field))
		return -EINVAL;
	if (!field)
		return 0;
	if (!fb_deref(fb, field, &str) || !fb_u32(fb, str, &len) || !fb_has(fb, str + 4, len))
		return -EINVAL;
	memcpy(desc, fb->buf + str + 4, min_t(u64, len, desc_size - 1));
	return 0;
}

/* Is operator code @code the custom operator "ethos-u"? */
static bool tflite_is_ethosu(const struct fb *fb, u64 code)
{
	static const char name[] = "ethos-u";
	u64 field, str;
	u32 len;

	if (!fb_field(fb, code, OPCODE_CUSTOM_CODE, &field) || !field ||
	    !fb_deref(fb, field, &str) || !fb_u32(fb, str, &len) || len != sizeof(name) - 1 ||
	    !fb_has(fb, str + 4, len))
		return false;
	return !memcmp(fb->buf + str + 4, name, len);
}

/* One subgraph, and every one of its operators (at least one) is "ethos-u". */
static bool tflite_ethosu_only(const struct fb *fb, u64 model, const struct fb_vec *subgraphs,
			       u64 subgraph)
{
	struct fb_vec codes, ops;
	u64 op, field, code;
	u32 i, idx;

	if (subgraphs->len != 1 || !fb_vector(fb, model, MODEL_OPERATOR_CODES, 4, &codes) ||
	    !fb_vector(fb, subgraph, SUBGRAPH_OPERATORS, 4, &ops) || !ops.len)
		return false;
	for (i = 0; i < ops.len; i++) {
		idx = 0; /* opcode_index defaults to 0 */
		if (!fb_vec_table(fb, &ops, i, &op) ||
		    !fb_field(fb, op, OPERATOR_OPCODE_INDEX, &field) ||
		    (field && !fb_u32(fb, field, &idx)) || !fb_vec_table(fb, &codes, idx, &code) ||
		    !tflite_is_ethosu(fb, code))
			return false;
	}
	return true;
}

int emu_tflite_parse(const u8 *buf, size_t size, struct emu_net_info *info)
{
	const struct fb fb = { .buf = buf, .size = size };
	struct fb_vec subgraphs, tensors;
	u64 model, subgraph;
	int ret;

	memset(info, 0, sizeof(*info));
	if (!fb_deref(&fb, 0, &model))
		return -EINVAL;
	ret = tflite_description(&fb, model, info->desc, sizeof(info->desc));
	if (ret)
		return ret;
	if (!fb_vector(&fb, model, MODEL_SUBGRAPHS, 4, &subgraphs) ||
	    !fb_vec_table(&fb, &subgraphs, 0, &subgraph) ||
	    !fb_vector(&fb, subgraph, SUBGRAPH_TENSORS, 4, &tensors))
		return -EINVAL;

	ret = tflite_io_sizes(&fb, subgraph, SUBGRAPH_INPUTS, &tensors, &info->ifm_count,
			      info->ifm_size);
	if (!ret)
		ret = tflite_io_sizes(&fb, subgraph, SUBGRAPH_OUTPUTS, &tensors, &info->ofm_count,
				      info->ofm_size);
	if (ret)
		memset(info, 0, sizeof(*info));
	else
		info->ethosu_only = tflite_ethosu_only(&fb, model, &subgraphs, subgraph);
	return ret;
}
