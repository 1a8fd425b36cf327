#pragma once
// Names that sync and upload tools give files while they are still being written. Such a
// file is never taken: the tool renames it to its final name when it is complete.

#include <string>
#include <string_view>
#include <vector>

namespace daemon_core {

// rclone "name.XXXXXXXX.partial", aws s3 "name.XXXXXXXX" (8 hex), gsutil "*_.gstmp",
// Syncthing ".syncthing.*.tmp", WinSCP "*.filepart", rsync ".name.XXXXXX", browsers
// "*.crdownload" and "*.part", Safari "*.download", Resilio Sync "*.!sync", rclone chunker
// "*.rclone_chunk.*", Office lock files "~$*", "*.tmp", any dotfile, and `extra` shell-style
// patterns (fnmatch).
bool is_temporary_name(std::string_view name, const std::vector<std::string>& extra = {});

}  // namespace daemon_core
