// SPDX-License-Identifier: Apache-2.0
/*
 * Bad input never crashes the driver and always gets a clear errno: faulting pointers -> EFAULT,
 * counts above 16 -> EFAULT, fds of the wrong kind -> EINVAL, unknown commands (including the
 * G1 and NXP encodings, and every other command of type 0x01) -> ENOTTY on every fd type. A failed
 * create leaves no fd behind and sends nothing to the firmware.
 */
#include <sys/eventfd.h>
#include <sys/wait.h>

#include "ethosu_test.h"

#define KWS_IN 490
#define KWS_OUT 12
#define KERNEL_PTR ((void *)0xffff888000000000ull)

static long page;
static uint8_t *ro_page, *none_page, *edge; /* edge: a RW page followed by a PROT_NONE page */

static int setup_pages(void)
{
	page = sysconf(_SC_PAGESIZE);
	ro_page = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	none_page = mmap(NULL, page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	edge = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ro_page == MAP_FAILED || none_page == MAP_FAILED || edge == MAP_FAILED)
		return -1;
	return mprotect(edge + page, page, PROT_NONE);
}

/* A pointer whose object of `size` bytes starts readable and runs into the PROT_NONE page. */
static void *straddling(size_t size)
{
	return edge + page - size / 2;
}

/* The lowest free fd: equal before and after a failed create means no fd leaked. */
static int next_fd(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (fd >= 0)
		close(fd);
	return fd;
}

/* Every struct-taking command with pointers it cannot use. */
static void faulting_pointers(int dev, int net, int inf)
{
	void *bad_in[] = { NULL, (void *)16, none_page, KERNEL_PTR, NULL };
	void *bad_out[] = { NULL, (void *)16, none_page, KERNEL_PTR, ro_page, NULL };
	static const struct {
		const char *name;
		unsigned long cmd;
		size_t size;
		int fd, out; /* fd: 0 device, 1 network, 2 inference; out: copies to user */
	} cmds[] = {
		{ "CAPABILITIES_REQ", ETHOSU_IOCTL_CAPABILITIES_REQ,
		  sizeof(struct ethosu_uapi_device_capabilities), 0, 1 },
		{ "DRIVER_VERSION_GET", ETHOSU_IOCTL_DRIVER_VERSION_GET,
		  sizeof(struct ethosu_uapi_kernel_driver_version), 0, 1 },
		{ "BUFFER_CREATE", ETHOSU_IOCTL_BUFFER_CREATE, sizeof(struct ethosu_uapi_buffer_create),
		  0, 0 },
		{ "NETWORK_CREATE", ETHOSU_IOCTL_NETWORK_CREATE,
		  sizeof(struct ethosu_uapi_network_create), 0, 0 },
		{ "NETWORK_INFO", ETHOSU_IOCTL_NETWORK_INFO, sizeof(struct ethosu_uapi_network_info), 1,
		  1 },
		{ "INFERENCE_CREATE", ETHOSU_IOCTL_INFERENCE_CREATE,
		  sizeof(struct ethosu_uapi_inference_create), 1, 0 },
		{ "INFERENCE_STATUS", ETHOSU_IOCTL_INFERENCE_STATUS,
		  sizeof(struct ethosu_uapi_result_status), 2, 1 },
		{ "INFERENCE_CANCEL", ETHOSU_IOCTL_INFERENCE_CANCEL,
		  sizeof(struct ethosu_uapi_cancel_inference_status), 2, 1 },
	};
	int fds[3] = { dev, net, inf };
	unsigned int c, p;

	for (c = 0; c < ARRAY_SIZE(cmds); c++) {
		void **ptrs = cmds[c].out ? bad_out : bad_in;
		long long sent = emu_stat(0, "rx_inference_req");
		int before = next_fd();

		t_begin("robustness: %s with NULL, low, PROT_NONE, kernel%s and straddling pointers "
			"-> EFAULT",
			cmds[c].name, cmds[c].out ? ", read-only" : "");
		ptrs[cmds[c].out ? 5 : 4] = straddling(cmds[c].size);
		for (p = 0; p < (cmds[c].out ? 6u : 5u); p++) {
			errno = 0;
			long r = ioctl(fds[cmds[c].fd], cmds[c].cmd, ptrs[p]);

			CHECK(r == -1 && errno == EFAULT, "pointer %p: got %ld (%s)", ptrs[p], r,
			      r == -1 ? strerrorname_np(errno) : "no error");
		}
		CHECK_EQ(next_fd(), before);
		CHECK_EQ(emu_stat(0, "rx_inference_req"), sent);
out:
		t_end();
	}
}

/* A user-buffer network whose bytes cannot be read: -EFAULT, never a byte count. */
static void faulting_network_data(int dev)
{
	void *ptrs[] = { (void *)4096, none_page, KERNEL_PTR, edge + page - 100 };
	int before = next_fd();
	unsigned int i;

	t_begin("robustness: NETWORK_CREATE user buffer with unreadable data -> EFAULT");
	memset(edge, 0x11, page);
	for (i = 0; i < ARRAY_SIZE(ptrs); i++) {
		errno = 0;
		long r = net_user(dev, ptrs[i], 200);

		CHECK(r == -1 && errno == EFAULT, "data_ptr %p: got %ld (%s)", ptrs[i], r,
		      r == -1 ? strerrorname_np(errno) : "no error");
	}
	CHECK_EQ(next_fd(), before);
out:
	t_end();
}

static void counts_above_max(int dev, int net)
{
	static const uint32_t counts[][2] = {
		{ 17, 1 }, { 1, 17 }, { 17, 17 }, { 0xFFFFFFFF, 1 }, { 1, 0x80000000 },
	};
	struct ethosu_uapi_inference_create c;
	long long sent = emu_stat(0, "rx_inference_req");
	int in = -1, out_fd = -1, before, i;
	unsigned int k;

	t_begin("robustness: INFERENCE_CREATE with ifm_count/ofm_count above 16 -> EFAULT");
	CHECK_SYS(in, buf_create(dev, KWS_IN));
	CHECK_SYS(out_fd, buf_create(dev, KWS_OUT));
	before = next_fd();
	for (k = 0; k < ARRAY_SIZE(counts); k++) {
		memset(&c, 0, sizeof(c));
		c.ifm_count = counts[k][0];
		c.ofm_count = counts[k][1];
		for (i = 0; i < ETHOSU_FD_MAX; i++) {
			c.ifm_fd[i] = in;
			c.ofm_fd[i] = out_fd;
		}
		CHECK_ERR(ioctl(net, ETHOSU_IOCTL_INFERENCE_CREATE, &c), EFAULT);
	}
	CHECK_EQ(next_fd(), before);
	CHECK_EQ(emu_stat(0, "rx_inference_req"), sent);
out:
	close_fd(&in);
	close_fd(&out_fd);
	t_end();
}

/* Open fds that are not Ethos-U buffers, as IFM or OFM, alone or after a valid one: EINVAL. */
static void wrong_fd_types(int dev, int net)
{
	static const char *const names[] = { "device", "network", "inference", "/dev/null",
					     "pipe", "eventfd" };
	int in = -1, out_fd = -1, inf = -1, null = -1, pipes[2] = { -1, -1 }, ev = -1;
	long long sent;
	int before, k, r;

	t_begin("robustness: INFERENCE_CREATE with open non-buffer fds -> EINVAL, nothing sent");
	CHECK_SYS(in, buf_create(dev, KWS_IN));
	CHECK_SYS(out_fd, buf_create(dev, KWS_OUT));
	CHECK_SYS(inf, inf_create(net, 1, &in, 1, &out_fd, NULL, 0));
	CHECK_SYS(null, open("/dev/null", O_RDWR | O_CLOEXEC));
	CHECK_SYS(r, pipe2(pipes, O_CLOEXEC));
	CHECK_SYS(ev, eventfd(0, EFD_CLOEXEC));
	sent = emu_stat(0, "rx_inference_req");
	before = next_fd();
	{
		const int bad[] = { dev, net, inf, null, pipes[0], ev };

		for (k = 0; k < (int)ARRAY_SIZE(bad); k++) {
			int two[2] = { in, bad[k] };

			CHECK(inf_create(net, 1, &bad[k], 1, &out_fd, NULL, 0) == -1 &&
				      errno == EINVAL,
			      "%s fd as IFM: %s", names[k], strerrorname_np(errno));
			CHECK(inf_create(net, 1, &in, 1, &bad[k], NULL, 0) == -1 && errno == EINVAL,
			      "%s fd as OFM: %s", names[k], strerrorname_np(errno));
			CHECK(inf_create(net, 2, two, 1, &out_fd, NULL, 0) == -1 && errno == EINVAL,
			      "%s fd as second IFM: %s", names[k], strerrorname_np(errno));
			CHECK(inf_create(net, 1, &in, 2, two, NULL, 0) == -1 && errno == EINVAL,
			      "%s fd as second OFM: %s", names[k], strerrorname_np(errno));
		}
	}
	CHECK_EQ(next_fd(), before);
	CHECK_EQ(emu_stat(0, "rx_inference_req"), sent);
	CHECK_DONE(inf, 20000);
out:
	close_fd(&in);
	close_fd(&out_fd);
	close_fd(&inf);
	close_fd(&null);
	close_fd(&pipes[0]);
	close_fd(&pipes[1]);
	close_fd(&ev);
	t_end();
}

/* fd numbers that are not open at all: EBADF (the driver's choice, see its buffer lookup). */
static void closed_fds(int dev, int net)
{
	int in = -1, out_fd = -1, before, k;
	long long sent;

	t_begin("robustness: INFERENCE_CREATE with fd numbers that are not open -> EBADF");
	CHECK_SYS(in, buf_create(dev, KWS_IN));
	CHECK_SYS(out_fd, buf_create(dev, KWS_OUT));
	sent = emu_stat(0, "rx_inference_req");
	before = next_fd();
	{
		const int bad[] = { before, -1, 100000 };

		for (k = 0; k < (int)ARRAY_SIZE(bad); k++) {
			int two[2] = { in, bad[k] };

			CHECK(inf_create(net, 1, &bad[k], 1, &out_fd, NULL, 0) == -1 &&
				      errno == EBADF,
			      "fd %d as IFM: %s", bad[k], strerrorname_np(errno));
			CHECK(inf_create(net, 1, &in, 2, two, NULL, 0) == -1 && errno == EBADF,
			      "fd %d as second OFM: %s", bad[k], strerrorname_np(errno));
		}
	}
	CHECK_EQ(next_fd(), before);
	CHECK_EQ(emu_stat(0, "rx_inference_req"), sent);
out:
	close_fd(&in);
	close_fd(&out_fd);
	t_end();
}

/* Known encodings of other generations and of other fd types. */
static void unknown_commands(int dev, int net, int buf, int inf)
{
	static const struct {
		const char *fd_name;
		int which; /* 0 device, 1 network, 2 buffer, 3 inference */
		unsigned long cmd;
	} cases[] = {
		{ "device", 0, 0x00000101 },		  /* G1 VERSION_REQ */
		{ "device", 0, 0x80340102 },		  /* G1 CAPABILITIES_REQ, 52 bytes */
		{ "device", 0, 0x80080120 },		  /* G1 NETWORK_CREATE, 8 bytes */
		{ "device", 0, 0x80080110 },		  /* BUFFER_CREATE with an 8-byte size */
		{ "device", 0, 0x40040110 },		  /* BUFFER_CREATE, _IOW direction */
		{ "device", 0, 0xC0040110 },		  /* BUFFER_CREATE, _IOWR direction */
		{ "device", 0, 0x80A80121 },		  /* NETWORK_INFO */
		{ "device", 0, 0x80AC0130 },		  /* INFERENCE_CREATE */
		{ "device", 0, 0x80700131 },		  /* INFERENCE_STATUS */
		{ "device", 0, 0x80040132 },		  /* INFERENCE_CANCEL */
		{ "device", 0, 0x80044510 },		  /* type 'E' */
		{ "device", 0, 0x5401 },		  /* TCGETS */
		{ "device", 0, 0 },
		{ "network", 1, 0x862C0121 },		  /* NXP NETWORK_INFO, 1580 bytes */
		{ "network", 1, 0x80A00130 },		  /* NXP INFERENCE_CREATE, 160 bytes */
		{ "network", 1, 0x81B00130 },		  /* NXP INFERENCE_CREATE, 432 bytes */
		{ "network", 1, 0x00000100 },		  /* PING */
		{ "network", 1, 0x80180120 },		  /* NETWORK_CREATE */
		{ "network", 1, 0x80700131 },		  /* INFERENCE_STATUS */
		{ "network", 1, 0 },
		{ "buffer", 2, 0x80040110 },		  /* BUFFER_CREATE */
		{ "buffer", 2, 0x80080111 },		  /* G1 BUFFER_SET */
		{ "buffer", 2, 0x40080112 },		  /* G1 BUFFER_GET */
		{ "buffer", 2, 0x80A80121 },		  /* NETWORK_INFO */
		{ "buffer", 2, 0x80700131 },		  /* INFERENCE_STATUS */
		{ "buffer", 2, 0 },
		{ "inference", 3, 0x80300131 },		  /* NXP INFERENCE_STATUS, 48 bytes */
		{ "inference", 3, 0x80300133 },		  /* NXP INFERENCE_INVOKE */
		{ "inference", 3, 0x80A80121 },		  /* NETWORK_INFO */
		{ "inference", 3, 0x80AC0130 },		  /* INFERENCE_CREATE */
		{ "inference", 3, 0x00000100 },		  /* PING */
		{ "inference", 3, 0x80040110 },		  /* BUFFER_CREATE */
		{ "inference", 3, 0 },
	};
	static uint8_t scratch[4096];
	int fds[4] = { dev, net, buf, inf };
	unsigned int i;

	t_begin("robustness: G1/NXP encodings and other fd types' commands -> ENOTTY");
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		errno = 0;
		long r = ioctl(fds[cases[i].which], cases[i].cmd, scratch);

		CHECK(r == -1 && errno == ENOTTY, "%s fd, cmd 0x%08lx: got %ld (%s)",
		      cases[i].fd_name, cases[i].cmd, r,
		      r == -1 ? strerrorname_np(errno) : "no error");
	}
out:
	t_end();
}

/* Every type-0x01 command that is not the fd type's own: ENOTTY, nothing written. */
static void command_sweep(int dev, int net, int buf, int inf)
{
	static const unsigned int sizes[] = { 0, 4, 8, 12, 16, 24, 36, 40, 48, 52, 56, 72, 80,
					      112, 160, 168, 172, 432 };
	static const unsigned int dirs[] = { _IOC_NONE, _IOC_READ, _IOC_WRITE,
					     _IOC_READ | _IOC_WRITE };
	static const unsigned long own[4][6] = {
		{ ETHOSU_IOCTL_PING, ETHOSU_IOCTL_ALT_PING, ETHOSU_IOCTL_CAPABILITIES_REQ,
		  ETHOSU_IOCTL_ALT_CAPABILITIES_REQ, ETHOSU_IOCTL_DRIVER_VERSION_GET,
		  ETHOSU_IOCTL_ALT_DRIVER_VERSION_GET },
		{ ETHOSU_IOCTL_NETWORK_INFO, ETHOSU_IOCTL_INFERENCE_CREATE },
		{ 0 },
		{ ETHOSU_IOCTL_INFERENCE_STATUS, ETHOSU_IOCTL_ALT_INFERENCE_STATUS,
		  ETHOSU_IOCTL_INFERENCE_CANCEL },
	};
	static const char *const names[] = { "device", "network", "buffer", "inference" };
	static uint8_t scratch[4096];
	int fds[4] = { dev, net, buf, inf };
	unsigned int f, nr, d, s, k, tried = 0;

	t_begin("robustness: every other type-0x01 command (nr 0-255 x 4 directions x 18 sizes) "
		"-> ENOTTY on all fd types");
	for (f = 0; f < 4; f++) {
		for (nr = 0; nr < 256; nr++) {
			for (d = 0; d < ARRAY_SIZE(dirs); d++) {
				for (s = 0; s < ARRAY_SIZE(sizes); s++) {
					unsigned long cmd = _IOC(dirs[d], ETHOSU_IOCTL_BASE, nr,
								 sizes[s]);
					int mine = 0;
					long r;

					if ((dirs[d] == _IOC_NONE) != (sizes[s] == 0))
						continue;
					for (k = 0; k < 6; k++)
						mine |= own[f][k] && own[f][k] == cmd;
					if (cmd == ETHOSU_IOCTL_BUFFER_CREATE ||
					    cmd == ETHOSU_IOCTL_NETWORK_CREATE)
						mine |= f == 0;
					if (mine)
						continue;
					memset(scratch, 0x5C, 512);
					errno = 0;
					r = ioctl(fds[f], cmd, scratch);
					tried++;
					CHECK(r == -1 && errno == ENOTTY,
					      "%s fd, cmd 0x%08lx: got %ld (%s)", names[f], cmd, r,
					      r == -1 ? strerrorname_np(errno) : "no error");
					CHECK(scratch[0] == 0x5C && scratch[511] == 0x5C,
					      "%s fd, cmd 0x%08lx wrote to its argument", names[f],
					      cmd);
				}
			}
		}
	}
	CHECK(tried > 10000, "only %u commands tried", tried);
out:
	t_end();
}

/* A child that inherited the fds exits while an inference is pending; the parent is unaffected. */
static void fork_and_exit(int dev, int net)
{
	static const uint32_t isize[] = { KWS_IN }, osize[] = { KWS_OUT };
	long long old = emu_set_latency(0, 200000);
	char why[128];
	pid_t pid = -1;
	struct job j;
	int r, status = 0;

	job_init(&j);
	t_begin("robustness: a forked child holding the fds exits mid-inference");
	CHECK(old >= 0, "cannot set latency_us");
	CHECK_SYS(r, job_buffers1(&j, dev, KWS_IN, KWS_OUT, 77));
	CHECK_SYS(r, job_start(&j, net, NULL, 0));
	pid = fork();
	CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		/* the child cancels nothing, just drops every reference it has */
		struct ethosu_uapi_result_status st;

		_exit(inf_status(j.inf, &st) ? 2 : 0);
	}
	CHECK(waitpid(pid, &status, 0) == pid, "waitpid: %s", strerror(errno));
	CHECK(WIFEXITED(status) && !WEXITSTATUS(status), "child status 0x%x", status);
	CHECK_DONE(j.inf, 20000);
	CHECK_STATUS(inf_state(j.inf), ETHOSU_UAPI_STATUS_OK);
	CHECK(job_check_outputs(&j, isize, osize, why, sizeof(why)) >= 0, "%s", why);
out:
	if (old >= 0)
		emu_set_latency(0, old);
	job_free(&j);
	t_end();
}

int main(void)
{
	int dev = t_open_main(0, "robustness"), net = -1, r;
	struct job j;

	job_init(&j);
	if (dev < 0)
		return t_exit();
	t_begin("robustness: setup (pages, network index 1, a finished inference)");
	CHECK(!setup_pages(), "mmap: %s", strerror(errno));
	CHECK_SYS(net, net_index(dev, 1));
	CHECK_SYS(r, job_buffers1(&j, dev, KWS_IN, KWS_OUT, 1));
	CHECK_SYS(r, job_start(&j, net, NULL, 0));
	CHECK_DONE(j.inf, 20000);
out:
	t_end();
	if (t_case_failed)
		return t_exit();
	faulting_pointers(dev, net, j.inf);
	faulting_network_data(dev);
	counts_above_max(dev, net);
	wrong_fd_types(dev, net);
	closed_fds(dev, net);
	unknown_commands(dev, net, j.ifm[0], j.inf);
	command_sweep(dev, net, j.ifm[0], j.inf);
	fork_and_exit(dev, net);
	job_free(&j);
	close_fd(&net);
	close(dev);
	return t_exit();
}
