#include "media/probe.h"

#include <gtest/gtest.h>

#include "tests/temp_dir.h"

namespace media {
namespace {

// Nine bytes on which libmagic gives up without an error message (found by fuzz_probe).
const std::string k_untypable("\0\0\xFE\xFF\xFF\xFF\0\0+", 9);

TEST(Probe, bytes_libmagic_cannot_type_are_an_error_not_a_crash) {
  const auto probe = probe_bytes(k_untypable);
  ASSERT_FALSE(probe);
  EXPECT_NE(probe.error().detail.find("libmagic"), std::string::npos) << probe.error().detail;
}

TEST(Probe, a_file_libmagic_cannot_type_is_an_error_not_a_crash) {
  const siftd_test::TempDir dir;
  siftd_test::write_file(dir / "odd.bin", k_untypable);
  const auto probe = probe_file(dir / "odd.bin");
  ASSERT_FALSE(probe);
  EXPECT_FALSE(probe.error().detail.empty());
}

}  // namespace
}  // namespace media
