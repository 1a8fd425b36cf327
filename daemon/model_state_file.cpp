#include "daemon/model_state_file.h"

#include <signal.h>
#include <unistd.h>
#include <cerrno>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "daemon/replace_file.h"
#include "pipeline/display_text.h"
#include "pipeline/job.h"

namespace daemon_core {
namespace {

using nlohmann::json;

std::string path_in(const std::string& work_area) {
  return work_area + "/model_state.json";
}

// The file outlives a daemon killed with SIGKILL: its writer's pid tells a stale one.
bool is_running(long pid) {
  return pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM);
}

std::string string_at(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

ModelStateFile::ModelStateFile(const std::string& work_area) : m_path(path_in(work_area)) {
  std::remove(m_path.c_str());  // a previous run's, whatever it said
}

ModelStateFile::~ModelStateFile() {
  std::remove(m_path.c_str());
}

void ModelStateFile::publish(const std::string& paused, const std::string& degraded) {
  if (paused == m_paused && degraded == m_degraded) return;
  m_paused = paused;
  m_degraded = degraded;
  if (paused.empty() && degraded.empty()) {
    std::remove(m_path.c_str());
    return;
  }
  const json state{{"pid", static_cast<long>(::getpid())},
                   {"paused", paused},
                   {"degraded", degraded},
                   {"since", pipeline::utc_time(pipeline::now_ms())}};
  if (replace_file(m_path, state.dump(-1, ' ', false, json::error_handler_t::replace) + "\n"))
    return;
  if (!m_warned)
    spdlog::warn("cannot write {}: `siftd status` will not show the model's state",
                 pipeline::printable(m_path));
  m_warned = true;
}

std::optional<ModelState> ModelStateFile::read(const std::string& work_area) {
  std::ifstream in(path_in(work_area));
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  const json state = json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (!state.is_object()) return std::nullopt;
  const auto pid = state.find("pid");
  if (pid == state.end() || !pid->is_number_integer() || !is_running(pid->get<long>()))
    return std::nullopt;
  return ModelState{string_at(state, "paused"), string_at(state, "degraded"),
                    string_at(state, "since")};
}

}  // namespace daemon_core
