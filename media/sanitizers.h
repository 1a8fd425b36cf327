#pragma once
// Whether this build runs under a sanitizer that reserves terabytes of shadow address space
// (AddressSanitizer, ThreadSanitizer) and so cannot live under RLIMIT_AS. Private to media/
// and its tests.

namespace media {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr bool k_address_sanitizer = true;
#else
inline constexpr bool k_address_sanitizer = false;
#endif

}  // namespace media
