// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test-only controllers for the AMP chain in a QEMU guest (never installed on a board): the
 * mailbox and the reset controller an "arm,ethosu-rproc" node points at. Their registers are
 * plain RAM (the node's reg lies in a no-map reserved-memory region), so a test can see what the
 * driver did: the state is mirrored in the registers and shown in debugfs.
 *
 * Mailbox "ethosu-test,mailbox" (#mbox-cells = <1>, the channel index): a send stores the u32
 * the client points at and counts it; writing a channel index to debugfs "ring" delivers a
 * message on that channel to its client. debugfs "channels": one line per channel,
 * "<index> sent=<count> last=<value> received=<count>".
 * Register block per channel (16 bytes): last value, send count, receive count, 0.
 *
 * Reset controller "ethosu-test,reset" (#reset-cells = <0>, one line): debugfs "state" reads
 * "asserted|deasserted asserts=<n> deasserts=<n>". Registers: state (1 = asserted), asserts,
 * deasserts.
 */

#include <linux/debugfs.h>
#include <linux/io.h>
#include <linux/kstrtox.h>
#include <linux/mailbox_controller.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/of.h>
#include <linux/platform_device.h>
#include <linux/reset-controller.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>

#include "amp.h"

#define AMP_TEST_MBOX_CHANNELS 2
#define AMP_TEST_MBOX_CHAN_REGS 16
#define AMP_TEST_MBOX_LAST 0x0
#define AMP_TEST_MBOX_SENT 0x4
#define AMP_TEST_MBOX_RECEIVED 0x8

#define AMP_TEST_RESET_STATE 0x0
#define AMP_TEST_RESET_ASSERTS 0x4
#define AMP_TEST_RESET_DEASSERTS 0x8

static struct dentry *amp_test_debugfs;

struct amp_test_mbox {
	struct mbox_controller controller;
	struct mbox_chan chans[AMP_TEST_MBOX_CHANNELS];
	void __iomem *regs;
	struct dentry *debugfs;
	/* Serialises the register updates of sends and receives */
	spinlock_t lock;
	/* What rx delivers: the channel's receive count, a value that stays valid */
	u32 rx_msg[AMP_TEST_MBOX_CHANNELS];
	/* The emulated Cortex-M that hears channel 0 and rings channel 1, if any */
	struct amp_remote *remote;
};

static void __iomem *amp_test_mbox_chan_regs(struct amp_test_mbox *mb, unsigned int i)
{
	return mb->regs + i * AMP_TEST_MBOX_CHAN_REGS;
}

/* The client's message is a pointer to a u32: copy the value now, never keep the pointer. */
static int amp_test_mbox_send_data(struct mbox_chan *chan, void *data)
{
	struct amp_test_mbox *mb = container_of(chan->mbox, struct amp_test_mbox, controller);
	unsigned int i = chan - mb->chans;
	void __iomem *regs = amp_test_mbox_chan_regs(mb, i);
	u32 value = data ? *(u32 *)data : 0;
	unsigned long flags;

	spin_lock_irqsave(&mb->lock, flags);
	writel(value, regs + AMP_TEST_MBOX_LAST);
	writel(readl(regs + AMP_TEST_MBOX_SENT) + 1, regs + AMP_TEST_MBOX_SENT);
	if (i == 0 && mb->remote)
		amp_remote_kick(mb->remote);
	spin_unlock_irqrestore(&mb->lock, flags);

	return 0;
}

/* The "hardware" takes a message at once */
static bool amp_test_mbox_last_tx_done(struct mbox_chan *chan)
{
	return true;
}

static const struct mbox_chan_ops amp_test_mbox_ops = {
	.send_data = amp_test_mbox_send_data,
	.last_tx_done = amp_test_mbox_last_tx_done,
};

static int amp_test_mbox_channels_show(struct seq_file *s, void *unused)
{
	struct amp_test_mbox *mb = s->private;
	unsigned int i;

	for (i = 0; i < AMP_TEST_MBOX_CHANNELS; i++) {
		void __iomem *regs = amp_test_mbox_chan_regs(mb, i);

		seq_printf(s, "%u sent=%u last=%u received=%u\n", i,
			   readl(regs + AMP_TEST_MBOX_SENT), readl(regs + AMP_TEST_MBOX_LAST),
			   readl(regs + AMP_TEST_MBOX_RECEIVED));
	}

	return 0;
}
DEFINE_SHOW_ATTRIBUTE(amp_test_mbox_channels);

/* One doorbell on channel i, as if the remote had rung it; -ENOTCONN without a client. */
static int amp_test_mbox_ring(struct amp_test_mbox *mb, unsigned int i)
{
	void __iomem *regs = amp_test_mbox_chan_regs(mb, i);
	unsigned long flags;
	int ret = 0;

	spin_lock_irqsave(&mb->lock, flags);
	mb->rx_msg[i] = readl(regs + AMP_TEST_MBOX_RECEIVED) + 1;
	writel(mb->rx_msg[i], regs + AMP_TEST_MBOX_RECEIVED);
	spin_unlock_irqrestore(&mb->lock, flags);

	/* The core calls the client without checking there is one: a free channel refuses */
	spin_lock_irqsave(&mb->chans[i].lock, flags);
	if (mb->chans[i].cl)
		mbox_chan_received_data(&mb->chans[i], &mb->rx_msg[i]);
	else
		ret = -ENOTCONN;
	spin_unlock_irqrestore(&mb->chans[i].lock, flags);

	return ret;
}

/* The emulated remote rings the host: channel 1 ("rx" of the remoteproc node) */
void amp_test_mbox_ring_host(struct amp_test_mbox *mb)
{
	amp_test_mbox_ring(mb, 1);
}

void amp_test_mbox_attach(struct amp_test_mbox *mb, struct amp_remote *remote)
{
	unsigned long flags;

	spin_lock_irqsave(&mb->lock, flags);
	mb->remote = remote;
	spin_unlock_irqrestore(&mb->lock, flags);
}

/* Writing a channel index delivers one message on it, as if the remote had rung the bell. */
static ssize_t amp_test_mbox_ring_write(struct file *file, const char __user *ubuf, size_t len,
					loff_t *ppos)
{
	struct amp_test_mbox *mb = file->private_data;
	unsigned int i;
	int ret;

	ret = kstrtouint_from_user(ubuf, len, 0, &i);
	if (ret)
		return ret;
	if (i >= AMP_TEST_MBOX_CHANNELS)
		return -EINVAL;

	ret = amp_test_mbox_ring(mb, i);

	return ret ? ret : len;
}

static const struct file_operations amp_test_mbox_ring_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = amp_test_mbox_ring_write,
};

static void amp_test_debugfs_remove(void *dentry)
{
	debugfs_remove_recursive(dentry);
}

static int amp_test_mbox_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct amp_test_mbox *mb;
	struct resource *res;
	unsigned int i;

	mb = devm_kzalloc(dev, sizeof(*mb), GFP_KERNEL);
	if (!mb)
		return -ENOMEM;
	spin_lock_init(&mb->lock);

	/* Not requested: the range is a reserved-memory region, not a device's */
	res = platform_get_resource(pdev, IORESOURCE_MEM, 0);
	if (!res || resource_size(res) < AMP_TEST_MBOX_CHANNELS * AMP_TEST_MBOX_CHAN_REGS)
		return dev_err_probe(dev, -EINVAL, "reg must hold %d bytes of registers\n",
				     AMP_TEST_MBOX_CHANNELS * AMP_TEST_MBOX_CHAN_REGS);
	mb->regs = devm_ioremap(dev, res->start, resource_size(res));
	if (!mb->regs)
		return -ENOMEM;
	for (i = 0; i < AMP_TEST_MBOX_CHANNELS * AMP_TEST_MBOX_CHAN_REGS; i += 4)
		writel(0, mb->regs + i);

	mb->controller.dev = dev;
	mb->controller.ops = &amp_test_mbox_ops;
	mb->controller.chans = mb->chans;
	mb->controller.num_chans = AMP_TEST_MBOX_CHANNELS;
	mb->controller.txdone_poll = true;
	mb->controller.txpoll_period = 1;
	platform_set_drvdata(pdev, mb);

	mb->debugfs = debugfs_create_dir(dev_name(dev), amp_test_debugfs);
	debugfs_create_file("channels", 0444, mb->debugfs, mb, &amp_test_mbox_channels_fops);
	debugfs_create_file("ring", 0200, mb->debugfs, mb, &amp_test_mbox_ring_fops);
	if (devm_add_action_or_reset(dev, amp_test_debugfs_remove, mb->debugfs))
		return -ENOMEM;

	return devm_mbox_controller_register(dev, &mb->controller);
}

static const struct of_device_id amp_test_mbox_of_match[] = {
	{ .compatible = "ethosu-test,mailbox" },
	{ /* sentinel */ },
};
MODULE_DEVICE_TABLE(of, amp_test_mbox_of_match);

static struct platform_driver amp_test_mbox_driver = {
	.probe = amp_test_mbox_probe,
	.driver = {
		.name = "ethosu-test-mbox",
		.of_match_table = amp_test_mbox_of_match,
	},
};

struct amp_test_reset {
	struct reset_controller_dev rcdev;
	void __iomem *regs;
	struct dentry *debugfs;
	/* Serialises the register updates */
	spinlock_t lock;
	/* The emulated Cortex-M this line resets, if the node names one */
	struct amp_remote *remote;
};

static int amp_test_reset_set(struct reset_controller_dev *rcdev, bool assert)
{
	struct amp_test_reset *rst = container_of(rcdev, struct amp_test_reset, rcdev);
	unsigned int count = assert ? AMP_TEST_RESET_ASSERTS : AMP_TEST_RESET_DEASSERTS;
	unsigned long flags;

	spin_lock_irqsave(&rst->lock, flags);
	writel(assert, rst->regs + AMP_TEST_RESET_STATE);
	writel(readl(rst->regs + count) + 1, rst->regs + count);
	spin_unlock_irqrestore(&rst->lock, flags);

	if (rst->remote)
		amp_remote_reset(rst->remote, assert);

	return 0;
}

static int amp_test_reset_assert(struct reset_controller_dev *rcdev, unsigned long id)
{
	return amp_test_reset_set(rcdev, true);
}

static int amp_test_reset_deassert(struct reset_controller_dev *rcdev, unsigned long id)
{
	return amp_test_reset_set(rcdev, false);
}

static int amp_test_reset_status(struct reset_controller_dev *rcdev, unsigned long id)
{
	struct amp_test_reset *rst = container_of(rcdev, struct amp_test_reset, rcdev);

	return readl(rst->regs + AMP_TEST_RESET_STATE);
}

static const struct reset_control_ops amp_test_reset_ops = {
	.assert = amp_test_reset_assert,
	.deassert = amp_test_reset_deassert,
	.status = amp_test_reset_status,
};

/* #reset-cells = <0>: the phandle alone names the one line */
static int amp_test_reset_xlate(struct reset_controller_dev *rcdev,
				const struct of_phandle_args *spec)
{
	return 0;
}

static int amp_test_reset_state_show(struct seq_file *s, void *unused)
{
	struct amp_test_reset *rst = s->private;

	seq_printf(s, "%s asserts=%u deasserts=%u\n",
		   readl(rst->regs + AMP_TEST_RESET_STATE) ? "asserted" : "deasserted",
		   readl(rst->regs + AMP_TEST_RESET_ASSERTS),
		   readl(rst->regs + AMP_TEST_RESET_DEASSERTS));

	return 0;
}
DEFINE_SHOW_ATTRIBUTE(amp_test_reset_state);

static int amp_test_reset_remote_show(struct seq_file *s, void *unused)
{
	amp_remote_show(s, s->private);

	return 0;
}
DEFINE_SHOW_ATTRIBUTE(amp_test_reset_remote);

static void amp_test_remote_destroy(void *remote)
{
	amp_remote_destroy(remote);
}

static int amp_test_reset_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct amp_test_reset *rst;
	struct resource *res;

	rst = devm_kzalloc(dev, sizeof(*rst), GFP_KERNEL);
	if (!rst)
		return -ENOMEM;
	spin_lock_init(&rst->lock);

	res = platform_get_resource(pdev, IORESOURCE_MEM, 0);
	if (!res || resource_size(res) < 12)
		return dev_err_probe(dev, -EINVAL, "reg must hold 12 bytes of registers\n");
	rst->regs = devm_ioremap(dev, res->start, resource_size(res));
	if (!rst->regs)
		return -ENOMEM;
	/* Out of reset, as after power-on; the driver asserts it at probe */
	writel(0, rst->regs + AMP_TEST_RESET_STATE);
	writel(0, rst->regs + AMP_TEST_RESET_ASSERTS);
	writel(0, rst->regs + AMP_TEST_RESET_DEASSERTS);

	rst->rcdev.owner = THIS_MODULE;
	rst->rcdev.dev = dev;
	rst->rcdev.of_node = dev->of_node;
	rst->rcdev.ops = &amp_test_reset_ops;
	rst->rcdev.nr_resets = 1;
	rst->rcdev.of_reset_n_cells = 0;
	rst->rcdev.of_xlate = amp_test_reset_xlate;

	rst->debugfs = debugfs_create_dir(dev_name(dev), amp_test_debugfs);
	debugfs_create_file("state", 0444, rst->debugfs, rst, &amp_test_reset_state_fops);
	if (devm_add_action_or_reset(dev, amp_test_debugfs_remove, rst->debugfs))
		return -ENOMEM;

	/* The emulated Cortex-M behind this line, when the node names its mailbox and remoteproc */
	rst->remote = amp_remote_create(dev);
	if (rst->remote) {
		if (devm_add_action_or_reset(dev, amp_test_remote_destroy, rst->remote))
			return -ENOMEM;
		debugfs_create_file("remote", 0444, rst->debugfs, rst->remote,
				    &amp_test_reset_remote_fops);
	}

	return devm_reset_controller_register(dev, &rst->rcdev);
}

static const struct of_device_id amp_test_reset_of_match[] = {
	{ .compatible = "ethosu-test,reset" },
	{ /* sentinel */ },
};
MODULE_DEVICE_TABLE(of, amp_test_reset_of_match);

static struct platform_driver amp_test_reset_driver = {
	.probe = amp_test_reset_probe,
	.driver = {
		.name = "ethosu-test-reset",
		.of_match_table = amp_test_reset_of_match,
	},
};

static int __init amp_test_init(void)
{
	int ret;

	amp_test_debugfs = debugfs_create_dir("ethosu-amp-test", NULL);

	ret = platform_driver_register(&amp_test_mbox_driver);
	if (ret)
		goto err_debugfs;
	ret = platform_driver_register(&amp_test_reset_driver);
	if (ret)
		goto err_mbox;

	return 0;

err_mbox:
	platform_driver_unregister(&amp_test_mbox_driver);
err_debugfs:
	debugfs_remove_recursive(amp_test_debugfs);
	return ret;
}
module_init(amp_test_init);

static void __exit amp_test_exit(void)
{
	platform_driver_unregister(&amp_test_reset_driver);
	platform_driver_unregister(&amp_test_mbox_driver);
	debugfs_remove_recursive(amp_test_debugfs);
}
module_exit(amp_test_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Test-only mailbox and reset controllers for the Ethos-U AMP chain");
