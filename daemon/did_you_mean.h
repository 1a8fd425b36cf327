#pragma once
// A suggestion for a misspelt subcommand or flag ("statsu" -> "status"): the closest known word
// by edit distance, when it is close enough to be what was meant.

#include <optional>
#include <string>
#include <vector>

namespace daemon_core {

// The candidate nearest to `word` (Levenshtein), or nothing when none is within a third of its
// length (at least 1, at most 3 edits).
std::optional<std::string> closest_word(const std::string& word,
                                        const std::vector<std::string>& candidates);

}  // namespace daemon_core
