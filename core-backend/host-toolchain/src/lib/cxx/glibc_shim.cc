/*
 * \brief  What the host's libsupc++ and libgcc_eh expect from glibc
 *
 * Genode's tool chain builds libsupc++ and libgcc_eh for a bare target.
 * Debian's gcc 12 builds them for glibc (>= 2.35), and Genode's cxx
 * library (base/lib/mk/cxx.mk) links them into supc++.o as they are.  What
 * they then expect, and what this file gives them instead:
 *
 * - libgcc_eh guards its list of registered frames with
 *   'pthread_mutex_lock'/'pthread_mutex_unlock' and its one-time setup with
 *   'pthread_once', all weak references, used when '__pthread_key_create'
 *   exists.  Left undefined, these weak references stop Genode's dynamic
 *   linker while it relocates itself (the failed lookup throws before the
 *   cxx heap exists): defined here, spinning.
 * - libgcc_eh's '_Unwind_Find_FDE' asks '_dl_find_object' for the unwind
 *   tables of code outside the registered frames: answered here from
 *   'dl_iterate_phdr' of Genode's dynamic linker.
 * - libsupc++ keeps each thread's exception state ('__cxa_get_globals') in
 *   native TLS, which Genode's threads do not set up (core faults at
 *   %fs:0): kept here in emulated TLS, as with Genode's tool chain.
 * - libsupc++ allocates an emergency pool for exception objects with
 *   'malloc' in a static constructor, which in ld.lib.so runs before the
 *   cxx heap exists: exception objects are allocated here, without a pool.
 *
 * The symbols that are not C++ ABI are hidden in supc++.o
 * (../../../lib/mk/cxx.mk).
 */

/* libsupc++ includes */
#include <exception>

/* Genode includes */
#include <base/stdint.h>
#include <util/string.h>

namespace {

	/*
	 * glibc's 'pthread_mutex_t' starts with its lock word, and
	 * PTHREAD_MUTEX_INITIALIZER (all zeros), which libgcc uses, is 0
	 * here: unlocked.  The sections these locks guard are short (walks
	 * of the frame list), so waiters spin.
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


extern "C" int pthread_once(int *once, void (*function)())
{
	enum { NOT_YET = 0, RUNNING = 1, DONE = 2 };

	int expected = NOT_YET;
	if (__atomic_compare_exchange_n(once, &expected, RUNNING, false,
	                                __ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE)) {
		function();
		__atomic_store_n(once, DONE, __ATOMIC_RELEASE);
		return 0;
	}

	while (__atomic_load_n(once, __ATOMIC_ACQUIRE) != DONE)
		__builtin_ia32_pause();

	return 0;
}


/*
 * libgcc's '__gthread_active_p' only asks whether this function exists;
 * nothing linked calls it.  Keys are not supported (EAGAIN).
 */
extern "C" int __pthread_key_create(unsigned *, void (*)(void *))
{
	return 11;
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


/*
 * '__cxa_get_globals': the thread's exception state, as libsupc++ of
 * Genode's tool chain keeps it, in emulated TLS (cxx's emutls.cc).  With
 * these defined in supc++.o, libsupc++'s eh_globals.o, the one user of
 * native TLS in libsupc++ and libgcc_eh, is not linked.
 */

namespace {

	/* libsupc++'s '__cxa_eh_globals' */
	struct Eh_globals
	{
		void     *caught_exceptions;
		unsigned  uncaught_exceptions;
	};

	/* libgcc's emutls.c, as cxx's emutls.cc has it */
	struct Emutls_object
	{
		unsigned long  size;
		unsigned long  align;
		void          *ptr;
		void const    *templ;
	};

	Emutls_object eh_globals { sizeof(Eh_globals), alignof(Eh_globals),
	                           nullptr, nullptr };
}


extern "C" void *__emutls_get_address(void *);


extern "C" void *__cxa_get_globals_fast()
{
	return __emutls_get_address(&eh_globals);
}


extern "C" void *__cxa_get_globals()
{
	return __emutls_get_address(&eh_globals);
}


/*
 * Exception objects, allocated as libsupc++'s eh_alloc.cc does, from the
 * cxx heap ('malloc' of cxx's malloc_free.cc) but without the emergency
 * pool: with these and '__gnu_cxx::__freeres' defined in supc++.o,
 * eh_alloc.o and its static constructor are not linked.  A failed
 * allocation terminates (eh_alloc.cc would try the pool first).  The
 * headers in front of an exception are libsupc++'s for x86_64, as its
 * eh_alloc.o of gcc 12 allocates them: '__cxa_refcounted_exception' (128
 * bytes) and '__cxa_dependent_exception' (112 bytes).
 */

namespace {

	enum : unsigned long {
		REFCOUNTED_HEADER   = 128,
		DEPENDENT_EXCEPTION = 112,
	};
}


extern "C" void *malloc(unsigned long);
extern "C" void  free(void *);


static char *zeroed_or_terminate(unsigned long size, unsigned long zeroed)
{
	char * const ptr = static_cast<char *>(malloc(size));
	if (!ptr)
		std::terminate();

	Genode::bzero(ptr, zeroed);
	return ptr;
}


extern "C" void *__cxa_allocate_exception(unsigned long thrown_size) noexcept
{
	return zeroed_or_terminate(thrown_size + REFCOUNTED_HEADER,
	                           REFCOUNTED_HEADER) + REFCOUNTED_HEADER;
}


extern "C" void __cxa_free_exception(void *thrown_object) noexcept
{
	free(static_cast<char *>(thrown_object) - REFCOUNTED_HEADER);
}


extern "C" void *__cxa_allocate_dependent_exception() noexcept
{
	return zeroed_or_terminate(DEPENDENT_EXCEPTION, DEPENDENT_EXCEPTION);
}


extern "C" void __cxa_free_dependent_exception(void *exception) noexcept
{
	free(exception);
}


namespace __gnu_cxx { void __freeres(); }

/* frees the emergency pool at a process's end under valgrind: none here */
void __gnu_cxx::__freeres() { }
