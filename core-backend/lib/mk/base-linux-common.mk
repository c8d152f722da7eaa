# SPDX-License-Identifier: AGPL-3.0-only
#
# base-linux's base-linux-common library with the region-map client of
# this repository
#
# This file shadows base-linux's lib/mk/base-linux-common.mk when this
# repository is listed before base-linux in the build directory's
# REPOSITORIES.  It builds the same library from the same sources, except
# src/lib/base/region_map_client.cc, which also reaches a region map in
# core by RPC: the address space of a device PD (src/core/genode_dev/
# include/device_space.h).  Every component's ld.lib.so has it.
#

GENODE_DEV_REP_DIR := $(realpath $(dir $(lastword $(MAKEFILE_LIST)))../..)

BASE_LINUX_DIR := $(patsubst %/src/core/include/core_linux_syscalls.h,%,\
                  $(call select_from_repositories,src/core/include/core_linux_syscalls.h))

ifeq ($(BASE_LINUX_DIR),)
$(error core-backend: base-linux is not among the REPOSITORIES)
endif

# vpath searches directives in the order they appear: ours first
vpath region_map_client.cc $(GENODE_DEV_REP_DIR)/src/lib/base

override REP_DIR := $(BASE_LINUX_DIR)

include $(REP_DIR)/lib/mk/base-linux-common.mk
