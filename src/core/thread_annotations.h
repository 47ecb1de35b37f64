// Clang thread-safety annotations (https://clang.llvm.org/docs/ThreadSafetyAnalysis.html).
//
// They state which mutex guards a member (GUARDED_BY), which mutex a function expects held
// (REQUIRES) or not held (EXCLUDES), and what a function acquires or releases. clang checks
// them with -Wthread-safety (scripts/thread-safety, part of `make test`); under GCC, which
// builds the product, they expand to nothing. Use them with core::Mutex (core/mutex.h):
// libstdc++'s std::mutex carries no capability attributes.
#pragma once

#if defined(__clang__)
#define CG_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define CG_THREAD_ANNOTATION(x)
#endif

// A type that is a lock ("mutex") or a scope that holds one.
#define CAPABILITY(x) CG_THREAD_ANNOTATION(capability(x))
#define SCOPED_CAPABILITY CG_THREAD_ANNOTATION(scoped_lockable)

// Data members: read and written only with the mutex held; for pointers, the pointee.
#define GUARDED_BY(x) CG_THREAD_ANNOTATION(guarded_by(x))
#define PT_GUARDED_BY(x) CG_THREAD_ANNOTATION(pt_guarded_by(x))

// Lock order: this mutex is taken before / after the named ones.
#define ACQUIRED_BEFORE(...) CG_THREAD_ANNOTATION(acquired_before(__VA_ARGS__))
#define ACQUIRED_AFTER(...) CG_THREAD_ANNOTATION(acquired_after(__VA_ARGS__))

// Functions: the caller holds (REQUIRES) or does not hold (EXCLUDES) the mutex.
#define REQUIRES(...) CG_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define REQUIRES_SHARED(...) CG_THREAD_ANNOTATION(requires_shared_capability(__VA_ARGS__))
#define EXCLUDES(...) CG_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))

// Functions that take or give up a mutex (with no argument: `this` one).
#define ACQUIRE(...) CG_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define ACQUIRE_SHARED(...) CG_THREAD_ANNOTATION(acquire_shared_capability(__VA_ARGS__))
#define RELEASE(...) CG_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
#define RELEASE_SHARED(...) CG_THREAD_ANNOTATION(release_shared_capability(__VA_ARGS__))
#define RELEASE_GENERIC(...) CG_THREAD_ANNOTATION(release_generic_capability(__VA_ARGS__))
#define TRY_ACQUIRE(...) CG_THREAD_ANNOTATION(try_acquire_capability(__VA_ARGS__))
#define ASSERT_CAPABILITY(x) CG_THREAD_ANNOTATION(assert_capability(x))
#define RETURN_CAPABILITY(x) CG_THREAD_ANNOTATION(lock_returned(x))

// Turns the analysis off for one function; say why next to each use.
#define NO_THREAD_SAFETY_ANALYSIS CG_THREAD_ANNOTATION(no_thread_safety_analysis)
