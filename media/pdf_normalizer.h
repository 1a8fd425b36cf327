#pragma once
// Normalizes PDF documents within the limits: page count, metadata and encrypted/damaged
// flags; the text of the first pages up to a character budget; and, when there is too little
// text (a scan), the first page rendered to fit the image budget.

#include <string>

#include "media/error.h"
#include "media/limits.h"
#include "media/normalized.h"

namespace media {

Result<Normalized> normalize_pdf(const std::string& path, const Limits& limits);

}  // namespace media
