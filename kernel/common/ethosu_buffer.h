/* SPDX-License-Identifier: GPL-2.0-only */
/* Buffer fds ("ethosu-buffer"): coherent DMA memory that user space mmaps. */
#ifndef ETHOSU_BUFFER_H
#define ETHOSU_BUFFER_H

#include <linux/kref.h>
#include <linux/types.h>

#include "ethosu_dma_mem.h"

struct ethosu_device;

struct ethosu_buffer {
	struct ethosu_device *edev;
	/* The fd and every inference using the buffer hold one */
	struct kref kref;
	struct ethosu_dma_mem mem;
};

int ethosu_buffer_create(struct ethosu_device *edev, u32 size);
struct ethosu_buffer *ethosu_buffer_get_from_fd(struct ethosu_device *edev, unsigned int fd);
void ethosu_buffer_put(struct ethosu_buffer *buf);

#endif /* ETHOSU_BUFFER_H */
