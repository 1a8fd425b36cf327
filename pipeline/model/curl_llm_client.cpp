#include "pipeline/model/curl_llm_client.h"

#include <chrono>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

#include "pipeline/model/curl_handles.h"

namespace pipeline {
namespace {

using Clock = std::chrono::steady_clock;

struct Queued {
  HttpRequest request;
  HttpCallback done;
};

// One transfer in flight: the easy handle and everything curl points into while it runs.
struct Transfer {
  EasyHandle easy;
  HeaderList headers;
  HttpRequest request;
  HttpCallback done;
  HttpResponse response;
  std::size_t max_bytes = 0;
  Clock::time_point start;
  char error_buffer[CURL_ERROR_SIZE] = {};
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const std::size_t bytes = size * count;
  // A reply this large is not a decision; stop reading rather than hold it.
  if (transfer->response.body.size() + bytes > transfer->max_bytes) return 0;
  transfer->response.body.append(data, bytes);
  return bytes;
}

std::string header_value(const char* data, std::size_t bytes, std::string_view name) {
  if (bytes <= name.size() || strncasecmp(data, name.data(), name.size()) != 0) return {};
  std::string value(data + name.size(), bytes - name.size());
  const auto first = value.find_first_not_of(" \t");
  const auto last = value.find_last_not_of(" \t\r\n");
  return first == std::string::npos ? std::string() : value.substr(first, last - first + 1);
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const std::size_t bytes = size * count;
  if (auto value = header_value(data, bytes, "retry-after:"); !value.empty()) {
    transfer->response.retry_after = value;
  }
  for (const std::string_view name : {"x-request-id:", "request-id:", "x-goog-request-id:"}) {
    if (auto value = header_value(data, bytes, name); !value.empty())
      transfer->response.request_id = value;
  }
  return bytes;
}

Error transport_error(CURLcode code, const char* buffer) {
  std::string detail = buffer[0] ? buffer : curl_easy_strerror(code);
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT: return Error{ErrorCode::timeout, detail};
    case CURLE_ABORTED_BY_CALLBACK: return Error{ErrorCode::cancelled, detail};
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL: return Error{ErrorCode::client, detail};
    default: return Error{ErrorCode::network, detail};
  }
}

}  // namespace

struct CurlLlmClient::Impl {
  CurlClientOptions options;
  MultiHandle multi;
  std::mutex mutex;
  std::deque<Queued> queue;
  bool stopping = false;
  std::map<CURL*, std::unique_ptr<Transfer>> active;  // touched by the I/O thread only
  std::thread io;

  void run();
  bool start_queued();
  void finish_done();
  void cancel_all();
  Result<std::unique_ptr<Transfer>> prepare(Queued queued);
};

Result<std::unique_ptr<Transfer>> CurlLlmClient::Impl::prepare(Queued queued) {
  auto transfer = std::make_unique<Transfer>();
  transfer->easy.reset(curl_easy_init());
  if (!transfer->easy) return fail(ErrorCode::internal, "curl_easy_init failed");
  transfer->request = std::move(queued.request);
  transfer->done = std::move(queued.done);
  transfer->max_bytes = options.max_response_bytes;
  for (const auto& header : transfer->request.headers) {
    curl_slist* grown = curl_slist_append(transfer->headers.get(), header.c_str());
    if (!grown) return fail(ErrorCode::internal, "curl_slist_append failed");
    (void)transfer->headers.release();
    transfer->headers.reset(grown);
  }
  curl_slist* grown = curl_slist_append(transfer->headers.get(), "Content-Type: application/json");
  if (!grown) return fail(ErrorCode::internal, "curl_slist_append failed");
  (void)transfer->headers.release();
  transfer->headers.reset(grown);

  CURL* easy = transfer->easy.get();
  const HttpRequest& request = transfer->request;
  curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(easy, CURLOPT_POST, 1L);
  curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request.body.data());
  curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, transfer->headers.get());
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, transfer.get());
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, transfer.get());
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, transfer->error_buffer);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options.ca_file.empty()) curl_easy_setopt(easy, CURLOPT_CAINFO, options.ca_file.c_str());
  curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_PRIVATE, transfer.get());
  transfer->start = Clock::now();
  return transfer;
}

bool CurlLlmClient::Impl::start_queued() {
  std::deque<Queued> starting;
  {
    std::lock_guard lock(mutex);
    if (stopping) return false;
    while (!queue.empty() &&
           active.size() + starting.size() < static_cast<std::size_t>(options.max_in_flight)) {
      starting.push_back(std::move(queue.front()));
      queue.pop_front();
    }
  }
  for (auto& queued : starting) {
    HttpCallback done = queued.done;
    auto transfer = prepare(std::move(queued));
    if (!transfer) {
      done(tl::unexpected(transfer.error()));
      continue;
    }
    CURL* easy = (*transfer)->easy.get();
    if (curl_multi_add_handle(multi.get(), easy) != CURLM_OK) {
      (*transfer)->done(fail(ErrorCode::internal, "curl_multi_add_handle failed"));
      continue;
    }
    active.emplace(easy, std::move(*transfer));
  }
  return true;
}

void CurlLlmClient::Impl::finish_done() {
  int left = 0;
  while (CURLMsg* message = curl_multi_info_read(multi.get(), &left)) {
    if (message->msg != CURLMSG_DONE) continue;
    CURL* easy = message->easy_handle;
    const CURLcode code = message->data.result;
    curl_multi_remove_handle(multi.get(), easy);
    auto node = active.extract(easy);
    if (node.empty()) continue;
    Transfer& transfer = *node.mapped();
    if (code != CURLE_OK) {
      transfer.done(tl::unexpected(transport_error(code, transfer.error_buffer)));
      continue;
    }
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &transfer.response.status);
    transfer.response.elapsed_ms =
        std::chrono::duration<double, std::milli>(Clock::now() - transfer.start).count();
    transfer.done(std::move(transfer.response));
  }
}

void CurlLlmClient::Impl::cancel_all() {
  for (auto& [easy, transfer] : active) {
    curl_multi_remove_handle(multi.get(), easy);
    transfer->done(fail(ErrorCode::cancelled, "the client is shutting down"));
  }
  active.clear();
  std::deque<Queued> left;
  {
    std::lock_guard lock(mutex);
    left.swap(queue);
  }
  for (auto& queued : left) queued.done(fail(ErrorCode::cancelled, "the client is shutting down"));
}

void CurlLlmClient::Impl::run() {
  while (start_queued()) {
    int running = 0;
    curl_multi_perform(multi.get(), &running);
    finish_done();
    // Woken early by curl_multi_wakeup() when a request is queued or on shutdown.
    curl_multi_poll(multi.get(), nullptr, 0, 200, nullptr);
  }
  cancel_all();
}

Result<std::unique_ptr<CurlLlmClient>> CurlLlmClient::create(const CurlClientOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  if (impl->options.max_in_flight < 1) impl->options.max_in_flight = 1;
  impl->multi.reset(curl_multi_init());
  if (!impl->multi) return fail(ErrorCode::internal, "curl_multi_init failed");
  // Keep a connection per concurrent transfer in the cache, so they are reused, not redialed.
  curl_multi_setopt(impl->multi.get(), CURLMOPT_MAXCONNECTS,
                    static_cast<long>(impl->options.max_in_flight));
  curl_multi_setopt(impl->multi.get(), CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
  Impl* raw = impl.get();
  impl->io = std::thread([raw] { raw->run(); });
  return std::unique_ptr<CurlLlmClient>(new CurlLlmClient(std::move(impl)));
}

CurlLlmClient::CurlLlmClient(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

CurlLlmClient::~CurlLlmClient() {
  shutdown();
}

void CurlLlmClient::send(HttpRequest request, HttpCallback done) {
  {
    std::lock_guard lock(m_impl->mutex);
    if (!m_impl->stopping) {
      m_impl->queue.push_back(Queued{std::move(request), std::move(done)});
      curl_multi_wakeup(m_impl->multi.get());
      return;
    }
  }
  done(fail(ErrorCode::cancelled, "the client is shut down"));
}

void CurlLlmClient::shutdown() {
  {
    std::lock_guard lock(m_impl->mutex);
    m_impl->stopping = true;
  }
  curl_multi_wakeup(m_impl->multi.get());
  if (m_impl->io.joinable()) m_impl->io.join();
}

}  // namespace pipeline
