/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared state of the Ethos-U firmware emulator (test only). One struct emu_subsys plays the
 * Cortex-M firmware of one subsystem; docs/emulator.md is the contract it implements.
 */
#ifndef EMU_H
#define EMU_H

#include <linux/idr.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rpmsg.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include <rpmsg/ethosu_rpmsg.h>

#include "emu_core.h"
#include "emu_tflite.h"

/* Subsystems of every transport together (their debugfs indices are 0..EMU_SUBSYS_MAX - 1) */
#define EMU_SUBSYS_MAX 4
/* Unprocessed host->firmware messages the emulated TX ring holds before trysend fails. */
#define EMU_RING_SLOTS 64
/* A 512-byte virtio-rpmsg buffer minus its 16-byte rpmsg header. */
#define EMU_MSG_MAX 496
/* The firmware endpoint address; host endpoints are numbered from EMU_HOST_ADDR_MIN. */
#define EMU_FW_ADDR 0x400
#define EMU_HOST_ADDR_MIN 0x400

#define EMU_RECOVERY_DELAY_MS 100
#define EMU_LATENCY_US_DEFAULT 2000
#define EMU_LATENCY_US_MAX 60000000
#define EMU_CRASH_DELAY_MS_MAX 600000
/* Built-in networks whose parsed info a subsystem keeps, like firmware with compiled-in models. */
#define EMU_NET_CACHE 8

/* Largest network the NPU model path copies in, and largest arena or fast memory it allocates. */
#define EMU_MODEL_MAX_BYTES (32u << 20)
#define EMU_ARENA_MAX_BYTES (64u << 20)

/* One NPU configuration: its ID and CONFIG register values (emu_npu.c, docs/emulator.md). */
struct emu_npu {
	const char *name;
	u32 id;
	u32 config;
	unsigned int pmu_counters;
};

/* Fields of the ID register, low bits first. */
#define EMU_ID_VERSION_STATUS(id) ((id) & 0xf)
#define EMU_ID_VERSION_MINOR(id) (((id) >> 4) & 0xf)
#define EMU_ID_VERSION_MAJOR(id) (((id) >> 8) & 0xf)
#define EMU_ID_PRODUCT_MAJOR(id) (((id) >> 12) & 0xf)
#define EMU_ID_ARCH_PATCH(id) (((id) >> 16) & 0xf)
#define EMU_ID_ARCH_MINOR(id) (((id) >> 20) & 0xff)
#define EMU_ID_ARCH_MAJOR(id) (((id) >> 28) & 0xf)
/* Fields of the CONFIG register: log2 of the MACs per cycle, command stream version. */
#define EMU_CONFIG_MACS_PER_CC(cfg) ((cfg) & 0xf)
#define EMU_CONFIG_CMD_STREAM_VERSION(cfg) (((cfg) >> 4) & 0xf)

/* One message in the ring; gen and src say where the answer goes. */
struct emu_slot {
	u64 gen;
	u32 src;
	u32 len;
	u8 data[EMU_MSG_MAX] __aligned(8);
};

struct emu_net_cache {
	bool valid;
	u32 index;
	struct emu_net_info info;
};

/* What the NPU model path (emu_model.c) left for the completion of an active inference. */
struct emu_model_out {
	bool used;		/* the network took the model path */
	u32 status;		/* ETHOSU_RPMSG_STATUS_OK or _ERROR */
	u8 *ofm;		/* the OFMs' bytes, concatenated (kvmalloc) */
	u32 ofm_count;
	u32 ofm_size[ETHOSU_RPMSG_BUFFER_MAX];
	u64 mac_cycles;		/* estimated: MACs / MACs per cycle, rounded up */
	u64 cycles;		/* estimated active cycles: mac_cycles + bytes moved / 16 */
};

struct emu_inference {
	struct list_head node;
	struct emu_reply to;
	u64 msg_id;
	struct ethosu_rpmsg_inference_req req;
	unsigned long started;		/* jiffies when it became active */
	unsigned long latency;		/* its latency_us in jiffies, taken when it became active */
	struct emu_model_out model;
};

enum emu_corrupt {
	EMU_CORRUPT_NONE,
	EMU_CORRUPT_MAGIC,
	EMU_CORRUPT_SIZE,
	EMU_CORRUPT_TYPE,
	EMU_CORRUPT_MSG_ID,
};

struct emu_stats {
	u64 rx[ETHOSU_RPMSG_MAX]; /* [0]: too short, bad magic or unknown type */
	u64 inf_ok;
	u64 inf_error;
	u64 inf_rejected;
	u64 inf_aborted;
	u64 tx_delivered;
	u64 tx_dropped;
	u64 foreign_hook_calls; /* the decoy platform_data's function was called */
	u64 model_ok;		/* inferences the NPU model ran to the end */
	u64 model_error;	/* model-path inferences that failed (bad network, model error) */
	u64 model_last_us;	/* time the last model run took */
	u64 model_max_us;
};

/* What the next registered rpmsg device carries as platform_data (knob platform_data). */
enum emu_platdata {
	EMU_PLATDATA_RECOVERY, /* struct ethosu_recovery_ops */
	EMU_PLATDATA_NONE,
	EMU_PLATDATA_FOREIGN, /* a decoy of another kind that also starts with a function */
};

struct emu_subsys;

/* One registration of the rpmsg device; a crash unregisters it and a restart makes a new one. */
struct emu_chan {
	struct rpmsg_device rpdev;
	struct emu_subsys *ss;
	struct idr epts; /* host endpoints by address, under ss->lock */
};

struct emu_subsys {
	unsigned int index;
	const struct emu_npu *npu;
	struct device *dev; /* for messages and request_firmware */
	const struct emu_transport_ops *ops;
	void *priv; /* the transport's */
	struct dentry *debugfs;

	/* Ordered: RX processing, inferences and ERR injection never run concurrently. */
	struct workqueue_struct *wq;
	struct work_struct rx_work;
	struct delayed_work inf_work;
	struct work_struct err_work;

	/* The NPU model runs here, off the message worker (emu_model.c). */
	struct workqueue_struct *model_wq;
	struct work_struct model_work;
	void *model_workspace; /* NPU_WORKSPACE_DEFAULT bytes, used only from model_wq */

	/* The fake rpmsg transport's (emu_rpmsg.c, emu_life.c); crash, restart on emu_ctl_wq */
	struct platform_device *pdev;
	struct work_struct crash_work;
	struct delayed_work restart_work;
	struct mutex life_lock; /* serialises registering and unregistering the device */

	wait_queue_head_t tx_wait; /* blocking senders waiting for a free inbox slot */

	spinlock_t lock; /* protects everything below */
	struct emu_chan *chan; /* fake transport: registered device, NULL while crashed */
	u64 gen; /* bumped each time the firmware forgets everything (crash, reset) */
	bool unloading;
	unsigned int crash_delay_ms;
	struct emu_reply last_sender;

	struct emu_slot *ring;
	unsigned int ring_head;
	unsigned int ring_count;

	struct emu_inference *active; /* in its latency period, not cancellable */
	struct list_head waiting;
	unsigned int n_waiting;
	bool inf_blocked; /* latency ran out while stalled */

	unsigned int latency_us;
	unsigned int drop;
	unsigned int fail_status;
	unsigned int reject;
	unsigned int refuse_cancel;
	unsigned int send_err;
	enum emu_corrupt corrupt;
	bool stalled;
	enum emu_platdata platdata;
	bool model; /* run the NPU model for ethos-u networks (knob "model") */
	struct emu_stats stats;

	/* Used only from wq: the message being handled, the one being sent. */
	struct emu_slot rx_msg;
	struct ethosu_rpmsg tx;
	/* Loaded built-in networks, under net_lock (wq and model_wq). */
	struct mutex net_lock;
	struct emu_net_cache net_cache[EMU_NET_CACHE];
	unsigned int net_cache_next;
};

extern struct workqueue_struct *emu_ctl_wq;

/* emu_npu.c */
const struct emu_npu *emu_npu_find(const char *name);
const struct emu_npu *emu_npu_default(unsigned int index);
int emu_npu_check_table(void);
/* For messages: every name the npus parameter takes. */
#define EMU_NPU_NAMES "u55-32/64/128/256, u65-256/512, u85-128/256/512/1024/2048"

/* emu_main.c: the module parameters every core takes */
extern bool emu_npu_model_default;
const struct emu_npu *emu_core_npu(unsigned int index);

/* emu_core.c */
int emu_core_init(void);
void emu_core_exit(void);
void emu_core_debugfs_remove(struct emu_subsys *ss);
int emu_inbox_put_locked(struct emu_subsys *ss, u32 src, const void *data, size_t len);
bool emu_ring_take(struct emu_subsys *ss, struct emu_slot *out);

/* emu_rpmsg.c: the fake rpmsg transport */
extern const struct rpmsg_device_ops emu_dev_ops;
extern const struct emu_transport_ops emu_rpmsg_transport;
void emu_chan_get_live(void);
void emu_chan_release(struct device *dev);
void emu_wait_chans_released(void);

/* emu_life.c */
int emu_online(struct emu_subsys *ss);
void emu_offline(struct emu_subsys *ss);
void emu_schedule_crash(struct emu_subsys *ss, unsigned int delay_ms);
void emu_crash_work(struct work_struct *work);
void emu_restart_work(struct work_struct *work);

/* emu_mem.c: host memory through the transport's hooks; the fake transport's are physical */
bool emu_mem_valid(struct emu_subsys *ss, u32 addr, u32 size);
void *emu_mem_map(struct emu_subsys *ss, u32 addr, u32 size);
void emu_mem_unmap(struct emu_subsys *ss, void *p);
bool emu_phys_valid(struct emu_subsys *ss, u32 addr, u32 size);
void *emu_phys_map(struct emu_subsys *ss, u32 addr, u32 size);
void emu_phys_unmap(struct emu_subsys *ss, void *p);

/* emu_network.c */
int emu_net_info_get(struct emu_subsys *ss, const struct ethosu_rpmsg_network_buffer *net,
		     struct emu_net_info *info);
int emu_net_load(struct emu_subsys *ss, const struct ethosu_rpmsg_network_buffer *net,
		 u8 **bytes, size_t *size);

/* emu_model.c */
void emu_model_work(struct work_struct *work);
void emu_inf_free(struct emu_inference *inf);

/* emu_proto.c */
void emu_rx_work(struct work_struct *work);
void emu_err_work(struct work_struct *work);
struct ethosu_rpmsg *emu_tx_begin(struct emu_subsys *ss);
void emu_tx_send(struct emu_subsys *ss, const struct emu_reply *to, u32 type, u64 msg_id,
		 size_t payload_len);

/* emu_infer.c */
void emu_inf_work(struct work_struct *work);
void emu_inf_queue(struct emu_subsys *ss, struct emu_inference *inf);
void emu_inf_send_status(struct emu_subsys *ss, const struct emu_reply *to, u64 msg_id,
			 u32 status);
u32 emu_take_injected_status(struct emu_subsys *ss, bool inference);
bool emu_buffers_fit(struct emu_subsys *ss, const struct ethosu_rpmsg_buffer *bufs,
		     const u32 *sizes, u32 n);

/* emu_debugfs.c */
void emu_debugfs_create(struct emu_subsys *ss, struct dentry *root);

#endif /* EMU_H */
