/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <check.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "libiscsi-core/sha256.h"
#include "libiscsi-core/util.h"
#include "testutil.h"

static void hex(const uint8_t *d, char out[2 * SHA256_LEN + 1])
{
	for (size_t i = 0; i < SHA256_LEN; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* The examples of FIPS 180-4's companion document (NIST CSRC) and the empty message. */
START_TEST(test_sha256_known_digests)
{
	static const struct {
		const char *msg, *digest;
	} rows[] = {
		{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
		{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	};
	uint8_t d[SHA256_LEN];
	char h[2 * SHA256_LEN + 1];

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		sha256(rows[i].msg, strlen(rows[i].msg), d);
		hex(d, h);
		ck_assert_str_eq(h, rows[i].digest);
	}
}
END_TEST

/* Every length across the padding boundaries (55/56 and 63/64 bytes in a
 * block) and several blocks, against OpenSSL, which iscsid used before. */
START_TEST(test_sha256_matches_openssl_at_every_length)
{
	uint8_t buf[300], mine[SHA256_LEN], theirs[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	uint32_t x = 12345;

	for (size_t i = 0; i < sizeof(buf); i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = (uint8_t)(x >> 16);
	}
	for (size_t len = 0; len <= sizeof(buf); len++) {
		sha256(buf, len, mine);
		ck_assert(EVP_Digest(buf, len, theirs, &n, EVP_sha256(), NULL));
		ck_assert_uint_eq(n, SHA256_LEN);
		ck_assert_msg(memcmp(mine, theirs, SHA256_LEN) == 0, "length %zu differs", len);
	}
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		test_sha256_known_digests,
		test_sha256_matches_openssl_at_every_length,
		NULL,
	};

	return tu_run(&(const struct tu_suite){
		.name = "sha256",
		.tests = tests,
	});
}
