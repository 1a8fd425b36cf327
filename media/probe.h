#pragma once
// Decides what a file is from its content (libmagic, then libavformat for timed media),
// never from its name.

#include <string>

#include "media/error.h"
#include "media/normalized.h"

namespace media {

struct Probe {
  Kind kind = Kind::image;
  std::string mime;    // libmagic's MIME type
  std::string format;  // short format name: "jpeg", "png", "matroska,webm", "pdf"
};

// Reads at most the first few kilobytes through libmagic; for audio and video it opens the
// container to tell the two apart by their streams.
Result<Probe> probe_file(const std::string& path);

// The same decision for bytes already in memory (used by tests and the fuzz target).
Result<Probe> probe_bytes(const std::string& bytes);

}  // namespace media
