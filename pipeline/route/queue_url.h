#pragma once
// The shape Redis and MQTT queue URLs share, "SCHEME://HOST[:PORT]/NAME": split once here, so
// both refuse the same mistakes (no host, a bad port, no stream or topic) with the same words.

#include <optional>
#include <string>
#include <string_view>

#include "pipeline/error.h"

namespace pipeline {

struct QueueUrl {
  std::string host;
  int port = 0;
  std::string name;  // everything after the first '/' past the host: a stream, a topic
};

// What the URL's kind is called in messages: {"Redis", "redis://", "STREAM", 6379}.
struct QueueUrlKind {
  std::string_view title;
  std::string_view scheme;
  std::string_view name_word;
  int default_port;
};

Result<QueueUrl> split_queue_url(const std::string& url, const QueueUrlKind& kind);

// A queue URL as a log line may show it: a webhook's path and query are left out, since many
// services put an access token there ("webhook:https://hooks.example.com/..."); the rest is
// shown whole.
std::string loggable_queue(const std::string& queue);

// A TCP port 1-65535 written in decimal, and nothing else.
std::optional<int> parse_port(std::string_view text);

}  // namespace pipeline
