# SPDX-License-Identifier: AGPL-3.0-only
#
# core-linux with IO_MEM, IO_PORT and IRQ on top of /dev/genode
#
# This file shadows base-linux's lib/mk/spec/x86/core-linux.mk when this
# repository is listed before base-linux in the build directory's
# REPOSITORIES.  It builds the same library from the same sources, except
# that the files below come from src/core/genode_dev/ of this repository.
#

# this repository, found from this file (REP_DIR is base-linux's below,
# and the build system passes that value on to the build pass)
GENODE_DEV_REP_DIR  := $(realpath $(dir $(lastword $(MAKEFILE_LIST)))../../../..)
GENODE_DEV_CORE_DIR := $(GENODE_DEV_REP_DIR)/src/core/genode_dev
GENODE_DEV_UAPI_DIR := $(GENODE_DEV_REP_DIR)/../uapi

# the repository of base-linux, where its own core-linux.inc expects REP_DIR
BASE_LINUX_DIR := $(patsubst %/src/core/include/core_linux_syscalls.h,%,\
                  $(call select_from_repositories,src/core/include/core_linux_syscalls.h))

ifeq ($(BASE_LINUX_DIR),)
$(error core-backend: base-linux is not among the REPOSITORIES)
endif

# our headers first: they shadow base-linux's irq_object.h,
# io_mem_session_component.h, dataspace_component.h and
# region_map_component.h, and base's io_port_session_component.h
INC_DIR += $(GENODE_DEV_CORE_DIR)/include $(GENODE_DEV_UAPI_DIR)

# vpath searches directives in the order they appear: ours first
vpath io_mem_session_component.cc  $(GENODE_DEV_CORE_DIR)
vpath io_port_session_component.cc $(GENODE_DEV_CORE_DIR)
vpath io_port_session_support.cc   $(GENODE_DEV_CORE_DIR)
vpath irq_session_component.cc     $(GENODE_DEV_CORE_DIR)
vpath platform_services.cc         $(GENODE_DEV_CORE_DIR)
vpath pd_session_support.cc        $(GENODE_DEV_CORE_DIR)
vpath ram_dataspace_support.cc     $(GENODE_DEV_CORE_DIR)
vpath rom_session_component.cc     $(GENODE_DEV_CORE_DIR)

vpath genode_dev_session.cc        $(GENODE_DEV_CORE_DIR)
vpath dataspace_dma.cc             $(GENODE_DEV_CORE_DIR)
vpath pci_function.cc              $(GENODE_DEV_CORE_DIR)
vpath platform_rom.cc              $(GENODE_DEV_CORE_DIR)
vpath device_space.cc              $(GENODE_DEV_CORE_DIR)

# from here on, exactly what base-linux's spec/x86/core-linux.mk does
# (REP_DIR comes from make's command line, hence "override")
override REP_DIR := $(BASE_LINUX_DIR)

include $(REP_DIR)/lib/mk/core-linux.inc

SRC_CC += io_port_session_support.cc \
          io_port_session_component.cc

# core's one /dev/genode session; RAM dataspaces as DMA buffers; the PCI
# functions and ROMs for Genode's platform driver; device PDs' IOMMU domains
SRC_CC += genode_dev_session.cc dataspace_dma.cc pci_function.cc platform_rom.cc \
          device_space.cc

vpath io_port_session_support.cc   $(GEN_CORE_DIR)/spec/x86
vpath io_port_session_component.cc $(REP_DIR)/src/core/spec/$(BOARD)
