#include "pipeline/route/redis_stream_publisher.h"

#include <hiredis/hiredis.h>

#include "pipeline/route/queue_url.h"

namespace pipeline {
namespace {

struct ContextFreer {
  void operator()(redisContext* context) const { redisFree(context); }
};
struct ReplyFreer {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};

}  // namespace

struct RedisStreamPublisher::Connection {
  std::unique_ptr<redisContext, ContextFreer> context;
};

Result<RedisAddress> parse_redis_url(const std::string& url) {
  auto parsed = split_queue_url(url, {"Redis", "redis://", "STREAM", 6379});
  if (!parsed) return tl::unexpected(parsed.error());
  return RedisAddress{parsed->host, parsed->port, parsed->name};
}

RedisStreamPublisher::RedisStreamPublisher(RedisAddress address, long long max_length,
                                           int timeout_ms)
    : m_address(std::move(address)), m_max_length(max_length), m_timeout_ms(timeout_ms) {}

RedisStreamPublisher::~RedisStreamPublisher() = default;

Result<void> RedisStreamPublisher::connect() {
  timeval timeout{m_timeout_ms / 1000, static_cast<suseconds_t>(m_timeout_ms % 1000) * 1000};
  auto connection = std::make_unique<Connection>();
  connection->context.reset(
      redisConnectWithTimeout(m_address.host.c_str(), m_address.port, timeout));
  if (!connection->context || connection->context->err) {
    const std::string why = connection->context ? connection->context->errstr : "out of memory";
    return fail(ErrorCode::queue, "cannot reach Redis at " + m_address.host + ":" +
                                      std::to_string(m_address.port) + ": " + why);
  }
  redisSetTimeout(connection->context.get(), timeout);
  m_connection = std::move(connection);
  return {};
}

Result<void> RedisStreamPublisher::publish(const std::string& message_id,
                                           const std::string& payload) {
  std::lock_guard lock(m_mutex);
  if (!m_connection) {
    if (auto ok = connect(); !ok) return ok;
  }
  const std::string max_length = std::to_string(m_max_length);
  const char* argv[] = {"XADD",
                        m_address.stream.c_str(),
                        "MAXLEN",
                        "~",
                        max_length.c_str(),
                        "*",
                        "id",
                        message_id.c_str(),
                        "message",
                        payload.c_str()};
  const std::size_t lengths[] = {
      4, m_address.stream.size(), 6, 1, max_length.size(), 1, 2, message_id.size(),
      7, payload.size()};
  const bool capped = m_max_length > 0;
  // Without a cap the MAXLEN clause (argv[2..4]) is left out.
  std::vector<const char*> args;
  std::vector<std::size_t> sizes;
  for (std::size_t i = 0; i < std::size(argv); ++i) {
    if (!capped && i >= 2 && i <= 4) continue;
    args.push_back(argv[i]);
    sizes.push_back(lengths[i]);
  }
  std::unique_ptr<redisReply, ReplyFreer> reply(static_cast<redisReply*>(redisCommandArgv(
      m_connection->context.get(), static_cast<int>(args.size()), args.data(), sizes.data())));
  if (!reply) {
    const std::string why = m_connection->context->errstr;
    m_connection.reset();  // reconnect next time
    return fail(ErrorCode::queue, "Redis XADD failed: " + why);
  }
  if (reply->type == REDIS_REPLY_ERROR) {
    return fail(ErrorCode::queue, std::string("Redis XADD refused: ") + reply->str);
  }
  return {};
}

}  // namespace pipeline
