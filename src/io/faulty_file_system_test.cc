// FaultyFileSystem: injected failures and the crash model (lost unsynced data, torn tails,
// undone namespace changes, dead handles and released locks).
#include "io/faulty_file_system.h"

#include <gtest/gtest.h>

#include "base/clock.h"
#include "io/memory_file_system.h"

namespace mtg::io {
namespace {

class FaultyFileSystemTest : public ::testing::Test {
 protected:
  FaultyFileSystemTest() : memory_(&clock_), fs_(memory_) {
    EXPECT_TRUE(memory_.MakeDirs("/v"));
  }
  std::string Content(const std::string& path) {
    auto data = memory_.ReadFile(path);
    return data ? *data : "<missing>";
  }
  std::unique_ptr<AppendableFile> Append(const std::string& path) {
    auto file = fs_.OpenAppend(path);
    EXPECT_TRUE(file);
    return file ? std::move(*file) : nullptr;
  }

  ManualClock clock_;
  MemoryFileSystem memory_;
  FaultyFileSystem fs_;
};

TEST_F(FaultyFileSystemTest, NthCallFailsWithChosenErrno) {
  auto log = Append("/v/journal");
  fs_.AddFault(Fault::Nth(Op::kAppend | Op::kWrite, "journal", 2, ENOSPC));
  EXPECT_TRUE(log->Append(std::string_view("one\n")));
  auto second = log->Append(std::string_view("two\n"));
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().sys_errno, ENOSPC);
  EXPECT_EQ(second.error().code, ErrorCode::kIo);
  EXPECT_EQ(second.error().message, "write /v/journal: No space left on device");
  EXPECT_TRUE(log->Append(std::string_view("three\n")));
  EXPECT_EQ(Content("/v/journal"), "one\nthree\n");
  EXPECT_EQ(fs_.Calls(Op::kAppend), 3u);
  EXPECT_EQ(fs_.InjectedFailures(), 1u);
}

TEST_F(FaultyFileSystemTest, EveryCallAfterNAndPathFilter) {
  ASSERT_TRUE(memory_.WriteFileAtomically("/v/a", "a"));
  ASSERT_TRUE(memory_.WriteFileAtomically("/v/b", "b"));
  int id = fs_.AddFault(Fault::AfterN(static_cast<OpMask>(Op::kOpenRead), "/v/a", 1, EACCES));
  EXPECT_TRUE(fs_.OpenRead("/v/a"));
  EXPECT_TRUE(fs_.OpenRead("/v/b"));  // other paths are not counted
  for (int i = 0; i < 3; ++i) {
    auto denied = fs_.OpenRead("/v/a");
    ASSERT_FALSE(denied);
    EXPECT_EQ(denied.error().message, "open /v/a: Permission denied");
  }
  EXPECT_TRUE(fs_.ReadFile("/v/a"));  // a different operation
  fs_.RemoveFault(id);
  EXPECT_TRUE(fs_.OpenRead("/v/a"));
}

TEST_F(FaultyFileSystemTest, EveryOperationCanFail) {
  fs_.AddFault(Fault{});  // all operations, all paths
  EXPECT_EQ(fs_.Stat("/v").error().sys_errno, EIO);
  EXPECT_FALSE(fs_.List("/v"));
  EXPECT_FALSE(fs_.MakeDirs("/v/x"));
  EXPECT_FALSE(fs_.Lock("/v/l"));
  EXPECT_FALSE(fs_.SyncDir("/v"));
  EXPECT_FALSE(fs_.SetMtime("/v", 1));
  EXPECT_EQ(fs_.Rename("/v/a", "/v/b").error().message, "rename /v/a to /v/b: Input/output error");
  EXPECT_FALSE(fs_.WriteFileAtomically("/v/s", "x"));
  fs_.ClearFaults();
  EXPECT_TRUE(fs_.WriteFileAtomically("/v/s", "x"));
  EXPECT_EQ(Content("/v/s"), "x");
}

TEST_F(FaultyFileSystemTest, TornWriteKeepsPrefix) {
  auto log = Append("/v/journal");
  Fault torn = Fault::Nth(static_cast<OpMask>(Op::kAppend), "", 1, EIO);
  torn.write_prefix = 4;
  fs_.AddFault(torn);
  EXPECT_FALSE(log->Append(std::string_view("B\t123\tCREATED\n")));
  EXPECT_EQ(Content("/v/journal"), "B\t12");
}

TEST_F(FaultyFileSystemTest, CrashDropsUnsyncedAppends) {
  auto log = Append("/v/journal");
  ASSERT_TRUE(log->Append(std::string_view("line1\n")));
  ASSERT_TRUE(log->Sync());
  ASSERT_TRUE(log->Append(std::string_view("line2\n")));
  EXPECT_EQ(Content("/v/journal"), "line1\nline2\n");
  ASSERT_TRUE(fs_.Crash());
  EXPECT_EQ(Content("/v/journal"), "line1\n");
  // The crashed process's handle is dead; a new one works.
  auto dead = log->Append(std::string_view("zombie\n"));
  ASSERT_FALSE(dead);
  EXPECT_EQ(dead.error().sys_errno, EIO);
  auto fresh = Append("/v/journal");
  ASSERT_TRUE(fresh->Append(std::string_view("line3\n")));
  EXPECT_EQ(Content("/v/journal"), "line1\nline3\n");
}

TEST_F(FaultyFileSystemTest, CrashCanLeaveTornTail) {
  ASSERT_TRUE(memory_.WriteFileAtomically("/v/journal", "old\n"));  // pre-existing: durable
  auto log = Append("/v/journal");
  ASSERT_TRUE(log->Append(std::string_view("new line\n")));
  ASSERT_TRUE(fs_.Crash(CrashOptions{.keep_unsynced_bytes = 5}));
  EXPECT_EQ(Content("/v/journal"), "old\nnew l");
}

TEST_F(FaultyFileSystemTest, CrashRestoresOverwrittenData) {
  auto file = fs_.OpenWrite("/v/blob", WriteMode::kCreateNew);
  ASSERT_TRUE(file);
  ASSERT_TRUE((*file)->WriteAt(0, std::string_view("AAAAAAAA")));
  ASSERT_TRUE((*file)->Sync());
  ASSERT_TRUE((*file)->WriteAt(2, std::string_view("bb")));
  ASSERT_TRUE((*file)->Truncate(6));
  ASSERT_TRUE(fs_.Crash(CrashOptions{.keep_unsynced_bytes = 100}));  // not an extension: all lost
  EXPECT_EQ(Content("/v/blob"), "AAAAAAAA");
  EXPECT_FALSE((*file)->ReadAt(0, std::span<char>()));
}

TEST_F(FaultyFileSystemTest, UnsyncedNewFileIsEmptyAfterCrash) {
  auto file = fs_.OpenWrite("/v/new", WriteMode::kCreateNew);
  ASSERT_TRUE(file);
  ASSERT_TRUE((*file)->WriteAt(0, std::string_view("data")));
  ASSERT_TRUE(fs_.Crash());
  EXPECT_EQ(Content("/v/new"), "");  // without dir-sync modelling, the name survives
}

TEST_F(FaultyFileSystemTest, RenameWithoutDataSyncLosesContent) {
  ASSERT_TRUE(memory_.WriteFileAtomically("/v/state", "old"));
  {
    auto tmp = fs_.OpenWrite("/v/state.tmp", WriteMode::kCreateNew);
    ASSERT_TRUE(tmp);
    ASSERT_TRUE((*tmp)->WriteAt(0, std::string_view("new")));  // no Sync: the classic bug
  }
  ASSERT_TRUE(fs_.Rename("/v/state.tmp", "/v/state"));
  ASSERT_TRUE(fs_.Crash());
  EXPECT_EQ(Content("/v/state"), "");
}

TEST_F(FaultyFileSystemTest, AtomicWriteSurvivesCrash) {
  fs_.SetModelDirSync(true);
  ASSERT_TRUE(fs_.WriteFileAtomically("/v/state", "v1"));
  ASSERT_TRUE(fs_.WriteFileAtomically("/v/state", "v2"));
  ASSERT_TRUE(fs_.Crash());
  EXPECT_EQ(Content("/v/state"), "v2");
  auto entries = memory_.List("/v");
  ASSERT_TRUE(entries);
  EXPECT_EQ(entries->size(), 1u);
}

TEST_F(FaultyFileSystemTest, DirSyncModelUndoesUnsyncedNamespaceChanges) {
  fs_.SetModelDirSync(true);
  ASSERT_TRUE(memory_.WriteFileAtomically("/v/old", "durable"));
  ASSERT_TRUE(memory_.WriteFileAtomically("/v/gone", "was here"));
  {
    auto tmp = fs_.OpenWrite("/v/tmp", WriteMode::kCreateNew);
    ASSERT_TRUE(tmp);
    ASSERT_TRUE((*tmp)->WriteAt(0, std::string_view("replacement")));
    ASSERT_TRUE((*tmp)->Sync());
  }
  ASSERT_TRUE(fs_.SyncDir("/v"));  // "tmp" exists durably
  ASSERT_TRUE(fs_.Rename("/v/tmp", "/v/old"));  // no SyncDir
  ASSERT_TRUE(fs_.Remove("/v/gone"));
  auto created = Append("/v/created");
  ASSERT_TRUE(created->Append(std::string_view("x")));
  ASSERT_TRUE(created->Sync());
  ASSERT_TRUE(fs_.Crash());
  EXPECT_EQ(Content("/v/old"), "durable");
  EXPECT_EQ(Content("/v/tmp"), "replacement");  // the rename is undone, the synced data kept
  EXPECT_EQ(Content("/v/gone"), "was here");
  EXPECT_EQ(Content("/v/created"), "<missing>");
}

TEST_F(FaultyFileSystemTest, DirSyncModelForgetsUnsyncedCreationBeforeRename) {
  fs_.SetModelDirSync(true);
  auto tmp = fs_.OpenWrite("/v/tmp", WriteMode::kCreateNew);
  ASSERT_TRUE(tmp);
  ASSERT_TRUE((*tmp)->WriteAt(0, std::string_view("data")));
  ASSERT_TRUE((*tmp)->Sync());
  ASSERT_TRUE(fs_.Rename("/v/tmp", "/v/final"));
  ASSERT_TRUE(fs_.Crash());
  EXPECT_EQ(Content("/v/tmp"), "<missing>");
  EXPECT_EQ(Content("/v/final"), "<missing>");
}

TEST_F(FaultyFileSystemTest, SyncDirMakesNamespaceChangesDurable) {
  fs_.SetModelDirSync(true);
  auto log = Append("/v/journal");
  ASSERT_TRUE(log->Append(std::string_view("rec\n")));
  ASSERT_TRUE(log->Sync());
  ASSERT_TRUE(fs_.SyncDir("/v/"));
  ASSERT_TRUE(fs_.Crash());
  EXPECT_EQ(Content("/v/journal"), "rec\n");
}

TEST_F(FaultyFileSystemTest, HandlesFollowRenames) {
  auto log = Append("/v/a");
  ASSERT_TRUE(fs_.Rename("/v/a", "/v/b"));
  ASSERT_TRUE(log->Append(std::string_view("synced")));
  ASSERT_TRUE(log->Sync());
  ASSERT_TRUE(log->Append(std::string_view("-lost")));
  fs_.AddFault(Fault::Nth(static_cast<OpMask>(Op::kAppend), "/v/b", 1));
  EXPECT_EQ(log->Append(std::string_view("x")).error().message, "write /v/b: Input/output error");
  ASSERT_TRUE(fs_.Crash());
  EXPECT_EQ(Content("/v/b"), "synced");
}

TEST_F(FaultyFileSystemTest, LocksConflictAndDieWithTheProcess) {
  auto first = fs_.Lock("/v/journal");
  ASSERT_TRUE(first);
  auto second = fs_.Lock("/v/journal");
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, ErrorCode::kLocked);
  ASSERT_TRUE(fs_.Crash());
  auto after_crash = fs_.Lock("/v/journal");
  ASSERT_TRUE(after_crash);
  first->reset();  // the dead process's lock object going away must not free the new lock
  EXPECT_EQ(fs_.Lock("/v/journal").error().code, ErrorCode::kLocked);
  after_crash->reset();
  EXPECT_TRUE(fs_.Lock("/v/journal"));
  fs_.AddFault(Fault::Nth(static_cast<OpMask>(Op::kLock), "", 1, EACCES));
  EXPECT_EQ(fs_.Lock("/v/other").error().sys_errno, EACCES);
}

TEST(FaultyOverPosixTest, CrashRollsBackRealFiles) {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/mtg_faulty.XXXXXX";
  ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
  PosixFileSystem& posix = PosixFileSystem::Instance();
  FaultyFileSystem fs(posix);
  std::string path = pattern + "/journal";
  {
    auto log = fs.OpenAppend(path);
    ASSERT_TRUE(log);
    ASSERT_TRUE((*log)->Append(std::string_view("a\n")));
    ASSERT_TRUE((*log)->Sync());
    ASSERT_TRUE((*log)->Append(std::string_view("b\n")));
  }
  ASSERT_TRUE(fs.Crash(CrashOptions{.keep_unsynced_bytes = 1}));
  EXPECT_EQ(*posix.ReadFile(path), "a\nb");
  ASSERT_TRUE(posix.Remove(path));
  ASSERT_TRUE(posix.RemoveDir(pattern));
}

}  // namespace
}  // namespace mtg::io
