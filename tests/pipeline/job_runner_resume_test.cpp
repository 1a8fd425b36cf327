// JobRunner's crash recovery with fakes at every port: a decided file is never asked (or
// billed) again, a file already moved before a crash is not moved twice, and a file that
// keeps killing workers is quarantined as poison.
#include "pipeline/job_runner.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "pipeline/file_hash.h"
#include "tests/pipeline/job_runner_fixture.h"

namespace pipeline {
namespace {

namespace fs = std::filesystem;

using JobRunnerResume = JobRunnerTest;

}  // namespace

TEST_F(JobRunnerResume, a_decided_file_is_routed_without_asking_again) {
  FileRecord record = claimed("a.jpg", "bytes of a");
  record.state = FileState::decided;  // as journaled just before a crash
  record.kind = media::Kind::image;
  record.decision = Decision{"photo", 0.9, Route::accept, "a photo", {}};
  record.outcome = Outcome::route;
  ASSERT_TRUE(m_journal->update(record));

  auto resumed = m_runner->resume(*(*m_journal->get(record.id)));
  ASSERT_TRUE(resumed);
  const JobReport report = m_runner->run(*resumed);
  EXPECT_EQ(report.record.state, FileState::done);
  EXPECT_EQ(m_backend.calls, 0) << "never billed twice";
  EXPECT_EQ(m_normalizer.calls, 0);
  EXPECT_EQ(siftd_test::read_file(m_dir / "out/photo/a.jpg"), "bytes of a");
}

TEST_F(JobRunnerResume, a_file_moved_before_the_crash_is_not_moved_again) {
  FileRecord record = claimed("b.jpg", "bytes of b");
  record = m_runner->run(record).record;
  ASSERT_EQ(record.state, FileState::done);
  // Pretend the crash came after the move but before `done` (and before the sidecar).
  fs::remove(record.destination + ".siftd.json");
  record.state = FileState::routing;
  ASSERT_TRUE(m_journal->update(record));

  const JobReport report = m_runner->run(*m_runner->resume(record));
  EXPECT_EQ(report.record.state, FileState::done);
  EXPECT_EQ(report.record.destination, m_dir / "out/photo/b.jpg");
  EXPECT_TRUE(fs::exists(m_dir / "out/photo/b.jpg.siftd.json"))
      << "the sidecar is written on recovery";
  EXPECT_FALSE(fs::exists(m_dir / "out/photo/b (1).jpg"));
  EXPECT_EQ(m_backend.calls, 1);
}

TEST_F(JobRunnerResume, a_claim_interrupted_before_its_journal_entry_is_finished) {
  FileRecord record;
  record.source_path = m_dir / "inbox/c.jpg";
  record.name = "c.jpg";
  record.work_path = m_dir / "work/abc";
  ASSERT_TRUE(m_journal->insert(record));  // state discovered, then the rename, then a crash
  siftd_test::write_file(record.work_path, "bytes of c");

  auto resumed = m_runner->resume(record);
  ASSERT_TRUE(resumed);
  EXPECT_EQ(resumed->state, FileState::claimed);
  EXPECT_EQ(resumed->sha256, sha256_bytes("bytes of c"));

  FileRecord never_moved;
  never_moved.source_path = m_dir / "inbox/d.jpg";
  never_moved.name = "d.jpg";
  never_moved.work_path = m_dir / "work/def";
  ASSERT_TRUE(m_journal->insert(never_moved));
  EXPECT_FALSE(m_runner->resume(never_moved)) << "nothing to resume: a scan finds the file again";
}

TEST_F(JobRunnerResume, a_file_that_keeps_killing_workers_is_quarantined_as_poison) {
  FileRecord record = claimed("poison.jpg", "bytes that crash decoders");
  record.attempts = 2;  // two workers died on it already
  ASSERT_TRUE(m_journal->update(record));
  const JobReport report = m_runner->run(record);
  EXPECT_EQ(report.record.state, FileState::quarantined);
  ASSERT_TRUE(report.record.error);
  EXPECT_EQ(report.record.error->stage, Stage::poison);
  EXPECT_EQ(m_normalizer.calls, 0);
  EXPECT_TRUE(fs::exists(m_dir / "out/_quarantine/poison.jpg.error.json"));
}

}  // namespace pipeline
