#include "sync/target_path.h"

#include <gtest/gtest.h>

#include "io/memory_file_system.h"

namespace mtg::sync {
namespace {

class TargetPathTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs_.MakeDirs("/restore/sub"));
    ASSERT_TRUE(fs_.MakeDirs("/outside"));
    ASSERT_TRUE(fs_.Symlink("/outside", "/restore/link"));
    ASSERT_TRUE(fs_.WriteFileAtomically("/restore/plain", "x"));
  }
  io::MemoryFileSystem fs_;
};

TEST_F(TargetPathTest, AcceptsOrdinaryNames) {
  EXPECT_EQ(*SafeTargetPath(fs_, "/restore", "a.txt"), "/restore/a.txt");
  EXPECT_EQ(*SafeTargetPath(fs_, "/restore", "sub/new dir/ü €.txt"), "/restore/sub/new dir/ü €.txt");
  EXPECT_EQ(*SafeTargetPath(fs_, "/restore", "-dash/'q\"\\"), "/restore/-dash/'q\"\\");
  EXPECT_EQ(*SafeTargetPath(fs_, "/restore", "plain"), "/restore/plain");  // existing regular file
}

TEST_F(TargetPathTest, RefusesNamesThatEscape) {
  for (const char* bad : {"../x", "a/../../x", "/etc/x", "..", "./a", "a//b", "a/", ""}) {
    auto r = SafeTargetPath(fs_, "/restore", bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(r.error().message.find("refusing to restore"), std::string::npos) << r.error().message;
  }
}

TEST_F(TargetPathTest, RefusesControlCharactersAndShowsThemEscaped) {
  auto r = SafeTargetPath(fs_, "/restore", std::string("a\x01") + "b");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("a\\x01b"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("control character"), std::string::npos);
  EXPECT_FALSE(SafeTargetPath(fs_, "/restore", "a\x7f"));
  EXPECT_FALSE(SafeTargetPath(fs_, "/restore", "new\nline"));
}

TEST_F(TargetPathTest, RefusesPathsThroughSymlinksOrFiles) {
  auto through = SafeTargetPath(fs_, "/restore", "link/x");
  ASSERT_FALSE(through);
  EXPECT_NE(through.error().message.find("/restore/link\" is a symlink"), std::string::npos)
      << through.error().message;
  EXPECT_FALSE(SafeTargetPath(fs_, "/restore", "link"));        // the last component
  EXPECT_FALSE(SafeTargetPath(fs_, "/restore", "plain/x"));     // a file used as a directory
  EXPECT_FALSE(SafeTargetPath(fs_, "/restore", "sub"));         // a directory as the file
}

TEST_F(TargetPathTest, MakeSafeParentDirsCreatesOnlyInsideAndStopsAtSymlinks) {
  ASSERT_TRUE(MakeSafeParentDirs(fs_, "/restore", "d1/d2/f"));
  EXPECT_EQ(fs_.LStat("/restore/d1/d2")->type, io::FileType::kDirectory);
  auto r = MakeSafeParentDirs(fs_, "/restore", "link/deeper/f");
  ASSERT_FALSE(r);
  EXPECT_FALSE(*fs_.Exists("/outside/deeper"));
  EXPECT_FALSE(MakeSafeParentDirs(fs_, "/restore", "../escape/f"));
  EXPECT_FALSE(*fs_.Exists("/escape"));
}

TEST_F(TargetPathTest, MakeSafeParentDirsCreatesAMissingTargetDirectory) {
  ASSERT_TRUE(MakeSafeParentDirs(fs_, "/new/target", "top.txt"));
  EXPECT_EQ(fs_.LStat("/new/target")->type, io::FileType::kDirectory);
}

TEST_F(TargetPathTest, TheTargetDirectoryItselfMayBeASymlink) {
  ASSERT_TRUE(fs_.Symlink("/restore", "/alias"));
  EXPECT_EQ(*SafeTargetPath(fs_, "/alias", "sub/a"), "/alias/sub/a");
}

}  // namespace
}  // namespace mtg::sync
