/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Loading and unloading our kernel modules from a test, the way the guest rig loaded them:
 * from $ETHOSU_MODULE_DIR (scripts/vm/run sets it to the build of the running kernel).
 */
#ifndef MODULES_H
#define MODULES_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

/* finit_module of $ETHOSU_MODULE_DIR/rel with params: 0, or -1 with errno. */
static inline int module_load(const char *rel, const char *params)
{
	const char *dir = getenv("ETHOSU_MODULE_DIR");
	char path[PATH_MAX];
	int fd, r;

	if (!dir) {
		errno = ENOENT;
		return -1;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	r = (int)syscall(SYS_finit_module, fd, params, 0);
	close(fd);
	return r;
}

/* delete_module without waiting for users to go: 0, or -1 with errno (EWOULDBLOCK if in use). */
static inline int module_unload(const char *name)
{
	return (int)syscall(SYS_delete_module, name, O_NONBLOCK);
}

#endif
