// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fault injection and statistics in debugfs: /sys/kernel/debug/ethosu_emu/<N>/. The files and
 * their meaning are specified in docs/emulator.md. Every write takes effect at once; a malformed
 * value fails the write with -EINVAL and changes nothing.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "emu.h"

#define EMU_KNOB_BUF 32

static const char *const emu_rx_names[ETHOSU_RPMSG_MAX] = {
	[ETHOSU_RPMSG_ERR] = "err",
	[ETHOSU_RPMSG_PING] = "ping",
	[ETHOSU_RPMSG_PONG] = "pong",
	[ETHOSU_RPMSG_INFERENCE_REQ] = "inference_req",
	[ETHOSU_RPMSG_INFERENCE_RSP] = "inference_rsp",
	[ETHOSU_RPMSG_VERSION_REQ] = "version_req",
	[ETHOSU_RPMSG_VERSION_RSP] = "version_rsp",
	[ETHOSU_RPMSG_CAPABILITIES_REQ] = "capabilities_req",
	[ETHOSU_RPMSG_CAPABILITIES_RSP] = "capabilities_rsp",
	[ETHOSU_RPMSG_NETWORK_INFO_REQ] = "network_info_req",
	[ETHOSU_RPMSG_NETWORK_INFO_RSP] = "network_info_rsp",
	[ETHOSU_RPMSG_CANCEL_INFERENCE_REQ] = "cancel_inference_req",
	[ETHOSU_RPMSG_CANCEL_INFERENCE_RSP] = "cancel_inference_rsp",
};

static const char *const emu_corrupt_names[] = {
	[EMU_CORRUPT_NONE] = "none",
	[EMU_CORRUPT_MAGIC] = "magic",
	[EMU_CORRUPT_SIZE] = "size",
	[EMU_CORRUPT_TYPE] = "type",
	[EMU_CORRUPT_MSG_ID] = "msg_id",
};

/* Copies a short write from user space and hands the trimmed text to @store. */
static ssize_t emu_knob_write(struct file *file, const char __user *ubuf, size_t count,
			      int (*store)(struct emu_subsys *ss, char *val))
{
	struct emu_subsys *ss = file_inode(file)->i_private;
	char buf[EMU_KNOB_BUF];
	int ret;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	ret = store(ss, strim(buf));
	return ret ? ret : count;
}

static int emu_parse_uint(const char *val, unsigned int max, unsigned int *out)
{
	unsigned int v;

	if (kstrtouint(val, 0, &v) || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

/* Stores a counter or setting that only needs the lock. */
static int emu_store_uint(struct emu_subsys *ss, const char *val, unsigned int max,
			  unsigned int *field)
{
	unsigned long flags;
	unsigned int v;
	int ret;

	ret = emu_parse_uint(val, max, &v);
	if (ret)
		return ret;
	spin_lock_irqsave(&ss->lock, flags);
	*field = v;
	spin_unlock_irqrestore(&ss->lock, flags);
	return 0;
}

static unsigned int emu_load_uint(struct emu_subsys *ss, const unsigned int *field)
{
	unsigned long flags;
	unsigned int v;

	spin_lock_irqsave(&ss->lock, flags);
	v = *field;
	spin_unlock_irqrestore(&ss->lock, flags);
	return v;
}

static int latency_us_show(struct seq_file *s, void *unused)
{
	struct emu_subsys *ss = s->private;

	seq_printf(s, "%u\n", emu_load_uint(ss, &ss->latency_us));
	return 0;
}

static int latency_us_store(struct emu_subsys *ss, char *val)
{
	return emu_store_uint(ss, val, EMU_LATENCY_US_MAX, &ss->latency_us);
}

static int drop_show(struct seq_file *s, void *unused)
{
	struct emu_subsys *ss = s->private;

	seq_printf(s, "%u\n", emu_load_uint(ss, &ss->drop));
	return 0;
}

static int drop_store(struct emu_subsys *ss, char *val)
{
	return emu_store_uint(ss, val, UINT_MAX, &ss->drop);
}

static int fail_status_show(struct seq_file *s, void *unused)
{
	struct emu_subsys *ss = s->private;

	seq_printf(s, "%u\n", emu_load_uint(ss, &ss->fail_status));
	return 0;
}

static int fail_status_store(struct emu_subsys *ss, char *val)
{
	return emu_store_uint(ss, val, UINT_MAX, &ss->fail_status);
}

static int reject_show(struct seq_file *s, void *unused)
{
	struct emu_subsys *ss = s->private;

	seq_printf(s, "%u\n", emu_load_uint(ss, &ss->reject));
	return 0;
}

static int reject_store(struct emu_subsys *ss, char *val)
{
	return emu_store_uint(ss, val, UINT_MAX, &ss->reject);
}

static int refuse_cancel_show(struct seq_file *s, void *unused)
{
	struct emu_subsys *ss = s->private;

	seq_printf(s, "%u\n", emu_load_uint(ss, &ss->refuse_cancel));
	return 0;
}

static int refuse_cancel_store(struct emu_subsys *ss, char *val)
{
	return emu_store_uint(ss, val, UINT_MAX, &ss->refuse_cancel);
}

static int send_err_store(struct emu_subsys *ss, char *val)
{
	unsigned long flags;

	spin_lock_irqsave(&ss->lock, flags);
	ss->send_err++;
	spin_unlock_irqrestore(&ss->lock, flags);
	queue_work(ss->wq, &ss->err_work);
	return 0;
}

static int corrupt_show(struct seq_file *s, void *unused)
{
	struct emu_subsys *ss = s->private;
	unsigned long flags;
	enum emu_corrupt c;

	spin_lock_irqsave(&ss->lock, flags);
	c = ss->corrupt;
	spin_unlock_irqrestore(&ss->lock, flags);
	seq_printf(s, "%s\n", emu_corrupt_names[c]);
	return 0;
}

static int corrupt_store(struct emu_subsys *ss, char *val)
{
	unsigned long flags;
	int c;

	c = match_string(emu_corrupt_names, ARRAY_SIZE(emu_corrupt_names), val);
	if (c < 0)
		return -EINVAL;
	spin_lock_irqsave(&ss->lock, flags);
	ss->corrupt = c;
	spin_unlock_irqrestore(&ss->lock, flags);
	return 0;
}

static const char *const emu_platdata_names[] = {
	[EMU_PLATDATA_RECOVERY] = "recovery",
	[EMU_PLATDATA_NONE] = "none",
	[EMU_PLATDATA_FOREIGN] = "foreign",
};

static int platform_data_show(struct seq_file *s, void *unused)
{
	struct emu_subsys *ss = s->private;
	enum emu_platdata pd;
	unsigned long flags;

	spin_lock_irqsave(&ss->lock, flags);
	pd = ss->platdata;
	spin_unlock_irqrestore(&ss->lock, flags);
	seq_printf(s, "%s\n", emu_platdata_names[pd]);
	return 0;
}

static int platform_data_store(struct emu_subsys *ss, char *val)
{
	unsigned long flags;
	int pd;

	pd = match_string(emu_platdata_names, ARRAY_SIZE(emu_platdata_names), val);
	if (pd < 0)
		return -EINVAL;
	spin_lock_irqsave(&ss->lock, flags);
	ss->platdata = pd;
	spin_unlock_irqrestore(&ss->lock, flags);
	return 0;
}

static int stall_show(struct seq_file *s, void *unused)
{
	struct emu_subsys *ss = s->private;
	unsigned long flags;
	bool stalled;

	spin_lock_irqsave(&ss->lock, flags);
	stalled = ss->stalled;
	spin_unlock_irqrestore(&ss->lock, flags);
	seq_printf(s, "%d\n", stalled);
	return 0;
}

static int stall_store(struct emu_subsys *ss, char *val)
{
	unsigned long flags;
	bool blocked = false;
	unsigned int v;

	if (emu_parse_uint(val, 1, &v))
		return -EINVAL;
	spin_lock_irqsave(&ss->lock, flags);
	ss->stalled = v;
	if (!v) {
		blocked = ss->inf_blocked;
		ss->inf_blocked = false;
	}
	spin_unlock_irqrestore(&ss->lock, flags);

	if (!v) {
		/* Answer everything that waited. */
		if (blocked)
			queue_delayed_work(ss->wq, &ss->inf_work, 0);
		queue_work(ss->wq, &ss->rx_work);
	}
	return 0;
}

static int model_show(struct seq_file *s, void *unused)
{
	struct emu_subsys *ss = s->private;
	unsigned long flags;
	bool model;

	spin_lock_irqsave(&ss->lock, flags);
	model = ss->model;
	spin_unlock_irqrestore(&ss->lock, flags);
	seq_printf(s, "%d\n", model);
	return 0;
}

static int model_store(struct emu_subsys *ss, char *val)
{
	unsigned long flags;
	unsigned int v;

	if (emu_parse_uint(val, 1, &v))
		return -EINVAL;
	spin_lock_irqsave(&ss->lock, flags);
	ss->model = v;
	spin_unlock_irqrestore(&ss->lock, flags);
	return 0;
}

static int crash_store(struct emu_subsys *ss, char *val)
{
	unsigned int delay;

	if (emu_parse_uint(val, EMU_CRASH_DELAY_MS_MAX, &delay))
		return -EINVAL;
	if (!ss->ops->crash)
		return -EOPNOTSUPP;
	return ss->ops->crash(ss, delay);
}

static int stats_show(struct seq_file *s, void *unused)
{
	struct emu_subsys *ss = s->private;
	unsigned int queued, processing, online;
	struct emu_stats st;
	unsigned long flags;
	unsigned int i;

	spin_lock_irqsave(&ss->lock, flags);
	st = ss->stats;
	queued = ss->n_waiting;
	processing = !!ss->active;
	spin_unlock_irqrestore(&ss->lock, flags);
	online = ss->ops->online(ss);

	for (i = 1; i < ETHOSU_RPMSG_MAX; i++)
		seq_printf(s, "rx_%s %llu\n", emu_rx_names[i], st.rx[i]);
	seq_printf(s, "rx_invalid %llu\n", st.rx[0]);
	seq_printf(s, "tx_delivered %llu\n", st.tx_delivered);
	seq_printf(s, "tx_dropped %llu\n", st.tx_dropped);
	seq_printf(s, "inferences_ok %llu\n", st.inf_ok);
	seq_printf(s, "inferences_error %llu\n", st.inf_error);
	seq_printf(s, "inferences_rejected %llu\n", st.inf_rejected);
	seq_printf(s, "inferences_aborted %llu\n", st.inf_aborted);
	seq_printf(s, "queued %u\n", queued);
	seq_printf(s, "processing %u\n", processing);
	seq_printf(s, "online %u\n", online);
	seq_printf(s, "foreign_hook_calls %llu\n", st.foreign_hook_calls);
	seq_printf(s, "model_ok %llu\n", st.model_ok);
	seq_printf(s, "model_error %llu\n", st.model_error);
	seq_printf(s, "model_last_us %llu\n", st.model_last_us);
	seq_printf(s, "model_max_us %llu\n", st.model_max_us);
	return 0;
}

/* The device the host's rpmsg device of this subsystem sits under (the tests find its node) */
static int device_show(struct seq_file *s, void *unused)
{
	struct emu_subsys *ss = s->private;

	seq_printf(s, "%s\n", dev_name(ss->dev));
	return 0;
}

/* A read/write knob: <name>_show reads it, <name>_store parses a write. */
#define EMU_KNOB_RW(name)							\
static int name##_open(struct inode *inode, struct file *file)			\
{										\
	return single_open(file, name##_show, inode->i_private);		\
}										\
static ssize_t name##_write(struct file *file, const char __user *ubuf,	\
			    size_t count, loff_t *ppos)				\
{										\
	return emu_knob_write(file, ubuf, count, name##_store);		\
}										\
static const struct file_operations name##_fops = {				\
	.owner = THIS_MODULE,							\
	.open = name##_open,							\
	.read = seq_read,							\
	.llseek = seq_lseek,							\
	.release = single_release,						\
	.write = name##_write,							\
}

/* A write-only knob. */
#define EMU_KNOB_WO(name)							\
static ssize_t name##_write(struct file *file, const char __user *ubuf,	\
			    size_t count, loff_t *ppos)				\
{										\
	return emu_knob_write(file, ubuf, count, name##_store);		\
}										\
static const struct file_operations name##_fops = {				\
	.owner = THIS_MODULE,							\
	.open = simple_open,							\
	.write = name##_write,							\
}

EMU_KNOB_RW(latency_us);
EMU_KNOB_RW(drop);
EMU_KNOB_RW(fail_status);
EMU_KNOB_RW(reject);
EMU_KNOB_RW(refuse_cancel);
EMU_KNOB_WO(send_err);
EMU_KNOB_RW(corrupt);
EMU_KNOB_RW(stall);
EMU_KNOB_RW(platform_data);
EMU_KNOB_RW(model);
EMU_KNOB_WO(crash);
DEFINE_SHOW_ATTRIBUTE(stats);
DEFINE_SHOW_ATTRIBUTE(device);

void emu_debugfs_create(struct emu_subsys *ss, struct dentry *root)
{
	char name[8];

	snprintf(name, sizeof(name), "%u", ss->index);
	ss->debugfs = debugfs_create_dir(name, root);
	debugfs_create_file("latency_us", 0600, ss->debugfs, ss, &latency_us_fops);
	debugfs_create_file("drop", 0600, ss->debugfs, ss, &drop_fops);
	debugfs_create_file("fail_status", 0600, ss->debugfs, ss, &fail_status_fops);
	debugfs_create_file("reject", 0600, ss->debugfs, ss, &reject_fops);
	debugfs_create_file("refuse_cancel", 0600, ss->debugfs, ss, &refuse_cancel_fops);
	debugfs_create_file("send_err", 0200, ss->debugfs, ss, &send_err_fops);
	debugfs_create_file("corrupt", 0600, ss->debugfs, ss, &corrupt_fops);
	debugfs_create_file("stall", 0600, ss->debugfs, ss, &stall_fops);
	debugfs_create_file("crash", 0200, ss->debugfs, ss, &crash_fops);
	debugfs_create_file("platform_data", 0600, ss->debugfs, ss, &platform_data_fops);
	debugfs_create_file("model", 0600, ss->debugfs, ss, &model_fops);
	debugfs_create_file("stats", 0400, ss->debugfs, ss, &stats_fops);
	debugfs_create_file("device", 0400, ss->debugfs, ss, &device_fops);
}
