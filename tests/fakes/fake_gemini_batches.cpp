#include "tests/fakes/fake_gemini_batches.h"

#include <nlohmann/json.hpp>

namespace fakes {
namespace {

using nlohmann::json;

json operation(const std::string& name, const std::string& model, const std::string& state,
               std::size_t requests) {
  return json{
      {"name", name},
      {"metadata",
       {{"@type", "type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatch"},
        {"model", "models/" + model},
        {"name", name},
        {"state", state},
        {"batchStats", {{"requestCount", std::to_string(requests)}}}}}};
}

}  // namespace

GeminiAnswer FakeGeminiBatches::create(std::string_view model, std::string_view body,
                                       std::string_view api_key, const NextReply& next,
                                       const ContentOf& content_of) {
  const json parsed = json::parse(body, nullptr, false);
  const json* requests = nullptr;
  if (parsed.is_object()) {
    const json::json_pointer path("/batch/inputConfig/requests/requests");
    if (parsed.contains(path) && parsed.at(path).is_array()) requests = &parsed.at(path);
  }
  if (!requests || requests->empty()) {
    return GeminiAnswer{400, gemini_error(400, "INVALID_ARGUMENT",
                                          "batch.input_config.requests must hold requests")};
  }
  Batch batch;
  batch.model = std::string(model);
  batch.state = "BATCH_STATE_SUCCEEDED";
  batch.polls_left = m_options.batch_polls;
  for (const auto& item : *requests) {
    const ScriptedReply reply = next();
    if (reply.fault == Fault::batch_expired) batch.state = "BATCH_STATE_EXPIRED";
    json entry;
    if (item.is_object() && item.contains("metadata")) entry["metadata"] = item["metadata"];
    const std::string request =
        item.is_object() && item.contains("request") ? item["request"].dump() : std::string("{}");
    const GeminiAnswer answer =
        gemini_answer(reply, content_of(reply), request, m_options, api_key, "batch-entry");
    const json answered = json::parse(answer.body, nullptr, false);
    if (answer.status == 200 && answered.is_object()) {
      entry["response"] = answered;
    } else {
      entry["error"] = answered.is_object() && answered.contains("error")
                           ? answered["error"]
                           : json{{"code", 500}, {"message", "scripted failure"}};
    }
    batch.entries.push_back(entry.dump());
  }
  std::lock_guard lock(m_mutex);
  const std::string name = "batches/fake-" + std::to_string(m_batches.size() + 1);
  const std::size_t size = batch.entries.size();
  m_batches.emplace(name, std::move(batch));
  return GeminiAnswer{200, operation(name, std::string(model), "BATCH_STATE_PENDING", size).dump()};
}

GeminiAnswer FakeGeminiBatches::get(std::string_view id) {
  std::lock_guard lock(m_mutex);
  const std::string name = "batches/" + std::string(id);
  const auto found = m_batches.find(name);
  if (found == m_batches.end())
    return GeminiAnswer{404, gemini_error(404, "NOT_FOUND", "Batch " + name + " not found.")};
  Batch& batch = found->second;
  if (batch.polls_left > 0) {
    --batch.polls_left;
    return GeminiAnswer{
        200, operation(name, batch.model, "BATCH_STATE_RUNNING", batch.entries.size()).dump()};
  }
  json done = operation(name, batch.model, batch.state, batch.entries.size());
  done["done"] = true;
  if (batch.state == "BATCH_STATE_SUCCEEDED") {
    json responses = json::array();
    for (auto it = batch.entries.rbegin(); it != batch.entries.rend(); ++it)
      responses.push_back(json::parse(*it));
    done["response"] = {
        {"@type",
         "type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatchOutput"},
        {"inlinedResponses", {{"inlinedResponses", responses}}}};
  }
  return GeminiAnswer{200, done.dump()};
}

std::size_t FakeGeminiBatches::count() const {
  std::lock_guard lock(m_mutex);
  return m_batches.size();
}

}  // namespace fakes
