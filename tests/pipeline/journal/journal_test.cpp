#include "pipeline/journal/journal.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "tests/temp_dir.h"

namespace pipeline {
namespace {

class JournalTest : public ::testing::Test {
 protected:
  std::unique_ptr<Journal> open(SyncMode sync = SyncMode::normal) {
    auto journal = Journal::open(m_dir + "/journal.db", sync);
    EXPECT_TRUE(journal) << journal.error().detail;
    return std::move(*journal);
  }
  siftd_test::TempDir m_tmp;
  const std::string& m_dir = m_tmp.path();
};

TEST_F(JournalTest, keeps_each_transition_and_survives_reopening) {
  std::int64_t id = 0;
  {
    auto journal = open();
    FileRecord record;
    record.source_path = "/in/a.jpg";
    record.name = "a.jpg";
    record.work_path = "/in/.siftd/abc";
    ASSERT_TRUE(journal->insert(record));
    id = record.id;
    EXPECT_GT(id, 0);
    record.state = FileState::claimed;
    record.sha256 = "ff";
    ASSERT_TRUE(journal->update(record));
    record.state = FileState::decided;
    record.outcome = Outcome::route;
    record.decision = Decision{"photo", 0.9, Route::accept, "", {}};
    ASSERT_TRUE(journal->update(record));
  }
  auto journal = open();
  auto found = journal->get(id);
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->state, FileState::decided);
  EXPECT_EQ((*found)->sha256, "ff");
  EXPECT_EQ((*found)->outcome, Outcome::route);
  ASSERT_TRUE((*found)->decision);
  EXPECT_EQ((*found)->decision->category, "photo");
  auto unfinished = journal->unfinished();
  ASSERT_TRUE(unfinished);
  ASSERT_EQ(unfinished->size(), 1u);
  EXPECT_EQ(unfinished->front().id, id);
  auto tracked = journal->is_tracked("/in/a.jpg");
  ASSERT_TRUE(tracked);
  EXPECT_TRUE(*tracked);
}

TEST_F(JournalTest, finished_records_are_not_unfinished) {
  auto journal = open();
  FileRecord record;
  record.name = "b.pdf";
  ASSERT_TRUE(journal->insert(record));
  record.state = FileState::done;
  ASSERT_TRUE(journal->update(record));
  FileRecord other;
  other.name = "c.pdf";
  ASSERT_TRUE(journal->insert(other));
  other.state = FileState::quarantined;
  ASSERT_TRUE(journal->update(other));
  auto unfinished = journal->unfinished();
  ASSERT_TRUE(unfinished);
  EXPECT_TRUE(unfinished->empty());
  auto counts = journal->count_by_state();
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts->at("done"), 1);
  EXPECT_EQ(counts->at("quarantined"), 1);
}

TEST(FileState, names_round_trip) {
  for (const auto state :
       {FileState::discovered, FileState::claimed, FileState::normalized, FileState::decided,
        FileState::routing, FileState::done, FileState::quarantined}) {
    EXPECT_EQ(parse_file_state(to_string(state)), state);
  }
  EXPECT_FALSE(parse_file_state("nonsense"));
}

}  // namespace
}  // namespace pipeline

namespace pipeline {
namespace {

FileRecord finished_row(Journal& journal, const std::string& name, FileState state) {
  FileRecord record;
  record.source_path = "/in/" + name;
  record.name = name;
  EXPECT_TRUE(journal.insert(record));
  record.state = state;
  if (state == FileState::done) record.outcome = Outcome::route;
  EXPECT_TRUE(journal.update(record));
  return record;
}

}  // namespace

TEST_F(JournalTest, prune_removes_old_finished_rows_in_batches_and_keeps_the_newest) {
  const std::int64_t later = now_ms() + 86'400'000;  // every row is older than this
  {
    auto journal = open();
    std::vector<std::int64_t> ids;
    for (int i = 0; i < 5; ++i)
      ids.push_back(finished_row(*journal, "old" + std::to_string(i), FileState::done).id);
    const auto waiting = finished_row(*journal, "waiting", FileState::claimed);
    const auto failed = finished_row(*journal, "failed", FileState::quarantined);
    const auto newest = finished_row(*journal, "newest", FileState::done);

    auto first = journal->prune_finished(later, 2);
    ASSERT_TRUE(first);
    EXPECT_EQ(*first, 2) << "one small batch at a time";
    EXPECT_FALSE(*journal->get(ids[0]));
    EXPECT_TRUE(*journal->get(ids[2]));
    auto rest = journal->prune_finished(later, 100);
    ASSERT_TRUE(rest);
    EXPECT_EQ(*rest, 4);  // three old, and the quarantined one
    EXPECT_FALSE(*journal->get(failed.id));
    EXPECT_TRUE(*journal->get(waiting.id)) << "an unfinished row is never pruned";
    EXPECT_TRUE(*journal->get(newest.id)) << "the newest row keeps the ids given out known";
    EXPECT_EQ(*journal->prune_finished(now_ms() - 86'400'000, 100), 0) << "nothing that old";
  }
  // Pruned rows are not lost history.
  EXPECT_EQ(open()->lost_history(), "");
}

// Group commit: threads writing together share commits (one fsync each under SyncMode::full),
// and each write is in the journal when its call returns.
TEST_F(JournalTest, writes_from_many_threads_share_commits_and_each_is_kept) {
  auto journal = open(SyncMode::full);
  constexpr int k_threads = 8;
  constexpr int k_updates = 40;
  std::vector<FileRecord> records(k_threads);
  for (int t = 0; t < k_threads; ++t) {
    records[t].name = "f" + std::to_string(t);
    ASSERT_TRUE(journal->insert(records[t]));
  }
  const std::uint64_t before = journal->commits();
  std::vector<std::thread> threads;
  for (int t = 0; t < k_threads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 1; i <= k_updates; ++i) {
        records[t].attempts = i;
        auto ok = journal->update(records[t]);
        ASSERT_TRUE(ok) << ok.error().detail;
        auto row = journal->get(records[t].id);
        ASSERT_TRUE(row && *row);
        ASSERT_EQ((*row)->attempts, i) << "a write returned before it was committed";
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const std::uint64_t commits = journal->commits() - before;
  EXPECT_LT(commits, std::uint64_t{k_threads * k_updates}) << "no two writes shared a commit";
  EXPECT_GT(commits, 0u);
}

TEST_F(JournalTest, a_failing_write_in_a_shared_commit_fails_alone) {
  auto journal = open();
  FileRecord good;
  good.name = "good";
  ASSERT_TRUE(journal->insert(good));
  FileRecord missing = good;
  missing.id = good.id + 1000;  // no such row
  std::thread other([&] {
    for (int i = 0; i < 50; ++i) EXPECT_FALSE(journal->update(missing));
  });
  for (int i = 1; i <= 50; ++i) {
    good.attempts = i;
    ASSERT_TRUE(journal->update(good));
  }
  other.join();
  auto row = journal->get(good.id);
  ASSERT_TRUE(row && *row);
  EXPECT_EQ((*row)->attempts, 50);
  auto events = journal->count_by_state();
  ASSERT_TRUE(events);
  EXPECT_EQ((*events)["discovered"], 1);
}

}  // namespace pipeline
