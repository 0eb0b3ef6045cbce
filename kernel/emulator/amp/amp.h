/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Inside the AMP test module (ethosu_amp_test.ko): the test controllers (amp_controllers.c) and
 * the emulated Cortex-M (amp_remote.c) that sits behind a reset line and a mailbox.
 */
#ifndef AMP_H
#define AMP_H

#include <linux/types.h>

struct device;
struct seq_file;
struct amp_remote;
struct amp_test_mbox;

/* amp_controllers.c */
void amp_test_mbox_attach(struct amp_test_mbox *mb, struct amp_remote *remote);
void amp_test_mbox_ring_host(struct amp_test_mbox *mb);

/* amp_remote.c */
struct amp_remote *amp_remote_create(struct device *dev);
void amp_remote_destroy(struct amp_remote *r);
void amp_remote_reset(struct amp_remote *r, bool asserted);
void amp_remote_kick(struct amp_remote *r);
void amp_remote_show(struct seq_file *s, struct amp_remote *r);

#endif /* AMP_H */
