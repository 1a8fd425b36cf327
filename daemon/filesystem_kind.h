#pragma once
// Tells folders on network and FUSE filesystems (where inotify misses other machines'
// writes) from local ones, by statfs's filesystem magic.

#include <string>

namespace daemon_core {

bool is_network_filesystem_magic(long magic);
// True for nfs, cifs/smb, fuse.*, 9p, ceph, afs, coda, lustre, gluster and the like.
bool is_network_filesystem(const std::string& path);

}  // namespace daemon_core
