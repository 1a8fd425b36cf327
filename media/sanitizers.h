#pragma once
// Whether this build runs under AddressSanitizer, which reserves terabytes of shadow address
// space and so cannot live under RLIMIT_AS. Private to media/ and its tests.

namespace media {

#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool k_address_sanitizer = true;
#else
inline constexpr bool k_address_sanitizer = false;
#endif

}  // namespace media
