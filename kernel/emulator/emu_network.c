// SPDX-License-Identifier: GPL-2.0-only
/*
 * Finds the model a request names (a DMA buffer or a built-in index) and reads its description
 * and tensor sizes.
 */
#include <linux/firmware.h>
#include <linux/platform_device.h>

#include "emu.h"

#define EMU_NETWORK_FW "ethosu-emu/network-%u.tflite"

/*
 * Built-in networks are files, read once: the parsed info of an index that loaded is kept (a
 * missing index is retried each time). Only the subsystem's ordered workqueue gets here.
 */
static int emu_net_info_index(struct emu_subsys *ss, u32 index, struct emu_net_info *info)
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
	ret = request_firmware_direct(&fw, name, &ss->pdev->dev);
	if (ret) {
		dev_dbg(&ss->pdev->dev, "network index %u: %s: %d\n", index, name, ret);
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

static int emu_net_info_buffer(const struct ethosu_rpmsg_buffer *buf, struct emu_net_info *info)
{
	void *model;
	int ret;

	if (!buf->size)
		return -EINVAL;
	model = emu_mem_map(buf->ptr, buf->size);
	if (!model)
		return -EFAULT;
	ret = emu_tflite_parse(model, buf->size, info);
	emu_mem_unmap(model);
	return ret;
}

int emu_net_info_get(struct emu_subsys *ss, const struct ethosu_rpmsg_network_buffer *net,
		     struct emu_net_info *info)
{
	int ret;

	switch (net->type) {
	case ETHOSU_RPMSG_NETWORK_BUFFER:
		ret = emu_net_info_buffer(&net->buffer, info);
		break;
	case ETHOSU_RPMSG_NETWORK_INDEX:
		ret = emu_net_info_index(ss, net->index, info);
		break;
	default:
		ret = -EINVAL;
		break;
	}
	if (ret)
		dev_dbg(&ss->pdev->dev, "network (type %u) unusable: %d\n", net->type, ret);
	return ret;
}
