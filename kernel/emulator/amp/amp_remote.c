// SPDX-License-Identifier: GPL-2.0-only
/*
 * The emulated Cortex-M behind a test reset controller (test only): the device side of
 * virtio-rpmsg on the vrings remoteproc set up. It runs while its reset is deasserted: it finds
 * the resource table the host loaded (at the bus address the reset node's
 * "ethosu-test,rsc-table" gives, translated through the remoteproc node's dma-ranges as the
 * Cortex-M's bus would), waits for the host's DRIVER_OK, announces "ethos-u-0.0" to the name
 * service, and hands every message for its endpoint to the emulator's firmware core
 * (../emu_core.h, in ethosu_emu.ko), whose answers it puts into the host's rx vring: this is the
 * core's second transport. Doorbells go through the test mailbox: the host's kicks arrive on
 * channel 0, the remote rings channel 1.
 *
 * Addresses: vring addresses in the table are bus addresses; buffer addresses in the
 * descriptors are CPU physical (remoteproc's virtio offers no VIRTIO_F_ACCESS_PLATFORM). Both
 * lie in the remoteproc node's first memory-region (its DMA pool), mapped for the remote's
 * lifetime. Buffer addresses inside the Ethos-U messages are bus addresses, as the NPU sees them
 * (ethosu.ko's DMA handles): the core's memory hooks translate them like the vrings' and allow
 * only the DMA pool.
 */

#include <linux/atomic.h>
#include <linux/dma-direct.h>
#include <linux/io.h>
#include <linux/jiffies.h>
#include <linux/of.h>
#include <linux/of_platform.h>
#include <linux/of_reserved_mem.h>
#include <linux/platform_device.h>
#include <linux/remoteproc.h>
#include <linux/rpmsg.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/virtio_byteorder.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include <rpmsg/ethosu_rpmsg.h>

#include "../emu_core.h"
#include "amp.h"

#define AMP_REMOTE_ADDR 1024 /* the firmware endpoint */
#define AMP_NS_ADDR 53 /* the host's name service */
#define AMP_NS_NAME "ethos-u-0.0"
#define AMP_VRING_HOST_RX 0
#define AMP_VRING_HOST_TX 1
/*
 * Out of reset, the firmware boots this long before it looks at the vrings (as the fake
 * transport restarts after EMU_RECOVERY_DELAY_MS): a restarted node is seen to go first.
 */
#define AMP_BOOT_MS 100
/* An answer waits this long for the host to post an rx buffer, then it is dropped. */
#define AMP_SEND_TIMEOUT_MS 2000

/* The rpmsg header on the wire (little endian; legacy virtio on a little-endian host) */
struct amp_rpmsg_hdr {
	__le32 src;
	__le32 dst;
	__le32 reserved;
	__le16 len;
	__le16 flags;
	u8 data[];
} __packed;

struct amp_ns_msg {
	char name[32];
	__le32 addr;
	__le32 flags;
} __packed;

/* Legacy virtio (no VIRTIO_F_VERSION_1) on a little-endian host: the rings are little endian */
static u16 v16(__virtio16 v)
{
	return __virtio16_to_cpu(true, v);
}

static u32 v32(__virtio32 v)
{
	return __virtio32_to_cpu(true, v);
}

static u64 v64(__virtio64 v)
{
	return __virtio64_to_cpu(true, v);
}

/* Puts a used buffer into vr's used ring */
static void amp_vring_push_used(struct vring *vr, u16 head, u32 len)
{
	u16 used = v16(vr->used->idx);

	vr->used->ring[used % vr->num].id = __cpu_to_virtio32(true, head);
	vr->used->ring[used % vr->num].len = __cpu_to_virtio32(true, len);
	wmb(); /* the buffer and the entry before the index */
	WRITE_ONCE(vr->used->idx, __cpu_to_virtio16(true, used + 1));
}

struct amp_remote {
	struct device *dev; /* the reset controller's */
	struct device_node *np;
	struct amp_test_mbox *mbox;
	struct device *rproc_dev;
	struct workqueue_struct *wq;
	struct work_struct work;
	struct delayed_work boot_work;
	unsigned long boot_at; /* jiffies; the work does nothing before */
	/* Serialises the work with reset changes */
	struct mutex lock;
	bool running;
	bool announced;
	void *table;
	size_t table_len;
	struct fw_rsc_vdev *vdev;
	/* The DMA pool, mapped from create to destroy (the core's memory hooks use it). */
	void *pool;
	phys_addr_t pool_pa;
	size_t pool_len;
	struct vring vr[2];
	u16 last_avail[2];
	u32 host_addr; /* the host endpoint of the last message, for RPMSG_ADDR_ANY answers */
	wait_queue_head_t space_wait; /* an answer waiting for an rx buffer */
	atomic_t kicks; /* host kicks and resets, for space_wait */
	struct emu_subsys *core;
	unsigned int rx_msgs;
	unsigned int tx_msgs;
	unsigned int unhandled;
	const char *error;
};

/* CPU physical address of a bus address, as the Cortex-M's bus maps it */
static phys_addr_t amp_remote_bus_to_phys(struct amp_remote *r, u64 da)
{
	if (!r->rproc_dev->dma_range_map)
		return da;
	return translate_dma_to_phys(r->rproc_dev, da);
}

static void *amp_remote_pool_va(struct amp_remote *r, phys_addr_t pa, size_t len)
{
	if (pa < r->pool_pa || len > r->pool_len || pa - r->pool_pa > r->pool_len - len)
		return NULL;
	return r->pool + (pa - r->pool_pa);
}

static void amp_remote_unmap(struct amp_remote *r)
{
	if (r->table)
		memunmap(r->table);
	r->table = NULL;
	r->vdev = NULL;
	r->host_addr = 0;
	r->announced = false;
	memset(r->vr, 0, sizeof(r->vr));
	memset(r->last_avail, 0, sizeof(r->last_avail));
}

/* Maps the loaded resource table and finds the VDEV entry. */
static int amp_remote_find_table(struct amp_remote *r)
{
	struct resource_table *t;
	u32 bus, i;

	if (of_property_read_u32(r->np, "ethosu-test,rsc-table", &bus))
		return -EINVAL;
	r->table_len = PAGE_SIZE;
	r->table = memremap(amp_remote_bus_to_phys(r, bus), r->table_len, MEMREMAP_WC);
	if (!r->table)
		return -ENOMEM;
	t = r->table;
	if (t->ver != 1 || t->num > 16)
		return -EINVAL;
	for (i = 0; i < t->num; i++) {
		struct fw_rsc_hdr *hdr = r->table + t->offset[i];

		if (t->offset[i] + sizeof(*hdr) + sizeof(*r->vdev) > r->table_len)
			return -EINVAL;
		if (hdr->type == RSC_VDEV)
			r->vdev = (void *)(hdr + 1);
	}
	if (!r->vdev || r->vdev->num_of_vrings != 2)
		return -EINVAL;
	return 0;
}

/* Maps the remoteproc node's first memory-region, its DMA pool. */
static int amp_remote_map_pool(struct amp_remote *r)
{
	struct device_node *pool_np;
	struct reserved_mem *rmem;

	pool_np = of_parse_phandle(r->rproc_dev->of_node, "memory-region", 0);
	rmem = pool_np ? of_reserved_mem_lookup(pool_np) : NULL;
	of_node_put(pool_np);
	if (!rmem)
		return -EINVAL;
	r->pool_pa = rmem->base;
	r->pool_len = rmem->size;
	r->pool = memremap(rmem->base, rmem->size, MEMREMAP_WC);
	return r->pool ? 0 : -ENOMEM;
}

static int amp_remote_setup_vrings(struct amp_remote *r)
{
	int i;

	for (i = 0; i < 2; i++) {
		struct fw_rsc_vdev_vring *v = &r->vdev->vring[i];
		size_t len = vring_size(v->num, v->align);
		void *va = amp_remote_pool_va(r, amp_remote_bus_to_phys(r, v->da), len);

		if (!va || !v->num)
			return -EINVAL;
		vring_init(&r->vr[i], v->num, va, v->align);
	}

	return 0;
}

/* One message into the next buffer the host posted on its rx vring */
static int amp_remote_send(struct amp_remote *r, u32 dst, const void *data, size_t len)
{
	struct vring *vr = &r->vr[AMP_VRING_HOST_RX];
	struct amp_rpmsg_hdr *hdr;
	struct vring_desc *desc;
	u16 head;

	if (v16(READ_ONCE(vr->avail->idx)) == r->last_avail[AMP_VRING_HOST_RX])
		return -ENOSPC;
	rmb(); /* the ring entry after the index */
	head = v16(vr->avail->ring[r->last_avail[AMP_VRING_HOST_RX]++ % vr->num]);
	if (head >= vr->num)
		return -EINVAL;
	desc = &vr->desc[head];
	if (v32(desc->len) < sizeof(*hdr) + len)
		return -EMSGSIZE;
	hdr = amp_remote_pool_va(r, v64(desc->addr), v32(desc->len));
	if (!hdr)
		return -EFAULT;

	hdr->src = cpu_to_le32(AMP_REMOTE_ADDR);
	hdr->dst = cpu_to_le32(dst);
	hdr->reserved = 0;
	hdr->len = cpu_to_le16(len);
	hdr->flags = 0;
	memcpy(hdr->data, data, len);
	amp_vring_push_used(vr, head, sizeof(*hdr) + len);
	r->tx_msgs++;

	return 0;
}

/*
 * Hands every message the host queued on its tx vring to the firmware core and gives the
 * buffers back. A message the core's full inbox cannot take stays in the vring until the core
 * makes room (amp_remote_rx_space).
 */
static bool amp_remote_receive(struct amp_remote *r)
{
	struct vring *vr = &r->vr[AMP_VRING_HOST_TX];
	bool any = false;

	while (v16(READ_ONCE(vr->avail->idx)) != r->last_avail[AMP_VRING_HOST_TX]) {
		struct amp_rpmsg_hdr *hdr;
		struct vring_desc *desc;
		u32 dlen, src;
		u16 head;

		rmb(); /* the ring entry after the index */
		head = v16(vr->avail->ring[r->last_avail[AMP_VRING_HOST_TX] % vr->num]);
		if (head >= vr->num) {
			r->error = "host tx vring: descriptor index out of range";
			break;
		}
		desc = &vr->desc[head];
		dlen = v32(desc->len);
		hdr = amp_remote_pool_va(r, v64(desc->addr), dlen);
		if (hdr && dlen >= sizeof(*hdr) && le16_to_cpu(hdr->len) <= dlen - sizeof(*hdr) &&
		    le32_to_cpu(hdr->dst) == AMP_REMOTE_ADDR) {
			src = le32_to_cpu(hdr->src);
			if (ethosu_emu_core_rx(r->core, src, hdr->data, le16_to_cpu(hdr->len)) ==
			    -ENOMEM)
				break;
			r->host_addr = src;
			r->rx_msgs++;
		} else {
			r->unhandled++;
		}
		r->last_avail[AMP_VRING_HOST_TX]++;
		amp_vring_push_used(vr, head, 0);
		any = true;
	}

	return any;
}

static void amp_remote_work(struct work_struct *work)
{
	struct amp_remote *r = container_of(work, struct amp_remote, work);
	bool ring = false;

	mutex_lock(&r->lock);
	if (!r->running || r->error || time_before(jiffies, r->boot_at))
		goto out;
	if (!r->vdev && amp_remote_find_table(r)) {
		r->error = "no usable resource table";
		goto out;
	}
	if (!(READ_ONCE(r->vdev->status) & VIRTIO_CONFIG_S_DRIVER_OK))
		goto out;
	rmb(); /* the vrings the host set up before DRIVER_OK */
	if (!r->vr[0].num && amp_remote_setup_vrings(r)) {
		r->error = "vrings outside the DMA pool";
		goto out;
	}
	if (!r->announced) {
		struct amp_ns_msg ns = { .name = AMP_NS_NAME };

		ns.addr = cpu_to_le32(AMP_REMOTE_ADDR);
		if (!amp_remote_send(r, AMP_NS_ADDR, &ns, sizeof(ns))) {
			r->announced = true;
			ring = true;
		}
	}
	if (amp_remote_receive(r))
		ring = true;
out:
	mutex_unlock(&r->lock);
	if (ring)
		amp_test_mbox_ring_host(r->mbox);
}

/* The host kicked (mailbox channel 0): look at the vrings. Atomic context. */
void amp_remote_kick(struct amp_remote *r)
{
	queue_work(r->wq, &r->work);
	atomic_inc(&r->kicks);
	wake_up_all(&r->space_wait);
}

/* Reset line changes: deasserted runs the core, asserted stops it and forgets everything. */
void amp_remote_reset(struct amp_remote *r, bool asserted)
{
	mutex_lock(&r->lock);
	r->running = !asserted;
	r->boot_at = jiffies + msecs_to_jiffies(AMP_BOOT_MS);
	if (asserted) {
		amp_remote_unmap(r);
		r->error = NULL;
		r->rx_msgs = 0;
		r->tx_msgs = 0;
		r->unhandled = 0;
	}
	mutex_unlock(&r->lock);
	if (asserted) {
		/* Outside r->lock: the core's workers may be waiting for it in deliver. */
		atomic_inc(&r->kicks);
		wake_up_all(&r->space_wait);
		ethosu_emu_core_reset(r->core);
	} else {
		queue_delayed_work(r->wq, &r->boot_work, msecs_to_jiffies(AMP_BOOT_MS));
	}
}

static void amp_remote_boot_work(struct work_struct *work)
{
	struct amp_remote *r = container_of(to_delayed_work(work), struct amp_remote, boot_work);

	amp_remote_work(&r->work);
}

void amp_remote_show(struct seq_file *s, struct amp_remote *r)
{
	mutex_lock(&r->lock);
	seq_printf(s, "%s announced=%d rx=%u tx=%u unhandled=%u error=%s ethosu_emu=%u\n",
		   r->running ? "running" : "stopped", r->announced, r->rx_msgs, r->tx_msgs,
		   r->unhandled, r->error ?: "none", ethosu_emu_core_index(r->core));
	mutex_unlock(&r->lock);
}

/* --- the firmware core's transport (../emu_core.h) --- */

/* An answer of the core into the host's rx vring; it waits a while for a free buffer. */
static int amp_remote_deliver(struct emu_subsys *core, const struct emu_reply *to, void *msg,
			      size_t len)
{
	struct amp_remote *r = ethosu_emu_core_priv(core);
	long left = msecs_to_jiffies(AMP_SEND_TIMEOUT_MS);
	unsigned int kicks;
	int ret;

	for (;;) {
		mutex_lock(&r->lock);
		kicks = atomic_read(&r->kicks);
		if (!r->running || !r->announced || !ethosu_emu_core_current(core, to))
			ret = -ENODEV;
		else if (to->addr != RPMSG_ADDR_ANY)
			ret = amp_remote_send(r, to->addr, msg, len);
		else if (r->host_addr)
			ret = amp_remote_send(r, r->host_addr, msg, len);
		else
			ret = -ENXIO;
		mutex_unlock(&r->lock);
		if (ret != -ENOSPC)
			break;
		/* The host may not have looked at what it got so far. */
		amp_test_mbox_ring_host(r->mbox);
		left = wait_event_timeout(r->space_wait, atomic_read(&r->kicks) != kicks, left);
		if (!left)
			break;
	}
	if (!ret)
		amp_test_mbox_ring_host(r->mbox);
	return ret;
}

static bool amp_remote_mem_valid(struct emu_subsys *core, u32 addr, u32 size)
{
	struct amp_remote *r = ethosu_emu_core_priv(core);
	u64 end = (u64)addr + size - 1;
	phys_addr_t pa = amp_remote_bus_to_phys(r, addr);

	/* The whole range in one window of dma-ranges, and in the pool */
	if (end > U32_MAX || amp_remote_bus_to_phys(r, end) != pa + size - 1)
		return false;
	return amp_remote_pool_va(r, pa, size);
}

static void *amp_remote_mem_map(struct emu_subsys *core, u32 addr, u32 size)
{
	struct amp_remote *r = ethosu_emu_core_priv(core);

	return amp_remote_pool_va(r, amp_remote_bus_to_phys(r, addr), size);
}

/* The pool stays mapped. */
static void amp_remote_mem_unmap(struct emu_subsys *core, void *p)
{
}

static bool amp_remote_online(struct emu_subsys *core)
{
	struct amp_remote *r = ethosu_emu_core_priv(core);
	bool online;

	mutex_lock(&r->lock);
	online = r->running && r->announced;
	mutex_unlock(&r->lock);
	return online;
}

static void amp_remote_rx_space(struct emu_subsys *core)
{
	struct amp_remote *r = ethosu_emu_core_priv(core);

	queue_work(r->wq, &r->work);
}

/* No "crash": the remote crashes by its reset line, or by an ERR (send_err) the host acts on. */
static const struct emu_transport_ops amp_remote_transport = {
	.deliver = amp_remote_deliver,
	.mem_valid = amp_remote_mem_valid,
	.mem_map = amp_remote_mem_map,
	.mem_unmap = amp_remote_mem_unmap,
	.online = amp_remote_online,
	.rx_space = amp_remote_rx_space,
};

/*
 * A remote for the reset controller dev when its node names the mailbox and the remoteproc
 * node ("ethosu-test,mailbox", "ethosu-test,rproc"); NULL (no remote) otherwise.
 */
struct amp_remote *amp_remote_create(struct device *dev)
{
	struct device_node *np = dev->of_node, *mbox_np, *rproc_np;
	struct platform_device *mbox_pdev, *rproc_pdev;
	struct amp_remote *r;

	mbox_np = of_parse_phandle(np, "ethosu-test,mailbox", 0);
	rproc_np = of_parse_phandle(np, "ethosu-test,rproc", 0);
	mbox_pdev = mbox_np ? of_find_device_by_node(mbox_np) : NULL;
	rproc_pdev = rproc_np ? of_find_device_by_node(rproc_np) : NULL;
	of_node_put(mbox_np);
	of_node_put(rproc_np);
	if (!mbox_pdev || !rproc_pdev || !platform_get_drvdata(mbox_pdev))
		goto err;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		goto err;
	r->wq = alloc_ordered_workqueue("amp_remote/%s", 0, dev_name(dev));
	if (!r->wq) {
		kfree(r);
		goto err;
	}
	r->dev = dev;
	r->np = np;
	r->mbox = platform_get_drvdata(mbox_pdev);
	r->rproc_dev = &rproc_pdev->dev;
	mutex_init(&r->lock);
	init_waitqueue_head(&r->space_wait);
	INIT_WORK(&r->work, amp_remote_work);
	INIT_DELAYED_WORK(&r->boot_work, amp_remote_boot_work);
	if (amp_remote_map_pool(r)) {
		dev_err(dev, "cannot map the DMA pool of %pOF\n", r->rproc_dev->of_node);
		goto err_wq;
	}
	/* The host's rpmsg device sits under the remoteproc's platform device */
	r->core = ethosu_emu_core_create(r->rproc_dev, &amp_remote_transport, r);
	if (IS_ERR(r->core)) {
		dev_err(dev, "no firmware core: %ld\n", PTR_ERR(r->core));
		memunmap(r->pool);
		goto err_wq;
	}
	put_device(&mbox_pdev->dev);
	amp_test_mbox_attach(r->mbox, r);

	return r;

err_wq:
	destroy_workqueue(r->wq);
	kfree(r);
err:
	if (mbox_pdev)
		put_device(&mbox_pdev->dev);
	if (rproc_pdev)
		put_device(&rproc_pdev->dev);
	return NULL;
}

void amp_remote_destroy(struct amp_remote *r)
{
	amp_test_mbox_attach(r->mbox, NULL);
	amp_remote_reset(r, true);
	cancel_delayed_work_sync(&r->boot_work);
	destroy_workqueue(r->wq);
	/* No more messages for the core; it stops its workers. */
	ethosu_emu_core_destroy(r->core);
	mutex_lock(&r->lock);
	amp_remote_unmap(r);
	mutex_unlock(&r->lock);
	memunmap(r->pool);
	put_device(r->rproc_dev);
	kfree(r);
}
