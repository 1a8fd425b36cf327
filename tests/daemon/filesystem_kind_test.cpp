#include "daemon/filesystem_kind.h"

#include <gtest/gtest.h>

namespace daemon_core {

TEST(FilesystemKind, network_and_fuse_filesystems_are_polled) {
  EXPECT_TRUE(is_network_filesystem_magic(0x6969));       // nfs
  EXPECT_TRUE(is_network_filesystem_magic(0xFF534D42));   // cifs
  EXPECT_TRUE(is_network_filesystem_magic(0x65735546));   // fuse
  EXPECT_TRUE(is_network_filesystem_magic(0x01021997));   // 9p
  EXPECT_FALSE(is_network_filesystem_magic(0xEF53));      // ext4
  EXPECT_FALSE(is_network_filesystem_magic(0x58465342));  // xfs
  EXPECT_FALSE(is_network_filesystem_magic(0x01021994));  // tmpfs
  EXPECT_FALSE(is_network_filesystem("/tmp"));
}

}  // namespace daemon_core
