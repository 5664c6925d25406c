#include "journal/journal_writer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <future>
#include <thread>
#include <vector>

#include "io/faulty_file_system.h"
#include "io/memory_file_system.h"
#include "journal/journal_file.h"

namespace mtg::journal {
namespace {

const std::string kHash = "559aead08264d5795d3909718cdd05abd49572e84fe55590eef31a88a08fdffd";
const std::string kId = "00000000009_01795731856_00002_32108_0397278394";

TEST(JournalFormat, ExactVersionBLines) {
  auto line = FormatCreated({1795731856, kId, 1, 1614834367, kHash, "one.byte"});
  ASSERT_TRUE(line);
  EXPECT_EQ(*line, "B\t1795731856\tCREATED\t" + kId + "\t1\t1614834367\t" + kHash + "\tone.byte");
  line = FormatCreated({1, "ID", 5, std::nullopt, kHash, "dir/x y"});
  ASSERT_TRUE(line);
  EXPECT_EQ(*line, "B\t1\tCREATED\tID\t5\tNONE\t" + kHash + "\tdir/x y");
  line = FormatCreated({1, "ID", 5, -14182940, kHash, "a"});
  ASSERT_TRUE(line);
  EXPECT_NE(line->find("\t-14182940\t"), std::string::npos);
  EXPECT_EQ(*FormatDeleted(1795731857, kId, "a.txt"), "B\t1795731857\tDELETED\t" + kId + "\ta.txt");
  EXPECT_EQ(*FormatRetrieveJob(1795731857, kId, "JOB"), "B\t1795731857\tRETRIEVE_JOB\t" + kId + "\tJOB");
}

TEST(JournalFormat, RefusesValuesThatWouldNotReadBack) {
  EXPECT_FALSE(FormatCreated({-1, "ID", 1, 1, kHash, "a"}));
  EXPECT_FALSE(FormatCreated({1, "", 1, 1, kHash, "a"}));
  EXPECT_FALSE(FormatCreated({1, "I D", 1, 1, kHash, "a"}));
  EXPECT_FALSE(FormatCreated({1, "I\xc2\xa0" "D", 1, 1, kHash, "a"}));
  EXPECT_FALSE(FormatCreated({1, "ID", 1, 1, "abc", "a"}));
  EXPECT_FALSE(FormatCreated({1, "ID", 1, 1, std::string(64, 'A'), "a"}));
  auto bad = FormatCreated({1, "ID", 1, 1, kHash, "../evil"});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(bad.error().message.find("\"../evil\""), std::string::npos);
  EXPECT_FALSE(FormatCreated({1, "ID", 1, 1, kHash, "a\nb"}));
  EXPECT_FALSE(FormatDeleted(1, "ID", ""));
  EXPECT_FALSE(FormatRetrieveJob(1, "ID", ""));
  EXPECT_FALSE(FormatRetrieveJob(1, "ID", "a b"));
}

TEST(JournalWriter, CreatesTheJournalOnlyWithTheFirstRecord) {
  io::MemoryFileSystem fs;
  auto writer = JournalWriter::Open(fs, "/j.log");
  ASSERT_TRUE(writer) << writer.error().message;
  EXPECT_FALSE(*fs.Exists("/j.log"));
  EXPECT_TRUE(*fs.Exists("/j.log.lock"));
  ASSERT_TRUE((*writer)->Close());
  EXPECT_FALSE(*fs.Exists("/j.log"));

  writer = JournalWriter::Open(fs, "/j.log");
  ASSERT_TRUE(writer);
  ASSERT_TRUE((*writer)->AddCreated({10, kId, 1, 1614834367, kHash, "one.byte"}));
  EXPECT_EQ(*fs.ReadFile("/j.log"), "B\t10\tCREATED\t" + kId + "\t1\t1614834367\t" + kHash + "\tone.byte\n");
  EXPECT_EQ((*writer)->records_written(), 1u);
}

TEST(JournalWriter, SecondWriterFailsAtOnce) {
  io::MemoryFileSystem fs;
  ASSERT_TRUE(fs.MakeDirs("/v"));
  auto first = JournalWriter::Open(fs, "/v/j.log");
  ASSERT_TRUE(first) << first.error().message;
  auto second = JournalWriter::Open(fs, "/v/j.log");
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, ErrorCode::kLocked);
  EXPECT_EQ(second.error().message,
            "journal /v/j.log is in use by another mtglacier process (/v/j.log.lock is locked)");
  first->reset();  // destroying the writer releases the lock
  EXPECT_TRUE(JournalWriter::Open(fs, "/v/j.log"));
}

TEST(JournalWriter, CutsATornTailBeforeAppending) {
  io::MemoryFileSystem fs;
  std::string good = "B\t1\tCREATED\tID1\t1\t1\t" + kHash + "\ta\n";
  ASSERT_TRUE(fs.WriteFileAtomically("/j.log", good + "B\t2\tCREATED\tID2\t1\t"));
  auto writer = JournalWriter::Open(fs, "/j.log");
  ASSERT_TRUE(writer);
  ASSERT_TRUE((*writer)->AddDeleted(3, "ID1", "a"));
  EXPECT_EQ(*fs.ReadFile("/j.log"), good + "B\t3\tDELETED\tID1\ta\n");
  EXPECT_EQ((*writer)->repaired_tail_bytes(), 18u);
  // A journal that is one torn line is emptied.
  ASSERT_TRUE(fs.WriteFileAtomically("/k.log", "B\t2\tCREATED"));
  auto k = JournalWriter::Open(fs, "/k.log");
  ASSERT_TRUE(k);
  ASSERT_TRUE((*k)->AddDeleted(3, "ID1", "a"));
  EXPECT_EQ(*fs.ReadFile("/k.log"), "B\t3\tDELETED\tID1\ta\n");
}

TEST(JournalWriter, WhatWeWriteReadsBack) {
  io::MemoryFileSystem fs;
  auto writer = JournalWriter::Open(fs, "/j.log");
  ASSERT_TRUE(writer);
  const std::string names[] = {"quotes/say \"hello\".txt", "back\\slash.txt", "кириллица/Привет мир.txt",
                               " lead and trail ", "-dash"};
  int64_t t = 1795731856;
  for (int i = 0; i < 5; ++i) {
    std::optional<int64_t> mtime;
    if (i != 2) mtime = (i - 2) * 1000000000LL;
    ASSERT_TRUE((*writer)->AddCreated({t + i, "ID" + std::to_string(i), static_cast<uint64_t>(i) * 1000 + 1,
                                       mtime, kHash, names[i]}));
  }
  ASSERT_TRUE((*writer)->AddDeleted(t + 9, "ID4", names[4]));
  ASSERT_TRUE((*writer)->AddRetrieveJob(t + 10, "ID1", "JOB-1"));
  ASSERT_TRUE((*writer)->Close());

  auto state = LoadJournal(fs, "/j.log");
  ASSERT_TRUE(state) << state.error().message;
  EXPECT_EQ(state->archive_count(), 4u);
  for (int i = 0; i < 4; ++i) {
    auto file = state->FindFile(names[i]);
    ASSERT_TRUE(file) << names[i];
    Archive a = file->latest();
    EXPECT_EQ(a.archive_id(), "ID" + std::to_string(i));
    EXPECT_EQ(a.time(), t + i);
    EXPECT_EQ(a.size(), static_cast<uint64_t>(i) * 1000 + 1);
    EXPECT_EQ(a.tree_hash(), kHash);
    if (i == 2) {
      EXPECT_EQ(a.mtime(), std::nullopt);
    } else {
      EXPECT_EQ(a.mtime(), (i - 2) * 1000000000LL);
    }
  }
  ASSERT_EQ(state->retrieve_jobs().size(), 1u);
  EXPECT_EQ(state->retrieve_jobs()[0].job_id, "JOB-1");
}

// Lines that arrive while a flush is in flight wait for it and share the next one: three records
// cost two fdatasyncs, each call returns only once its line is durable, and a crash keeps all three.
TEST(JournalWriter, GroupCommitsLinesThatArriveDuringAFlush) {
  io::MemoryFileSystem mem;
  io::FaultyFileSystem fs(mem);
  std::promise<void> first_sync_entered;
  std::promise<void> release_first_sync;
  std::shared_future<void> release = release_first_sync.get_future().share();
  int syncs_seen = 0;
  fs.SetSyncHook([&](const std::string&) {
    if (++syncs_seen == 1) {  // hooks run one at a time: the writer has one flusher
      first_sync_entered.set_value();
      release.wait();
    }
  });
  auto writer = JournalWriter::Open(fs, "/j.log");
  ASSERT_TRUE(writer);
  JournalWriter& w = **writer;

  auto first = std::async(std::launch::async, [&] { return w.AddDeleted(1, "ID1", "a"); });
  first_sync_entered.get_future().wait();
  auto second = std::async(std::launch::async, [&] { return w.AddDeleted(2, "ID2", "b"); });
  auto third = std::async(std::launch::async, [&] { return w.AddDeleted(3, "ID3", "c"); });
  // Both later lines are written (not yet durable) while the first flush is still blocked.
  for (int i = 0; i < 5000 && fs.ReadFile("/j.log").value_or("").size() < 3 * 18; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_EQ(fs.ReadFile("/j.log").value_or("").size(), 3u * 18) << "later appends did not reach the file";
  EXPECT_EQ(second.wait_for(std::chrono::milliseconds(20)), std::future_status::timeout)
      << "returned before its line was flushed";
  release_first_sync.set_value();
  ASSERT_TRUE(first.get());
  ASSERT_TRUE(second.get());
  ASSERT_TRUE(third.get());
  EXPECT_EQ(w.syncs(), 2u);
  EXPECT_EQ(w.records_written(), 3u);
  ASSERT_TRUE(fs.Crash());
  std::string kept = *mem.ReadFile("/j.log");
  EXPECT_EQ(kept.size(), 3u * 18);
  for (const char* line : {"B\t1\tDELETED\tID1\ta\n", "B\t2\tDELETED\tID2\tb\n", "B\t3\tDELETED\tID3\tc\n"}) {
    EXPECT_NE(kept.find(line), std::string::npos) << line;
  }
}

TEST(JournalWriter, ManyThreadsEachRecordIsWrittenWholeAndOnce) {
  io::MemoryFileSystem fs;
  auto writer = JournalWriter::Open(fs, "/j.log");
  ASSERT_TRUE(writer);
  constexpr int kThreads = 8;
  constexpr int kEach = 200;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        std::string name = "t" + std::to_string(t) + "/f" + std::to_string(i);
        if (!(*writer)->AddCreated({i, "ID-" + std::to_string(t) + "-" + std::to_string(i), 1, 1, kHash, name})) {
          ++failures;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ((*writer)->records_written(), uint64_t{kThreads} * kEach);
  EXPECT_LE((*writer)->syncs(), uint64_t{kThreads} * kEach);
  ASSERT_TRUE((*writer)->Close());
  auto state = LoadJournal(fs, "/j.log");
  ASSERT_TRUE(state) << state.error().message;  // any interleaved or torn line would fail here
  EXPECT_EQ(state->archive_count(), uint64_t{kThreads} * kEach);
  EXPECT_TRUE(state->FindFile("t7/f199"));
}

// After a failed fdatasync nothing later can be trusted to be durable (the kernel may have
// dropped the pages it could not write): that record and every later one fail, and say why.
TEST(JournalWriter, AFailedFlushIsFinal) {
  io::MemoryFileSystem mem;
  io::FaultyFileSystem fs(mem);
  auto writer = JournalWriter::Open(fs, "/j.log");
  ASSERT_TRUE(writer);
  ASSERT_TRUE((*writer)->AddDeleted(1, "ID1", "a"));
  fs.AddFault(io::Fault::Nth(static_cast<io::OpMask>(io::Op::kSync), "j.log", 1));
  auto failed = (*writer)->AddDeleted(2, "ID2", "b");
  ASSERT_FALSE(failed);
  EXPECT_NE(failed.error().message.find("/j.log"), std::string::npos) << failed.error().message;
  auto later = (*writer)->AddDeleted(3, "ID3", "c");  // the device would accept this flush
  ASSERT_FALSE(later);
  EXPECT_EQ(later.error().sys_errno, EIO);
  EXPECT_EQ((*writer)->records_written(), 1u);
}

// Deferred durability: lines are in the file at once, callbacks come only after a flush that
// covers them, one flush serves many lines, and Drain returns once every callback has run.
TEST(JournalWriter, DeferredLinesShareFlushesAndAreReportedWhenDurable) {
  io::MemoryFileSystem mem;
  io::FaultyFileSystem fs(mem);
  auto writer = JournalWriter::Open(fs, "/j.log");
  ASSERT_TRUE(writer);
  JournalWriter& w = **writer;
  constexpr int kLines = 200;
  std::atomic<int> reported{0};
  std::atomic<int> failed{0};
  std::atomic<bool> early_report{false};
  for (int i = 0; i < kLines; ++i) {
    std::string id = "ID" + std::to_string(i);
    ASSERT_TRUE(w.AddCreatedThen({i, id, 1, 1, kHash, "f" + std::to_string(i)}, [&](Result<void> durable) {
      if (!durable) ++failed;
      // Durable means a crash now would keep it: the flush covered this line.
      if (w.syncs() == 0) early_report = true;
      ++reported;
    }));
  }
  // Every line is in the file already, before any flush.
  std::string written = fs.ReadFile("/j.log").value_or("");
  EXPECT_EQ(std::count(written.begin(), written.end(), '\n'), kLines);
  w.Drain();
  EXPECT_EQ(reported.load(), kLines);
  EXPECT_EQ(failed.load(), 0);
  EXPECT_FALSE(early_report.load());
  EXPECT_LT(w.syncs(), 20u) << "lines appended together should share flushes";
  EXPECT_EQ(w.records_written(), uint64_t{kLines});
  ASSERT_TRUE(fs.Crash());
  auto state = LoadJournal(mem, "/j.log");
  ASSERT_TRUE(state) << state.error().message;
  EXPECT_EQ(state->archive_count(), uint64_t{kLines});
}

TEST(JournalWriter, DeferredLinesGetTheFlushErrorAndCloseWaitsForThem) {
  io::MemoryFileSystem mem;
  io::FaultyFileSystem fs(mem);
  auto writer = JournalWriter::Open(fs, "/j.log");
  ASSERT_TRUE(writer);
  fs.AddFault(io::Fault::Nth(static_cast<io::OpMask>(io::Op::kSync), "j.log", 1));
  std::vector<std::string> errors;
  std::mutex mu;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE((*writer)->AddCreatedThen({i, "ID" + std::to_string(i), 1, 1, kHash, "f"}, [&](Result<void> durable) {
      std::lock_guard lock(mu);
      errors.push_back(durable ? "" : durable.error().message);
    }));
  }
  (void)(*writer)->Close();  // drains first: every callback has run (the close itself may fail)
  ASSERT_EQ(errors.size(), 3u);
  for (const std::string& e : errors) EXPECT_NE(e.find("/j.log"), std::string::npos) << e;
  // The failure is final: a later synchronous record fails too (the writer is closed anyway).
  EXPECT_FALSE((*writer)->AddDeleted(9, "ID0", "f"));
}

// Synchronous and deferred records interleave in append order, and a synchronous one returns
// durable even while the flusher is between flushes.
TEST(JournalWriter, SynchronousAndDeferredRecordsKeepTheirOrder) {
  io::MemoryFileSystem fs;
  auto writer = JournalWriter::Open(fs, "/j.log");
  ASSERT_TRUE(writer);
  std::atomic<int> reported{0};
  ASSERT_TRUE((*writer)->AddCreatedThen({1, "A", 1, 1, kHash, "a"}, [&](Result<void> r) { reported += r ? 1 : 100; }));
  ASSERT_TRUE((*writer)->AddDeleted(2, "OLD", "old"));
  ASSERT_TRUE((*writer)->AddCreatedThen({3, "B", 1, 1, kHash, "b"}, [&](Result<void> r) { reported += r ? 1 : 100; }));
  ASSERT_TRUE((*writer)->Close());
  EXPECT_EQ(reported.load(), 2);
  std::string text = *fs.ReadFile("/j.log");
  size_t a = text.find("\tA\t"), old = text.find("\tOLD\t"), b = text.find("\tB\t");
  ASSERT_NE(a, std::string::npos);
  ASSERT_NE(old, std::string::npos);
  ASSERT_NE(b, std::string::npos);
  EXPECT_LT(a, old);
  EXPECT_LT(old, b);
}

TEST(LoadJournal, MissingFile) {
  io::MemoryFileSystem fs;
  auto state = LoadJournal(fs, "/none.log");
  ASSERT_TRUE(state);
  EXPECT_EQ(state->archive_count(), 0u);
  auto err = LoadJournal(fs, "/none.log", {}, IfMissing::kError);
  ASSERT_FALSE(err);
  EXPECT_EQ(err.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(err.error().message.rfind("journal /none.log: ", 0), 0u) << err.error().message;
}

TEST(LoadJournal, ErrorsCarryThePath) {
  io::MemoryFileSystem fs;
  ASSERT_TRUE(fs.WriteFileAtomically("/j.log", "hello world\n"));
  auto err = LoadJournal(fs, "/j.log");
  ASSERT_FALSE(err);
  EXPECT_EQ(err.error().message,
            "journal /j.log: Invalid format of journal, line 1 is in unknown format: \"hello world\"");
}

}  // namespace
}  // namespace mtg::journal
