#pragma once
// The rules of the local backend, kept apart from its plumbing so they can be tuned on the
// labeled evaluation set. Each rule proposes a category with a confidence.

#include <string>

#include "media/normalized.h"

namespace pipeline {

struct Guess {
  std::string category;
  double confidence = 0;
  std::string summary;
};

Guess guess_category(const media::Normalized& input);

}  // namespace pipeline
