/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A bounds-checked reader for the few TensorFlow Lite flatbuffer fields the firmware reports:
 * the model description and the byte sizes of subgraph 0's inputs and outputs.
 */
#ifndef EMU_TFLITE_H
#define EMU_TFLITE_H

#include <linux/types.h>

#include <rpmsg/ethosu_rpmsg.h>

struct emu_net_info {
	char desc[ETHOSU_RPMSG_DESC_MAX]; /* NUL-terminated, zero-padded */
	u32 ifm_count;
	u32 ifm_size[ETHOSU_RPMSG_BUFFER_MAX];
	u32 ofm_count;
	u32 ofm_size[ETHOSU_RPMSG_BUFFER_MAX];
	/* One subgraph whose operators (at least one) are all the custom operator "ethos-u". */
	bool ethosu_only;
};

/*
 * Fills @info from the model in @buf. Returns 0, -EINVAL for a model it cannot read (including
 * tensor types without a fixed element size and sizes above 4 GiB - 1), or -E2BIG for more than
 * ETHOSU_RPMSG_BUFFER_MAX inputs or outputs.
 */
int emu_tflite_parse(const u8 *buf, size_t size, struct emu_net_info *info);

#endif /* EMU_TFLITE_H */
