// SPDX-License-Identifier: GPL-2.0-only
/*
 * Remoteproc driver of an Arm Ethos-U subsystem: the Cortex-M that drives the NPU. It loads the
 * firmware ELF and its resource table into the memory the device tree gives (reg carveouts and
 * memory-region carveouts), holds the core in reset until started, and carries the virtio
 * doorbells over a mailbox. Everything the Cortex-M sees is a device address: CPU physical
 * addresses are translated through the parent bus's dma-ranges, which the firmware also receives
 * in its RSC_MAPPING resource. ethosu.ko binds to the rpmsg endpoint the firmware announces;
 * when it asks for a firmware restart, it reports a crash to this remoteproc.
 */

#include <linux/dma-direct.h>
#include <linux/dma-mapping.h>
#include <linux/firmware.h>
#include <linux/io.h>
#include <linux/idr.h>
#include <linux/mailbox_client.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/of_address.h>
#include <linux/of_reserved_mem.h>
#include <linux/platform_device.h>
#include <linux/remoteproc.h>
#include <linux/reset.h>
#include <linux/workqueue.h>

#include "ethosu_rproc_internal.h"

#define ETHOSU_RPROC_DRIVER_NAME "ethosu-rproc"

/* Vendor resource: the firmware's table of device-to-physical ranges (RSC_VENDOR_START + 1) */
#define ETHOSU_RSC_MAPPING (RSC_VENDOR_START + 1)

/* How long a kick may wait for the mailbox to take it */
#define ETHOSU_RPROC_TX_TIMEOUT_MS 500

/* Doorbell payloads: the vring id. Constant, so the mailbox may read them whenever it sends. */
#define ETHOSU_RPROC_MAX_VQ 16

static char *filename = "arm-ethos-u65.fw";
module_param(filename, charp, 0444);
MODULE_PARM_DESC(filename, "Firmware file in /lib/firmware (default arm-ethos-u65.fw)");

static bool auto_boot;
module_param(auto_boot, bool, 0444);
MODULE_PARM_DESC(auto_boot, "Boot the firmware when the device probes (default false)");

/* One range of the RSC_MAPPING resource, as the firmware reads it */
struct ethosu_rsc_range {
	u32 da;
	u32 pa;
	u32 len;
} __packed;

/* RSC_MAPPING without its type word (the remoteproc core strips it) */
struct ethosu_rsc_mapping {
	u8 num_ranges;
	struct ethosu_rsc_range range[];
} __packed;

struct ethosu_rproc {
	struct device *dev;
	struct rproc *rproc;
	struct reset_control *rstc;
	struct mbox_client mbox_client;
	struct mbox_chan *ch_rx;
	struct mbox_chan *ch_tx;
	struct workqueue_struct *wq;
	struct work_struct rx_work;
	u32 vq_id[ETHOSU_RPROC_MAX_VQ];
};

/*
 * The device address of a CPU physical range, through the parent bus's dma-ranges (1:1 when
 * there are none). The whole range must lie in one dma-ranges entry.
 */
static int ethosu_rproc_pa_to_da(struct device *dev, phys_addr_t pa, size_t len, u64 *da)
{
	const struct bus_dma_region *map = dev->dma_range_map;

	if (!map) {
		*da = pa;
		return 0;
	}

	for (; map->size; map++) {
		if (pa >= map->cpu_start && len <= map->size &&
		    pa - map->cpu_start <= map->size - len) {
			*da = map->dma_start + (pa - map->cpu_start);
			return 0;
		}
	}

	return -ENOMEM;
}

static int ethosu_rproc_mem_alloc(struct rproc *rproc, struct rproc_mem_entry *mem)
{
	void __iomem *va;

	/* Firmware code memory is device memory; everything else is write-combined */
	if (!strcmp(mem->name, "rom"))
		va = ioremap(mem->dma, mem->len);
	else
		va = ioremap_wc(mem->dma, mem->len);
	if (!va) {
		dev_err(&rproc->dev, "cannot map carveout %s at %pad (%zu bytes)\n", mem->name,
			&mem->dma, mem->len);
		return -ENOMEM;
	}

	/* The core copies to it with memcpy_toio() and friends */
	mem->va = (__force void *)va;
	mem->is_iomem = true;

	return 0;
}

static int ethosu_rproc_mem_release(struct rproc *rproc, struct rproc_mem_entry *mem)
{
	iounmap((__force void __iomem *)mem->va);

	return 0;
}

/* A carveout of the CPU physical range [pa, pa + len) named name, for the core's da_to_va */
static int ethosu_rproc_add_carveout(struct ethosu_rproc *erp, const char *name, phys_addr_t pa,
				     size_t len)
{
	struct rproc_mem_entry *mem;
	u64 da;

	if (ethosu_rproc_pa_to_da(erp->dev, pa, len, &da) || da > U32_MAX) {
		dev_err(erp->dev,
			"carveout %s (%pa, %zu bytes) is outside the parent bus's dma-ranges: the firmware cannot reach it\n",
			name, &pa, len);
		return -ENOMEM;
	}

	mem = rproc_mem_entry_init(erp->dev, NULL, (dma_addr_t)pa, len, (u32)da,
				   ethosu_rproc_mem_alloc, ethosu_rproc_mem_release, "%s", name);
	if (!mem)
		return -ENOMEM;

	rproc_add_carveout(erp->rproc, mem);
	dev_dbg(erp->dev, "carveout %s: pa %pa da 0x%llx size %zu\n", name, &pa, da, len);

	return 0;
}

/*
 * Called before every boot (the core frees the carveouts at every shutdown): one carveout per
 * reg entry, named after reg-names, and one per memory-region, named after its node.
 */
static int ethosu_rproc_prepare(struct rproc *rproc)
{
	struct ethosu_rproc *erp = rproc->priv;
	struct device_node *np = erp->dev->of_node;
	struct of_phandle_iterator it;
	struct resource res;
	const char *name;
	int i, ret;

	for (i = 0; !of_address_to_resource(np, i, &res); i++) {
		ret = of_property_read_string_index(np, "reg-names", i, &name);
		if (ret) {
			dev_err(erp->dev, "reg entry %d has no name in reg-names\n", i);
			return ret;
		}
		ret = ethosu_rproc_add_carveout(erp, name, res.start, resource_size(&res));
		if (ret)
			return ret;
	}

	of_for_each_phandle(&it, ret, np, "memory-region", NULL, 0) {
		struct reserved_mem *rmem = of_reserved_mem_lookup(it.node);

		if (!rmem) {
			dev_err(erp->dev, "memory-region %pOF is not a reserved-memory region\n",
				it.node);
			of_node_put(it.node);
			return -EINVAL;
		}
		ret = ethosu_rproc_add_carveout(erp, it.node->name, rmem->base, rmem->size);
		if (ret) {
			of_node_put(it.node);
			return ret;
		}
	}

	return 0;
}

static int ethosu_rproc_start(struct rproc *rproc)
{
	struct ethosu_rproc *erp = rproc->priv;

	return reset_control_deassert(erp->rstc);
}

static int ethosu_rproc_stop(struct rproc *rproc)
{
	struct ethosu_rproc *erp = rproc->priv;

	return reset_control_assert(erp->rstc);
}

static void ethosu_rproc_kick(struct rproc *rproc, int vqid)
{
	struct ethosu_rproc *erp = rproc->priv;
	int ret;

	if (vqid < 0 || vqid >= ETHOSU_RPROC_MAX_VQ) {
		dev_err_ratelimited(erp->dev, "cannot kick vring %d\n", vqid);
		return;
	}

	ret = mbox_send_message(erp->ch_tx, &erp->vq_id[vqid]);
	if (ret < 0)
		dev_err_ratelimited(erp->dev, "kick of vring %d failed: %d\n", vqid, ret);
}

/* A firmware without a usable resource table cannot boot: say so, whatever the core said. */
static int ethosu_rproc_parse_fw(struct rproc *rproc, const struct firmware *fw)
{
	int ret = rproc_elf_load_rsc_table(rproc, fw);

	if (ret)
		dev_err(&rproc->dev,
			"firmware %s has no valid resource table (section .resource_table): %d\n",
			rproc->firmware, ret);

	return ret;
}

/* Fills RSC_MAPPING with the parent bus's dma-ranges: da = bus address, pa = CPU address. */
static int ethosu_rproc_handle_mapping(struct ethosu_rproc *erp, void *rsc, int avail)
{
	const struct bus_dma_region *map = erp->dev->dma_range_map;
	struct ethosu_rsc_mapping *mapping = rsc;
	int n = 0, i;

	if (avail < (int)sizeof(*mapping) ||
	    avail < (int)struct_size(mapping, range, mapping->num_ranges)) {
		dev_err(erp->dev, "RSC_MAPPING resource is truncated (%d bytes)\n", avail);
		return -EINVAL;
	}

	for (; map && map[n].size; n++) {
		if (n >= mapping->num_ranges) {
			dev_err(erp->dev,
				"RSC_MAPPING has room for %u ranges, the parent bus's dma-ranges has more\n",
				mapping->num_ranges);
			return -EINVAL;
		}
		if (map[n].dma_start > U32_MAX || map[n].cpu_start > U32_MAX ||
		    map[n].size > U32_MAX) {
			dev_err(erp->dev, "dma-ranges entry %d does not fit RSC_MAPPING's 32 bits\n",
				n);
			return -EINVAL;
		}
		mapping->range[n].da = (u32)map[n].dma_start;
		mapping->range[n].pa = (u32)map[n].cpu_start;
		mapping->range[n].len = (u32)map[n].size;
	}
	for (i = n; i < mapping->num_ranges; i++)
		memset(&mapping->range[i], 0, sizeof(mapping->range[i]));

	dev_dbg(erp->dev, "RSC_MAPPING: %d of %u ranges filled\n", n, mapping->num_ranges);

	return RSC_HANDLED;
}

static int ethosu_rproc_handle_rsc(struct rproc *rproc, u32 rsc_type, void *rsc, int offset,
				   int avail)
{
	if (rsc_type == ETHOSU_RSC_MAPPING)
		return ethosu_rproc_handle_mapping(rproc->priv, rsc, avail);

	return RSC_IGNORED;
}

static const struct rproc_ops ethosu_rproc_ops = {
	.prepare = ethosu_rproc_prepare,
	.start = ethosu_rproc_start,
	.stop = ethosu_rproc_stop,
	.kick = ethosu_rproc_kick,
	.load = rproc_elf_load_segments,
	.parse_fw = ethosu_rproc_parse_fw,
	.find_loaded_rsc_table = rproc_elf_find_loaded_rsc_table,
	.sanity_check = rproc_elf_sanity_check,
	.get_boot_addr = rproc_elf_get_boot_addr,
	.handle_rsc = ethosu_rproc_handle_rsc,
};

static int ethosu_rproc_vq_notify(int id, void *p, void *data)
{
	rproc_vq_interrupt(data, id);

	return 0;
}

/* A doorbell from the firmware: the vrings may have news (the payload does not say which). */
static void ethosu_rproc_rx_work(struct work_struct *work)
{
	struct ethosu_rproc *erp = container_of(work, struct ethosu_rproc, rx_work);

	idr_for_each(&erp->rproc->notifyids, ethosu_rproc_vq_notify, erp->rproc);
}

static void ethosu_rproc_mbox_rx(struct mbox_client *cl, void *msg)
{
	struct ethosu_rproc *erp = container_of(cl, struct ethosu_rproc, mbox_client);

	queue_work(erp->wq, &erp->rx_work);
}

static void ethosu_rproc_free_mbox(void *data)
{
	struct ethosu_rproc *erp = data;

	if (erp->ch_tx != erp->ch_rx)
		mbox_free_channel(erp->ch_tx);
	mbox_free_channel(erp->ch_rx);
	/* No doorbell can queue work any more */
	destroy_workqueue(erp->wq);
}

static int ethosu_rproc_request_mbox(struct ethosu_rproc *erp)
{
	struct device *dev = erp->dev;
	struct mbox_client *cl = &erp->mbox_client;
	int ret;

	cl->dev = dev;
	cl->rx_callback = ethosu_rproc_mbox_rx;
	cl->tx_block = true;
	cl->tx_tout = ETHOSU_RPROC_TX_TIMEOUT_MS;
	cl->knows_txdone = false;

	erp->wq = alloc_ordered_workqueue("ethosu_rproc_wq/%s", 0, dev_name(dev));
	if (!erp->wq)
		return -ENOMEM;
	INIT_WORK(&erp->rx_work, ethosu_rproc_rx_work);

	erp->ch_rx = mbox_request_channel_byname(cl, "rx");
	if (IS_ERR(erp->ch_rx)) {
		ret = PTR_ERR(erp->ch_rx);
		destroy_workqueue(erp->wq);
		return dev_err_probe(dev, ret, "cannot get the \"rx\" mailbox channel\n");
	}

	/* "tx" is optional: without it, the doorbells go both ways on "rx" */
	erp->ch_tx = erp->ch_rx;
	if (of_property_match_string(dev->of_node, "mbox-names", "tx") >= 0) {
		erp->ch_tx = mbox_request_channel_byname(cl, "tx");
		if (IS_ERR(erp->ch_tx)) {
			ret = PTR_ERR(erp->ch_tx);
			mbox_free_channel(erp->ch_rx);
			destroy_workqueue(erp->wq);
			return dev_err_probe(dev, ret, "cannot get the \"tx\" mailbox channel\n");
		}
	}

	return devm_add_action_or_reset(dev, ethosu_rproc_free_mbox, erp);
}

static void ethosu_rproc_release_mem(void *data)
{
	of_reserved_mem_device_release(data);
}

static int ethosu_rproc_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct device_node *np = dev->of_node;
	struct ethosu_rproc *erp;
	struct rproc *rproc;
	int i, ret;

	ret = dma_set_mask_and_coherent(dev, DMA_BIT_MASK(32));
	if (ret)
		return dev_err_probe(dev, ret, "cannot set a 32-bit DMA mask\n");

	rproc = devm_rproc_alloc(dev, np->name, &ethosu_rproc_ops, filename, sizeof(*erp));
	if (!rproc)
		return -ENOMEM;

	erp = rproc->priv;
	erp->dev = dev;
	erp->rproc = rproc;
	for (i = 0; i < ETHOSU_RPROC_MAX_VQ; i++)
		erp->vq_id[i] = i;
	rproc->auto_boot = auto_boot;
	rproc->has_iommu = false;
	platform_set_drvdata(pdev, erp);

	/* The first memory-region is the DMA pool for vrings, messages and NPU buffers */
	ret = of_reserved_mem_device_init(dev);
	if (ret)
		return dev_err_probe(dev, ret,
				     "cannot use the first memory-region as the DMA pool\n");
	ret = devm_add_action_or_reset(dev, ethosu_rproc_release_mem, dev);
	if (ret)
		return ret;

	erp->rstc = devm_reset_control_get_exclusive(dev, NULL);
	if (IS_ERR(erp->rstc))
		return dev_err_probe(dev, PTR_ERR(erp->rstc), "cannot get the reset\n");

	/* The core stays in reset until the firmware is started */
	ret = reset_control_assert(erp->rstc);
	if (ret)
		return dev_err_probe(dev, ret, "cannot hold the core in reset\n");

	ret = ethosu_rproc_request_mbox(erp);
	if (ret)
		return ret;

	ret = devm_rproc_add(dev, rproc);
	if (ret)
		return dev_err_probe(dev, ret, "cannot register the remote processor\n");

	dev_info(dev, "remote processor %s registered (firmware %s, auto_boot %d)\n", np->name,
		 rproc->firmware, rproc->auto_boot);

	return 0;
}

static const struct of_device_id ethosu_rproc_of_match[] = {
	{ .compatible = "arm,ethosu-rproc" },
	{ /* sentinel */ },
};
MODULE_DEVICE_TABLE(of, ethosu_rproc_of_match);

static struct platform_driver ethosu_rproc_driver = {
	.probe = ethosu_rproc_probe,
	.driver = {
		.name = ETHOSU_RPROC_DRIVER_NAME,
		.of_match_table = ethosu_rproc_of_match,
	},
};
module_platform_driver(ethosu_rproc_driver);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Arm Ethos-U remote processor driver");
MODULE_VERSION("0.0.1");
