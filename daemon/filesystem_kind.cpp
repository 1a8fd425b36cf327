#include "daemon/filesystem_kind.h"

#include <sys/vfs.h>

namespace daemon_core {

bool is_network_filesystem_magic(long magic) {
  switch (static_cast<unsigned long>(magic) & 0xFFFFFFFFul) {
    case 0x6969:      // nfs
    case 0x517B:      // smb
    case 0xFF534D42:  // cifs
    case 0xFE534D42:  // smb2
    case 0x65735546:  // fuse (sshfs, rclone mount, s3fs, gcsfuse, ...)
    case 0x01021997:  // 9p (v9fs)
    case 0x00C36400:  // ceph
    case 0x5346414F:  // afs
    case 0x73757245:  // coda
    case 0x0BD00BD0:  // lustre
    case 0x47504653:  // gpfs
    case 0x013111A8:  // ibrix
    case 0x6B414653:  // kafs
    case 0x564C:      // ncp
      return true;
    default: return false;
  }
}

bool is_network_filesystem(const std::string& path) {
  struct statfs info {};
  if (::statfs(path.c_str(), &info) != 0) return false;
  return is_network_filesystem_magic(static_cast<long>(info.f_type));
}

}  // namespace daemon_core
