/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * util.h: small header-only helpers shared by every lunlink module.
 *
 * Big-endian get/put for wire formats (we never cast structs onto buffers),
 * cleanup attributes for leak-free early returns, and a few macros.
 * Nothing here allocates or keeps state.
 */
#ifndef LUNLINK_UTIL_H
#define LUNLINK_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN4(n) (((n) + 3u) & ~(size_t)3u)

static inline uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t get_be24(const uint8_t *p)
{
	return ((uint32_t)p[0] << 16) | ((uint32_t)p[1] << 8) | p[2];
}

static inline uint32_t get_be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	       ((uint32_t)p[2] << 8) | p[3];
}

static inline uint64_t get_be64(const uint8_t *p)
{
	return ((uint64_t)get_be32(p) << 32) | get_be32(p + 4);
}

static inline void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void put_be24(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 16);
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)v;
}

static inline void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline void put_be64(uint8_t *p, uint64_t v)
{
	put_be32(p, (uint32_t)(v >> 32));
	put_be32(p + 4, (uint32_t)v);
}

/* Cleanup helpers (GCC/Clang cleanup attribute). */
static inline void freep(void *p)
{
	free(*(void **)p);
}

/* Closes *fd if open and marks it closed (-1), so a second call is harmless
 * and can never close a later file that reused the number. */
static inline void closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
		*fd = -1;
	}
}

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)

/* Hand ownership out of a cleanup variable. */
#define TAKE_PTR(p) ({ __typeof__(p) _tp = (p); (p) = NULL; _tp; })
#define TAKE_FD(fd) ({ int _tf = (fd); (fd) = -1; _tf; })

/* Zero memory holding secrets in a way the compiler may not drop. */
static inline void secure_zero(void *p, size_t n)
{
	if (p && n)
		explicit_bzero(p, n);
}

/* Copy a NUL-terminated string into a fixed buffer; returns -ENAMETOOLONG if cut. */
static inline int str_copy(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);

	if (cap == 0)
		return -ENAMETOOLONG;
	if (n >= cap) {
		memcpy(dst, src, cap - 1);
		dst[cap - 1] = '\0';
		return -ENAMETOOLONG;
	}
	memcpy(dst, src, n + 1);
	return 0;
}

/* The value of one hex digit (either case), or -1. */
static inline int hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static inline int streq(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

#endif
