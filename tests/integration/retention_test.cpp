// daemon.retain_days on the real binary: finished journal rows, their events and decision-log
// rows older than that are removed at start (the newest row stays), and retain_days = 0 keeps
// them all. Rows are aged by rewriting their times in the SQLite file while siftd is stopped.
#include <gtest/gtest.h>

#include <sqlite3.h>

#include <filesystem>
#include <string>

#include "tests/integration/daemon_process.h"
#include "tests/integration/test_media.h"
#include "tests/temp_dir.h"

namespace {

namespace fs = std::filesystem;
using siftd_test::read_file;
using siftd_test::wait_for;
using siftd_test::wait_for_log;
using siftd_test::write_file;

// One integer a query answers, or -1.
long long query(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  long long value = -1;
  if (sqlite3_open(db_path.c_str(), &db) == SQLITE_OK) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK &&
        sqlite3_step(statement) == SQLITE_ROW) {
      value = sqlite3_column_int64(statement, 0);
    }
    sqlite3_finalize(statement);
  }
  sqlite3_close(db);
  return value;
}

bool execute(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  bool ok = sqlite3_open(db_path.c_str(), &db) == SQLITE_OK &&
            sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK;
  sqlite3_close(db);
  return ok;
}

class Retention : public ::testing::Test {
 protected:
  std::string inbox() const { return m_dir / "inbox"; }
  std::string journal() const { return m_dir / "inbox/.siftd/journal.db"; }

  // Runs siftd until `files` files dropped one after another are placed, then stops it.
  void sort_files(int files) {
    fs::create_directories(inbox());
    siftd_test::DaemonProcess daemon(args("90"), m_dir / "first.log");
    ASSERT_TRUE(wait_for_log(m_dir / "first.log", "watching"));
    for (int i = 0; i < files; ++i) {
      write_file(inbox() + "/p" + std::to_string(i) + ".png", siftd_test::numbered_png(i));
      ASSERT_TRUE(wait_for([&] {
        return query(journal(),
                     "SELECT COUNT(*) FROM files WHERE "
                     "state = 'done'") == i + 1;
      })) << read_file(m_dir / "first.log");
    }
    ASSERT_EQ(daemon.stop(), 0);
  }

  // Makes every row but the newest `days` old.
  void age_rows(int days) {
    const std::string shift = std::to_string(static_cast<long long>(days) * 86'400'000);
    ASSERT_TRUE(execute(journal(), "UPDATE files SET updated_ms = updated_ms - " + shift +
                                       " WHERE id < (SELECT MAX(id) FROM files);"
                                       "UPDATE decisions SET at_ms = at_ms - " +
                                       shift + " WHERE file_id < (SELECT MAX(id) FROM files);"));
  }

  std::vector<std::string> args(const std::string& retain_days) {
    write_file(m_dir / "siftd.toml", "[daemon]\ninbox = '" + inbox() + "'\nout = '" +
                                         (m_dir / "sorted") +
                                         "'\nsettle_ms = 50\nretain_days = " + retain_days + "\n");
    return {"run", "--config", m_dir / "siftd.toml", "--log-format", "text"};
  }

  siftd_test::TempDir m_dir;
};

}  // namespace

TEST_F(Retention, rows_older_than_retain_days_are_removed_and_the_newest_stays) {
  sort_files(3);
  ASSERT_EQ(query(journal(), "SELECT COUNT(*) FROM decisions"), 3);
  age_rows(91);

  siftd_test::DaemonProcess daemon(args("90"), m_dir / "second.log");
  // Before: rows stayed forever.
  ASSERT_TRUE(wait_for([&] { return query(journal(), "SELECT COUNT(*) FROM files") == 1; }))
      << read_file(m_dir / "second.log");
  EXPECT_TRUE(wait_for([&] { return query(journal(), "SELECT COUNT(*) FROM decisions") == 1; }));
  EXPECT_EQ(query(journal(),
                  "SELECT COUNT(*) FROM events WHERE file_id NOT IN "
                  "(SELECT id FROM files)"),
            0);
  EXPECT_TRUE(wait_for_log(m_dir / "second.log", "removed 2 journal rows and 2 decision-log rows"))
      << read_file(m_dir / "second.log");
  EXPECT_EQ(daemon.stop(), 0);
  EXPECT_EQ(read_file(m_dir / "second.log").find("lost"), std::string::npos)
      << read_file(m_dir / "second.log");
}

TEST_F(Retention, retain_days_0_keeps_every_row) {
  sort_files(2);
  age_rows(3650);
  siftd_test::DaemonProcess daemon(args("0"), m_dir / "second.log");
  ASSERT_TRUE(wait_for_log(m_dir / "second.log", "watching"));
  // A file sorted after the start shows the loop has run its steps, retention included.
  write_file(inbox() + "/late.png", siftd_test::numbered_png(9));
  ASSERT_TRUE(wait_for([&] { return query(journal(), "SELECT COUNT(*) FROM files") == 3; }));
  EXPECT_EQ(daemon.stop(), 0);
  EXPECT_EQ(query(journal(), "SELECT COUNT(*) FROM files"), 3);
  EXPECT_EQ(query(journal(), "SELECT COUNT(*) FROM decisions"), 3);
}
