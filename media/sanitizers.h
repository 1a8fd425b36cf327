#pragma once
// Whether this build runs under a sanitizer that reserves terabytes of shadow address space
// (AddressSanitizer, ThreadSanitizer) and so cannot live under RLIMIT_AS. Private to media/
// and its tests.

#include <cstdint>

namespace media {

// gcc defines __SANITIZE_ADDRESS__/__SANITIZE_THREAD__; clang 16 only answers __has_feature.
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SIFTD_SHADOW_SANITIZER 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__) || defined(SIFTD_SHADOW_SANITIZER)
inline constexpr bool k_address_sanitizer = true;
#else
inline constexpr bool k_address_sanitizer = false;
#endif

// How much more resident memory the same decode takes under such a sanitizer: its shadow
// memory, redzones and the quarantine of freed blocks (AddressSanitizer documents about 3x).
// The worker's memory watch scales its limit by this, so a sanitizer build refuses what the
// release build refuses and not the files that merely fill the quarantine.
inline constexpr std::uint64_t k_sanitizer_memory_factor = k_address_sanitizer ? 3 : 1;

}  // namespace media
