#!/bin/sh
# The body of `make vm-run`: run a command inside the test VM, with files
# copied to /opt, and exit with the command's status.
#
# usage: vm-run.sh --ko KO --tests DIR --kver KVER --cmd CMD [--iommu on|off]
#                  [--kernel-image F --moddir DIR] [--screendump OUT.ppm] [FILE...]
set -eu
iommu=off ko="" tests="" kver="" cmd="" screendump="" kernel=""
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel-image|--moddir) kernel="$kernel $1 $2"; shift 2 ;;
	--iommu) iommu=$2; shift 2 ;;
	--ko) ko=$2; shift 2 ;;
	--tests) tests=$2; shift 2 ;;
	--kver) kver=$2; shift 2 ;;
	--cmd) cmd=$2; shift 2 ;;
	--screendump) screendump=$2; shift 2 ;;
	*) break ;;
	esac
done
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir "$dir/opt"
for f in "$@"; do
	cp -r "$f" "$dir/opt/"
done
# The test programs are in /tests, so that `make vm-run CMD=/tests/x` works.
printf '#!/bin/sh\n%s\n' "$cmd" > "$dir/opt/run.sh"
here=$(cd "$(dirname "$0")/.." && pwd)
rc=0
# shellcheck disable=SC2086
"$here/tests/vm/run.sh" --mode run --iommu "$iommu" --ko "$ko" $kernel \
	--tests "$tests" --run "$dir/opt" --out "$dir/out" \
	${screendump:+--screendump "$screendump"} "$kver" || rc=$?
echo "vm-run: '$cmd' exited with status $rc" >&2
exit "$rc"
