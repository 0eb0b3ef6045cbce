/* SPDX-License-Identifier: GPL-2.0-only */
/* Network fds ("ethosu-network"): a model in DMA memory, or a firmware built-in model index. */
#ifndef ETHOSU_NETWORK_H
#define ETHOSU_NETWORK_H

#include <linux/kref.h>
#include <linux/types.h>

#include "uapi/ethosu.h"
#include "rpmsg/ethosu_rpmsg.h"
#include "ethosu_dma_mem.h"

struct ethosu_device;

struct ethosu_network {
	struct ethosu_device *edev;
	/* The fd and every inference of the network hold one */
	struct kref kref;
	/* The model for a user-buffer network; mem.cpu is NULL for an index network */
	struct ethosu_dma_mem mem;
	u32 index;
};

int ethosu_network_create(struct ethosu_device *edev,
			  const struct ethosu_uapi_network_create *uapi);
void ethosu_network_get(struct ethosu_network *net);
void ethosu_network_put(struct ethosu_network *net);
void ethosu_network_to_rpmsg(const struct ethosu_network *net,
			     struct ethosu_rpmsg_network_buffer *out);

#endif /* ETHOSU_NETWORK_H */
