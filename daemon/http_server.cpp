#include "daemon/http_server.h"

#include "daemon/guarded_http_server.h"
#include "daemon/listen_address.h"

namespace daemon_core {

struct HttpServer::Impl {
  GuardedServer server;  // slow and idle clients cannot starve the endpoints
  std::thread thread;
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

HttpServer::~HttpServer() {
  m_impl->server.stop();
  if (m_impl->thread.joinable()) m_impl->thread.join();
}

Result<std::unique_ptr<HttpServer>> HttpServer::start(const std::string& listen,
                                                      const HttpHandlers& handlers) {
  auto address = parse_listen_address(listen);
  if (!address) return fail(ErrorCode::config, "http.listen: " + address.error().detail);
  auto impl = std::make_unique<Impl>();
  auto& server = impl->server;
  server.Get("/healthz", [](const httplib::Request&, httplib::Response& response) {
    response.set_content("ok\n", "text/plain");
  });
  server.Get("/readyz",
             [ready = handlers.ready](const httplib::Request&, httplib::Response& response) {
               std::string why;
               const bool ok = ready(why);
               response.status = ok ? 200 : 503;
               response.set_content(why + "\n", "text/plain");
             });
  server.Get("/metrics",
             [metrics = handlers.metrics](const httplib::Request&, httplib::Response& response) {
               response.set_content(metrics(), "text/plain; version=0.0.4; charset=utf-8");
             });
  server.Get("/status",
             [status = handlers.status](const httplib::Request&, httplib::Response& response) {
               response.set_content(status(), "application/json");
             });
  const int bound = address->port == 0
                        ? server.bind_to_any_port(address->host)
                        : (server.bind_to_port(address->host, address->port) ? address->port : -1);
  if (bound <= 0) {
    // httplib does not say why; binding again the same way does (a port in use, above all).
    if (auto probed = probe_listen_address(*address); !probed)
      return fail(ErrorCode::config, "http.listen: " + probed.error().detail);
    return fail(ErrorCode::network, "cannot listen on " + listen);
  }
  impl->thread = std::thread([&server] { server.listen_after_bind(); });
  auto result = std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
  result->m_port = bound;
  return result;
}

}  // namespace daemon_core
