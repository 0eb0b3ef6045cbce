// SPDX-License-Identifier: Apache-2.0
/*
 * Security checks (issue 10, section 5): buffers never show stale memory (same subsystem, the
 * other subsystem, after a crash); mmap stays inside the buffer; one subsystem refuses another's
 * buffers; sizes that cannot be allocated fail with an errno without eating memory; every fd the
 * driver creates is close-on-exec; and under packaging/udev/60-ethosu.rules a user outside the
 * group cannot open the device (a real uid 65534 process, the rule applied with udevadm).
 */
#include <glob.h>
#include <grp.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/wait.h>

#include "ethosu_test.h"

#define ONLINE_MS 10000
#define STALE 0x5A

/* Allocates n buffers of size bytes on dev, checks they read zero, fills them with STALE. */
static int alloc_check_fill(int dev, int n, uint32_t size, char *why, size_t len)
{
	int i, ret = 0;

	for (i = 0; i < n && !ret; i++) {
		int buf = buf_create(dev, size);
		uint8_t *p = buf >= 0 ? buf_map(buf, size) : MAP_FAILED;
		uint32_t b;

		if (p == MAP_FAILED) {
			snprintf(why, len, "buffer %d: %s", i, strerror(errno));
			ret = -1;
		} else {
			for (b = 0; b < size && !ret; b++)
				if (p[b]) {
					snprintf(why, len, "buffer %d byte %u is 0x%02x, want 0", i, b,
						 p[b]);
					ret = -1;
				}
			memset(p, STALE, size);
			munmap(p, size);
		}
		if (buf >= 0)
			close(buf);
	}
	return ret;
}

#define CHECK_FRESH(dev, n, size)                                                              \
	do {                                                                                   \
		char w_[128];                                                                  \
		CHECK(!alloc_check_fill(dev, n, size, w_, sizeof(w_)), "%s", w_);              \
	} while (0)

static void stale_across_subsystems(void)
{
	int d0 = -1, d1 = -1, round;

	t_begin("security: memory one subsystem wrote and freed comes back zeroed on the other");
	CHECK(emu_subsystems() >= 2, "needs 2 subsystems");
	CHECK_SYS(d0, dev_open(0));
	CHECK_SYS(d1, dev_open(1));
	for (round = 0; round < 3; round++) {
		CHECK_FRESH(d0, 16, 64 * 1024);
		CHECK_FRESH(d1, 16, 64 * 1024);
		CHECK_FRESH(d0, 4, 1024 * 1024);
		CHECK_FRESH(d1, 4, 1024 * 1024);
	}
out:
	close_fd(&d0);
	close_fd(&d1);
	t_end();
}

static void stale_after_crash(void)
{
	const uint32_t size = 256 * 1024;
	uint8_t *held = MAP_FAILED;
	int dev = -1, buf = -1;
	uint32_t i;

	t_begin("security: after a firmware restart new buffers are zeroed; a mapping held across "
		"it keeps its own bytes");
	CHECK_SYS(dev, dev_open(0));
	CHECK_FRESH(dev, 8, size);
	CHECK_SYS(buf, buf_create(dev, size));
	held = buf_map(buf, size);
	CHECK(held != MAP_FAILED, "mmap: %s", strerror(errno));
	memset(held, STALE, size);
	close_fd(&buf);
	close_fd(&dev);
	CHECK(!knob_write(0, "crash", "100"), "write crash: %s", strerror(errno));
	CHECK(!emu_wait_offline(0, 3000), "the emulator did not go offline");
	CHECK_SYS(dev, dev_open(0));
	CHECK_FRESH(dev, 8, size);
	for (i = 0; i < size; i++)
		CHECK(held[i] == STALE, "the held mapping's byte %u changed to 0x%02x", i, held[i]);
out:
	if (held != MAP_FAILED)
		munmap(held, size);
	close_fd(&buf);
	close_fd(&dev);
	emu_wait_online(0, ONLINE_MS);
	t_end();
}

/*
 * A window may start inside the buffer (upstream's ABI; the library maps all of it at 0) and
 * then shows exactly the buffer's bytes there; nothing reaches past the end, however the offset
 * and length are chosen, and a mapping cannot grow or be copied on write.
 */
static void map_window(int dev)
{
	long page = sysconf(_SC_PAGESIZE);
	uint8_t *all = MAP_FAILED, *win = MAP_FAILED, *priv = MAP_FAILED;
	int buf = -1;
	long i;

	t_begin("security: mmap windows stay inside the buffer (offset + length, huge offsets, "
		"mremap growth, MAP_PRIVATE)");
	CHECK_SYS(buf, buf_create(dev, 3 * page));
	all = buf_map(buf, 3 * page);
	CHECK(all != MAP_FAILED, "mmap: %s", strerror(errno));
	for (i = 0; i < 3 * page; i++)
		all[i] = (uint8_t)(i / page + 1);
	CHECK_ERR(mmap(NULL, 3 * page, PROT_READ, MAP_SHARED, buf, 2 * page), EINVAL);
	win = mmap(NULL, page, PROT_READ, MAP_SHARED, buf, 2 * page);
	CHECK(win != MAP_FAILED, "the last page at offset 2 pages: %s", strerror(errno));
	for (i = 0; i < page; i++)
		CHECK(win[i] == 3, "window byte %ld is %u, want 3 (the buffer's third page)", i,
		      win[i]);
	munmap(win, page);
	win = MAP_FAILED;
	CHECK_ERR(mmap(NULL, 2 * page, PROT_READ, MAP_SHARED, buf, 2 * page), EINVAL);
	CHECK_ERR(mmap(NULL, page, PROT_READ, MAP_SHARED, buf, 3 * page), EINVAL);
	/* an offset whose page number wraps when the length is added: the mm core refuses it */
	CHECK_ERR(mmap(NULL, 2 * page, PROT_READ, MAP_SHARED, buf, (off_t)-page & ~(page - 1)),
		  EOVERFLOW);
	CHECK_ERR(mmap(NULL, page, PROT_READ, MAP_SHARED, buf, (off_t)1 << 62), EINVAL);
	/* growing the full mapping in place or by moving it is refused */
	CHECK_ERR(mremap(all, 3 * page, 4 * page, MREMAP_MAYMOVE), EFAULT);
	/* a private mapping reads the buffer, but its writes never reach it */
	priv = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE, buf, 0);
	CHECK(priv != MAP_FAILED, "MAP_PRIVATE: %s", strerror(errno));
	CHECK(priv[page] == 2, "MAP_PRIVATE reads %u, want 2", priv[page]);
	memset(priv, 0xEE, 3 * page);
	for (i = 0; i < 3 * page; i++)
		CHECK(all[i] == (uint8_t)(i / page + 1), "byte %ld changed", i);
out:
	if (win != MAP_FAILED)
		munmap(win, page);
	if (priv != MAP_FAILED)
		munmap(priv, 3 * page);
	if (all != MAP_FAILED)
		munmap(all, 3 * page);
	close_fd(&buf);
	t_end();
}

static void other_subsystem(void)
{
	int d0 = -1, d1 = -1, net0 = -1, b1 = -1, b0 = -1, r;

	t_begin("security: a buffer of subsystem 1 is refused by subsystem 0 as IFM and as OFM "
		"(EINVAL), nothing is sent");
	CHECK(emu_subsystems() >= 2, "needs 2 subsystems");
	CHECK_SYS(d0, dev_open(0));
	CHECK_SYS(d1, dev_open(1));
	CHECK_SYS(net0, net_index(d0, 1));
	CHECK_SYS(b0, buf_create(d0, 490));
	CHECK_SYS(b1, buf_create(d1, 490));
	r = (int)emu_stat(0, "rx_inference_req");
	CHECK_ERR(inf_create(net0, 1, &b1, 1, &b0, NULL, 0), EINVAL);
	CHECK_ERR(inf_create(net0, 1, &b0, 1, &b1, NULL, 0), EINVAL);
	CHECK_EQ(emu_stat(0, "rx_inference_req"), r);
out:
	close_fd(&b0);
	close_fd(&b1);
	close_fd(&net0);
	close_fd(&d0);
	close_fd(&d1);
	t_end();
}

static long long mem_available_kib(void)
{
	char line[128];
	long long kib = -1;
	FILE *f = fopen("/proc/meminfo", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %lld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

/*
 * Sizes that cannot be allocated fail at once with ENOMEM (buffers) or ENOMEM/EFAULT (a network
 * copied from a short user buffer), 300 times each, and MemAvailable afterwards is where it was.
 */
static void sizes_no_memory_eaten(int dev)
{
	static const uint32_t huge[] = { 0x80000000u, 0xFFFFFFFFu, 0xFFFFF001u };
	static uint8_t small[4096];
	long long before, after;
	uint64_t t0;
	unsigned int i, k;

	t_begin("security: 1800 impossible BUFFER_CREATE/NETWORK_CREATE sizes fail at once "
		"(ENOMEM/EFAULT) and MemAvailable stays within 8 MiB");
	before = mem_available_kib();
	CHECK(before > 0, "no MemAvailable in /proc/meminfo");
	t0 = now_ms();
	for (i = 0; i < 300; i++) {
		for (k = 0; k < ARRAY_SIZE(huge); k++) {
			CHECK_ERR(buf_create(dev, huge[k]), ENOMEM);
			CHECK_ERR(net_user(dev, small, huge[k]), ENOMEM);
		}
	}
	/* a size that can be allocated, but the user buffer behind the pointer is short */
	for (i = 0; i < 50; i++)
		CHECK_ERR(net_user(dev, small, 1024 * 1024), EFAULT);
	CHECK(now_ms() - t0 < 20000, "the failures took %llu ms",
	      (unsigned long long)(now_ms() - t0));
	after = mem_available_kib();
	CHECK(after > before - 8192, "MemAvailable went from %lld to %lld kB", before, after);
out:
	t_end();
}

static void all_fds_cloexec(int dev)
{
	int net = -1, unet = -1, buf = -1, ofm = -1, inf = -1;
	uint8_t *model = NULL;
	size_t len = 0;

	t_begin("security: buffer, network (index and user buffer) and inference fds are O_RDWR "
		"+ close-on-exec");
	model = read_file(fixture("network-1.tflite"), &len);
	CHECK(model, "%s: %s", fixture("network-1.tflite"), strerror(errno));
	CHECK_SYS(buf, buf_create(dev, 490));
	CHECK(fd_is_rdwr_cloexec(buf), "buffer fd");
	CHECK_SYS(ofm, buf_create(dev, 12));
	CHECK_SYS(net, net_index(dev, 1));
	CHECK(fd_is_rdwr_cloexec(net), "network fd (index)");
	CHECK_SYS(unet, net_user(dev, model, (uint32_t)len));
	CHECK(fd_is_rdwr_cloexec(unet), "network fd (user buffer)");
	CHECK_SYS(inf, inf_create(net, 1, &buf, 1, &ofm, NULL, 0));
	CHECK(fd_is_rdwr_cloexec(inf), "inference fd");
	CHECK_DONE(inf, 20000);
out:
	free(model);
	close_fd(&inf);
	close_fd(&ofm);
	close_fd(&unet);
	close_fd(&net);
	close_fd(&buf);
	t_end();
}

/* ---- the udev rule, with a real unprivileged user ---- */

#define NOBODY 65534

/*
 * udevadm: $ETHOSU_UDEVADM, else the one scripts/setup unpacks into the cache. "none" leaves the
 * case out (a guest whose userland has no udevadm for its CPU): it is then neither passed nor
 * failed, and a "# skip" line says so.
 */
static const char *find_udevadm(void)
{
	static char path[PATH_MAX];
	const char *env = getenv("ETHOSU_UDEVADM");
	const char *cache = getenv("ETHOSU_CACHE_DIR");
	glob_t g;

	if (env)
		return env;
	snprintf(path, sizeof(path), "%s/udev-*/bin/udevadm",
		 cache ? cache : "/var/cache/ethos-u-node");
	if (glob(path, 0, NULL, &g) || !g.gl_pathc)
		return NULL;
	snprintf(path, sizeof(path), "%s", g.gl_pathv[g.gl_pathc - 1]);
	globfree(&g);
	return path;
}

/* Runs argv, output to log; its exit status or -1. */
static int run(char *const argv[], const char *log)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* In a child as uid/gid NOBODY with the given supplementary groups: open's errno, or 0. */
static int open_as_nobody(const char *node, const gid_t *groups, size_t n)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		int fd;

		if (setgroups(n, groups) || setgid(NOBODY) || setuid(NOBODY))
			_exit(254);
		fd = open(node, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			_exit(errno);
		_exit(ioctl(fd, ETHOSU_IOCTL_PING) ? 253 : 0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* The copy of /etc/group; removed when the check ends (udev's lookups need it linked). */
static char group_copy[64];

/* Appends "ethosu:x:<free gid>:" to a copy of /etc/group and binds it over /etc/group. */
static int add_group(gid_t *gid, char *why, size_t len)
{
	char line[512];
	FILE *in, *out;

	for (*gid = 999; getgrgid(*gid); (*gid)--)
		;
	/* /tmp may be shared with other guests: a name of this process */
	snprintf(group_copy, sizeof(group_copy), "/tmp/ethosu-security.%d.group", (int)getpid());
	in = fopen("/etc/group", "re");
	out = fopen(group_copy, "we");
	if (!in || !out) {
		snprintf(why, len, "copy /etc/group: %s", strerror(errno));
		if (in)
			fclose(in);
		if (out)
			fclose(out);
		return -1;
	}
	while (fgets(line, sizeof(line), in))
		fputs(line, out);
	fprintf(out, "ethosu:x:%u:\n", (unsigned int)*gid);
	fclose(in);
	if (fclose(out) || mount(group_copy, "/etc/group", NULL, MS_BIND, NULL)) {
		snprintf(why, len, "bind the group file: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * The whole check, in a child with a mount namespace of its own (so the group file and the rules
 * directory are only seen there); 0, or -1 with why filled in.
 */
static int udev_check(const char *udevadm, int minor, char *why, size_t len)
{
	char node[32], sys[64], rules[PATH_MAX];
	char *argv[] = { (char *)udevadm, "test", "--action=add", sys, NULL };
	char log[64];
	struct stat before, st;
	gid_t gid;
	int r, ret = -1;
	size_t n;
	void *rule;

	snprintf(log, sizeof(log), "/tmp/ethosu-security.%d.udev.log", (int)getpid());
	snprintf(node, sizeof(node), "/dev/ethosu%d", minor);
	snprintf(sys, sizeof(sys), "/sys/class/ethosu/ethosu%d", minor);
	snprintf(rules, sizeof(rules), "%s/packaging/udev/60-ethosu.rules",
		 getenv("ETHOSU_REPO") ? getenv("ETHOSU_REPO") : ETHOSU_TEST_REPO);
	if (stat(node, &before)) {
		snprintf(why, len, "%s: %s", node, strerror(errno));
		return -1;
	}
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)) {
		snprintf(why, len, "mount namespace: %s", strerror(errno));
		return -1;
	}
	if (add_group(&gid, why, len)) {
		unlink(group_copy);
		return -1;
	}
	/* the rule alone in udev's runtime rules directory, on a tmpfs of this namespace */
	mkdir("/run/udev", 0755);
	mkdir("/run/udev/rules.d", 0755);
	rule = read_file(rules, &n);
	if (!rule || mount("tmpfs", "/run/udev/rules.d", "tmpfs", 0, "mode=0755")) {
		snprintf(why, len, "%.160s: %s", rule ? "/run/udev/rules.d" : rules, strerror(errno));
		free(rule);
		goto restore;
	}
	r = open("/run/udev/rules.d/60-ethosu.rules", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (r < 0 || write(r, rule, n) != (ssize_t)n) {
		snprintf(why, len, "write the rule: %s", strerror(errno));
		free(rule);
		goto restore;
	}
	close(r);
	free(rule);

	r = run(argv, log);
	if (r) {
		snprintf(why, len, "udevadm test exited %d (log: %s)", r, log);
		goto restore;
	}
	if (stat(node, &st) || st.st_uid != 0 || st.st_gid != gid || (st.st_mode & 07777) != 0660) {
		snprintf(why, len, "after udevadm: %s is %u:%u mode %o, want 0:%u mode 660", node,
			 st.st_uid, st.st_gid, st.st_mode & 07777, (unsigned int)gid);
		goto restore;
	}
	r = open_as_nobody(node, NULL, 0);
	if (r != EACCES) {
		snprintf(why, len, "uid %d outside group ethosu: open gave %d (%s), want EACCES",
			 NOBODY, r, r > 0 && r < 200 ? strerrorname_np(r) : "?");
		goto restore;
	}
	r = open_as_nobody(node, &gid, 1);
	if (r) {
		snprintf(why, len, "uid %d in group ethosu: open+PING gave %d (%s), want 0", NOBODY,
			 r, r > 0 && r < 200 ? strerrorname_np(r) : "?");
		goto restore;
	}
	ret = 0;
	unlink(log);
restore:
	unlink(group_copy);
	if (chown(node, before.st_uid, before.st_gid) || chmod(node, before.st_mode & 07777))
		snprintf(why, len, "cannot restore %s: %s", node, strerror(errno));
	return ret;
}

static void udev_rule(void)
{
	const char *udevadm = find_udevadm();
	char why[256] = "";
	int pipefd[2] = { -1, -1 }, minor, status;
	ssize_t n;
	pid_t pid;

	if (udevadm && !strcmp(udevadm, "none")) {
		printf("# skip - security: the udev rule case (ETHOSU_UDEVADM=none)\n");
		return;
	}
	t_begin("security: under 60-ethosu.rules (udevadm test) uid 65534 outside group ethosu "
		"gets EACCES, inside it opens and pings");
	CHECK(udevadm, "no udevadm: set ETHOSU_UDEVADM or run scripts/setup (it unpacks one)");
	CHECK((minor = emu_wait_online(0, ONLINE_MS)) >= 0, "subsystem 0 offline");
	CHECK_SYS(status, pipe2(pipefd, O_CLOEXEC));
	pid = fork();
	if (pid == 0) {
		int r = udev_check(udevadm, minor, why, sizeof(why));

		if (write(pipefd[1], why, strlen(why)) < 0)
			r = -1;
		_exit(r ? 1 : 0);
	}
	CHECK(pid > 0, "fork: %s", strerror(errno));
	close_fd(&pipefd[1]);
	n = read(pipefd[0], why, sizeof(why) - 1);
	why[n > 0 ? n : 0] = '\0';
	CHECK(waitpid(pid, &status, 0) == pid, "waitpid: %s", strerror(errno));
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s", why[0] ? why : "child failed");
out:
	close_fd(&pipefd[0]);
	close_fd(&pipefd[1]);
	t_end();
}

int main(void)
{
	int dev = t_open_main(0, "security");

	if (dev < 0)
		return t_exit();
	stale_across_subsystems();
	map_window(dev);
	other_subsystem();
	sizes_no_memory_eaten(dev);
	all_fds_cloexec(dev);
	close(dev);
	udev_rule();
	if (!skip_on_chain("security: new buffers zeroed after a firmware restart", CHAIN_CRASH_KNOB))
		stale_after_crash();
	return t_exit();
}
