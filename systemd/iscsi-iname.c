/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * iscsi-iname: print a new, random iSCSI initiator name.
 *
 * iscsi-init.service runs it on first boot to fill initiatorname.iscsi;
 * admins and scripts know it from open-iscsi, so the interface is the same:
 * "-p PREFIX" picks the naming authority, the output is one line
 * "PREFIX:<12 hex digits>".  The name itself comes from libiscsi-core's
 * iqn_generate (getrandom), which also checks the prefix.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "libiscsi-core/errors.h"
#include "libiscsi-core/iqn.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: iscsi-iname [-p PREFIX]\n"
		"Print a new iSCSI name PREFIX:<12 random hex digits>.\n"
		"\n"
		"  -p, --prefix=PREFIX  naming authority (default %s)\n"
		"  -h, --help           show this help\n"
		"  -v, --version        show the version\n",
		IQN_DEFAULT_PREFIX);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "prefix", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' },
		{ 0 }
	};
	const char *prefix = NULL;
	char name[IQN_NAME_MAX + 1];
	struct ll_error err = { 0 };
	int c, r;

	while ((c = getopt_long(argc, argv, "p:hv", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			prefix = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'v':
			printf("iscsi-iname (lunlink %s)\n", LUNLINK_VERSION);
			return 0;
		default:
			usage(stderr);
			return ISCSI_ERR_INVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "iscsi-iname: unexpected argument '%s'\n", argv[optind]);
		return ISCSI_ERR_INVAL;
	}
	/* Check the prefix first so that the user learns what is wrong with it. */
	if (prefix && iqn_validate(prefix, &err) < 0) {
		fprintf(stderr, "iscsi-iname: invalid prefix: %s\n", err.msg);
		return ISCSI_ERR_INVAL;
	}
	r = iqn_generate(prefix, name, sizeof(name));
	if (r < 0) {
		fprintf(stderr, "iscsi-iname: cannot generate a name: %s\n",
			r == -ENAMETOOLONG ? "the prefix is too long" : strerror(-r));
		return r == -ENAMETOOLONG ? ISCSI_ERR_INVAL : ISCSI_ERR;
	}
	printf("%s\n", name);
	return fflush(stdout) == 0 ? 0 : ISCSI_ERR;
}
