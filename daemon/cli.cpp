#include "daemon/cli.h"

#include <unistd.h>
#include <algorithm>
#include <iostream>

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "daemon/commands.h"
#include "daemon/did_you_mean.h"
#include "media/worker_server.h"

namespace daemon_core {
namespace {

// A flag taking one of an enum's words (the same words as its configuration key).
template <typename E>
CLI::Option* add_choice(CLI::App& command, const std::string& flag, std::optional<E>& target,
                        const std::string& help) {
  return command
      .add_option_function<std::string>(
          flag, [&target](const std::string& word) { target = parse_choice<E>(word); }, help)
      ->check(CLI::IsMember(choice_names<E>()));
}

// Flags every config-reading command shares; each overrides the file's value when given.
void add_config_flags(CLI::App& command, CommandOptions& options) {
  command.add_option("--config", options.config_file, "TOML configuration file");
  add_choice(command, "--backend", options.backend, "decision backend: local, gemini or openai");
  command.add_option("--base-url", options.base_url,
                     "model endpoint base URL (default: the backend's own)");
  command.add_option("--model", options.model, "model name");
  command
      .add_option("--log-format", options.log_format,
                  "text, json, or auto (journald under systemd)")
      ->check(CLI::IsMember({"auto", "text", "json"}));
  add_choice(command, "--log-level", options.log_level, "trace, debug, info, warn or error");
}

// For a parse error: "did you mean" the closest subcommand, or the closest flag of the chosen
// one, for the first word CLI11 could not place. Said before CLI11's own message.
void suggest(const CLI::App& app, int argc, char** argv) {
  if (argc < 2) return;
  std::vector<std::string> names;
  const CLI::App* chosen = nullptr;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (sub->get_group().empty()) continue;  // hidden ones are not suggested
    names.push_back(sub->get_name());
    if (sub->get_name() == argv[1]) chosen = sub;
  }
  const std::string first = argv[1];
  if (!chosen) {
    if (first.rfind('-', 0) == 0) return;
    if (auto near = closest_word(first, names))
      std::cerr << "siftd: unknown subcommand \"" << first << "\"; did you mean \"" << *near
                << "\"?\n";
    return;
  }
  std::vector<std::string> flags;
  for (const CLI::Option* option : chosen->get_options()) {
    for (const auto& name : option->get_lnames()) flags.push_back("--" + name);
  }
  for (int i = 2; i < argc; ++i) {
    std::string word = argv[i];
    if (word.rfind("--", 0) != 0) continue;
    word = word.substr(0, word.find('='));
    if (std::find(flags.begin(), flags.end(), word) != flags.end()) continue;
    if (auto near = closest_word(word, flags)) {
      std::cerr << "siftd " << first << ": unknown flag " << word << "; did you mean " << *near
                << "?\n";
    }
    return;
  }
}

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{
      "siftd: watches folders and triages every image, audio clip, video and PDF that lands there"};
  app.set_version_flag("--version", std::string("siftd ") + SIFTD_VERSION);
  app.require_subcommand(1);
  CommandOptions options;

  auto* run = app.add_subcommand("run", "watch the inbox and route every file that lands there");
  add_config_flags(*run, options);
  run->add_option("--inbox", options.inbox, "folder to watch");
  run->add_option("--out", options.out, "root of the destination folders");
  run->add_option("--workers", options.workers, "files processed at once")
      ->check(CLI::Range(1, 256));
  run->add_option("--settle-ms", options.settle_ms, "quiet time before a written file is taken")
      ->check(CLI::Range(0, 3'600'000));
  run->add_option("--http", options.http_listen,
                  "serve /healthz /readyz /metrics /status on HOST:PORT");

  auto* once =
      app.add_subcommand("once", "triage files without moving them; one JSON decision per line");
  add_config_flags(*once, options);
  once->add_option("files", options.files, "files to triage")->required();
  once->add_flag("--allow-fallback", options.allow_fallback,
                 "exit 0 even when the fallback decided a file because the model could not");

  auto* normalize = app.add_subcommand("normalize", "show what would be sent for each file");
  add_config_flags(*normalize, options);
  normalize->add_option("files", options.files, "files to normalize")->required();
  normalize->add_option("--out", options.parts_dir, "write the parts into this folder to look at");

  auto* check = app.add_subcommand("check-config", "validate a configuration file");
  check->add_option("file", options.config_file, "TOML configuration file")->required();
  check->add_flag("--probe", options.probe,
                  "also send one small request to each configured model: exit 2 on a refused key "
                  "or an unknown model, 1 when the endpoint does not answer");

  auto* status =
      app.add_subcommand("status", "summarize the journal; works while the daemon is down");
  status->add_option("--config", options.config_file, "TOML configuration file");
  status->add_option("--inbox", options.inbox, "the inbox whose journal to read");
  status->add_flag("--json", options.json, "print JSON");

  // Hidden: prints the configuration table for the documentation.
  auto* keys = app.add_subcommand("config-keys", "print every configuration key")->group("");
  keys->add_option("--format", options.format, "markdown or toml")
      ->check(CLI::IsMember({"markdown", "toml"}));

  auto* requeue = app.add_subcommand("requeue", "put quarantined files back through the pipeline");
  requeue->add_option("--config", options.config_file, "TOML configuration file");
  requeue->add_option("--inbox", options.inbox, "the inbox whose journal to read");
  requeue->add_option("files", options.files,
                      "quarantined files (their paths in the quarantine folder)");
  requeue->add_flag("--all", options.all, "every quarantined file");

  auto* undo = app.add_subcommand("undo", "move files routed since TIME back into the inbox");
  undo->add_option("--config", options.config_file, "TOML configuration file");
  undo->add_option("--inbox", options.inbox, "the inbox whose journal to read");
  undo->add_option("--since", options.since, "ISO date/time (UTC) or an age: 90m, 1h, 2d")
      ->required();

  auto* eval = app.add_subcommand("eval", "measure decisions on a labeled set; moves nothing");
  add_config_flags(*eval, options);
  eval->add_option("--labels", options.labels, "labels.csv: file,expected_category,expected_route")
      ->required();
  eval->add_option("--report", options.report, "write a self-contained HTML report here");
  eval->add_option("--compare", options.compare, "run under two configurations, side by side")
      ->expected(2)
      ->excludes(eval->get_option("--config"));

  auto* log = app.add_subcommand("log", "export the decision log");
  add_config_flags(*log, options);
  log->add_option("--inbox", options.inbox, "the inbox whose journal to read");
  log->add_option("--since", options.since, "ISO date/time (UTC) or an age: 90m, 1h, 2d");
  log->add_option("--format", options.format, "jsonl or csv")
      ->check(CLI::IsMember({"jsonl", "csv"}));

  // Hidden: the decoding process media::WorkerPool starts; it speaks on stdin and stdout.
  auto* worker = app.add_subcommand("worker", "decode files for the daemon (internal)")->group("");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() != 0) suggest(app, argc, argv);
    const int code = app.exit(e);
    return code == 0 ? k_exit_ok : k_exit_usage;
  }

  if (*worker) return media::serve_worker(STDIN_FILENO, STDOUT_FILENO);
  if (*run) return command_run(options);
  if (*once) return command_once(options);
  if (*normalize) return command_normalize(options);
  if (*check) return command_check_config(options);
  if (*status) return command_status(options);
  if (*keys) return command_config_keys(options);
  if (*requeue) return command_requeue(options);
  if (*undo) return command_undo(options);
  if (*eval) return command_eval(options);
  if (*log) return command_log(options);
  return k_exit_usage;
}

}  // namespace daemon_core
