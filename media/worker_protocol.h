#pragma once
// The wire format between the worker pool and its worker processes: length-prefixed frames
// carrying a request (path and limits) or a response (a Normalized value or an Error, plus the
// worker's peak memory). Both sides are the same binary, so the encoding is plain and
// little-endian; decoding still checks every length. Private to media/.

#include <cstdint>
#include <optional>
#include <string>

#include "media/error.h"
#include "media/limits.h"
#include "media/normalized.h"

namespace media {

inline constexpr std::uint32_t k_max_frame_bytes = 256u << 20;

// The first frame a worker writes, before any request: proves the started binary is a worker
// that speaks this protocol (and not, say, a test binary that ignored the `worker` argument).
inline constexpr const char* k_worker_hello = "siftd-worker/1";

struct WorkerRequest {
  std::string path;
  Limits limits;
};

struct WorkerResponse {
  Result<Normalized> result = fail(ErrorCode::internal, "empty response");
  std::uint64_t peak_rss_kb = 0;
  bool exiting = false;  // the worker leaves after this answer (memory high, or allocation failed)
};

std::string encode_request(const WorkerRequest& request);
std::optional<WorkerRequest> decode_request(const std::string& payload);
std::string encode_response(const WorkerResponse& response);
std::optional<WorkerResponse> decode_response(const std::string& payload);

// A frame is a 4-byte little-endian length, then the payload.
std::string frame(const std::string& payload);
std::uint32_t frame_size(const unsigned char (&header)[4]);

// Blocking frame I/O for the worker side. read_frame returns nothing on EOF or a bad length.
std::optional<std::string> read_frame(int fd);
bool write_frame(int fd, const std::string& payload);

}  // namespace media
