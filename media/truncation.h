#pragma once
// Tells a cut-off upload from a whole file by the format's own framing: JPEG markers up to
// EOI, PNG chunks up to IEND, RIFF (WAV, AVI, WebP) and ISO BMFF (MP4, MOV, M4A, HEIF) sizes
// against the file's length, and a PDF's closing xref section. It reads framing only, never
// pixels or samples, and says nothing of formats it does not frame; decoders judge the rest.

#include <string>
#include <string_view>

#include "media/error.h"

namespace media {

// A `truncated` error saying where the structure runs past the end, or success.
Result<void> check_complete(std::string_view bytes);

// The same for a file, read by offset: only headers and the tail, never the whole of it
// (except a JPEG's entropy-coded data, scanned in blocks for its end marker).
Result<void> check_file_complete(const std::string& path);

}  // namespace media
