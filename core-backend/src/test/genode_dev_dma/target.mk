# SPDX-License-Identifier: AGPL-3.0-only
TARGET   := test-genode_dev_dma
SRC_CC   := main.cc
LIBS     := base
REQUIRES := x86
