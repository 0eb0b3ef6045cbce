/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Remoteproc core functions a platform driver needs but the kernel declares only in
 * drivers/remoteproc/remoteproc_internal.h, which the headers packages do not ship. They are
 * exported (EXPORT_SYMBOL) with the same prototypes in 6.1 and 6.12; a kernel where that
 * changes gets a version check in ethosu_compat.h.
 */
#ifndef ETHOSU_RPROC_INTERNAL_H
#define ETHOSU_RPROC_INTERNAL_H

#include <linux/interrupt.h>
#include <linux/types.h>

struct firmware;
struct resource_table;
struct rproc;

irqreturn_t rproc_vq_interrupt(struct rproc *rproc, int vq_id);
int rproc_elf_sanity_check(struct rproc *rproc, const struct firmware *fw);
u64 rproc_elf_get_boot_addr(struct rproc *rproc, const struct firmware *fw);
int rproc_elf_load_segments(struct rproc *rproc, const struct firmware *fw);
int rproc_elf_load_rsc_table(struct rproc *rproc, const struct firmware *fw);
struct resource_table *rproc_elf_find_loaded_rsc_table(struct rproc *rproc,
						       const struct firmware *fw);

#endif /* ETHOSU_RPROC_INTERNAL_H */
