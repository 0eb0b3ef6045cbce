/* SPDX-License-Identifier: GPL-2.0-only */
/* Coherent DMA memory of an Ethos-U device (buffers and network models). */
#ifndef ETHOSU_DMA_MEM_H
#define ETHOSU_DMA_MEM_H

#include <linux/types.h>

struct device;

struct ethosu_dma_mem {
	void *cpu;
	dma_addr_t dma;
	size_t size;
};

int ethosu_dma_mem_alloc(struct device *dev, struct ethosu_dma_mem *mem, size_t size);
void ethosu_dma_mem_free(struct device *dev, struct ethosu_dma_mem *mem);

#endif /* ETHOSU_DMA_MEM_H */
