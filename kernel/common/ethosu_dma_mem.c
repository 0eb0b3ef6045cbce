// SPDX-License-Identifier: GPL-2.0-only
/* Coherent DMA memory of an Ethos-U device (buffers and network models). */

#include <linux/dma-mapping.h>
#include <linux/errno.h>
#include <linux/string.h>

#include "ethosu_dma_mem.h"

/* The memory comes back zeroed: dma_alloc_coherent() guarantees it on every path. */
int ethosu_dma_mem_alloc(struct device *dev, struct ethosu_dma_mem *mem, size_t size)
{
	/* Sizes come from user space: a failure is an answer (-ENOMEM), not a kernel warning */
	mem->cpu = dma_alloc_coherent(dev, size, &mem->dma, GFP_KERNEL | __GFP_NOWARN);
	if (!mem->cpu)
		return -ENOMEM;

	mem->size = size;

	return 0;
}

/* Zeroes first: the memory may be handed to another user or seen by the firmware again. */
void ethosu_dma_mem_free(struct device *dev, struct ethosu_dma_mem *mem)
{
	if (!mem->cpu)
		return;

	memset(mem->cpu, 0, mem->size);
	dma_free_coherent(dev, mem->size, mem->cpu, mem->dma);
	mem->cpu = NULL;
}
