// `siftd requeue` and `siftd undo` move placed files back into the inbox from the journal,
// and skip any that were moved or changed since.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>

#include "../temp_dir.h"
#include "daemon_process.h"
#include "test_media.h"

namespace {

namespace fs = std::filesystem;
using siftd_test::read_file;
using siftd_test::run_siftd;
using siftd_test::wait_for;
using siftd_test::write_file;

}  // namespace

TEST(MoveBack, requeue_and_undo_return_files_to_the_inbox) {
  siftd_test::TempDir dir;
  const std::string inbox = dir / "inbox";
  const std::string out = dir / "sorted";
  fs::create_directories(inbox);
  const std::string first = siftd_test::photo_jpeg(800, 600, 1);
  write_file(inbox + "/one.jpg", first);
  write_file(inbox + "/two.jpg", siftd_test::photo_jpeg(800, 600, 2));
  write_file(inbox + "/bad.jpg", siftd_test::corrupt_jpeg());
  {
    siftd_test::DaemonProcess daemon(
        {"run", "--inbox", inbox, "--out", out, "--settle-ms", "50", "--log-format", "text"},
        dir / "log");
    ASSERT_TRUE(wait_for([&] {
      return fs::exists(out + "/photo/one.jpg.siftd.json") &&
             fs::exists(out + "/photo/two.jpg.siftd.json") &&
             fs::exists(out + "/_quarantine/bad.jpg.error.json");
    })) << read_file(dir / "log");
    ASSERT_EQ(daemon.stop(), 0);
  }

  const auto requeued =
      run_siftd("requeue --inbox '" + inbox + "' '" + out + "/_quarantine/bad.jpg'");
  EXPECT_EQ(requeued.status, 0);
  EXPECT_TRUE(fs::exists(inbox + "/bad.jpg"));
  EXPECT_FALSE(fs::exists(out + "/_quarantine/bad.jpg"));
  EXPECT_FALSE(fs::exists(out + "/_quarantine/bad.jpg.error.json"));
  EXPECT_EQ(
      run_siftd("requeue --inbox '" + inbox + "' '" + out + "/_quarantine/nothing.jpg'").status, 1);

  write_file(out + "/photo/two.jpg", "changed by someone");  // undo must leave it alone
  const auto undone = run_siftd("undo --inbox '" + inbox + "' --since 1h");
  EXPECT_EQ(undone.status, 0);
  EXPECT_EQ(read_file(inbox + "/one.jpg"), first);
  EXPECT_FALSE(fs::exists(out + "/photo/one.jpg"));
  EXPECT_FALSE(fs::exists(out + "/photo/one.jpg.siftd.json"));
  EXPECT_FALSE(fs::exists(inbox + "/two.jpg"));
  EXPECT_EQ(read_file(out + "/photo/two.jpg"), "changed by someone");

  // A second undo finds nothing more to do.
  EXPECT_EQ(run_siftd("undo --inbox '" + inbox + "' --since 1h").status, 0);
  EXPECT_EQ(read_file(inbox + "/one.jpg"), first);
  EXPECT_EQ(run_siftd("undo --inbox '" + inbox + "' --since yesterday-ish").status, 2);
}
