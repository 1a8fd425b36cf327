#include "tests/fakes/fake_model_server.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <fstream>
#include <mutex>
#include <thread>

#include <sys/socket.h>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "tests/fakes/fake_gemini_batches.h"
#include "tests/fakes/fake_gemini_replies.h"
#include "tests/fakes/gemini_request_check.h"

namespace fakes {
namespace {

using nlohmann::json;

constexpr std::pair<Fault, std::string_view> k_fault_names[] = {
    {Fault::none, "none"},
    {Fault::rate_limited, "rate_limited"},
    {Fault::resource_exhausted, "resource_exhausted"},
    {Fault::quota_per_day, "quota_per_day"},
    {Fault::server_error, "server_error"},
    {Fault::unavailable, "unavailable"},
    {Fault::bad_request, "bad_request"},
    {Fault::unauthorized, "unauthorized"},
    {Fault::forbidden, "forbidden"},
    {Fault::model_not_found, "model_not_found"},
    {Fault::slow, "slow"},
    {Fault::drop_connection, "drop_connection"},
    {Fault::truncated_body, "truncated_body"},
    {Fault::malformed_json, "malformed_json"},
    {Fault::schema_breaking, "schema_breaking"},
    {Fault::unknown_category, "unknown_category"},
    {Fault::path_category, "path_category"},
    {Fault::echo_credentials, "echo_credentials"},
    {Fault::internal, "internal"},
    {Fault::invalid_argument, "invalid_argument"},
    {Fault::safety, "safety"},
    {Fault::max_tokens, "max_tokens"},
    {Fault::blocked, "blocked"},
    {Fault::batch_expired, "batch_expired"},
};

const char* k_default_content =
    R"({"category":"photo","confidence":0.92,"route":"accept","summary":"a photograph","fields":{}})";

std::string google_error(const json& details) {
  return json::array({json{{"error",
                            {{"code", 429},
                             {"message", "Resource has been exhausted (e.g. check quota)."},
                             {"status", "RESOURCE_EXHAUSTED"},
                             {"details", details}}}}})
      .dump();
}

}  // namespace

std::string decision_with_category(const std::string& category) {
  return json{{"category", category},
              {"confidence", 0.95},
              {"route", "accept"},
              {"summary", "looks fine"},
              {"fields", json::object()}}
      .dump();
}

std::optional<Fault> parse_fault(std::string_view name) {
  for (const auto& [fault, text] : k_fault_names) {
    if (text == name) return fault;
  }
  return std::nullopt;
}

std::string_view to_string(Fault fault) {
  for (const auto& [value, text] : k_fault_names) {
    if (value == fault) return text;
  }
  return "none";
}

struct FakeModelServer::Impl {
  FakeServerOptions options;
  httplib::Server server;
  std::thread thread;
  int port = 0;
  std::atomic<bool> stopping{false};
  std::mutex stop_mutex;
  std::condition_variable stop_signal;
  std::atomic<std::uint64_t> served{0};
  std::atomic<int> in_flight{0};
  int listen_socket = -1;
  std::atomic<int> max_in_flight{0};
  mutable std::mutex mutex;
  std::deque<ScriptedReply> script;
  std::vector<RecordedRequest> requests;
  FakeGeminiBatches batches{options};

  // Strict mode, as the real API: a key is required, and a field it does not define is a 400.
  bool refuse_gemini(const httplib::Request& request, const std::string& message,
                     httplib::Response& response) const {
    if (!options.strict) return false;
    if (request.get_header_value("x-goog-api-key").empty() && !request.has_param("key")) {
      response.status = 403;
      response.set_content(gemini_error(403, "PERMISSION_DENIED",
                                        "Method doesn't allow unregistered callers (callers "
                                        "without established identity). Please use API Key."),
                           "application/json");
      return true;
    }
    if (message.empty()) return false;
    const std::string error = GeminiFieldLists::reference().check(request.body, message);
    if (error.empty()) return false;
    response.status = 400;
    response.set_content(gemini_error(400, "INVALID_ARGUMENT", error), "application/json");
    return true;
  }

  void send(const GeminiAnswer& answer, httplib::Response& response) {
    response.status = answer.status;
    response.set_content(answer.body, "application/json");
  }

  void generate(const httplib::Request& request, httplib::Response& response) {
    record(request);
    if (refuse_gemini(request, "GenerateContentRequest", response)) return;
    const ScriptedReply reply = next_reply();
    pause(options.latency);
    if (reply.fault == Fault::slow) pause(options.slow);
    if (reply.fault == Fault::drop_connection) {
      response.set_content_provider(
          1000, "application/json",
          [](std::size_t, std::size_t, httplib::DataSink&) { return false; });
      return;
    }
    send(gemini_answer(reply, content_of(reply), request.body, options,
                       request.get_header_value("x-goog-api-key"),
                       "fake-" + std::to_string(served.fetch_add(1))),
         response);
  }

  void batch_generate(const httplib::Request& request, httplib::Response& response) {
    record(request);
    if (refuse_gemini(request, "BatchGenerateContentRequest", response)) return;
    send(batches.create(
             request.matches[1].str(), request.body, request.get_header_value("x-goog-api-key"),
             [this] { return next_reply(); },
             [this](const ScriptedReply& reply) { return content_of(reply); }),
         response);
  }

  void get_batch(const httplib::Request& request, httplib::Response& response) {
    record(request);
    if (refuse_gemini(request, "", response)) return;
    send(batches.get(request.matches[1].str()), response);
  }

  // Waits out the latency, or less when stop() comes first, so stop never waits on a slow reply.
  void pause(std::chrono::milliseconds duration) {
    if (duration.count() <= 0) return;
    std::unique_lock lock(stop_mutex);
    stop_signal.wait_for(lock, duration, [this] { return stopping.load(); });
  }

  std::string completion(const std::string& model, const std::string& content,
                         const std::string& finish = "stop") {
    const auto id = served.fetch_add(1);
    return json{
        {"id", "chatcmpl-fake-" + std::to_string(id)},
        {"object", "chat.completion"},
        {"created", 1'700'000'000},
        {"model", model},
        {"choices", json::array({json{{"index", 0},
                                      {"message", {{"role", "assistant"}, {"content", content}}},
                                      {"finish_reason", finish}}})},
        {"usage",
         {{"prompt_tokens", options.prompt_tokens},
          {"completion_tokens", options.completion_tokens},
          {"total_tokens", options.prompt_tokens + options.completion_tokens},
          {"prompt_tokens_details", {{"cached_tokens", options.cached_tokens}}}}}}
        .dump();
  }

  template <typename Respond>
  void count_in_flight(Respond respond_now) {
    const int now_serving = ++in_flight;
    for (int seen = max_in_flight;
         now_serving > seen && !max_in_flight.compare_exchange_weak(seen, now_serving);) {
    }
    respond_now();
    --in_flight;
  }

  void handle(const httplib::Request& request, httplib::Response& response) {
    count_in_flight([&] { respond(request, response); });
  }

  void record(const httplib::Request& request) {
    std::lock_guard lock(mutex);
    requests.push_back(RecordedRequest{request.path, request.body,
                                       request.get_header_value("Authorization"), request.target,
                                       request.get_header_value("x-goog-api-key"), request.method});
  }

  ScriptedReply next_reply() {
    std::lock_guard lock(mutex);
    if (script.empty()) return {};
    ScriptedReply reply = std::move(script.front());
    script.pop_front();
    return reply;
  }

  std::string content_of(const ScriptedReply& reply) const {
    if (!reply.content.empty()) return reply.content;
    return options.default_content.empty() ? k_default_content : options.default_content;
  }

  void respond(const httplib::Request& request, httplib::Response& response) {
    record(request);
    ScriptedReply reply = next_reply();
    pause(options.latency);
    const json body = json::parse(request.body, nullptr, false);
    const std::string model = body.is_object() ? body.value("model", "fake") : "fake";
    const std::string content = content_of(reply);
    const std::string plain_error =
        R"({"error":{"message":"scripted failure","type":"server_error"}})";
    switch (reply.fault) {
      case Fault::none:
      case Fault::batch_expired:
        response.set_content(completion(model, content), "application/json");
        return;
      case Fault::safety:
      case Fault::blocked:
        response.set_content(completion(model, "", "content_filter"), "application/json");
        return;
      case Fault::max_tokens:
        response.set_content(completion(model, content.substr(0, content.size() / 2), "length"),
                             "application/json");
        return;
      case Fault::rate_limited:
        response.status = 429;
        response.set_header("Retry-After", std::to_string(reply.retry_after_s));
        response.set_content(R"({"error":{"message":"rate limited","type":"rate_limit_exceeded"}})",
                             "application/json");
        return;
      case Fault::resource_exhausted:
        response.status = 429;
        response.set_content(
            google_error(json::array({json{{"@type", "type.googleapis.com/google.rpc.RetryInfo"},
                                           {"retryDelay", reply.retry_delay}}})),
            "application/json");
        return;
      case Fault::quota_per_day:
        response.status = 429;
        response.set_content(
            google_error(json::array(
                {json{
                     {"@type", "type.googleapis.com/google.rpc.QuotaFailure"},
                     {"violations",
                      json::array({json{
                          {"quotaMetric",
                           "generativelanguage.googleapis.com/generate_content_free_tier_requests"},
                          {"quotaId", "GenerateRequestsPerDayPerProjectPerModel-FreeTier"}}})}},
                 json{{"@type", "type.googleapis.com/google.rpc.RetryInfo"},
                      {"retryDelay", "40s"}}})),
            "application/json");
        return;
      case Fault::server_error:
      case Fault::internal:
        response.status = 500;
        response.set_content(plain_error, "application/json");
        return;
      case Fault::unavailable:
        response.status = 503;
        response.set_content(plain_error, "application/json");
        return;
      case Fault::bad_request:
      case Fault::invalid_argument:
        response.status = 400;
        response.set_content(
            R"({"error":{"message":"invalid request","type":"invalid_request_error"}})",
            "application/json");
        return;
      case Fault::unauthorized:
        response.status = 401;
        response.set_content(R"({"error":{"message":"bad key","type":"invalid_request_error"}})",
                             "application/json");
        return;
      case Fault::forbidden:
        response.status = 403;
        response.set_content(
            R"({"error":{"message":"this key may not use the model","type":"permission_error"}})",
            "application/json");
        return;
      case Fault::model_not_found:
        response.status = 404;
        response.set_content(json{{"error",
                                   {{"message", "The model `" + model + "` does not exist"},
                                    {"type", "invalid_request_error"},
                                    {"code", "model_not_found"}}}}
                                 .dump(),
                             "application/json");
        return;
      case Fault::slow:
        pause(options.slow);
        response.set_content(completion(model, content), "application/json");
        return;
      case Fault::drop_connection:
        // Promise a body, then abort: the client sees the connection close mid-reply.
        response.set_content_provider(
            1000, "application/json",
            [](std::size_t, std::size_t, httplib::DataSink&) { return false; });
        return;
      case Fault::truncated_body:
        response.set_content(completion(model, content).substr(0, 40), "application/json");
        return;
      case Fault::malformed_json:
        response.set_content(completion(model, R"({"category": "photo", "confidence": 0.9, )"),
                             "application/json");
        return;
      case Fault::schema_breaking:
        response.set_content(
            completion(model, R"({"category":"photo","confidence":7,"route":"maybe"})"),
            "application/json");
        return;
      case Fault::unknown_category:
        response.set_content(completion(model, decision_with_category("weapons")),
                             "application/json");
        return;
      case Fault::path_category:
        response.set_content(completion(model, decision_with_category("../../etc")),
                             "application/json");
        return;
      case Fault::echo_credentials:
        // As some proxies do: the rejected request's headers quoted back in the error.
        response.status = 400;
        response.set_content(json{{"error",
                                   {{"message", "Invalid request headers: Authorization: " +
                                                    request.get_header_value("Authorization") +
                                                    ", x-goog-api-key: " +
                                                    request.get_header_value("x-goog-api-key")},
                                    {"type", "invalid_request_error"}}}}
                                 .dump(),
                             "application/json");
        return;
    }
  }
};

FakeModelServer::FakeModelServer(FakeServerOptions options) : m_impl(std::make_unique<Impl>()) {
  m_impl->options = std::move(options);
  Impl* impl = m_impl.get();
  const int threads = std::max(1, m_impl->options.threads);
  // httplib's own interface: it takes ownership of the pool it is handed.
  impl->server.new_task_queue = [threads] {
    return new httplib::ThreadPool(static_cast<std::size_t>(threads));
  };
  impl->server.set_tcp_nodelay(true);
  impl->server.set_keep_alive_max_count(100'000);
  impl->server.set_keep_alive_timeout(30);
  // httplib listens with a backlog of 5; a client opening dozens of connections at once would
  // see some of them stall. Keep the socket to listen again with a deeper backlog once bound.
  impl->server.set_socket_options([impl](int socket) {
    httplib::default_socket_options(socket);
    impl->listen_socket = socket;
  });
  const auto handler = [impl](const httplib::Request& request, httplib::Response& response) {
    impl->handle(request, response);
  };
  impl->server.Post("/v1/chat/completions", handler);
  impl->server.Post("/chat/completions", handler);
  // The model name is a path segment followed by the method: ".../models/NAME:generateContent".
  impl->server.Post(R"(/v1beta/models/([^/:]+):generateContent)",
                    [impl](const httplib::Request& request, httplib::Response& response) {
                      impl->count_in_flight([&] { impl->generate(request, response); });
                    });
  impl->server.Post(R"(/v1beta/models/([^/:]+):batchGenerateContent)",
                    [impl](const httplib::Request& request, httplib::Response& response) {
                      impl->batch_generate(request, response);
                    });
  impl->server.Get(R"(/v1beta/batches/([^/]+))",
                   [impl](const httplib::Request& request, httplib::Response& response) {
                     impl->get_batch(request, response);
                   });
}

FakeModelServer::~FakeModelServer() {
  stop();
}

bool FakeModelServer::start() {
  m_impl->port =
      m_impl->options.port == 0
          ? m_impl->server.bind_to_any_port("127.0.0.1")
          : (m_impl->server.bind_to_port("127.0.0.1", m_impl->options.port) ? m_impl->options.port
                                                                            : -1);
  if (m_impl->port <= 0) return false;
  if (m_impl->listen_socket >= 0) ::listen(m_impl->listen_socket, 1024);
  m_impl->thread = std::thread([impl = m_impl.get()] { impl->server.listen_after_bind(); });
  return true;
}

void FakeModelServer::stop() {
  {
    std::lock_guard lock(m_impl->stop_mutex);
    m_impl->stopping = true;
  }
  m_impl->stop_signal.notify_all();
  m_impl->server.stop();
  if (m_impl->thread.joinable()) m_impl->thread.join();
}

int FakeModelServer::port() const {
  return m_impl->port;
}

std::string FakeModelServer::base_url() const {
  return root_url() + "/v1";
}

std::string FakeModelServer::root_url() const {
  return "http://127.0.0.1:" + std::to_string(m_impl->port);
}

void FakeModelServer::script(std::vector<ScriptedReply> replies) {
  std::lock_guard lock(m_impl->mutex);
  m_impl->script.assign(std::make_move_iterator(replies.begin()),
                        std::make_move_iterator(replies.end()));
}

std::vector<RecordedRequest> FakeModelServer::requests() const {
  std::lock_guard lock(m_impl->mutex);
  return m_impl->requests;
}

int FakeModelServer::max_concurrent() const {
  return m_impl->max_in_flight;
}

std::size_t FakeModelServer::request_count() const {
  std::lock_guard lock(m_impl->mutex);
  return m_impl->requests.size();
}

std::optional<std::vector<ScriptedReply>> load_script(const std::string& path, std::string& error) {
  std::ifstream in(path);
  if (!in) {
    error = "cannot read " + path;
    return std::nullopt;
  }
  const json document = json::parse(in, nullptr, false);
  if (!document.is_array()) {
    error = path + ": expected a JSON array of replies";
    return std::nullopt;
  }
  std::vector<ScriptedReply> replies;
  for (const auto& item : document) {
    if (!item.is_object()) {
      error = path + ": each reply must be an object";
      return std::nullopt;
    }
    ScriptedReply reply;
    const auto fault = parse_fault(item.value("fault", "none"));
    if (!fault) {
      error = path + ": unknown fault '" + item.value("fault", "") + "'";
      return std::nullopt;
    }
    reply.fault = *fault;
    if (const auto content = item.find("content"); content != item.end()) {
      reply.content = content->is_string() ? content->get<std::string>() : content->dump();
    }
    reply.retry_after_s = item.value("retry_after_s", reply.retry_after_s);
    reply.retry_delay = item.value("retry_delay", reply.retry_delay);
    const int repeat = std::max(1, item.value("repeat", 1));
    for (int i = 0; i < repeat; ++i) replies.push_back(reply);
  }
  return replies;
}

}  // namespace fakes
