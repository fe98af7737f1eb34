/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * iscsid's file of session numbers and ISIDs (iscsid/isidfile.c): what it
 * writes reads back the same, a file damaged in any field is refused as a
 * whole with the line named, and the atomic write leaves nothing behind.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "iscsid/isidfile.h"
#include "testutil.h"

static const uint8_t ISID_A[6] = { 0x80, 0x12, 0x34, 0x56, 0x78, 0x9a };
static const uint8_t ISID_B[6] = { 0x80, 0xab, 0xcd, 0xef, 0x01, 0x23 };
#define T1 "iqn.2003-01.org.lunlink.test:multi-b"

#define HEAD "# a comment\n" ISIDFILE_HEADER "\n"

static int parse(const char *text, struct isid_table *t, char *why)
{
	why[0] = '\0';
	return isidfile_parse(text, strlen(text), t, why, 200);
}

START_TEST(test_format_then_parse_gives_the_same_table)
{
	struct isid_table t = { 0 }, back = { 0 };
	char *text = NULL, why[200];
	size_t len = 0;

	ck_assert_int_eq(isidfile_add(&t, 7, 2, ISID_A, T1), 0);
	ck_assert_int_eq(isidfile_add(&t, 4294967295u, 0, ISID_B, "iqn.x:y"), 0);
	ck_assert_int_eq(isidfile_format(&t, &text, &len), 0);
	ck_assert_ptr_nonnull(strstr(text, "\n7 2 80123456789a " T1 "\n"));
	ck_assert_int_eq(isidfile_parse(text, len, &back, why, sizeof(why)), 0);
	ck_assert_uint_eq(back.n, 2);
	ck_assert_uint_eq(back.v[0].sid, 7);
	ck_assert_uint_eq(back.v[0].index, 2);
	ck_assert_mem_eq(back.v[0].isid, ISID_A, 6);
	ck_assert_str_eq(back.v[0].target, T1);
	ck_assert_uint_eq(back.v[1].sid, 4294967295u);
	ck_assert_mem_eq(isidfile_find(&back, 4294967295u)->isid, ISID_B, 6);
	ck_assert_ptr_null(isidfile_find(&back, 8));
	free(text);
	isidfile_free(&t);
	isidfile_free(&back);
}
END_TEST

START_TEST(test_parse_accepts_an_empty_table_and_upper_case_hex)
{
	struct isid_table t = { 0 };
	char why[200];

	ck_assert_int_eq(parse(ISIDFILE_HEADER "\n", &t, why), 0);
	ck_assert_uint_eq(t.n, 0);
	ck_assert_int_eq(parse(HEAD "3 1 80ABCDEF0123 iqn.x:y\n# end\n", &t, why), 0);
	ck_assert_uint_eq(t.n, 1);
	ck_assert_mem_eq(t.v[0].isid, ISID_B, 6);
	isidfile_free(&t);
}
END_TEST

/* Each damaged file is refused whole, and the reason names what is wrong. */
START_TEST(test_parse_refuses_damage_and_says_where)
{
	static const struct {
		const char *text, *why;
	} bad[] = {
		{ "", "no \"" ISIDFILE_HEADER "\" line" },
		{ "# only a comment\n", "no \"" },
		{ "lunlink-session-isids 2\n", "line 1: expected \"" ISIDFILE_HEADER },
		{ "3 1 80123456789a iqn.x:y\n" ISIDFILE_HEADER "\n", "line 1: expected \"" },
		{ HEAD "3 1 80123456789a iqn.x:y", "no newline (cut short)" },
		{ HEAD "3 1 80123456789a iqn.x:y\n3 2 80abcdef0123 iqn.x:y\n",
		  "line 4: session 3 is listed twice" },
		{ HEAD "x 1 80123456789a iqn.x:y\n", "line 3: expected a session id" },
		{ HEAD "-3 1 80123456789a iqn.x:y\n", "line 3: expected a session id" },
		{ HEAD "4294967296 1 80123456789a iqn.x:y\n", "line 3: expected a session id" },
		{ HEAD "3  1 80123456789a iqn.x:y\n", "line 3: expected a session number" },
		{ HEAD "3 1024 80123456789a iqn.x:y\n", "line 3: expected a session number below 1024" },
		{ HEAD "3 1 80123456789 iqn.x:y\n", "line 3: expected an ISID" },
		{ HEAD "3 1 80123456789g iqn.x:y\n", "line 3: expected an ISID" },
		{ HEAD "3 1 80123456789a0 iqn.x:y\n", "line 3: expected an ISID" },
		{ HEAD "3 1 80123456789a\n", "line 3: expected an ISID" },
		{ HEAD "3 1 80123456789a \n", "line 3: expected a target name" },
		{ HEAD "3 1 80123456789a iqn.x:y z\n", "line 3: expected a target name" },
		{ HEAD "3 1 80123456789a iqn.x:y\r\n", "line 3: expected a target name" },
		{ HEAD "\n", "line 3: expected a session id" },
	};
	struct isid_table t = { 0 };
	char why[200];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(parse(bad[i].text, &t, why) == -EINVAL, "case %zu accepted", i);
		ck_assert_msg(strstr(why, bad[i].why), "case %zu: '%s' lacks '%s'", i, why,
			      bad[i].why);
		ck_assert_uint_eq(t.n, 0);
	}
	isidfile_free(&t);
}
END_TEST

START_TEST(test_parse_refuses_a_nul_byte_and_an_overlong_target)
{
	static const char nul[] = ISIDFILE_HEADER "\n3 1 80123456789a iqn\0x:y\n";
	char text[600], why[200];
	struct isid_table t = { 0 };
	int n;

	ck_assert_int_eq(isidfile_parse(nul, sizeof(nul) - 1, &t, why, sizeof(why)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "line 2: NUL byte"));
	n = snprintf(text, sizeof(text), "%s\n3 1 80123456789a iqn.", ISIDFILE_HEADER);
	memset(text + n, 'a', ISIDFILE_TARGET_MAX - 3);     /* 224 characters in all */
	strcpy(text + n + ISIDFILE_TARGET_MAX - 3, "\n");
	ck_assert_int_eq(parse(text, &t, why), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "expected a target name"));
	text[n + ISIDFILE_TARGET_MAX - 4] = '\n';           /* 223: the longest name */
	text[n + ISIDFILE_TARGET_MAX - 3] = '\0';
	ck_assert_int_eq(parse(text, &t, why), 0);
	ck_assert_uint_eq(strlen(t.v[0].target), ISIDFILE_TARGET_MAX);
	ck_assert_int_eq(isidfile_add(&t, 9, 1024, ISID_A, "iqn.x:y"), -EINVAL);
	ck_assert_int_eq(isidfile_add(&t, 9, 1, ISID_A, "iqn x"), -EINVAL);
	isidfile_free(&t);
}
END_TEST

static unsigned files_in(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	unsigned n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

START_TEST(test_save_then_load_and_a_damaged_or_missing_file)
{
	struct isid_table t = { 0 }, back = { 0 };
	char path[PATH_MAX + 32], why[200] = "";
	struct stat st;

	tu_scratch_new();
	snprintf(path, sizeof(path), "%s/%s", tu_tmp, ISIDFILE_NAME);
	ck_assert_int_eq(isidfile_load(path, &back, why, sizeof(why)), -ENOENT);
	ck_assert_int_eq(isidfile_add(&t, 5, 1, ISID_A, T1), 0);
	ck_assert_int_eq(isidfile_save(path, &t), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	ck_assert_uint_eq(files_in(tu_tmp), 1);             /* no temporary left */
	ck_assert_int_eq(isidfile_add(&t, 6, 2, ISID_B, T1), 0);
	ck_assert_int_eq(isidfile_save(path, &t), 0);      /* replaces it */
	ck_assert_uint_eq(files_in(tu_tmp), 1);
	ck_assert_int_eq(isidfile_load(path, &back, why, sizeof(why)), 0);
	ck_assert_uint_eq(back.n, 2);
	ck_assert_uint_eq(isidfile_find(&back, 6)->index, 2);
	isidfile_remove(&back, 5);
	ck_assert_uint_eq(back.n, 1);
	ck_assert_ptr_null(isidfile_find(&back, 5));
	tu_write_str(ISIDFILE_NAME, ISIDFILE_HEADER "\n5 1 zz ");
	ck_assert_int_eq(isidfile_load(path, &back, why, sizeof(why)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "cut short"));
	ck_assert_uint_eq(back.n, 0);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	ck_assert_int_eq(isidfile_load(path, &back, why, sizeof(why)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "not a regular file"));
	rmdir(path);
	isidfile_free(&t);
	isidfile_free(&back);
	tu_scratch_remove();
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		test_format_then_parse_gives_the_same_table,
		test_parse_accepts_an_empty_table_and_upper_case_hex,
		test_parse_refuses_damage_and_says_where,
		test_parse_refuses_a_nul_byte_and_an_overlong_target,
		test_save_then_load_and_a_damaged_or_missing_file,
		NULL,
	};

	return tu_run(&(const struct tu_suite){
		.name = "isidfile",
		.tests = tests,
	});
}
