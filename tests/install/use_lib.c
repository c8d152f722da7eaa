// SPDX-License-Identifier: GPL-2.0
/*
 * A program built against an installed libgenode_dev through pkg-config
 * (scripts/check-install.sh builds it statically and shared).  Opens the
 * path given, or one that does not exist: ENOENT then is success too.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <libgenode_dev.h>

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/nonexistent/genode";
	uint64_t features;
	uint32_t version;
	int fd, ret;

	fd = genode_session_open(path);
	if (fd == -ENOENT && argc == 1) {
		printf("libgenode_dev (ABI %d): %s: %s\n", GENODE_ABI_VERSION,
		       path, strerror(-fd));
		return 0;
	}
	if (fd < 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(-fd));
		return 1;
	}
	ret = genode_query_info(fd, &version, &features);
	genode_close(fd);
	if (ret) {
		fprintf(stderr, "info: %s\n", strerror(-ret));
		return 1;
	}
	printf("abi_version %" PRIu32 " features 0x%" PRIx64 "\n", version,
	       features);
	return 0;
}
