/*
 * \brief  glibc functions that the host's libsupc++ and libgcc_eh call
 *
 * Debian's gcc 12 is built for glibc >= 2.35: libgcc_eh guards its list of
 * registered frames and libsupc++ its emergency exception pool with
 * 'pthread_mutex_lock'/'pthread_mutex_unlock' (strong references, since
 * glibc has pthreads in libc), and libgcc_eh's '_Unwind_Find_FDE' asks
 * '_dl_find_object' for the unwind tables of code outside the registered
 * frames.  Genode has no glibc; these are the Genode-side replacements,
 * linked into Genode's cxx library (see ../../../lib/mk/cxx.mk).
 */

/* Genode includes */
#include <base/stdint.h>

namespace {

	/*
	 * glibc's 'pthread_mutex_t' starts with its lock word, and
	 * PTHREAD_MUTEX_INITIALIZER (all zeros), which libgcc and libsupc++
	 * use, is 0 here: unlocked.  The sections these locks guard are short
	 * (a list walk, a pool allocation), so waiters spin.
	 */
	struct Lock_word { volatile int value; };
}


extern "C" int pthread_mutex_lock(void *mutex)
{
	Lock_word &lock = *static_cast<Lock_word *>(mutex);

	while (__atomic_exchange_n(&lock.value, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&lock.value, __ATOMIC_RELAXED))
			__builtin_ia32_pause();

	return 0;
}


extern "C" int pthread_mutex_unlock(void *mutex)
{
	Lock_word &lock = *static_cast<Lock_word *>(mutex);

	__atomic_store_n(&lock.value, 0, __ATOMIC_RELEASE);
	return 0;
}


/*
 * '_dl_find_object': the object that contains an address, found through
 * 'dl_iterate_phdr', which Genode's dynamic linker provides (in a static
 * binary such as core, cxx's weak default finds nothing, and core's
 * unwind tables are registered frames).
 */

namespace {

	/* glibc's <dlfcn.h> for x86_64: no dlfo_eh_dbase, no dlfo_eh_count */
	struct Dl_find_object
	{
		unsigned long long  flags;
		void               *map_start;
		void               *map_end;
		void               *link_map;
		void               *eh_frame;
		unsigned long long  reserved[7];
	};

	/* ELF64 program header */
	struct Phdr
	{
		Genode::uint32_t type, flags;
		Genode::uint64_t offset, vaddr, paddr, filesz, memsz, align;
	};

	/* what Genode's 'dl_iterate_phdr' passes (ldso/exception.cc) */
	struct Phdr_info
	{
		Genode::addr_t    addr;
		char const       *name;
		Phdr const       *phdr;
		Genode::uint16_t  phnum;
	};

	enum : Genode::uint32_t { PT_LOAD = 1, PT_GNU_EH_FRAME = 0x6474e550 };

	struct Search
	{
		Genode::addr_t  pc;
		Dl_find_object &result;
		bool            found;
	};
}


extern "C" int dl_iterate_phdr(int (*) (void *, unsigned long, void *), void *);


static int find_object(void *info_ptr, unsigned long, void *search_ptr)
{
	Phdr_info const &info   = *static_cast<Phdr_info *>(info_ptr);
	Search          &search = *static_cast<Search *>(search_ptr);

	Genode::addr_t start = ~0UL, end = 0;
	bool contains = false;
	void *eh_frame = nullptr;

	for (unsigned i = 0; i < info.phnum; i++) {
		Phdr const &ph = info.phdr[i];
		Genode::addr_t const base = info.addr + ph.vaddr;

		if (ph.type == PT_GNU_EH_FRAME)
			eh_frame = reinterpret_cast<void *>(base);

		if (ph.type != PT_LOAD)
			continue;

		if (base < start) start = base;
		if (base + ph.memsz > end) end = base + ph.memsz;
		if (search.pc >= base && search.pc < base + ph.memsz)
			contains = true;
	}

	if (!contains)
		return 0;

	search.result.map_start = reinterpret_cast<void *>(start);
	search.result.map_end   = reinterpret_cast<void *>(end);
	search.result.eh_frame  = eh_frame;
	search.found = true;
	return 1;
}


extern "C" int _dl_find_object(void *pc, Dl_find_object *result)
{
	*result = Dl_find_object { };

	Search search { reinterpret_cast<Genode::addr_t>(pc), *result, false };
	dl_iterate_phdr(find_object, &search);

	return search.found ? 0 : -1;
}
