#pragma once
// Why the running daemon's model tier sends nothing (paused) or is answered by the fallback
// (degraded), kept in a small file in the work area so `siftd status`, which reads from disk,
// can say it. The daemon rewrites it when the reasons change and removes it when it stops.

#include <optional>
#include <string>

namespace daemon_core {

struct ModelState {
  std::string paused;    // held_back(): requests wait (a quota, a spend cap, a server's pause)
  std::string degraded;  // degraded(): requests fail (a refused key, an unknown model, ...)
  std::string since;     // UTC time the daemon wrote it
};

class ModelStateFile {
 public:
  explicit ModelStateFile(const std::string& work_area);
  ~ModelStateFile();
  ModelStateFile(const ModelStateFile&) = delete;
  ModelStateFile& operator=(const ModelStateFile&) = delete;

  // Writes (temp file, rename) when the reasons differ from the last ones; removes the file
  // when both are empty. Failures are logged once: status is a view, never a reason to stop.
  void publish(const std::string& paused, const std::string& degraded);

  // What a running daemon last wrote; empty when it left no file or is no longer running.
  static std::optional<ModelState> read(const std::string& work_area);

 private:
  std::string m_path;
  std::string m_paused;
  std::string m_degraded;
  bool m_warned = false;
};

}  // namespace daemon_core
