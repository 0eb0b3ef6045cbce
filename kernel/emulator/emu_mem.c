// SPDX-License-Identifier: GPL-2.0-only
/*
 * Access to host memory named on the wire. The NPU sees 32-bit bus addresses, and how they map
 * to the CPU's is the transport's business (emu_core.h): these dispatch to its hooks.
 *
 * The fake rpmsg transport's hooks (emu_phys_*): on the emulator's targets a coherent DMA
 * allocation's bus address is its physical address. Only ranges entirely in System RAM are used,
 * so a bad address fails the request instead of touching device memory or tripping memremap's
 * mixed-range warning.
 */
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/mm.h>

#include "emu.h"

bool emu_mem_valid(struct emu_subsys *ss, u32 addr, u32 size)
{
	return size && ss->ops->mem_valid(ss, addr, size);
}

void *emu_mem_map(struct emu_subsys *ss, u32 addr, u32 size)
{
	if (!emu_mem_valid(ss, addr, size))
		return NULL;
	return ss->ops->mem_map(ss, addr, size);
}

void emu_mem_unmap(struct emu_subsys *ss, void *p)
{
	ss->ops->mem_unmap(ss, p);
}

bool emu_phys_valid(struct emu_subsys *ss, u32 addr, u32 size)
{
	if ((u64)addr + size > BIT_ULL(32))
		return false;
	return region_intersects(addr, size, IORESOURCE_SYSTEM_RAM, IORES_DESC_NONE) ==
	       REGION_INTERSECTS;
}

void *emu_phys_map(struct emu_subsys *ss, u32 addr, u32 size)
{
	return memremap(addr, size, MEMREMAP_WB);
}

void emu_phys_unmap(struct emu_subsys *ss, void *p)
{
	memunmap(p);
}
