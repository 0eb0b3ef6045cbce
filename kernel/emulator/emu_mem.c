// SPDX-License-Identifier: GPL-2.0-only
/*
 * Access to host memory named on the wire. The NPU sees 32-bit bus addresses; on the emulator's
 * targets a coherent DMA allocation's bus address is its physical address. Only ranges entirely
 * in System RAM are used, so a bad address fails the request instead of touching device memory
 * or tripping memremap's mixed-range warning.
 */
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/mm.h>

#include "emu.h"

bool emu_mem_valid(u32 addr, u32 size)
{
	if (!size || (u64)addr + size > BIT_ULL(32))
		return false;
	return region_intersects(addr, size, IORESOURCE_SYSTEM_RAM, IORES_DESC_NONE) ==
	       REGION_INTERSECTS;
}

void *emu_mem_map(u32 addr, u32 size)
{
	if (!emu_mem_valid(addr, size))
		return NULL;
	return memremap(addr, size, MEMREMAP_WB);
}

void emu_mem_unmap(void *p)
{
	memunmap(p);
}
