/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The emulated firmware core and its transports (test only). The core (ethosu_emu.ko: message
 * handling, inferences, the NPU model, debugfs faults) takes host messages with
 * ethosu_emu_core_rx() and sends its answers through the transport's deliver(). Two transports
 * use it: the fake rpmsg device of ethosu_emu.ko (emu_rpmsg.c) and the emulated Cortex-M behind
 * remoteproc and virtio-rpmsg (amp/amp_remote.c, ethosu_amp_test.ko).
 */
#ifndef EMU_CORE_H
#define EMU_CORE_H

#include <linux/types.h>

struct device;
struct emu_subsys;

/* Where a firmware->host message goes: a host endpoint of one firmware generation. */
struct emu_reply {
	u64 gen;
	u32 addr; /* RPMSG_ADDR_ANY: the transport picks the host endpoint */
};

struct emu_transport_ops {
	/* One firmware->host message; 0 when delivered, an errno when dropped. */
	int (*deliver)(struct emu_subsys *ss, const struct emu_reply *to, void *msg, size_t len);
	/*
	 * Host memory named on the wire by a 32-bit bus address, as the NPU sees it: whether
	 * [addr, addr + size) may be used, a kernel mapping of it (NULL when not), and its release.
	 */
	bool (*mem_valid)(struct emu_subsys *ss, u32 addr, u32 size);
	void *(*mem_map)(struct emu_subsys *ss, u32 addr, u32 size);
	void (*mem_unmap)(struct emu_subsys *ss, void *p);
	/* Whether the host can reach the firmware now (stats "online"). */
	bool (*online)(struct emu_subsys *ss);
	/* The core took a message from a full inbox (optional). */
	void (*rx_space)(struct emu_subsys *ss);
	/* debugfs "crash": crash now, come back after delay_ms (optional: -EOPNOTSUPP). */
	int (*crash)(struct emu_subsys *ss, unsigned int delay_ms);
};

/*
 * dev: the device the host's rpmsg device of this subsystem sits under (debugfs "device"); the
 * core's messages and request_firmware use it.
 */
struct emu_subsys *ethosu_emu_core_create(struct device *dev, const struct emu_transport_ops *ops,
					  void *priv);
void ethosu_emu_core_destroy(struct emu_subsys *ss);
void *ethosu_emu_core_priv(struct emu_subsys *ss);
unsigned int ethosu_emu_core_index(struct emu_subsys *ss);
int ethosu_emu_core_rx(struct emu_subsys *ss, u32 src, const void *data, size_t len);
void ethosu_emu_core_reset(struct emu_subsys *ss);
bool ethosu_emu_core_current(struct emu_subsys *ss, const struct emu_reply *to);

#endif /* EMU_CORE_H */
