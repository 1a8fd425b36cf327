#pragma once
// libavformat probing: tells audio from video by the streams a container really holds
// (an .mp4 with only AAC is audio; an MP3 with cover art is audio). Private to media/.

#include <string>

#include "media/error.h"

namespace media {

struct AvProbe {
  std::string format;  // libavformat's short name, e.g. "mov,mp4,m4a,3gp,3g2,mj2"
  bool has_video = false;
  bool has_audio = false;
};

Result<AvProbe> av_probe_file(const std::string& path);
Result<AvProbe> av_probe_bytes(const std::string& bytes);

}  // namespace media
