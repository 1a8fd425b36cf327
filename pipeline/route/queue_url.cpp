#include "pipeline/route/queue_url.h"

#include <charconv>

namespace pipeline {

std::optional<int> parse_port(std::string_view text) {
  int port = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (error != std::errc() || end != text.data() + text.size() || port <= 0 || port > 65535)
    return std::nullopt;
  return port;
}

std::string loggable_queue(const std::string& queue) {
  if (queue.rfind("webhook:", 0) != 0) return queue;
  const auto host = queue.find("://");
  if (host == std::string::npos) return "webhook:...";
  const auto path = queue.find_first_of("/?#", host + 3);
  return path == std::string::npos ? queue : queue.substr(0, path) + "/...";
}

Result<QueueUrl> split_queue_url(const std::string& url, const QueueUrlKind& kind) {
  const std::string title(kind.title);
  if (url.rfind(kind.scheme, 0) != 0) {
    return fail(ErrorCode::queue, "a " + title + " queue is " + std::string(kind.scheme) +
                                      "HOST:PORT/" + std::string(kind.name_word) + ", not " + url);
  }
  const std::string rest = url.substr(kind.scheme.size());
  const auto slash = rest.find('/');
  if (slash == std::string::npos || slash + 1 >= rest.size()) {
    return fail(ErrorCode::queue,
                "the " + title + " URL names no " + std::string(kind.name_word) + ": " + url);
  }
  QueueUrl parsed;
  parsed.port = kind.default_port;
  parsed.name = rest.substr(slash + 1);
  const std::string host_port = rest.substr(0, slash);
  const auto colon = host_port.rfind(':');
  parsed.host = host_port.substr(0, colon);
  if (colon != std::string::npos) {
    const auto port = parse_port(std::string_view(host_port).substr(colon + 1));
    if (!port) return fail(ErrorCode::queue, "the " + title + " URL has a bad port: " + url);
    parsed.port = *port;
  }
  // A user name or password has no place here: the URL is written into log lines.
  if (parsed.host.empty() || parsed.host.find('@') != std::string::npos) {
    return fail(ErrorCode::queue,
                "the " + title + " URL names no host (and takes no user name): " + url);
  }
  return parsed;
}

}  // namespace pipeline
