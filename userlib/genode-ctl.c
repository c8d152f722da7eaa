// SPDX-License-Identifier: GPL-2.0
/*
 * genode-ctl - look at /dev/genode from the command line
 *
 *   genode-ctl info     print the module's ABI version and features
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "libgenode_dev.h"

static int usage(void)
{
	fprintf(stderr, "usage: genode-ctl info\n");
	return 2;
}

static int cmd_info(void)
{
	uint32_t version;
	uint64_t features;
	int fd, ret;

	fd = genode_session_open(NULL);
	if (fd < 0) {
		fprintf(stderr, "genode-ctl: %s: %s\n", GENODE_DEV_PATH,
			strerror(-fd));
		return 1;
	}
	ret = genode_query_info(fd, &version, &features);
	genode_close(fd);
	if (ret) {
		fprintf(stderr, "genode-ctl: info: %s\n", strerror(-ret));
		return 1;
	}
	printf("abi_version %" PRIu32 "\nfeatures 0x%" PRIx64 "\n", version,
	       features);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "info"))
		return cmd_info();
	return usage();
}
