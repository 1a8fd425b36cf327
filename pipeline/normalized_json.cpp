#include "pipeline/normalized_json.h"

#include <nlohmann/json.hpp>

namespace pipeline {
namespace {

using nlohmann::json;

template <typename T>
void put(json& out, const char* key, const std::optional<T>& value) {
  if (value) out[key] = *value;
}
void put(json& out, const char* key, const std::string& value) {
  if (!value.empty()) out[key] = value;
}

json facts_json(const media::Facts& f) {
  json out = json::object();
  put(out, "format", f.format);
  put(out, "mime", f.mime);
  out["bytes"] = f.bytes;
  put(out, "width", f.width);
  put(out, "height", f.height);
  put(out, "orientation", f.orientation);
  put(out, "has_alpha", f.has_alpha);
  put(out, "duration_s", f.duration_s);
  put(out, "frame_rate", f.frame_rate);
  put(out, "frames_sampled", f.frames_sampled);
  put(out, "frames", f.frames);
  put(out, "duration_ms", f.duration_ms);
  put(out, "video_codec", f.video_codec);
  put(out, "audio_codec", f.audio_codec);
  put(out, "has_audio", f.has_audio);
  put(out, "channels", f.channels);
  put(out, "sample_rate", f.sample_rate);
  put(out, "loudness_dbfs", f.loudness_dbfs);
  put(out, "silence_ratio", f.silence_ratio);
  put(out, "pages", f.pages);
  put(out, "encrypted", f.encrypted);
  put(out, "damaged", f.damaged);
  put(out, "title", f.title);
  put(out, "author", f.author);
  put(out, "producer", f.producer);
  put(out, "text_chars", f.text_chars);
  put(out, "camera_make", f.camera_make);
  put(out, "camera_model", f.camera_model);
  put(out, "capture_time", f.capture_time);
  // The text itself reaches the model only as its own part, when model.send_ocr_text says so.
  if (!f.ocr_text.empty()) out["ocr_chars"] = f.ocr_text.size();
  return out;
}

std::string dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

std::string facts_to_json(const media::Facts& facts) {
  return dump(facts_json(facts));
}

std::string normalized_to_json(const media::Normalized& normalized, const std::string& path,
                               const std::vector<std::string>& part_files) {
  json parts = json::array();
  for (std::size_t i = 0; i < normalized.parts.size(); ++i) {
    const auto& part = normalized.parts[i];
    json entry{{"type", media::to_string(part.type)},
               {"mime", part.mime},
               {"bytes", part.data.size()},
               {"label", part.label}};
    if (part.type == media::PartType::text) entry["text"] = part.data;
    if (i < part_files.size() && !part_files[i].empty()) entry["file"] = part_files[i];
    parts.push_back(std::move(entry));
  }
  const json out{{"path", path},
                 {"kind", media::to_string(normalized.kind)},
                 {"facts", facts_json(normalized.facts)},
                 {"parts", parts},
                 {"ocr_text", normalized.facts.ocr_text},
                 {"token_estimate", normalized.token_estimate},
                 {"naive_tokens", normalized.naive_tokens}};
  return dump(out);
}

}  // namespace pipeline
