# shellcheck shell=bash
# The reader of tests/vm/configs (its header says what the fields mean),
# sourced by scripts/check.sh, scripts/check-install.sh and scripts/bench.sh.

vm_configs_file=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/configs

# vm_configs USE...: the lines for those uses, in the file's order, as
# "name<TAB>use<TAB>kernels<TAB>module<TAB>programs<TAB>timeout<TAB>options<TAB>label"
# with the padding around the fields stripped.  Nonzero if a line has not
# the eight fields, or an empty one.
vm_configs() {
	local line f i u n=0
	while IFS= read -r line; do
		n=$((n + 1))
		case "$line" in '#'* | '') continue ;; esac
		IFS='|' read -r -a f <<< "$line"
		if [ "${#f[@]}" != 8 ]; then
			echo "$vm_configs_file:$n: ${#f[@]} fields, not 8" >&2
			return 1
		fi
		for i in "${!f[@]}"; do
			f[i]="${f[i]#"${f[i]%%[![:space:]]*}"}"
			f[i]="${f[i]%"${f[i]##*[![:space:]]}"}"
			if [ -z "${f[i]}" ]; then
				echo "$vm_configs_file:$n: field $((i + 1)) is empty" >&2
				return 1
			fi
		done
		for u in "$@"; do
			if [ "${f[1]}" = "$u" ]; then
				(IFS=$'\t'; echo "${f[*]}")
			fi
		done
	done < "$vm_configs_file"
}

# vm_config NAME USE: the line NAME for USE, as vm_configs prints it.
vm_config() {
	local line
	line=$(vm_configs "$2" | awk -F '\t' -v n="$1" '$1 == n') || return 1
	if [ -z "$line" ]; then
		echo "$vm_configs_file: no line $1 for $2" >&2
		return 1
	fi
	echo "$line"
}

# vm_config_iommu OPTIONS...: the IOMMUS value the machine counts as
# (off, or on for on, lazy and noir).
vm_config_iommu() {
	local iommu=off
	while [ $# -gt 0 ]; do
		if [ "$1" = --iommu ]; then
			iommu=${2:-off}
			shift
		fi
		shift
	done
	case $iommu in lazy | noir) iommu=on ;; esac
	echo "$iommu"
}
