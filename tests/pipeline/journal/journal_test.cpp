#include "pipeline/journal/journal.h"

#include <gtest/gtest.h>

#include "tests/temp_dir.h"

namespace pipeline {
namespace {

class JournalTest : public ::testing::Test {
 protected:
  std::unique_ptr<Journal> open() {
    auto journal = Journal::open(m_dir + "/journal.db", SyncMode::normal);
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
