#include "journal/journal_writer.h"

#include <gtest/gtest.h>

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
