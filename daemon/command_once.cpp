#include <fstream>
#include <iostream>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "daemon/assembly.h"
#include "daemon/backend_factory.h"
#include "daemon/cli.h"
#include "daemon/commands.h"
#include "daemon/logging.h"
#include "pipeline/file_hash.h"
#include "pipeline/normalized_json.h"
#include "pipeline/route/placement.h"
#include "pipeline/triage.h"

namespace daemon_core {
namespace {

using nlohmann::json;
std::string dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string extension_for(const std::string& mime) {
  if (mime == "image/jpeg") return ".jpg";
  if (mime == "image/png") return ".png";
  if (mime == "audio/wav") return ".wav";
  if (mime == "audio/mpeg") return ".mp3";
  return ".txt";
}

std::string stem_of(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// One JSON line for a file that failed, on stdout with the decisions.
void print_error(const std::string& path, const std::string& stage, std::string_view code,
                 const std::string& message) {
  std::cout << dump(json{{"path", path},
                         {"error",
                          {{"stage", stage}, {"code", std::string(code)}, {"message", message}}}})
            << "\n";
}

Result<Config> load_for_tool(const CommandOptions& options) {
  auto config = load_config(options);
  if (!config) return config;
  setup_logging(options.log_format == "json" ? LogFormat::json : LogFormat::text,
                options.log_level.value_or(LogLevel::warn));
  return config;
}

}  // namespace

int command_once(const CommandOptions& options) {
  auto config = load_for_tool(options);
  if (!config) {
    std::cerr << "siftd: " << config.error().detail << "\n";
    return k_exit_usage;
  }
  auto backend = make_backend(*config);
  if (!backend) {
    std::cerr << "siftd: " << backend.error().detail << "\n";
    return exit_code(backend.error());
  }
  auto made = make_normalizer(*config);
  if (!made) {
    std::cerr << "siftd: " << made.error().detail << "\n";
    return exit_code(made.error());
  }
  auto normalizer = std::move(*made);
  int status = k_exit_ok;
  int fell_back = 0;
  for (const auto& path : options.files) {
    // The content hash lets a cached decision answer without a request.
    auto sha256 = pipeline::sha256_file(path);
    pipeline::Triaged triaged =
        pipeline::triage(*normalizer, **backend, config->thresholds,
                         pipeline::TriageRequest{path, {sha256 ? *sha256 : ""}, {}});
    if (triaged.error) {
      print_error(path, std::string(pipeline::to_string(triaged.error->stage)), triaged.error->code,
                  triaged.error->detail);
      status = k_exit_failure;
      continue;
    }
    const auto& normalized = *triaged.normalized;
    const auto& answer = *triaged.answer;
    json line{
        {"path", path},
        {"kind", media::to_string(normalized.kind)},
        {"decision", json::parse(pipeline::to_json(answer.decision))},
        {"outcome", std::string(pipeline::to_string(*triaged.outcome))},
        {"backend", answer.backend},
        {"model", answer.model},
        {"tokens",
         {{"estimate", normalized.token_estimate},
          {"naive", normalized.naive_tokens},
          {"prompt", answer.usage.prompt_tokens},
          {"cached", answer.usage.cached_tokens},
          {"completion", answer.usage.completion_tokens}}},
        {"cost_usd", answer.usage.cost_usd},
        {"attempts", answer.attempts},
        {"latency_ms",
         {{"normalize", triaged.timings.normalize_ms}, {"decide", triaged.timings.decide_ms}}}};
    if (!answer.request_id.empty()) line["request_id"] = answer.request_id;
    if (!answer.prompt_version.empty()) line["prompt_version"] = answer.prompt_version;
    if (!answer.fallback_reason.empty()) {
      line["fallback_reason"] = answer.fallback_reason;
      ++fell_back;
    }
    for (const auto& tier : answer.tiers) {
      line["tiers"].push_back({{"model", tier.model},
                               {"decision", json::parse(pipeline::to_json(tier.decision))},
                               {"cost_usd", tier.usage.cost_usd},
                               {"latency_ms", tier.latency_ms}});
    }
    std::cout << dump(line) << "\n";
  }
  if (fell_back > 0 && !options.allow_fallback) {
    // The configured model did not decide: a script must not take the fallback's word silently.
    std::cerr << "siftd: " << fell_back << " of " << options.files.size()
              << " files were decided by the fallback, not the model (see fallback_reason); "
                 "--allow-fallback accepts that\n";
    status = k_exit_failure;
  }
  return status;
}

int command_normalize(const CommandOptions& options) {
  auto config = load_for_tool(options);
  if (!config) {
    std::cerr << "siftd: " << config.error().detail << "\n";
    return k_exit_usage;
  }
  if (!options.parts_dir.empty()) {
    if (auto ok = pipeline::make_directories(options.parts_dir); !ok) {
      std::cerr << "siftd: " << ok.error().detail << "\n";
      return k_exit_failure;
    }
  }
  auto made = make_normalizer(*config);
  if (!made) {
    std::cerr << "siftd: " << made.error().detail << "\n";
    return exit_code(made.error());
  }
  auto normalizer = std::move(*made);
  int status = k_exit_ok;
  for (const auto& path : options.files) {
    auto normalized = normalizer->normalize(path);
    if (!normalized) {
      print_error(path, "normalize", media::to_string(normalized.error().code),
                  normalized.error().detail);
      status = k_exit_failure;
      continue;
    }
    std::vector<std::string> part_files;
    if (!options.parts_dir.empty()) {
      for (std::size_t i = 0; i < normalized->parts.size(); ++i) {
        const auto& part = normalized->parts[i];
        const std::string file = options.parts_dir + "/" + stem_of(path) + "." + std::to_string(i) +
                                 extension_for(part.mime);
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        out.write(part.data.data(), static_cast<std::streamsize>(part.data.size()));
        part_files.push_back(out ? file : "");
      }
    }
    std::cout << pipeline::normalized_to_json(*normalized, path, part_files) << "\n";
  }
  return status;
}

}  // namespace daemon_core
