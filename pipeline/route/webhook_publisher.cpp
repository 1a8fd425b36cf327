#include "pipeline/route/webhook_publisher.h"

#include <algorithm>

#include "pipeline/display_text.h"
#include "pipeline/model/curl_handles.h"
#include "pipeline/model/redaction.h"
#include "pipeline/route/hmac_signature.h"
#include "pipeline/route/queue_url.h"

namespace pipeline {
namespace {

// Enough of an error answer to say why; the rest is not read.
constexpr std::size_t k_max_answer_bytes = 512;

std::size_t keep_answer(char* data, std::size_t size, std::size_t count, void* user) {
  auto* answer = static_cast<std::string*>(user);
  const std::size_t bytes = size * count;
  const std::size_t room =
      answer->size() < k_max_answer_bytes ? k_max_answer_bytes - answer->size() : 0;
  answer->append(data, std::min(bytes, room));
  return bytes;
}

}  // namespace

Result<WebhookAddress> parse_webhook_url(const std::string& queue) {
  const std::string usage = "a webhook queue is webhook:https://HOST[:PORT]/PATH, not " + queue;
  const std::string prefix = "webhook:";
  if (queue.rfind(prefix, 0) != 0) return fail(ErrorCode::queue, usage);
  WebhookAddress address;
  address.url = queue.substr(prefix.size());
  std::size_t host_start = 0;
  for (const std::string_view scheme : {"http://", "https://"}) {
    if (address.url.rfind(scheme, 0) == 0) host_start = scheme.size();
  }
  if (host_start == 0) return fail(ErrorCode::queue, usage);
  if (std::any_of(address.url.begin(), address.url.end(),
                  [](char c) { return static_cast<unsigned char>(c) <= ' ' || c == 0x7f; })) {
    return fail(ErrorCode::queue, "the webhook URL has a space or a control character");
  }
  const auto path_start =
      std::min(address.url.find_first_of("/?#", host_start), address.url.size());
  address.host = address.url.substr(host_start, path_start - host_start);
  if (address.host.find('@') != std::string::npos) {
    return fail(ErrorCode::queue,
                "the webhook URL carries a user name or password; siftd signs its requests with "
                "routes.webhook_secret instead");
  }
  const auto colon = address.host.rfind(':');
  const bool has_port =
      colon != std::string::npos && address.host.find(']', colon) == std::string::npos;
  const std::string host_name = has_port ? address.host.substr(0, colon) : address.host;
  if (host_name.empty()) return fail(ErrorCode::queue, "the webhook URL names no host: " + queue);
  if (has_port && !parse_port(std::string_view(address.host).substr(colon + 1)))
    return fail(ErrorCode::queue, "the webhook URL has a bad port: " + queue);
  return address;
}

Result<void> WebhookPublisher::publish(const std::string& message_id, const std::string& payload) {
  EasyHandle easy(curl_easy_init());
  if (!easy) return fail(ErrorCode::queue, "webhook: curl_easy_init failed");
  HeaderList headers;
  const std::string lines[] = {
      "Content-Type: application/json",
      std::string(k_signature_header) + ": " + webhook_signature(m_secret, payload),
      "X-Siftd-Message-Id: " + message_id, std::string("User-Agent: siftd/") + SIFTD_VERSION,
      "Expect:"};  // no 100-continue round trip for a small body
  for (const auto& line : lines) {
    curl_slist* longer = curl_slist_append(headers.get(), line.c_str());
    if (!longer) return fail(ErrorCode::queue, "webhook: out of memory");
    (void)headers.release();
    headers.reset(longer);
  }
  std::string answer;
  char error_buffer[CURL_ERROR_SIZE] = {};
  CURL* handle = easy.get();
  curl_easy_setopt(handle, CURLOPT_URL, m_address.url.c_str());
  curl_easy_setopt(handle, CURLOPT_POST, 1L);
  curl_easy_setopt(handle, CURLOPT_POSTFIELDS, payload.data());
  curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(payload.size()));
  curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, keep_answer);
  curl_easy_setopt(handle, CURLOPT_WRITEDATA, &answer);
  curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(m_timeout_ms));
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(handle, CURLOPT_SSL_VERIFYHOST, 2L);
  // A redirect is not followed: the signed body goes only where the configuration says.
  curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
  const CURLcode code = curl_easy_perform(handle);
  if (code != CURLE_OK) {
    const std::string why = error_buffer[0] ? error_buffer : curl_easy_strerror(code);
    return fail(ErrorCode::queue, "webhook " + m_address.host + ": " + why);
  }
  long status = 0;
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
  if (status >= 200 && status < 300) return {};
  // A receiver may echo what it was sent; the secret itself is never part of that, but an
  // answer is still passed through the redactor before it reaches a log line.
  const Redactor redactor({m_secret});
  return fail(ErrorCode::queue, "webhook " + m_address.host + " answered " +
                                    std::to_string(status) + ": " +
                                    redactor.redact(printable(answer, k_max_answer_bytes)));
}

}  // namespace pipeline
