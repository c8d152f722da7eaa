#
# Genode's C++ support library (base/lib/mk/cxx.mk, unchanged) plus the
# glibc functions that a host compiler's libsupc++ and libgcc_eh call.
#
# This repository is listed in a build directory only when Genode is built
# with the host's gcc instead of Genode's tool chain (scripts/genode-check.sh
# with GENODE_TOOLCHAIN=host).  Genode's tool chain is configured for a bare
# target, so its libsupc++/libgcc_eh need none of these.
#

include $(BASE_DIR)/lib/mk/cxx.mk

# base's cxx.mk adds $(REP_DIR)/src/include, which is base's directory only
# when base's file is the one selected
INC_DIR += $(BASE_DIR)/src/include

CXX_SRC_CC += glibc_shim.cc
vpath glibc_shim.cc $(REP_DIR)/src/lib/cxx

# base's rule for supc++.o took its prerequisites before the line above
$(SRC_O): glibc_shim.o

# resolved inside supc++.o, then hidden like base's libc symbols
LIBC_SYMBOLS += pthread_mutex_lock pthread_mutex_unlock pthread_once \
                __pthread_key_create _dl_find_object
