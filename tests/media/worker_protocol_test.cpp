#include "media/worker_protocol.h"

#include <gtest/gtest.h>

namespace media {
namespace {

TEST(WorkerProtocol, round_trips_a_request) {
  WorkerRequest request{"/in/a b.jpg", Limits{}};
  request.limits.image_max_side = 768;
  request.limits.audio_mp3 = true;
  request.limits.video_audio_excerpt_s = 7.5;
  auto back = decode_request(encode_request(request));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->path, "/in/a b.jpg");
  EXPECT_EQ(back->limits.image_max_side, 768);
  EXPECT_TRUE(back->limits.audio_mp3);
  EXPECT_DOUBLE_EQ(back->limits.video_audio_excerpt_s, 7.5);
  EXPECT_EQ(back->limits.worker_memory_mb, Limits{}.worker_memory_mb);
}

TEST(WorkerProtocol, round_trips_a_normalized_value) {
  Normalized value;
  value.kind = Kind::video;
  value.facts.format = "mp4";
  value.facts.width = 1920;
  value.facts.duration_s = 61.5;
  value.facts.has_audio = true;
  value.facts.text_chars = 12;
  value.facts.frames = 30;
  value.facts.duration_ms = 2'500;
  value.facts.camera_model = "Test Camera DNG";
  value.parts.push_back(
      Part{PartType::image, "image/jpeg", std::string("\xFF\xD8\0\x01", 4), "sheet"});
  value.token_estimate = 258;
  value.naive_tokens = 18'450;
  WorkerResponse response;
  response.result = value;
  response.peak_rss_kb = 12'345;
  auto back = decode_response(encode_response(response));
  ASSERT_TRUE(back);
  ASSERT_TRUE(back->result);
  EXPECT_EQ(back->peak_rss_kb, 12'345u);
  EXPECT_EQ(back->result->kind, Kind::video);
  EXPECT_EQ(back->result->facts.width, 1920);
  EXPECT_FALSE(back->result->facts.height);
  EXPECT_DOUBLE_EQ(*back->result->facts.duration_s, 61.5);
  EXPECT_EQ(back->result->facts.has_audio, true);
  EXPECT_EQ(back->result->facts.text_chars, 12u);
  EXPECT_EQ(back->result->facts.frames, 30);
  EXPECT_EQ(back->result->facts.duration_ms, 2'500);
  EXPECT_EQ(back->result->facts.camera_model, "Test Camera DNG");
  ASSERT_EQ(back->result->parts.size(), 1u);
  EXPECT_EQ(back->result->parts[0].data, std::string("\xFF\xD8\0\x01", 4));
  EXPECT_EQ(back->result->naive_tokens, 18'450);
}

TEST(WorkerProtocol, round_trips_an_error) {
  const WorkerResponse response{fail(ErrorCode::encrypted, "locked")};
  auto back = decode_response(encode_response(response));
  ASSERT_TRUE(back);
  ASSERT_FALSE(back->result);
  EXPECT_EQ(back->result.error().code, ErrorCode::encrypted);
  EXPECT_EQ(back->result.error().detail, "locked");
  EXPECT_FALSE(back->result.error().kind) << "not probed";
}

TEST(WorkerProtocol, an_error_after_probing_keeps_the_probed_kind) {
  WorkerResponse response;
  response.result = tl::unexpected(Error{ErrorCode::corrupt, "bad huffman table", Kind::image});
  auto back = decode_response(encode_response(response));
  ASSERT_TRUE(back);
  ASSERT_FALSE(back->result);
  EXPECT_EQ(back->result.error().kind, Kind::image);
}

TEST(WorkerProtocol, rejects_truncated_payloads) {
  WorkerResponse response;
  response.result = Normalized{};
  const std::string bytes = encode_response(response);
  for (std::size_t size = 0; size < bytes.size(); ++size) {
    EXPECT_FALSE(decode_response(bytes.substr(0, size))) << size;
  }
  EXPECT_FALSE(decode_request(std::string(3, 'x')));
}

}  // namespace
}  // namespace media
