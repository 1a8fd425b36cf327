#pragma once
// How durable each commit of the journal's database is: `full` syncs every commit before it
// returns (the default: a transition is on disk before its side effect), `normal` leaves WAL
// commits to the next checkpoint (a power cut may undo the last few; a killed process never).
// Every connection to the database (journal, decision log) takes the same setting.

namespace pipeline {

enum class SyncMode { full, normal };

inline const char* sync_pragma(SyncMode sync) {
  return sync == SyncMode::full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL";
}

}  // namespace pipeline
