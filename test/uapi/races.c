// SPDX-License-Identifier: Apache-2.0
/*
 * Race tests (issue 10, section 3): processes and threads on one device at once; closing the
 * network and buffers while their inference runs; closing an inference fd while another thread
 * polls it; firmware restarts in the middle of mmap, create and cancel; unloading ethosu.ko and
 * the emulator while user space holds fds, mappings and a poller. Every answer is checked; run
 * before npu_variants (it reloads the modules and needs ETHOSU_MODULE_DIR).
 */
#include <pthread.h>
#include <sys/wait.h>

#include "ethosu_test.h"
#include "modules.h"

#define KWS_IN 490
#define KWS_OUT 12
#define WAIT_MS 20000
#define ONLINE_MS 10000

static const uint32_t kws_isize[] = { KWS_IN }, kws_osize[] = { KWS_OUT };

/* job_check_outputs() uses a static scratch buffer: one checker at a time. */
static pthread_mutex_t check_lock = PTHREAD_MUTEX_INITIALIZER;

static int check_job(const struct job *j, char *why, size_t len)
{
	long t;

	pthread_mutex_lock(&check_lock);
	t = job_check_outputs(j, kws_isize, kws_osize, why, len);
	pthread_mutex_unlock(&check_lock);
	return t < 0 ? -1 : 0;
}

/* ---- processes and threads on one device ---- */

struct worker {
	int dev, seed, rounds, failed;
	char why[160];
};

/* Each round: its own network and buffers; half the rounds close them while the inference runs. */
static void *worker(void *arg)
{
	struct worker *w = arg;
	int i, net = -1;
	struct job j;

	job_init(&j);
	for (i = 0; i < w->rounds && !w->failed; i++) {
		net = net_index(w->dev, 1);
		if (net < 0 || job_buffers1(&j, w->dev, KWS_IN, KWS_OUT, w->seed + i) ||
		    job_start(&j, net, NULL, 1) < 0) {
			snprintf(w->why, sizeof(w->why), "round %d: setup: %s", i, strerror(errno));
			w->failed = 1;
		} else {
			if (i & 1) {
				close_fd(&net);
				job_close_buffers(&j);
			}
			if (inf_wait(j.inf, WAIT_MS) != POLLIN) {
				snprintf(w->why, sizeof(w->why), "round %d: not done", i);
				w->failed = 1;
			} else if (inf_state(j.inf) != ETHOSU_UAPI_STATUS_OK) {
				snprintf(w->why, sizeof(w->why), "round %d: status %s", i,
					 status_name(inf_state(j.inf)));
				w->failed = 1;
			} else if (check_job(&j, w->why, sizeof(w->why))) {
				w->failed = 1;
			}
		}
		job_free(&j);
		close_fd(&net);
	}
	return NULL;
}

/* A process of `threads` workers; 0 if every round was right, else 1 (reasons printed). */
static int run_workers(int dev, int threads, int rounds, int seed)
{
	struct worker w[8];
	pthread_t tid[8];
	int i, bad = 0;

	for (i = 0; i < threads; i++) {
		w[i] = (struct worker){ .dev = dev, .seed = seed + 100 * i, .rounds = rounds };
		if (pthread_create(&tid[i], NULL, worker, &w[i])) {
			w[i].failed = 1;
			snprintf(w[i].why, sizeof(w[i].why), "pthread_create failed");
			tid[i] = 0;
		}
	}
	for (i = 0; i < threads; i++) {
		if (tid[i])
			pthread_join(tid[i], NULL);
		if (w[i].failed) {
			printf("# seed %d thread %d: %s\n", seed, i, w[i].why);
			bad = 1;
		}
	}
	return bad;
}

static void processes_and_threads(void)
{
	const int procs = 3, threads = 4, rounds = 8;
	int dev = -1, p, status, bad = 0;
	pid_t pid[3];

	t_begin("races: %d processes x %d threads x %d inferences on one device, half closing "
		"network and buffers mid-inference: all OK with exact outputs", procs, threads,
		rounds);
	CHECK_SYS(dev, dev_open(0));
	for (p = 0; p < procs; p++) {
		pid[p] = fork();
		if (pid[p] == 0)
			_exit(run_workers(dev, threads, rounds, 1000 * (p + 1)));
		CHECK(pid[p] > 0, "fork: %s", strerror(errno));
	}
	for (p = 0; p < procs; p++) {
		CHECK(waitpid(pid[p], &status, 0) == pid[p], "waitpid: %s", strerror(errno));
		bad |= !WIFEXITED(status) || WEXITSTATUS(status);
	}
	CHECK(!bad, "a worker failed (see above)");
out:
	close_fd(&dev);
	t_end();
}

/* ---- an inference fd closed while another thread polls it ---- */

struct poller {
	int fd, revents;
	uint64_t took;
};

static void *poll_thread(void *arg)
{
	struct poller *p = arg;
	struct pollfd pf = { .fd = p->fd, .events = POLLIN };
	uint64_t t0 = now_ms();

	p->revents = poll(&pf, 1, 10000) == 1 ? pf.revents : -1;
	p->took = now_ms() - t0;
	return NULL;
}

static void close_while_polled(void)
{
	long long old = emu_set_latency(0, 600000);
	struct poller pl = { .fd = -1 };
	int dev = -1, net = -1, r, joined = 1;
	pthread_t tid;
	struct job j;
	char why[160];

	job_init(&j);
	t_begin("races: closing an inference fd another thread polls: the poll ends when the "
		"inference does (POLLNVAL), the inference still completes");
	CHECK(old >= 0, "cannot set latency_us");
	CHECK_SYS(dev, dev_open(0));
	CHECK_SYS(net, net_index(dev, 1));
	CHECK_SYS(r, job_buffers1(&j, dev, KWS_IN, KWS_OUT, 7));
	CHECK_SYS(pl.fd, job_start(&j, net, NULL, 0));
	CHECK(!pthread_create(&tid, NULL, poll_thread, &pl), "pthread_create");
	joined = 0;
	sleep_ms(100);
	j.inf = -1;
	CHECK_EQ(close(pl.fd), 0);
	pthread_join(tid, NULL);
	joined = 1;
	CHECK(pl.revents == POLLNVAL, "poll revents 0x%x, want POLLNVAL", pl.revents);
	CHECK(pl.took >= 300 && pl.took < 5000, "poll returned after %llu ms (latency 600)",
	      (unsigned long long)pl.took);
	/* the firmware answered an inference nobody holds; the outputs still arrived */
	CHECK(check_job(&j, why, sizeof(why)) == 0, "%s", why);
out:
	if (!joined)
		pthread_join(tid, NULL);
	if (old >= 0)
		emu_set_latency(0, old);
	job_free(&j);
	close_fd(&net);
	close_fd(&dev);
	t_end();
}

/* ---- firmware restarts during mmap, create and cancel ---- */

struct churn {
	int what; /* 0 mmap, 1 create, 2 cancel */
	volatile int stop;
	unsigned long ops, ok, unexpected;
	char why[160];
};

/* Errors a call may give while its subsystem restarts; anything else is a failure. */
static int restart_errno(int err)
{
	return err == ENODEV || err == EFAULT || err == EIO || err == ENOENT || err == ENXIO ||
	       err == ETIME;
}

static void churn_error(struct churn *c, const char *call)
{
	if (restart_errno(errno))
		return;
	if (!c->unexpected++)
		snprintf(c->why, sizeof(c->why), "%s: %s", call, strerrorname_np(errno));
}

static void *churn_thread(void *arg)
{
	struct churn *c = arg;
	int dev = -1, net = -1;

	while (!c->stop) {
		struct job j;
		uint8_t *p;
		int buf, st;

		c->ops++;
		if (dev < 0 && (dev = dev_open_minor(emu_minor(0))) < 0) {
			churn_error(c, "open");
			sleep_ms(5);
			continue;
		}
		if (c->what == 0) {
			buf = buf_create(dev, 8192);
			if (buf < 0) {
				churn_error(c, "BUFFER_CREATE");
				close_fd(&dev);
				continue;
			}
			p = buf_map(buf, 8192);
			if (p == MAP_FAILED) {
				churn_error(c, "mmap");
			} else {
				memset(p, 0x11, 8192);
				c->ok += p[8191] == 0x11;
				munmap(p, 8192);
			}
			close(buf);
			continue;
		}
		if (net < 0 && (net = net_index(dev, 1)) < 0) {
			churn_error(c, "NETWORK_CREATE");
			close_fd(&dev);
			continue;
		}
		job_init(&j);
		if (job_buffers1(&j, dev, KWS_IN, KWS_OUT, 3) || job_start(&j, net, NULL, 0) < 0) {
			churn_error(c, "INFERENCE_CREATE");
			job_free(&j);
			close_fd(&net);
			close_fd(&dev);
			continue;
		}
		if (c->what == 2 && inf_cancel(j.inf, &st))
			churn_error(c, "INFERENCE_CANCEL");
		if (inf_wait(j.inf, WAIT_MS) != POLLIN) {
			if (!c->unexpected++)
				snprintf(c->why, sizeof(c->why), "an inference never ended");
		} else {
			st = inf_state(j.inf);
			if (st == ETHOSU_UAPI_STATUS_OK || st == ETHOSU_UAPI_STATUS_ABORTED ||
			    st == ETHOSU_UAPI_STATUS_ERROR)
				c->ok++;
			else if (!c->unexpected++)
				snprintf(c->why, sizeof(c->why), "ended with status %s",
					 status_name(st));
		}
		job_free(&j);
	}
	close_fd(&net);
	close_fd(&dev);
	return NULL;
}

static void crash_during_ops(void)
{
	long long old = emu_set_latency(0, 20000);
	struct churn c[3] = { { .what = 0 }, { .what = 1 }, { .what = 2 } };
	pthread_t tid[3];
	int i, started = 0, round;

	t_begin("races: 6 firmware restarts while threads mmap, create and cancel: only "
		"ENODEV/EFAULT/EIO/ENOENT/ENXIO/ETIME, every inference ends, then all works");
	CHECK(old >= 0, "cannot set latency_us");
	CHECK(emu_wait_online(0, ONLINE_MS) >= 0, "subsystem 0 offline");
	for (i = 0; i < 3; i++) {
		CHECK(!pthread_create(&tid[i], NULL, churn_thread, &c[i]), "pthread_create");
		started++;
	}
	for (round = 0; round < 6; round++) {
		sleep_ms(250);
		CHECK(!knob_write(0, "crash", "%d", 50 + 50 * round), "write crash: %s",
		      strerror(errno));
		CHECK(!emu_wait_offline(0, 3000), "round %d: no offline", round);
		CHECK(emu_wait_online(0, ONLINE_MS) >= 0, "round %d: did not come back", round);
	}
	sleep_ms(250);
out:
	for (i = 0; i < started; i++)
		c[i].stop = 1;
	for (i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	for (i = 0; i < started && !t_case_failed; i++) {
		printf("# %s thread: %lu operations, %lu completed\n",
		       i == 0 ? "mmap" : i == 1 ? "create" : "cancel", c[i].ops, c[i].ok);
		if (c[i].unexpected)
			t_fail(__LINE__, "thread %d: %lu unexpected results, first: %s", i,
			       c[i].unexpected, c[i].why);
		else if (!c[i].ok)
			t_fail(__LINE__, "thread %d completed nothing", i);
	}
	if (old >= 0)
		emu_set_latency(0, old);
	emu_wait_online(0, ONLINE_MS);
	t_end();
}

/* ---- module unload with fds and mappings held ---- */

static int all_online(unsigned int timeout_ms)
{
	int s, n = emu_subsystems();

	for (s = 0; s < n; s++)
		if (emu_wait_online(s, timeout_ms) < 0)
			return -1;
	return 0;
}

static void unload_driver(void)
{
	uint8_t *map = MAP_FAILED;
	int dev = -1, buf = -1, loaded = 1;
	char why[160];

	t_begin("races: ethosu.ko cannot be unloaded while a device fd or only a mapping is held "
		"(EWOULDBLOCK); after munmap it unloads, reloads and works");
	CHECK(getenv("ETHOSU_MODULE_DIR"), "ETHOSU_MODULE_DIR is not set");
	CHECK_SYS(dev, dev_open(0));
	CHECK_SYS(buf, buf_create(dev, 4096));
	map = buf_map(buf, 4096);
	CHECK(map != MAP_FAILED, "mmap: %s", strerror(errno));
	memset(map, 0x42, 4096);
	CHECK_ERR(module_unload("ethosu"), EWOULDBLOCK);
	close_fd(&dev);
	close_fd(&buf);
	/* the mapping alone pins the buffer's file, whose fops belong to the module */
	CHECK_ERR(module_unload("ethosu"), EWOULDBLOCK);
	CHECK(map[0] == 0x42 && map[4095] == 0x42, "the mapping changed");
	munmap(map, 4096);
	map = MAP_FAILED;
	CHECK_SYS(loaded, module_unload("ethosu"));
	loaded = 0;
	CHECK(access("/sys/class/ethosu", F_OK) || emu_minor(0) < 0,
	      "a device is still registered after the unload");
	CHECK(!module_load("ethosu.ko", ""), "reload ethosu.ko: %s", strerror(errno));
	loaded = 1;
	CHECK(!all_online(ONLINE_MS), "the subsystems did not come back");
	{
		int net = -1, r;
		struct job j;

		job_init(&j);
		dev = dev_open(0);
		net = dev >= 0 ? net_index(dev, 1) : -1;
		r = net >= 0 && !job_buffers1(&j, dev, KWS_IN, KWS_OUT, 9) &&
		    job_start(&j, net, NULL, 0) >= 0 && inf_wait(j.inf, WAIT_MS) == POLLIN &&
		    inf_state(j.inf) == ETHOSU_UAPI_STATUS_OK && !check_job(&j, why, sizeof(why));
		job_free(&j);
		close_fd(&net);
		CHECK(r, "an inference after the reload failed: %s", errno ? strerror(errno) : why);
	}
out:
	if (map != MAP_FAILED)
		munmap(map, 4096);
	close_fd(&dev);
	close_fd(&buf);
	if (!loaded)
		module_load("ethosu.ko", "");
	all_online(ONLINE_MS);
	t_end();
}

static void unload_emulator(void)
{
	const char *args = getenv("ETHOSU_EMU_ARGS");
	long long old = emu_set_latency(0, 3000000);
	struct poller pl = { .fd = -1 };
	int dev = -1, net = -1, r, joined = 1, loaded = 1, i;
	pthread_t tid;
	struct job j;

	job_init(&j);
	t_begin("races: unloading the emulator under a polled inference, fds and mappings: the "
		"poll wakes (POLLIN), status ERROR, fds ENODEV, mappings intact, reload works");
	CHECK(old >= 0, "cannot set latency_us");
	CHECK_SYS(dev, dev_open(0));
	CHECK_SYS(net, net_index(dev, 1));
	CHECK_SYS(r, job_buffers1(&j, dev, KWS_IN, KWS_OUT, 11));
	CHECK_SYS(pl.fd, job_start(&j, net, NULL, 0));
	CHECK(!pthread_create(&tid, NULL, poll_thread, &pl), "pthread_create");
	joined = 0;
	sleep_ms(100);
	for (i = 0; i < 100 && (r = module_unload("ethosu_emu")) && (errno == EAGAIN || errno == EBUSY);
	     i++)
		sleep_ms(50);
	CHECK(!r, "delete_module(ethosu_emu): %s", strerror(errno));
	loaded = 0;
	pthread_join(tid, NULL);
	joined = 1;
	CHECK(pl.revents == POLLIN, "poll revents 0x%x, want POLLIN", pl.revents);
	CHECK(pl.took < 2500, "the poll ended %llu ms after it began (the latency is 3 s)",
	      (unsigned long long)pl.took);
	CHECK_STATUS(inf_state(j.inf), ETHOSU_UAPI_STATUS_ERROR);
	CHECK_ERR(ioctl(dev, ETHOSU_IOCTL_PING), ENODEV);
	CHECK_ERR(buf_create(dev, 64), ENODEV);
	CHECK(job_outputs_untouched(&j), "the OFM mapping changed");
	memset(j.ifm_map[0], 0x99, KWS_IN);
	CHECK_SYS(r, module_load("emulator/ethosu_emu.ko", args ? args : "subsystems=2"));
	loaded = 1;
	CHECK(!all_online(ONLINE_MS), "the subsystems did not come back");
out:
	if (!joined)
		pthread_join(tid, NULL);
	if (!loaded)
		module_load("emulator/ethosu_emu.ko", args ? args : "subsystems=2");
	all_online(ONLINE_MS);
	job_free(&j);
	close_fd(&net);
	close_fd(&dev);
	t_end();
}

int main(void)
{
	processes_and_threads();
	close_while_polled();
	if (!skip_on_chain("races: 6 firmware restarts during mmap, create, cancel", CHAIN_CRASH_KNOB))
		crash_during_ops();
	unload_driver();
	if (!skip_on_chain("races: unloading the emulator under a polled inference", CHAIN_RELOAD))
		unload_emulator();
	return t_exit();
}
