#include "daemon/config.h"

#include "daemon/assembly.h"

#include <gtest/gtest.h>

#include <map>

#include "../temp_dir.h"

namespace daemon_core {

TEST(Config, defaults_are_valid_and_use_the_local_backend) {
  auto config = parse_config_text("", "empty.toml");
  ASSERT_TRUE(config) << config.error().detail;
  EXPECT_EQ(config->model.backend, ModelBackend::local);
  EXPECT_EQ(config->limits.image_max_side, 384);
  EXPECT_EQ(config->settle_ms, 1000);
  EXPECT_EQ(config->taxonomy.categories.size(), 10u);
}

TEST(Config, reads_every_section) {
  auto config = parse_config_text(R"(
[daemon]
inbox = "/data/in"
out = "/data/out"
workers = 8
[limits]
image_max_side = 768
audio_mp3 = true
[decide]
accept = 0.8
review = 0.2
[model]
backend = "openai"
temperature = 0.5
[model.extra_headers]
"X-Title" = "siftd"
)",
                                  "good.toml");
  ASSERT_TRUE(config) << config.error().detail;
  EXPECT_EQ(config->inbox, "/data/in");
  EXPECT_EQ(config->workers, 8);
  EXPECT_EQ(config->limits.image_max_side, 768);
  EXPECT_TRUE(config->limits.audio_mp3);
  EXPECT_DOUBLE_EQ(config->thresholds.accept, 0.8);
  EXPECT_EQ(config->model.backend, ModelBackend::openai);
  EXPECT_EQ(config->model.extra_headers.at("X-Title"), "siftd");
  EXPECT_EQ(config->expand("{out}/{category}"), "/data/out/{category}");
}

TEST(Config, unknown_key_names_the_key_file_and_line) {
  auto config = parse_config_text("[daemon]\nworkers = 2\ninbx = \"/x\"\n", "bad.toml");
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().detail, "bad.toml:3:8: daemon.inbx: unknown key");
}

TEST(Config, unknown_section_is_an_error) {
  auto config = parse_config_text("[deamon]\nworkers = 2\n", "bad.toml");
  ASSERT_FALSE(config);
  EXPECT_NE(config.error().detail.find("deamon.workers: unknown key"), std::string::npos);
}

TEST(Config, out_of_bounds_value_is_an_error) {
  auto config = parse_config_text("[daemon]\nworkers = 0\n", "bad.toml");
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().detail, "bad.toml:2:11: daemon.workers: must be between 1 and 256");
}

TEST(Config, wrong_type_is_an_error) {
  auto config = parse_config_text("[limits]\nimage_max_side = \"big\"\n", "bad.toml");
  ASSERT_FALSE(config);
  EXPECT_NE(config.error().detail.find("limits.image_max_side: must be an integer"),
            std::string::npos);
}

TEST(Config, enumerated_string_must_be_a_choice) {
  auto config = parse_config_text("[model]\nbackend = \"gpt\"\n", "bad.toml");
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().code, ErrorCode::config);
  EXPECT_EQ(config.error().detail,
            "bad.toml:2:11: model.backend: must be one of \"local\", \"openai\", \"gemini\"");
}

TEST(Config, choices_are_read_into_enums) {
  auto config = parse_config_text(R"(
[daemon]
journal_sync = "normal"
log_level = "debug"
[model]
backend = "openai"
fallback = "human_review"
on_over_budget = "local"
reasoning_effort = "low"
)",
                                  "choices.toml");
  ASSERT_TRUE(config) << config.error().detail;
  EXPECT_EQ(config->journal_sync, pipeline::SyncMode::normal);
  EXPECT_EQ(config->log_level, LogLevel::debug);
  EXPECT_EQ(config->model.fallback, pipeline::OnFailure::human_review);
  EXPECT_EQ(config->model.on_over_budget, pipeline::OnOverBudget::local);
  EXPECT_EQ(config->model.reasoning_effort, ReasoningEffort::low);
  EXPECT_EQ(name_of(config->model.reasoning_effort), "low");
  EXPECT_EQ(name_of(ReasoningEffort::unset), "") << "an unset effort is not sent";
}

TEST(Config, documentation_prints_a_choice_as_its_word) {
  std::map<std::string, std::string> defaults;
  for (const auto& key : documented_keys()) defaults[key.key] = key.default_value;
  EXPECT_EQ(defaults["model.fallback"], "\"local\"");
  EXPECT_EQ(defaults["daemon.journal_sync"], "\"full\"");
  EXPECT_EQ(defaults["model.reasoning_effort"], "\"\"");
}

TEST(Config, an_unknown_fallback_names_the_key_and_the_choices) {
  auto config = parse_config_text("[model]\nfallback = \"ask_mum\"\n", "bad.toml");
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().detail,
            "bad.toml:2:12: model.fallback: must be one of \"local\", \"human_review\", \"none\"");
}

TEST(Config, syntax_error_names_the_line) {
  auto config = parse_config_text("[daemon]\nworkers = = 2\n", "broken.toml");
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().detail.rfind("broken.toml:2:", 0), 0u) << config.error().detail;
}

TEST(Config, destination_inside_the_inbox_is_refused) {
  auto config =
      parse_config_text("[daemon]\ninbox = \"/data/in\"\nout = \"/data/in/sorted\"\n", "loop.toml");
  ASSERT_FALSE(config);
  EXPECT_NE(config.error().detail.find("files would be taken again"), std::string::npos);
}

// An input that hung fuzz_config (tests/fuzz/regressions/config/): the expansion used to find the
// "{out}" it had just inserted, forever, growing the path until memory ran out.
TEST(Config, an_out_folder_named_with_the_placeholder_is_expanded_once) {
  Config config;
  config.out = "/data/{out}";
  EXPECT_EQ(config.expand("{out}/{category}"), "/data/{out}/{category}");
  const auto parsed = parse_config_text("[daemon]\nout = \"{out}\"\n", "placeholder.toml");
  ASSERT_TRUE(parsed) << parsed.error().detail;
}

TEST(Config, values_are_checked_per_key_with_the_line) {
  const std::pair<const char*, const char*> bad[] = {
      {"[http]\nlisten = \"nonsense\"\n", "http.listen"},
      {"[http]\nlisten = \"127.0.0.1:65536\"\n", "http.listen"},
      {"[http]\nlisten = \"example.com:80\"\n", "http.listen"},
      {"[routes]\nroute = \"{out}/{evil}\"\n", "routes.route"},
      {"[routes]\nroute = \"/srv/{out}/x\"\n", "routes.route"},
      {"[routes]\nfailed = \"{out}/_q}\"\n", "routes.failed"},
      {"[routes]\nreview_queue = \"dir:\"\n", "routes.review_queue"},
      {"[routes]\nreview_queue = \"amqp://x\"\n", "routes.review_queue"},
      {"[routes]\nroute_queue = \"webhook:ftp://h/x\"\n", "routes.route_queue"},
      {"[routes]\nroute_queue = \"webhook:https://user:pw@h/x\"\n", "routes.route_queue"},
      {"[routes]\nroute_queue = \"webhook:http://h:99999/x\"\n", "routes.route_queue"},
      {"[routes]\nfailed_queue = \"mqtt://h:1883\"\n", "routes.failed_queue"},
      {"[routes]\nfailed_queue = \"mqtt://h:1883/a/#\"\n", "routes.failed_queue"},
      {"[routes]\nfailed_queue = \"mqtt://:1883/t\"\n", "routes.failed_queue"},
      {"[routes]\nmqtt_node = \"a/b\"\n", "routes.mqtt_node"},
  };
  for (const auto& [text, key] : bad) {
    auto config = parse_config_text(text, "c.toml");
    ASSERT_FALSE(config) << text;
    EXPECT_EQ(config.error().detail.rfind(std::string("c.toml:2:"), 0), 0u)
        << config.error().detail;
    EXPECT_NE(config.error().detail.find(key), std::string::npos) << config.error().detail;
  }
  for (const char* queue :
       {"webhook:https://hooks.example.com/siftd", "webhook:http://127.0.0.1:8080",
        "mqtt://broker:1883/home/siftd", "mqtt://127.0.0.1/t"}) {
    EXPECT_TRUE(
        parse_config_text(std::string("[routes]\nroute_queue = \"") + queue + "\"\n", "c.toml"))
        << queue;
  }
  for (const char* listen : {"127.0.0.1:9464", "[::1]:0", "::1:80", "localhost:9464", ""}) {
    EXPECT_TRUE(parse_config_text(std::string("[http]\nlisten = \"") + listen + "\"\n", "c.toml"))
        << listen;
  }
}

TEST(Config, thresholds_must_be_ordered) {
  auto config = parse_config_text("[decide]\naccept = 0.2\nreview = 0.5\n", "t.toml");
  ASSERT_FALSE(config);
}

TEST(Config, taxonomy_replaces_the_default_and_validates_names) {
  auto config = parse_config_text(R"(
[[taxonomy.category]]
name = "cats"
description = "pictures of cats"
[[taxonomy.category.fields]]
name = "count"
type = "number"
[[taxonomy.category]]
name = "dogs"
)",
                                  "tax.toml");
  ASSERT_TRUE(config) << config.error().detail;
  ASSERT_EQ(config->taxonomy.categories.size(), 2u);
  EXPECT_EQ(config->taxonomy.categories[0].fields.at(0).type, pipeline::FieldType::number);

  auto bad = parse_config_text("[[taxonomy.category]]\nname = \"../etc\"\n", "tax.toml");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().detail.find("taxonomy.category.name"), std::string::npos);
  auto twice = parse_config_text(
      "[[taxonomy.category]]\nname = \"a\"\n[[taxonomy.category]]\nname = \"a\"\n", "t.toml");
  ASSERT_FALSE(twice);
}

TEST(Config, example_file_parses_and_shows_every_key) {
  const std::string path = std::string(SIFTD_SOURCE_DIR) + "/systemd/siftd.toml.example";
  auto config = parse_config_file(path);
  ASSERT_TRUE(config) << config.error().detail;
  const std::string text = siftd_test::read_file(path);
  for (const auto& key : documented_keys()) {
    const std::string name = key.key.substr(key.key.find('.') + 1);
    const std::string section = "[" + key.key.substr(0, key.key.find('.')) + "]";
    const auto section_at = text.find(section);
    ASSERT_NE(section_at, std::string::npos) << section;
    EXPECT_NE(text.find("\n" + name + " = ", section_at), std::string::npos)
        << key.key << " is missing from siftd.toml.example";
  }
}

TEST(Config, readme_documents_every_key) {
  const std::string readme = siftd_test::read_file(std::string(SIFTD_SOURCE_DIR) + "/README.md");
  for (const auto& key : documented_keys()) {
    EXPECT_NE(readme.find("`" + key.key + "`"), std::string::npos)
        << key.key << " is missing from README.md";
  }
}

TEST(Config, several_watched_folders_each_with_settings) {
  auto config = parse_config_text(R"(
[daemon]
settle_ms = 700
[[watch]]
path = "/data/a"
[[watch]]
path = "/mnt/nfs/b"
mode = "poll"
settle_ms = 3000
ignore = ["*.tmp2"]
)",
                                  "watch.toml");
  ASSERT_TRUE(config) << config.error().detail;
  const auto folders = config->folders();
  ASSERT_EQ(folders.size(), 2u);
  EXPECT_EQ(folders[0].path, "/data/a");
  EXPECT_EQ(folders[0].work_area, "/data/a/.siftd");
  EXPECT_EQ(folders[0].settle_ms, 700);
  EXPECT_EQ(folders[1].mode, WatchMode::poll);
  EXPECT_EQ(folders[1].settle_ms, 3000);
  EXPECT_EQ(folders[1].ignore, std::vector<std::string>{"*.tmp2"});
  EXPECT_EQ(config->journal_path(), "/data/a/.siftd/journal.db");

  EXPECT_FALSE(parse_config_text("[[watch]]\nmode = \"poll\"\n", "w.toml")) << "a path is required";
  EXPECT_FALSE(parse_config_text("[[watch]]\npath = \"/a\"\nmode = \"magic\"\n", "w.toml"));
  EXPECT_FALSE(parse_config_text("[[watch]]\npath = \"/a\"\ncolour = 1\n", "w.toml"));
  auto nested =
      parse_config_text("[[watch]]\npath = \"/a\"\n[[watch]]\npath = \"/a/b\"\n", "w.toml");
  ASSERT_FALSE(nested);
  EXPECT_NE(nested.error().detail.find("must not nest"), std::string::npos);
  auto loop = parse_config_text("[daemon]\nout = \"/b/out\"\n[[watch]]\npath = \"/b\"\n", "w.toml");
  ASSERT_FALSE(loop);
}

TEST(Config, missing_file_is_a_clear_error) {
  auto config = parse_config_file("/nonexistent/siftd.toml");
  ASSERT_FALSE(config);
  EXPECT_NE(config.error().detail.find("cannot read"), std::string::npos);
}

}  // namespace daemon_core

namespace daemon_core {
namespace {

TEST(NormalizerLimits, the_gemini_backend_gets_images_of_at_most_768_px_and_mp3_audio) {
  auto config = parse_config_text(
      "[model]\nbackend = \"gemini\"\n[limits]\nimage_max_side = 2048\naudio_mp3 = false\n",
      "gemini.toml");
  ASSERT_TRUE(config) << config.error().detail;
  const media::Limits gemini = normalizer_limits(*config);
  EXPECT_EQ(gemini.image_max_side, 768) << "MEDIA_RESOLUTION_LOW bills no more for more pixels";
  EXPECT_TRUE(gemini.audio_mp3) << "the smallest format siftd writes that Gemini takes";

  auto small = parse_config_text("[model]\nbackend = \"gemini\"\n", "small.toml");
  ASSERT_TRUE(small);
  EXPECT_EQ(normalizer_limits(*small).image_max_side, 384) << "a smaller setting stands";

  auto openai = parse_config_text(
      "[model]\nbackend = \"openai\"\n[limits]\nimage_max_side = 2048\n", "openai.toml");
  ASSERT_TRUE(openai);
  EXPECT_EQ(normalizer_limits(*openai).image_max_side, 2048);
  EXPECT_FALSE(normalizer_limits(*openai).audio_mp3);
}

}  // namespace
}  // namespace daemon_core
