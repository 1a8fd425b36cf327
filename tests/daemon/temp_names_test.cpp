#include "daemon/temp_names.h"

#include <gtest/gtest.h>

namespace daemon_core {

TEST(TempNames, sync_and_upload_tool_names_are_temporary) {
  for (const char* name : {"photo.jpg.a1b2c3d4.partial", "photo.jpg.1a2B3c4D", "photo.jpg_.gstmp",
                           ".syncthing.photo.jpg.tmp", "photo.jpg.filepart", ".photo.jpg.Xy12Ab",
                           "photo.jpg.crdownload", "photo.jpg.part", ".hidden.jpg"}) {
    EXPECT_TRUE(is_temporary_name(name)) << name;
  }
}

TEST(TempNames, office_locks_chunks_and_other_sync_tools_are_temporary) {
  for (const char* name : {"~$report.docx", "~$budget.xlsx", "video.mp4.rclone_chunk.001",
                           "video.mp4.rclone_chunk.002_abc123", "photo.jpg.!sync",
                           "scan.pdf.download", "upload.tmp"}) {
    EXPECT_TRUE(is_temporary_name(name)) << name;
  }
}

TEST(TempNames, ordinary_names_are_taken) {
  for (const char* name :
       {"photo.jpg", "my photo (1).jpg", "-dash.png", "report.final.pdf", "archive.tar.gz",
        "a.jpg.123", "~tilde.jpg", "$money.pdf", "download.pdf", "rclone_chunk.jpg", "sync!.png"}) {
    EXPECT_FALSE(is_temporary_name(name)) << name;
  }
}

TEST(TempNames, configured_patterns_are_temporary) {
  EXPECT_TRUE(is_temporary_name("upload-123.inprogress", {"*.inprogress"}));
  EXPECT_FALSE(is_temporary_name("upload-123.jpg", {"*.inprogress"}));
}

}  // namespace daemon_core
