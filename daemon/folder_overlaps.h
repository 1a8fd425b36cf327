#pragma once
// The folders of a configuration must never overlap where they really are: a watched folder
// inside a destination (or the reverse) has siftd take its own output again, a destination
// inside the work area is never seen, a dir: queue inside the inbox is taken as input. Each is
// compared by RealLocation, so a symlink, a bind mount or a trailing slash cannot hide it.

#include "daemon/config.h"

namespace daemon_core {

// Also that each destination names a folder. Errors name the key they blame
// ("daemon.inbox", "routes.route", ...) and its line.
Result<void> check_folder_overlaps(const Config& config, const KeyLocator& locate);

}  // namespace daemon_core
