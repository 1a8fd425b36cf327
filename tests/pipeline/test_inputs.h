#pragma once
// Small Normalized values to ask about, one per kind of part.

#include <string>

#include "media/normalized.h"

namespace pipeline_test {

inline media::Normalized image_input() {
  media::Normalized input;
  input.kind = media::Kind::image;
  input.facts.format = "jpeg";
  input.facts.mime = "image/jpeg";
  input.facts.bytes = 12345;
  input.facts.width = 384;
  input.facts.height = 256;
  input.parts.push_back(media::Part{media::PartType::image, "image/jpeg",
                                    std::string("\xff\xd8\xff\xe0 fake", 9), "image"});
  input.token_estimate = 258;
  input.naive_tokens = 1032;
  return input;
}

inline media::Normalized audio_input() {
  media::Normalized input;
  input.kind = media::Kind::audio;
  input.facts.format = "wav";
  input.facts.duration_s = 3.0;
  input.parts.push_back(
      media::Part{media::PartType::audio, "audio/wav", "RIFF....WAVEfmt ", "excerpt 0-3s"});
  input.token_estimate = 96;
  return input;
}

inline media::Normalized pdf_input() {
  media::Normalized input;
  input.kind = media::Kind::pdf;
  input.facts.format = "pdf";
  input.facts.pages = 2;
  input.parts.push_back(media::Part{media::PartType::text, "text/plain",
                                    "INVOICE 42\nTotal due: 120.00 EUR", "page 1 text"});
  input.token_estimate = 12;
  return input;
}

// A video as the normalizer sends it: one contact sheet and an audio excerpt.
inline media::Normalized video_input() {
  media::Normalized input;
  input.kind = media::Kind::video;
  input.facts.format = "mp4";
  input.facts.duration_s = 42.0;
  input.facts.frames_sampled = 6;
  input.parts.push_back(media::Part{media::PartType::image, "image/jpeg",
                                    std::string("\xff\xd8\xff\xe0 sheet", 10),
                                    "contact sheet of 6 frames, 0-40s"});
  input.parts.push_back(
      media::Part{media::PartType::audio, "audio/mpeg", "ID3 mp3 bytes", "excerpt 0-15s"});
  input.token_estimate = 258 + 480;
  return input;
}

// A scanned PDF: little text, and its first page as an image.
inline media::Normalized scanned_pdf_input() {
  media::Normalized input = pdf_input();
  input.parts.front().data = "";
  input.parts.push_back(media::Part{media::PartType::image, "image/png",
                                    std::string("\x89PNG\r\n\x1a\n page", 13), "page 1, 384x512"});
  input.token_estimate = 258;
  return input;
}

}  // namespace pipeline_test
