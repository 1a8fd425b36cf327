// JobRunner's duplicate stage with fakes at every port: bytes already placed are decided from
// the journal without a backend call and go to the duplicates sink; a copy of a file still in
// flight waits for it; a copy whose original was changed since is decided as new.
#include <filesystem>

#include <gtest/gtest.h>

#include "pipeline/job_runner.h"
#include "pipeline/route/discard_sink.h"
#include "tests/pipeline/job_runner_fixture.h"

namespace pipeline {
namespace {

namespace fs = std::filesystem;

class JobRunnerDuplicates : public JobRunnerTest {
 protected:
  void SetUp() override {
    m_settings.duplicates = DuplicatePolicy::skip;
    JobRunnerTest::SetUp();
    m_sinks.duplicates = std::make_unique<DiscardSink>();
  }
};

}  // namespace

TEST_F(JobRunnerDuplicates, placed_bytes_are_removed_without_asking) {
  const FileRecord first = m_runner->run(claimed("a.jpg", "bytes of a")).record;
  ASSERT_EQ(first.state, FileState::done);
  const FileRecord second = claimed("a.jpg", "bytes of a");

  const JobReport report = m_runner->run(second);
  EXPECT_EQ(report.record.state, FileState::done);
  EXPECT_EQ(report.record.outcome, Outcome::duplicate);
  EXPECT_EQ(m_backend.calls, 1) << "asked for the first copy only";
  EXPECT_FALSE(fs::exists(second.work_path));
  EXPECT_FALSE(fs::exists(m_dir / "out/photo/a (1).jpg"));
  ASSERT_TRUE(report.record.decision);
  EXPECT_EQ(report.record.decision->category, first.decision->category);
  const auto row = decision_row(report);
  ASSERT_TRUE(row) << "a duplicate has its decision-log row";
  EXPECT_EQ(row->outcome, "duplicate");
}

TEST_F(JobRunnerDuplicates, a_copy_of_a_file_in_flight_waits_for_it) {
  const FileRecord first = claimed("a.jpg", "bytes of a");  // claimed, not run yet
  const FileRecord second = claimed("copy.jpg", "bytes of a");

  const JobReport waiting = m_runner->run(second);
  EXPECT_EQ(waiting.parked, "same_content");
  EXPECT_EQ(waiting.record.state, FileState::claimed);
  EXPECT_EQ(waiting.record.attempts, 0) << "waiting never makes a file poison";
  EXPECT_EQ(m_backend.calls, 0);

  ASSERT_EQ(m_runner->run(first).record.state, FileState::done);
  EXPECT_EQ(m_runner->run(waiting.record).record.outcome, Outcome::duplicate);
  EXPECT_EQ(m_backend.calls, 1);
}

TEST_F(JobRunnerDuplicates, a_copy_whose_original_changed_since_is_decided_as_new) {
  const FileRecord first = m_runner->run(claimed("a.jpg", "bytes of a")).record;
  siftd_test::write_file(first.destination, "edited by someone");
  const JobReport report = m_runner->run(claimed("a.jpg", "bytes of a"));
  EXPECT_EQ(report.record.outcome, Outcome::route);
  EXPECT_EQ(m_backend.calls, 2);
}

}  // namespace pipeline
