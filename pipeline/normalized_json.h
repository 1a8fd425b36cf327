#pragma once
// JSON views of a Normalized value: its facts (for the journal and sidecars) and a summary
// of its parts (for `siftd normalize`).

#include <string>

#include "media/normalized.h"

namespace pipeline {

std::string facts_to_json(const media::Facts& facts);

// Kind, facts, parts (type, mime, bytes, label; text parts with their text) and token figures.
// `part_files` names, per part, the file it was written to (may be empty).
std::string normalized_to_json(const media::Normalized& normalized, const std::string& path,
                               const std::vector<std::string>& part_files = {});

}  // namespace pipeline
