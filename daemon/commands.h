#pragma once
// One function per subcommand. Each builds only the parts it needs.

#include <optional>
#include <string>
#include <vector>

#include "daemon/config.h"

namespace daemon_core {

struct CommandOptions {
  std::string config_file;
  std::optional<std::string> inbox;
  std::optional<std::string> out;
  std::optional<ModelBackend> backend;
  std::optional<std::string> base_url;
  std::optional<std::string> model;
  std::optional<int> workers;
  std::optional<int> settle_ms;
  std::optional<std::string> http_listen;
  std::string log_format = "auto";
  std::optional<LogLevel> log_level;
  std::vector<std::string> files;
  std::string parts_dir;
  std::string labels;                // eval: labels.csv
  std::string report;                // eval: HTML report to write
  std::vector<std::string> compare;  // eval: two configuration files
  std::optional<std::string> since;  // log: ISO time or age
  std::string format = "jsonl";      // log: jsonl or csv
  bool json = false;                 // status: JSON instead of text
  bool all = false;                  // requeue: every quarantined file
  bool probe = false;                // check-config: send one request to each configured model
  bool allow_fallback = false;       // once: a decision the fallback made still exits 0
};

// The configuration file (or the defaults) with the command line's overrides applied.
Result<Config> load_config(const CommandOptions& options);

int command_run(const CommandOptions& options);
int command_once(const CommandOptions& options);
int command_normalize(const CommandOptions& options);
int command_check_config(const CommandOptions& options);
int command_status(const CommandOptions& options);
int command_config_keys(const CommandOptions& options);
int command_requeue(const CommandOptions& options);
int command_undo(const CommandOptions& options);
int command_eval(const CommandOptions& options);
int command_log(const CommandOptions& options);

}  // namespace daemon_core
