/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * iscsid's worker threads: a job runs in its own thread, its result comes
 * back on the loop, and the thread's stack is too small for a transparent
 * huge page (an 8 MB default stack can cost 2 MB of memory; see worker.c)
 * yet holds a 200 kB frame.
 */
#include <check.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "iscsid/worker.h"
#include "testutil.h"

struct job_arg {
	size_t stack_size;
	bool other_thread;
	pthread_t loop_thread;
	char scratch[200 * 1024];  /* filled on the stack: the job has room for this much */
};

struct result {
	bool done;
	int value;
	size_t stack_size;
	bool other_thread;
};

static int job(void *p)
{
	struct job_arg *a = p;
	pthread_attr_t attr;
	volatile char buf[sizeof(a->scratch)];

	memset((char *)buf, 'x', sizeof(buf));
	memcpy(a->scratch, (char *)buf, sizeof(a->scratch));
	a->other_thread = !pthread_equal(pthread_self(), a->loop_thread);
	if (pthread_getattr_np(pthread_self(), &attr) == 0) {
		pthread_attr_getstacksize(&attr, &a->stack_size);
		pthread_attr_destroy(&attr);
	}
	return 42;
}

static void done(void *userdata, void *arg, int result)
{
	struct result *r = userdata;
	struct job_arg *a = arg;

	r->done = true;
	r->value = result;
	r->stack_size = a->stack_size;
	r->other_thread = a->other_thread;
}

static struct result run_one(void)
{
	struct result r = { 0 };
	struct job_arg *a = calloc(1, sizeof(*a));
	struct worker *w = NULL;
	sd_event *ev = NULL;

	ck_assert_ptr_nonnull(a);
	a->loop_thread = pthread_self();
	ck_assert_int_ge(sd_event_new(&ev), 0);
	ck_assert_int_eq(worker_start(&w, ev, job, a, done, &r), 0);
	for (int i = 0; i < 100 && !r.done; i++)
		ck_assert_int_ge(sd_event_run(ev, 100000), 0);
	sd_event_unref(ev);
	return r;
}

START_TEST(test_worker_result_comes_back_on_the_loop)
{
	struct result r = run_one();

	ck_assert(r.done);
	ck_assert_int_eq(r.value, 42);
	ck_assert(r.other_thread);
}
END_TEST

/* 2 MB is the x86-64 huge page: a mapping smaller than that never spans an
 * aligned 2 MB range, so the kernel cannot back any of it with one. */
START_TEST(test_worker_stack_is_smaller_than_a_huge_page)
{
	struct result r = run_one();

	ck_assert(r.done);
	ck_assert_uint_gt(r.stack_size, 0);
	ck_assert_uint_lt(r.stack_size, 2u << 20);
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		test_worker_result_comes_back_on_the_loop,
		test_worker_stack_is_smaller_than_a_huge_page,
		NULL,
	};

	return tu_run(&(const struct tu_suite){
		.name = "worker",
		.tests = tests,
	});
}
