#!/bin/sh
# Extract the few files the build needs from Debian's linux-source-6.1
# (kselftest_harness.h, checkpatch.pl and its data files) into the cache
# directory given as $1, once.  Prints the extracted tree's path.
set -eu
cache=${1:?usage: linux-source.sh CACHE_DIR}
tarball=$(ls /usr/src/linux-source-6.1.tar.* 2>/dev/null | head -n 1)
[ -n "$tarball" ] || { echo "linux-source.sh: linux-source-6.1 is not installed" >&2; exit 1; }
key=$(stat -c '%s-%Y' "$tarball")
dir=$cache/src/linux-source-6.1
if [ "$(cat "$dir/.stamp" 2>/dev/null)" != "$key" ]; then
	rm -rf "$dir"
	mkdir -p "$cache/src"
	tar -C "$cache/src" -xf "$tarball" --wildcards \
		'linux-source-6.1/scripts/checkpatch.pl' \
		'linux-source-6.1/scripts/spelling.txt' \
		'linux-source-6.1/scripts/const_structs.checkpatch' \
		'linux-source-6.1/tools/testing/selftests/kselftest.h' \
		'linux-source-6.1/tools/testing/selftests/kselftest_harness.h'
	echo "$key" > "$dir/.stamp"
fi
echo "$dir"
