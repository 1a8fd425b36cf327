#pragma once
// A JobRunner over a real journal and folder sinks in a temp folder, with fakes for the
// normalizer and the backend: the fixture of the JobRunner tests.

#include <filesystem>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "pipeline/job_runner.h"
#include "pipeline/route/folder_sink.h"
#include "tests/fakes/fake_backend.h"
#include "tests/fakes/fake_normalizer.h"
#include "tests/temp_dir.h"

namespace pipeline {

class JobRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto journal = Journal::open(m_dir / "journal.db");
    ASSERT_TRUE(journal);
    m_journal = std::move(*journal);
    std::filesystem::create_directories(m_dir / "work");
    m_sinks.route = std::make_unique<FolderSink>(m_dir / "out/{category}", SidecarKind::decision);
    m_sinks.escalate = std::make_unique<FolderSink>(m_dir / "out/_escalate", SidecarKind::decision);
    m_sinks.review = std::make_unique<FolderSink>(m_dir / "out/_review", SidecarKind::decision);
    m_sinks.failed = std::make_unique<FolderSink>(m_dir / "out/_quarantine", SidecarKind::error);
    m_runner = std::make_unique<JobRunner>(JobPorts{*m_journal, m_normalizer, m_backend, m_sinks},
                                           m_settings);
  }

  FileRecord claimed(const std::string& name, const std::string& content) {
    siftd_test::write_file(m_dir / ("inbox/" + name), content);
    auto record = m_runner->claim(m_dir / ("inbox/" + name), m_dir / "work");
    EXPECT_TRUE(record && *record);
    return **record;
  }

  siftd_test::TempDir m_dir;
  std::unique_ptr<Journal> m_journal;
  fakes::FakeNormalizer m_normalizer;
  fakes::FakeBackend m_backend;
  Sinks m_sinks;
  JobSettings m_settings;  // set before SetUp() by a fixture that needs others
  std::unique_ptr<JobRunner> m_runner;
};

}  // namespace pipeline
