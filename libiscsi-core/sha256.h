/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sha256.h: SHA-256 (FIPS 180-4) of one buffer.
 *
 * iscsid derives every session's ISID from a SHA-256 of the session's
 * identity.  OpenSSL gives the same digest, but its first use sets up the
 * provider machinery, which keeps about 2-4 MB of libcrypto resident for
 * the daemon's lifetime; a login without CHAP needs no other crypto, so
 * the ISID is hashed here and libcrypto stays untouched until CHAP.
 */
#ifndef LUNLINK_SHA256_H
#define LUNLINK_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN 32

void sha256(const void *data, size_t len, uint8_t out[SHA256_LEN]);

#endif
