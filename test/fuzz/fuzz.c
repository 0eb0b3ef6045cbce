// SPDX-License-Identifier: Apache-2.0
/*
 * Seeded UAPI fuzzer for ethosu.ko (issue 10, section 3). Random sequences of open, ioctl (every
 * command and its aliases, valid and invalid arguments, random sizes and pointers), mmap, munmap,
 * lseek, poll, read, write, close, dup and fork over device, buffer, network and inference fds of
 * both subsystems and fds of other kinds, with emulator faults (drop, fail_status, reject,
 * corrupt, stall, latency, send_err, crash) injected at random through debugfs.
 *
 *   fuzz [--seed N] [--syscalls N] [--jobs N] [--no-faults] [--verbose]
 *
 * --jobs N runs N fuzzing processes at once on the same devices (the guest has 2 CPUs; the
 * debug kernel's run uses both), sharing the syscall budget.
 *
 * It prints the seed first; the same seed replays the same random stream (the operations also
 * depend on what earlier calls returned, which timing can change after a fault). Afterwards it
 * checks: no hang (a watchdog), the UAPI's own rules on every result (an ioctl of another fd
 * kind fails with ENOTTY, statuses are in range, ...), every fd closed again, ethosu.ko's module
 * references back, the emulator's queues empty, free memory back (measured after a warm-up), and
 * no BUG/WARNING/Oops in the kernel log. Cases print as "ok - ..." / "not ok - ..." and the
 * last line is "N passed, N failed".
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/eventfd.h>
#include <sys/klog.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "../uapi/ethosu_test.h"

enum kind { K_DEV, K_BUF, K_NET, K_INF, K_OTHER, K_KINDS };
static const char *const kind_names[] = { "device", "buffer", "network", "inference", "other" };

struct obj {
	int fd;
	enum kind kind;
	int subsys;
};

struct map {
	uint8_t *p;
	size_t len;
	int prot;
};

#define MAX_OBJS 96
#define MAX_MAPS 48
#define FORK_OPS 24
#define WATCHDOG_S 60
#define MAX_JOBS 8

static struct obj objs[MAX_OBJS];
static int nobjs;
static struct map maps[MAX_MAPS];
static int nmaps;

/* Counters in shared memory: the worker processes' and forked children's calls count too. */
static struct tally {
	_Atomic unsigned long long syscalls, violations, mmap_ok, forks;
	_Atomic unsigned long long cmd_calls[16], cmd_ok[16], fault_count[16];
} *tally;
static char last_op[160];
static int verbose, faults = 1, nsubsys = 1, in_child, jobs = 1;
static uint8_t *models[3];
static size_t model_len[3];
static uint8_t *guard; /* two pages: read-write, then PROT_NONE */
static uint8_t *rdonly; /* one read-only page */
static long page;

/* ---- random numbers: splitmix64, one stream per process ---- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static uint32_t below(uint32_t n)
{
	return n ? (uint32_t)(rnd() % n) : 0;
}

static int chance(unsigned int percent)
{
	return below(100) < percent;
}

static void count(void)
{
	atomic_fetch_add(&tally->syscalls, 1);
}

static void note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_op, sizeof(last_op), fmt, ap);
	va_end(ap);
	if (verbose)
		printf("# %s%s\n", in_child ? "child: " : "", last_op);
}

/* A rule of the UAPI broken: counted, the first few printed. */
static void violation(const char *fmt, ...)
{
	va_list ap;

	if (atomic_fetch_add(&tally->violations, 1) >= 20)
		return;
	printf("# VIOLATION after \"%s\": ", last_op);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

/* ---- the fd table ---- */

static void add_obj(int fd, enum kind kind, int subsys)
{
	if (fd < 0)
		return;
	if (nobjs == MAX_OBJS) {
		/* full: the new fd takes a random slot, whose fd is closed */
		int i = (int)below(MAX_OBJS);

		close(objs[i].fd);
		count();
		objs[i] = (struct obj){ fd, kind, subsys };
		return;
	}
	objs[nobjs++] = (struct obj){ fd, kind, subsys };
}

static struct obj *pick(int kind)
{
	int i, n = 0, idx[MAX_OBJS];

	for (i = 0; i < nobjs; i++)
		if (kind < 0 || objs[i].kind == (enum kind)kind)
			idx[n++] = i;
	return n ? &objs[idx[below(n)]] : NULL;
}

/* A random fd for an argument: mostly of the wanted kind, sometimes anything or garbage. */
static int pick_fd(enum kind want)
{
	struct obj *o;

	switch (below(20)) {
	case 0:
		return -1;
	case 1:
		return (int)below(4096);
	case 2:
	case 3:
		o = pick(-1);
		return o ? o->fd : -1;
	default:
		o = pick(want);
		return o ? o->fd : -1;
	}
}

static void del_obj(struct obj *o)
{
	*o = objs[--nobjs];
}

/* ---- argument memory: valid, NULL, kernel, unmapped, straddling a guard page, read-only ---- */

static void *arg_ptr(size_t len, void *valid)
{
	switch (below(16)) {
	case 0:
		return NULL;
	case 1:
		return (void *)0xffff888000000000ull;
	case 2:
		return (void *)(uintptr_t)(0x1000 + below(0x1000));
	case 3:
		return guard + page - (len > 1 ? below((uint32_t)len - 1) + 1 : 1);
	case 4:
		return rdonly;
	default:
		return valid;
	}
}

static void fill_random(void *p, size_t len)
{
	uint8_t *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		b[i] = (uint8_t)rnd();
}

/* ---- ioctls ---- */

struct cmd {
	unsigned int nr;
	const char *name;
	enum kind kind;
	size_t size;
};

/* The commands; the summary shows each one's calls and successes: what the run reached. */

static const struct cmd cmds[] = {
	{ ETHOSU_IOCTL_PING, "PING", K_DEV, 0 },
	{ ETHOSU_IOCTL_CAPABILITIES_REQ, "CAPABILITIES_REQ", K_DEV,
	  sizeof(struct ethosu_uapi_device_capabilities) },
	{ ETHOSU_IOCTL_DRIVER_VERSION_GET, "DRIVER_VERSION_GET", K_DEV,
	  sizeof(struct ethosu_uapi_kernel_driver_version) },
	{ ETHOSU_IOCTL_BUFFER_CREATE, "BUFFER_CREATE", K_DEV, sizeof(struct ethosu_uapi_buffer_create) },
	{ ETHOSU_IOCTL_NETWORK_CREATE, "NETWORK_CREATE", K_DEV,
	  sizeof(struct ethosu_uapi_network_create) },
	{ ETHOSU_IOCTL_NETWORK_INFO, "NETWORK_INFO", K_NET, sizeof(struct ethosu_uapi_network_info) },
	{ ETHOSU_IOCTL_INFERENCE_CREATE, "INFERENCE_CREATE", K_NET,
	  sizeof(struct ethosu_uapi_inference_create) },
	{ ETHOSU_IOCTL_INFERENCE_STATUS, "INFERENCE_STATUS", K_INF,
	  sizeof(struct ethosu_uapi_result_status) },
	{ ETHOSU_IOCTL_INFERENCE_CANCEL, "INFERENCE_CANCEL", K_INF,
	  sizeof(struct ethosu_uapi_cancel_inference_status) },
	{ ETHOSU_IOCTL_ALT_DRIVER_VERSION_GET, "ALT_DRIVER_VERSION_GET", K_DEV,
	  sizeof(struct ethosu_uapi_kernel_driver_version) },
	{ ETHOSU_IOCTL_ALT_CAPABILITIES_REQ, "ALT_CAPABILITIES_REQ", K_DEV,
	  sizeof(struct ethosu_uapi_device_capabilities) },
	{ ETHOSU_IOCTL_ALT_PING, "ALT_PING", K_DEV, 0 },
	{ ETHOSU_IOCTL_ALT_INFERENCE_STATUS, "ALT_INFERENCE_STATUS", K_INF,
	  sizeof(struct ethosu_uapi_result_status_u32) },
};

static uint32_t random_size(void)
{
	static const uint32_t edges[] = { 0, 1, 4095, 4096, 4097, 65536, 0x7FFFFFFF, 0x80000000u,
					  0xFFFFF000u, 0xFFFFFFFFu };

	switch (below(8)) {
	case 0:
		return edges[below(ARRAY_SIZE(edges))];
	case 1:
		return (uint32_t)rnd();
	case 2:
		return 1 + below(1024 * 1024);
	default:
		return 1 + below(8192);
	}
}

static void fill_network_create(struct ethosu_uapi_network_create *c)
{
	static uint8_t mutated[8192];
	int m = (int)below(3);

	memset(c, 0, sizeof(*c));
	c->type = chance(90) ? (chance(50) ? ETHOSU_UAPI_NETWORK_INDEX
					   : ETHOSU_UAPI_NETWORK_USER_BUFFER)
			     : (uint32_t)rnd();
	if (c->type == ETHOSU_UAPI_NETWORK_INDEX) {
		c->index = chance(85) ? below(5) : (uint32_t)rnd();
		return;
	}
	if (!models[m] || chance(20)) {
		c->network.data_ptr = (uintptr_t)arg_ptr(64, mutated);
		c->network.size = random_size();
		fill_random(mutated, sizeof(mutated));
		return;
	}
	if (chance(40) && model_len[m] <= sizeof(mutated)) {
		/* a real model with a few bytes changed: the firmware's TFLite reader gets it */
		unsigned int k, flips = 1 + below(8);

		memcpy(mutated, models[m], model_len[m]);
		for (k = 0; k < flips; k++)
			mutated[below((uint32_t)model_len[m])] = (uint8_t)rnd();
		c->network.data_ptr = (uintptr_t)mutated;
	} else {
		c->network.data_ptr = (uintptr_t)models[m];
	}
	c->network.size = chance(80) ? (uint32_t)model_len[m] : random_size();
	if (c->network.size > model_len[m] && c->network.size < sizeof(mutated))
		c->network.data_ptr = (uintptr_t)mutated;
}

/* A buffer of the subsystem (mostly), else any fd from pick_fd(). */
static int pick_buf(int subsys)
{
	int i, n = 0, idx[MAX_OBJS];

	for (i = 0; i < nobjs; i++)
		if (objs[i].kind == K_BUF && objs[i].subsys == subsys)
			idx[n++] = i;
	return n && chance(85) ? objs[idx[below(n)]].fd : pick_fd(K_BUF);
}

static void fill_inference_create(struct ethosu_uapi_inference_create *c, int subsys)
{
	unsigned int i;

	memset(c, 0, sizeof(*c));
	c->ifm_count = chance(90) ? 1 + below(2) : below(40);
	c->ofm_count = chance(90) ? 1 + below(2) : below(40);
	for (i = 0; i < ETHOSU_FD_MAX; i++) {
		c->ifm_fd[i] = (uint32_t)pick_buf(subsys);
		c->ofm_fd[i] = (uint32_t)pick_buf(subsys);
	}
	for (i = 0; i < ETHOSU_PMU_EVENT_MAX; i++)
		c->pmu_config.events[i] = chance(70) ? below(0x30) : (uint32_t)rnd();
	c->pmu_config.cycle_count = chance(80) ? below(2) : (uint32_t)rnd();
}

/* The arg buffer of an ioctl: big enough for every struct, then whatever follows. */
static union {
	struct ethosu_uapi_buffer_create buf;
	struct ethosu_uapi_network_create net;
	struct ethosu_uapi_inference_create inf;
	struct ethosu_uapi_result_status st;
	struct ethosu_uapi_network_info info;
	struct ethosu_uapi_device_capabilities caps;
	uint8_t raw[1024];
} arg;

static void check_result(const struct cmd *c, const struct obj *o, long r, int err, void *p)
{
	if (o && o->kind != c->kind && o->kind != K_OTHER && r != -1)
		violation("%s on a %s fd returned %ld, want -1 ENOTTY", c->name,
			  kind_names[o->kind], r);
	else if (o && o->kind != c->kind && o->kind != K_OTHER && err != ENOTTY)
		violation("%s on a %s fd: %s, want ENOTTY", c->name, kind_names[o->kind],
			  strerrorname_np(err));
	if (r < 0 || !o || o->kind != c->kind || p != (void *)&arg)
		return;
	if (c->nr == ETHOSU_IOCTL_INFERENCE_STATUS && arg.st.status > ETHOSU_UAPI_STATUS_ABORTING)
		violation("INFERENCE_STATUS: status %u out of range", arg.st.status);
	if (c->nr == ETHOSU_IOCTL_NETWORK_INFO &&
	    (arg.info.ifm_count > ETHOSU_FD_MAX || arg.info.ofm_count > ETHOSU_FD_MAX))
		violation("NETWORK_INFO: %u IFMs, %u OFMs", arg.info.ifm_count, arg.info.ofm_count);
}

static void op_ioctl(void)
{
	const struct cmd *c = &cmds[below(ARRAY_SIZE(cmds))];
	struct obj *o = chance(75) ? pick(c->kind) : chance(95) ? pick(-1) : NULL;
	int fd, i;
	struct cmd rand_cmd;
	void *p;
	long r;
	int err;

	if (!o && chance(97))
		o = pick(-1);
	fd = o ? o->fd : (int)below(1024);
	/* a raw number may still be one of ours */
	for (i = 0; !o && i < nobjs; i++)
		if (objs[i].fd == fd)
			o = &objs[i];

	if (chance(8)) {
		/* an unknown command: type 0x01 with a random number, direction and size, or any */
		rand_cmd = (struct cmd){ chance(70) ? _IOC(below(4), ETHOSU_IOCTL_BASE, below(256),
							   below(1024))
						    : (unsigned int)rnd(),
					 "random", K_KINDS, 0 };
		c = &rand_cmd;
	}
	memset(&arg, 0, sizeof(arg));
	if (c->nr == ETHOSU_IOCTL_BUFFER_CREATE)
		arg.buf.size = random_size();
	else if (c->nr == ETHOSU_IOCTL_NETWORK_CREATE)
		fill_network_create(&arg.net);
	else if (c->nr == ETHOSU_IOCTL_INFERENCE_CREATE)
		fill_inference_create(&arg.inf, o ? o->subsys : 0);
	else if (chance(30))
		fill_random(&arg, sizeof(arg));
	p = arg_ptr(c->size, &arg);
	note("ioctl(%d %s, %s 0x%08x, %p)", fd, o ? kind_names[o->kind] : "raw", c->name, c->nr, p);
	errno = 0;
	r = ioctl(fd, c->nr, p);
	err = errno;
	count();
	if (c->kind != K_KINDS) {
		check_result(c, o, r, err, p);
		tally->cmd_calls[c - cmds]++;
		if (r >= 0)
			tally->cmd_ok[c - cmds]++;
	}
	if (r < 0 || !o || o->kind != c->kind)
		return;
	if (c->nr == ETHOSU_IOCTL_BUFFER_CREATE)
		add_obj((int)r, K_BUF, o->subsys);
	else if (c->nr == ETHOSU_IOCTL_NETWORK_CREATE)
		add_obj((int)r, K_NET, o->subsys);
	else if (c->nr == ETHOSU_IOCTL_INFERENCE_CREATE)
		add_obj((int)r, K_INF, o->subsys);
}

/* ---- the other calls ---- */

static void op_open(void)
{
	static const int flags[] = { O_RDWR, O_RDONLY, O_WRONLY, O_RDWR | O_NONBLOCK,
				     O_RDWR | O_CLOEXEC, O_RDWR | O_APPEND };
	int subsys = (int)below(nsubsys), minor = emu_minor(subsys), fd;
	char path[32];

	if (chance(5))
		minor = (int)below(64);
	snprintf(path, sizeof(path), "/dev/ethosu%d", minor);
	note("open(%s)", path);
	fd = open(path, flags[below(ARRAY_SIZE(flags))]);
	count();
	add_obj(fd, K_DEV, subsys);
}

static void op_mmap(void)
{
	static const int prots[] = { PROT_READ, PROT_READ | PROT_WRITE, PROT_WRITE, PROT_NONE,
				     PROT_READ | PROT_EXEC };
	struct obj *o = chance(85) ? pick(K_BUF) : pick(-1);
	size_t len = chance(80) ? (1 + below(4)) * page : 1 + below(1 << 20);
	off_t off = chance(80) ? 0 : chance(50) ? (off_t)below(4) * page : (off_t)rnd();
	int prot = prots[below(ARRAY_SIZE(prots))];
	int flags = chance(85) ? MAP_SHARED : MAP_PRIVATE;
	uint8_t *p;

	if (!o || nmaps == MAX_MAPS)
		return;
	note("mmap(%zu, prot %d, %s, %s fd %d, off %lld)", len, prot,
	     flags == MAP_SHARED ? "shared" : "private", kind_names[o->kind], o->fd, (long long)off);
	p = mmap(NULL, len, prot, flags, o->fd, off);
	count();
	if (p == MAP_FAILED)
		return;
	if (o->kind != K_BUF)
		violation("mmap of a %s fd succeeded", kind_names[o->kind]);
	tally->mmap_ok++;
	/* a mapping that was granted is the buffer's: touching it must not fault */
	if (prot & PROT_READ)
		(void)*(volatile uint8_t *)(p + below((uint32_t)len));
	if (prot & PROT_WRITE)
		p[below((uint32_t)len)] = (uint8_t)rnd();
	maps[nmaps++] = (struct map){ p, len, prot };
}

static void op_munmap(void)
{
	int i;

	if (!nmaps)
		return;
	i = (int)below(nmaps);
	note("munmap(%p, %zu)", maps[i].p, maps[i].len);
	munmap(maps[i].p, maps[i].len);
	count();
	maps[i] = maps[--nmaps];
}

static void op_fdcall(void)
{
	struct obj *o = pick(-1);
	uint8_t buf[64];
	struct pollfd pf;
	off_t r;

	if (!o)
		return;
	switch (below(4)) {
	case 0: {
		off_t off = chance(60) ? 0 : (off_t)rnd();
		int whence = (int)below(5);

		note("lseek(%s fd %d, %lld, %d)", kind_names[o->kind], o->fd, (long long)off, whence);
		r = lseek(o->fd, off, whence);
		count();
		if (o->kind == K_BUF && r >= 0 && off != 0)
			violation("lseek(buffer, %lld, %d) = %lld: only offset 0 is allowed",
				  (long long)off, whence, (long long)r);
		break;
	}
	case 1:
		pf = (struct pollfd){ .fd = o->fd, .events = (short)(POLLIN | POLLOUT | POLLERR) };
		note("poll(%s fd %d)", kind_names[o->kind], o->fd);
		poll(&pf, 1, (int)below(20));
		count();
		break;
	case 2:
		note("read(%s fd %d)", kind_names[o->kind], o->fd);
		if (read(o->fd, arg_ptr(sizeof(buf), buf), below(sizeof(buf) + 1)) > 0 &&
		    o->kind != K_OTHER)
			violation("read of a %s fd returned data", kind_names[o->kind]);
		count();
		break;
	default:
		fill_random(buf, sizeof(buf));
		note("write(%s fd %d)", kind_names[o->kind], o->fd);
		if (write(o->fd, arg_ptr(sizeof(buf), buf), below(sizeof(buf) + 1)) > 0 &&
		    o->kind != K_OTHER)
			violation("write to a %s fd accepted data", kind_names[o->kind]);
		count();
		break;
	}
}

static void op_close(void)
{
	struct obj *o = pick(-1);

	if (!o)
		return;
	note("close(%s fd %d)", kind_names[o->kind], o->fd);
	if (close(o->fd))
		violation("close(%d): %s", o->fd, strerror(errno));
	count();
	del_obj(o);
}

static void op_dup(void)
{
	struct obj *o = pick(-1);
	int fd;

	if (!o)
		return;
	note("dup(%s fd %d)", kind_names[o->kind], o->fd);
	fd = chance(50) ? dup(o->fd) : fcntl(o->fd, F_DUPFD_CLOEXEC, 3);
	count();
	add_obj(fd, o->kind, o->subsys);
}

static void op_other(void)
{
	int p[2];

	switch (below(3)) {
	case 0:
		note("open(/dev/null)");
		add_obj(open("/dev/null", O_RDWR | O_CLOEXEC), K_OTHER, 0);
		break;
	case 1:
		note("eventfd");
		add_obj(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC), K_OTHER, 0);
		break;
	default:
		note("pipe2");
		if (!pipe2(p, O_NONBLOCK | O_CLOEXEC)) {
			add_obj(p[0], K_OTHER, 0);
			add_obj(p[1], K_OTHER, 0);
		}
		break;
	}
	count();
}

/* ---- faults ---- */

static int stall_left[4];

static void op_fault(void)
{
	static const char *const corrupt[] = { "magic", "size", "type", "msg_id", "none" };
	int s = (int)below(nsubsys), f = (int)below(16);

	tally->fault_count[f]++;
	switch (f) {
	case 0:
	case 1:
		note("fault %d: drop", s);
		knob_write(s, "drop", "%u", 1 + below(2));
		break;
	case 2:
	case 3:
		note("fault %d: fail_status", s);
		knob_write(s, "fail_status", "%u", 1 + below(3));
		break;
	case 4:
	case 5:
		note("fault %d: reject", s);
		knob_write(s, "reject", "%u", 1 + below(3));
		break;
	case 6:
	case 7:
		note("fault %d: corrupt", s);
		knob_write(s, "corrupt", "%s", corrupt[below(ARRAY_SIZE(corrupt))]);
		break;
	case 8:
		note("fault %d: stall", s);
		knob_write(s, "stall", "1");
		stall_left[s] = 5 + (int)below(20);
		break;
	case 9:
	case 10:
	case 11:
		note("fault %d: latency", s);
		knob_write(s, "latency_us", "%u", chance(50) ? 0 : below(50000));
		break;
	case 12:
	case 13:
		note("fault %d: send_err", s);
		knob_write(s, "send_err", "1");
		break;
	default:
		note("fault %d: crash", s);
		knob_write(s, "crash", "%u", 20 + below(300));
		break;
	}
	count();
}

/* Stalls last a few operations: a stalled firmware makes each request wait for its timeout. */
static void unstall(void)
{
	int s;

	for (s = 0; s < nsubsys; s++)
		if (stall_left[s] && !--stall_left[s]) {
			knob_write(s, "stall", "0");
			count();
		}
}

static void reset_faults(void)
{
	int s;

	for (s = 0; s < nsubsys; s++) {
		knob_write(s, "stall", "0");
		knob_write(s, "drop", "0");
		knob_write(s, "fail_status", "0");
		knob_write(s, "reject", "0");
		knob_write(s, "corrupt", "none");
		knob_write(s, "latency_us", "0");
		stall_left[s] = 0;
	}
}

/* ---- fork: a child runs a few operations on the inherited fds, then exits ---- */

static void one_op(int allow_fork);

static void op_fork(void)
{
	uint64_t seed = rnd();
	int status;
	pid_t pid;

	note("fork");
	tally->forks++;
	pid = fork();
	count();
	if (pid == 0) {
		int i;

		in_child = 1;
		rng_state = seed;
		for (i = 0; i < FORK_OPS; i++)
			one_op(0);
		_exit(0);
	}
	if (pid > 0 && (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
			WEXITSTATUS(status)))
		violation("a forked child died: status 0x%x", status);
}

static void one_op(int allow_fork)
{
	uint32_t r = below(1000);

	if (r < 500)
		op_ioctl();
	else if (r < 560)
		op_open();
	else if (r < 650)
		op_mmap();
	else if (r < 700)
		op_munmap();
	else if (r < 820)
		op_fdcall();
	else if (r < 900)
		op_close();
	else if (r < 940)
		op_dup();
	else if (r < 960)
		op_other();
	else if (r < 964 && allow_fork)
		op_fork();
	else if (r < 968 && faults && !in_child)
		op_fault();
	else
		op_ioctl();
	if (!in_child)
		unstall();
}

/* ---- worker processes: more fuzzing processes on the same devices, one per extra CPU ---- */

/*
 * A worker runs its own random stream (derived from the seed) on its own fds until the run's
 * budget is spent, then closes them all. Only the main process injects faults, so the stall
 * bookkeeping has one owner. A worker's UAPI violations count in the shared tally.
 */
static pid_t start_worker(uint64_t seed, int index, unsigned long long budget)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid)
		return pid;
	rng_state = seed ^ (0x9E3779B97F4A7C15ull * (uint64_t)index);
	faults = 0;
	while (atomic_load(&tally->syscalls) < budget)
		one_op(1);
	while (nmaps)
		op_munmap();
	while (nobjs)
		op_close();
	_exit(0);
}

static void wait_worker(pid_t pid, int index)
{
	int status = 0;

	if (pid < 0)
		violation("worker %d could not start: %s", index, strerror(errno));
	else if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		violation("worker %d died: status 0x%x", index, status);
}

/* ---- watchdog ---- */

static void *watchdog(void *unused)
{
	unsigned long long last = 0, now;
	int still = 0;

	(void)unused;
	for (;;) {
		sleep(1);
		now = atomic_load(&tally->syscalls);
		still = now == last ? still + 1 : 0;
		last = now;
		if (still >= WATCHDOG_S) {
			printf("not ok - fuzz: no progress for %d s after \"%s\" (hang)\n", WATCHDOG_S,
			       last_op);
			printf("0 passed, 1 failed\n");
			fflush(stdout);
			_exit(1);
		}
	}
	return NULL;
}

/* ---- checks after the run ---- */

static int fd_count(void)
{
	struct dirent *de;
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n - 1; /* the directory's own fd */
}

static long long module_refs(const char *mod)
{
	char path[96];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/%s/refcnt", mod);
	f = fopen(path, "re");
	if (f) {
		if (fscanf(f, "%lld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/*
 * Free pages on the per-CPU lists, in kB. MemAvailable leaves them out, and they swing by more
 * than 16 MiB over a run in a 2-CPU guest: they are free memory all the same.
 */
static long long pcp_free_kib(void)
{
	char line[128];
	long long pages = 0, n;
	FILE *f = fopen("/proc/zoneinfo", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " count: %lld", &n) == 1)
			pages += n;
	fclose(f);
	return pages * (page / 1024);
}

/* MemAvailable plus the per-CPU free lists, after dropping the page cache. */
static long long mem_available_kib(void)
{
	char line[128];
	long long kib = -1;
	FILE *f;

	sync();
	f = fopen("/proc/sys/vm/drop_caches", "we");
	if (f) {
		fputs("3\n", f);
		fclose(f);
	}
	f = fopen("/proc/meminfo", "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %lld kB", &kib) == 1)
			break;
	fclose(f);
	return kib < 0 ? kib : kib + pcp_free_kib();
}

/*
 * One inference of every fixture model on every subsystem before the memory baseline: the
 * emulator keeps a 4 MiB NPU workspace per subsystem from the first model it runs (a cache that
 * goes with the module, not a leak), which otherwise lands inside the measured run.
 */
static void warm_up(void)
{
	struct ethosu_uapi_network_info info;
	struct job j;
	int s, m, dev, net;

	for (s = 0; s < nsubsys; s++) {
		dev = dev_open(s);
		for (m = 0; dev >= 0 && m < (int)ARRAY_SIZE(models); m++) {
			net = net_user(dev, models[m], model_len[m]);
			if (net < 0)
				continue;
			job_init(&j);
			if (!net_info(net, &info) &&
			    !job_buffers(&j, dev, info.ifm_count, info.ifm_size, info.ofm_count,
					 info.ofm_size, 1) &&
			    job_start(&j, net, NULL, 0) >= 0)
				inf_wait(j.inf, 10000);
			job_free(&j);
			close(net);
		}
		if (dev >= 0)
			close(dev);
	}
}

/* Kernel log lines with BUG, WARNING, Oops or general protection; printed when print is set. */
static int kernel_reports(int print)
{
	int len = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0), n = 0;
	char *log, *line, *save = NULL;

	if (len <= 0 || !(log = malloc(len + 1)))
		return -1;
	len = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, log, len);
	if (len < 0) {
		free(log);
		return -1;
	}
	log[len] = '\0';
	for (line = strtok_r(log, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strstr(line, "WARNING") || strstr(line, "Oops") ||
		    strstr(line, "general protection") || strstr(line, "BUG:") ||
		    strstr(line, "BUG ")) {
			if (print && n < 40)
				printf("#   %s\n", line);
			n++;
		}
	}
	free(log);
	return n;
}

static int passed, failed;

static void result(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s - fuzz: ", ok ? "ok" : "not ok");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (ok)
		passed++;
	else
		failed++;
}

/*
 * A fault that hits the driver's probe (VERSION/CAPABILITIES dropped, corrupted or stalled)
 * leaves the rpmsg device without a driver and no node: nothing retries until the firmware
 * restarts (docs/reliability.md). Restart such subsystems; returns how many.
 */
static int restart_unprobed(void)
{
	int s, n = 0;

	for (s = 0; s < nsubsys; s++) {
		if (emu_wait_online(s, 5000) >= 0 || emu_stat(s, "online") != 1)
			continue;
		printf("# subsystem %d: firmware online but no device node (a fault hit the "
		       "probe); restarting it\n", s);
		knob_write(s, "crash", "0");
		n++;
	}
	return n;
}

/* Every subsystem online and idle (nothing queued or processing) within timeout_ms. */
static int emu_idle(unsigned int timeout_ms)
{
	uint64_t end = now_ms() + timeout_ms;
	int s;

	for (s = 0; s < nsubsys; s++) {
		if (emu_wait_online(s, timeout_ms) < 0) {
			printf("# subsystem %d: not online (stats online %lld)\n", s,
			       emu_stat(s, "online"));
			return -1;
		}
		while (emu_stat(s, "queued") || emu_stat(s, "processing")) {
			if (now_ms() >= end) {
				printf("# subsystem %d: queued %lld, processing %lld\n", s,
				       emu_stat(s, "queued"), emu_stat(s, "processing"));
				return -1;
			}
			sleep_ms(20);
		}
	}
	return 0;
}

/*
 * How far free memory may drop over the run: 16 MiB, plus ETHOSU_FUZZ_MEM_SLACK_KIB where the
 * kernel holds freed memory back on purpose (KASAN's quarantine: the debug rig sets it, and its
 * kmemleak scan after the run is the leak check there).
 */
static long long mem_slack_kib(void)
{
	const char *extra = getenv("ETHOSU_FUZZ_MEM_SLACK_KIB");

	return 16384 + (extra ? atoll(extra) : 0);
}

int main(int argc, char **argv)
{
	unsigned long long budget = 200000, n;
	long long mem_before, mem_after, refs_before, refs_after;
	uint64_t seed = 0, t0, ms;
	int i, fds_before, fds_after, reports_before, reports_after, have_seed = 0;
	unsigned long long fc[ARRAY_SIZE(tally->fault_count)];
	pid_t workers[MAX_JOBS];
	pthread_t wd;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--seed") && i + 1 < argc) {
			seed = strtoull(argv[++i], NULL, 0);
			have_seed = 1;
		} else if (!strcmp(argv[i], "--syscalls") && i + 1 < argc) {
			budget = strtoull(argv[++i], NULL, 0);
		} else if (!strcmp(argv[i], "--jobs") && i + 1 < argc) {
			jobs = atoi(argv[++i]);
			if (jobs < 1 || jobs > MAX_JOBS) {
				fprintf(stderr, "fuzz: --jobs takes 1 to %d\n", MAX_JOBS);
				return 2;
			}
		} else if (!strcmp(argv[i], "--no-faults")) {
			faults = 0;
		} else if (!strcmp(argv[i], "--verbose")) {
			verbose = 1;
		} else {
			fprintf(stderr, "usage: fuzz [--seed N] [--syscalls N] [--jobs N] "
					"[--no-faults] [--verbose]\n");
			return 2;
		}
	}
	if (!have_seed) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		seed = (uint64_t)ts.tv_sec * 1000000007ull ^ (uint64_t)ts.tv_nsec ^
		       (uint64_t)getpid() << 32;
	}
	rng_state = seed;
	printf("# fuzz: seed %llu (replay: fuzz --seed %llu --syscalls %llu --jobs %d%s)\n",
	       (unsigned long long)seed, (unsigned long long)seed, budget, jobs,
	       faults ? "" : " --no-faults");
	fflush(stdout);

	page = sysconf(_SC_PAGESIZE);
	signal(SIGPIPE, SIG_IGN);
	tally = mmap(NULL, sizeof(*tally), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1,
		     0);
	guard = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	rdonly = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (tally == MAP_FAILED || guard == MAP_FAILED || rdonly == MAP_FAILED ||
	    mprotect(guard + page, page, PROT_NONE)) {
		perror("fuzz: mmap");
		return 2;
	}
	for (i = 0; i < 3; i++) {
		char name[32];

		snprintf(name, sizeof(name), "network-%d.tflite", i + 1);
		models[i] = read_file(fixture(name), &model_len[i]);
	}
	nsubsys = emu_subsystems();
	if (emu_idle(10000)) {
		result(0, "the emulated subsystems are not online and idle at the start");
		printf("%d passed, %d failed\n", passed, failed);
		return 1;
	}
	reset_faults();
	warm_up();
	fds_before = fd_count();
	refs_before = module_refs("ethosu");
	reports_before = kernel_reports(0);
	mem_before = mem_available_kib();
	pthread_create(&wd, NULL, watchdog, NULL);

	t0 = now_ms();
	for (i = 1; i < jobs; i++)
		workers[i] = start_worker(seed, i, budget);
	while (atomic_load(&tally->syscalls) < budget)
		one_op(1);
	for (i = 1; i < jobs; i++)
		wait_worker(workers[i], i);
	ms = now_ms() - t0;
	n = atomic_load(&tally->syscalls);
	for (i = 0; i < (int)ARRAY_SIZE(fc); i++)
		fc[i] = tally->fault_count[i];

	printf("# calls/successes:");
	for (i = 0; i < (int)ARRAY_SIZE(cmds); i++)
		printf(" %s %llu/%llu", cmds[i].name, (unsigned long long)tally->cmd_calls[i],
		       (unsigned long long)tally->cmd_ok[i]);
	printf("; mmaps granted %llu; forks %llu; faults drop %llu fail_status %llu reject %llu "
	       "corrupt %llu stall %llu latency %llu send_err %llu crash %llu\n",
	       (unsigned long long)tally->mmap_ok, (unsigned long long)tally->forks, fc[0] + fc[1],
	       fc[2] + fc[3], fc[4] + fc[5], fc[6] + fc[7], fc[8], fc[9] + fc[10] + fc[11],
	       fc[12] + fc[13], fc[14] + fc[15]);

	/* Clean up: every mapping and fd goes, the firmware answers everything again. */
	while (nmaps)
		op_munmap();
	while (nobjs)
		op_close();
	reset_faults();
	result(!tally->violations,
	       "%llu syscalls in %llu ms (%llu/s) by %d process%s, %llu UAPI rule violations", n,
	       (unsigned long long)ms, ms ? n * 1000 / ms : 0, jobs, jobs > 1 ? "es" : "",
	       (unsigned long long)tally->violations);
	i = restart_unprobed();
	result(!emu_idle(30000), "every subsystem online and idle within 30 s (%d restarted after "
	       "a failed probe)", i);
	fds_after = fd_count();
	result(fds_after == fds_before, "no fd leak: %d open fds before, %d after", fds_before,
	       fds_after);
	/* a released file drops its module reference at once; allow the restarts to settle */
	for (i = 0; i < 100 && (refs_after = module_refs("ethosu")) != refs_before; i++)
		sleep_ms(50);
	result(refs_after == refs_before, "ethosu.ko module references back: %lld before, %lld after",
	       refs_before, refs_after);
	mem_after = mem_available_kib();
	result(mem_after > mem_before - mem_slack_kib(),
	       "no memory leak: MemAvailable + per-CPU free lists %lld kB before, %lld kB after "
	       "(%lld MiB allowed)",
	       mem_before, mem_after, mem_slack_kib() / 1024);
	reports_after = kernel_reports(0);
	if (reports_after != reports_before)
		kernel_reports(1);
	result(reports_before >= 0 && reports_after == reports_before,
	       "no new BUG/WARNING/Oops lines in the kernel log (%d before, %d after)",
	       reports_before, reports_after);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
