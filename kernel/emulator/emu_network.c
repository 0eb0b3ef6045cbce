// SPDX-License-Identifier: GPL-2.0-only
/*
 * Finds the model a request names (a DMA buffer or a built-in index) and reads its description
 * and tensor sizes.
 */
#include <linux/firmware.h>
#include <linux/mm.h>
#include <linux/platform_device.h>
#include <linux/string.h>

#include "emu.h"

#define EMU_NETWORK_FW "ethosu-emu/network-%u.tflite"

/*
 * Built-in networks are files, read once: the parsed info of an index that loaded is kept (a
 * missing index is retried each time). Called with net_lock held.
 */
static int emu_net_info_index_locked(struct emu_subsys *ss, u32 index,
				     struct emu_net_info *info)
{
	struct emu_net_cache *slot;
	const struct firmware *fw;
	char name[48];
	unsigned int i;
	int ret;

	for (i = 0; i < EMU_NET_CACHE; i++) {
		if (ss->net_cache[i].valid && ss->net_cache[i].index == index) {
			*info = ss->net_cache[i].info;
			return 0;
		}
	}

	snprintf(name, sizeof(name), EMU_NETWORK_FW, index);
	/* No user-helper fallback: a missing index must fail at once. */
	ret = request_firmware_direct(&fw, name, ss->dev);
	if (ret) {
		dev_dbg(ss->dev, "network index %u: %s: %d\n", index, name, ret);
		return ret;
	}
	ret = emu_tflite_parse(fw->data, fw->size, info);
	release_firmware(fw);
	if (ret)
		return ret;

	slot = &ss->net_cache[ss->net_cache_next];
	ss->net_cache_next = (ss->net_cache_next + 1) % EMU_NET_CACHE;
	slot->valid = true;
	slot->index = index;
	slot->info = *info;
	return 0;
}

static int emu_net_info_index(struct emu_subsys *ss, u32 index, struct emu_net_info *info)
{
	int ret;

	mutex_lock(&ss->net_lock);
	ret = emu_net_info_index_locked(ss, index, info);
	mutex_unlock(&ss->net_lock);
	return ret;
}

static int emu_net_info_buffer(struct emu_subsys *ss, const struct ethosu_rpmsg_buffer *buf,
			       struct emu_net_info *info)
{
	void *model;
	int ret;

	if (!buf->size)
		return -EINVAL;
	model = emu_mem_map(ss, buf->ptr, buf->size);
	if (!model)
		return -EFAULT;
	ret = emu_tflite_parse(model, buf->size, info);
	emu_mem_unmap(ss, model);
	return ret;
}

int emu_net_info_get(struct emu_subsys *ss, const struct ethosu_rpmsg_network_buffer *net,
		     struct emu_net_info *info)
{
	int ret;

	switch (net->type) {
	case ETHOSU_RPMSG_NETWORK_BUFFER:
		ret = emu_net_info_buffer(ss, &net->buffer, info);
		break;
	case ETHOSU_RPMSG_NETWORK_INDEX:
		ret = emu_net_info_index(ss, net->index, info);
		break;
	default:
		ret = -EINVAL;
		break;
	}
	if (ret)
		dev_dbg(ss->dev, "network (type %u) unusable: %d\n", net->type, ret);
	return ret;
}

/*
 * A private copy of the network's bytes for the NPU model, which reads the file many times:
 * the host may change its buffer meanwhile. A built-in network's file is read again. Returns
 * 0 with *bytes (kvfree it), -EINVAL for an unusable network, -EFBIG above
 * EMU_MODEL_MAX_BYTES, -ENOMEM.
 */
int emu_net_load(struct emu_subsys *ss, const struct ethosu_rpmsg_network_buffer *net,
		 u8 **bytes, size_t *size)
{
	const struct firmware *fw = NULL;
	const void *src = NULL;
	void *map = NULL;
	char name[48];
	size_t n = 0;
	int ret;

	*bytes = NULL;
	if (net->type == ETHOSU_RPMSG_NETWORK_BUFFER) {
		n = net->buffer.size;
		if (!n)
			return -EINVAL;
		if (n > EMU_MODEL_MAX_BYTES)
			return -EFBIG;
		map = emu_mem_map(ss, net->buffer.ptr, n);
		if (!map)
			return -EFAULT;
		src = map;
	} else if (net->type == ETHOSU_RPMSG_NETWORK_INDEX) {
		snprintf(name, sizeof(name), EMU_NETWORK_FW, net->index);
		ret = request_firmware_direct(&fw, name, ss->dev);
		if (ret)
			return ret;
		n = fw->size;
		src = fw->data;
		if (n > EMU_MODEL_MAX_BYTES) {
			release_firmware(fw);
			return -EFBIG;
		}
	} else {
		return -EINVAL;
	}

	*bytes = kvmalloc(n, GFP_KERNEL | __GFP_NOWARN);
	if (*bytes)
		memcpy(*bytes, src, n);
	if (map)
		emu_mem_unmap(ss, map);
	release_firmware(fw);
	if (!*bytes)
		return -ENOMEM;
	*size = n;
	return 0;
}
