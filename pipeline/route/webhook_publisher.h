#pragma once
// Publishes each queue message as an HTTP POST to a webhook ("webhook:https://host/path"),
// signed with HMAC-SHA256 over the body (see hmac_signature.h) and carrying the message id in
// X-Siftd-Message-Id so a receiver can drop the duplicates at-least-once delivery brings.
// Any answer but 2xx is a failure the outbox retries; the secret appears in no error.

#include <string>

#include "pipeline/route/queue_publisher.h"

namespace pipeline {

struct WebhookAddress {
  std::string url;   // the http:// or https:// URL that is POSTed to
  std::string host;  // for messages: "host:port" as written
};

// Parses "webhook:http://HOST[:PORT]/PATH" or "webhook:https://...". No user:password part (a
// credential in the URL would reach logs), no spaces or control characters.
Result<WebhookAddress> parse_webhook_url(const std::string& queue);

class WebhookPublisher final : public QueuePublisher {
 public:
  WebhookPublisher(WebhookAddress address, std::string secret, int timeout_ms = 10'000)
      : m_address(std::move(address)), m_secret(std::move(secret)), m_timeout_ms(timeout_ms) {}
  std::string_view kind() const override { return "webhook"; }
  Result<void> publish(const std::string& message_id, const std::string& payload) override;

 private:
  WebhookAddress m_address;
  std::string m_secret;
  int m_timeout_ms;
};

}  // namespace pipeline
