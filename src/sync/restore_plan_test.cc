#include "sync/restore_plan.h"

#include <gtest/gtest.h>

#include "io/memory_file_system.h"
#include "journal/journal_writer.h"
#include "journal/replay.h"

namespace mtg::sync {
namespace {

const std::string kHash(64, 'a');

std::string Created(int64_t time, const std::string& id, uint64_t size, std::optional<int64_t> mtime,
                    const std::string& name) {
  auto line = journal::FormatCreated({.time = time, .archive_id = id, .size = size, .mtime = mtime,
                                      .tree_hash = kHash, .relfilename = name});
  EXPECT_TRUE(line) << line.error().message;
  return *line + "\n";
}

class RestorePlanTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(fs_.MakeDirs("/r")); }
  journal::JournalState Load(const std::string& text) {
    auto state = journal::ReplayJournal(text);
    EXPECT_TRUE(state) << state.error().message;
    return std::move(*state);
  }
  io::MemoryFileSystem fs_;
};

TEST_F(RestorePlanTest, LatestVersionOfEachMissingFileInJournalOrder) {
  auto state = Load(Created(100, "old", 1, 1000, "a") + Created(200, "new", 2, 2000, "a") +
                    Created(150, "b1", 3, 10, "dir/b") + Created(160, "here", 4, 10, "present"));
  ASSERT_TRUE(fs_.WriteFileAtomically("/r/present", "data"));
  MissingFiles missing = FindMissingFiles(fs_, "/r", state);
  ASSERT_EQ(missing.files.size(), 2u);
  EXPECT_EQ(missing.files[0].archive_id, "new");
  EXPECT_EQ(missing.files[0].mtime, 2000);
  EXPECT_FALSE(missing.files[0].mtime_from_creation);
  EXPECT_EQ(missing.files[1].relfilename, "dir/b");
  EXPECT_TRUE(missing.refused.empty());
}

TEST_F(RestorePlanTest, MtimeNoneGetsTheArchiveCreationTime) {
  auto state = Load(Created(1383706290, "BBB", 6, std::nullopt, "BBB"));
  MissingFiles missing = FindMissingFiles(fs_, "/r", state);
  ASSERT_EQ(missing.files.size(), 1u);
  EXPECT_EQ(missing.files[0].mtime, 1383706290);
  EXPECT_TRUE(missing.files[0].mtime_from_creation);
}

TEST_F(RestorePlanTest, UnsafeNamesAreRefusedAndTheRestGoesOn) {
  ASSERT_TRUE(fs_.MakeDirs("/elsewhere"));
  ASSERT_TRUE(fs_.Symlink("/elsewhere", "/r/link"));
  auto state = Load(Created(1, "s", 1, 1, "link/f") + Created(1, "c", 1, 1, "ctl\x01") +
                    Created(1, "ok", 1, 1, "fine"));
  MissingFiles missing = FindMissingFiles(fs_, "/r", state);
  ASSERT_EQ(missing.files.size(), 1u);
  EXPECT_EQ(missing.files[0].relfilename, "fine");
  ASSERT_EQ(missing.refused.size(), 2u);
  EXPECT_EQ(missing.refused[0].relfilename, "link/f");
  EXPECT_NE(missing.refused[0].error.message.find("symlink"), std::string::npos);
}

TEST_F(RestorePlanTest, RetrievalsSkipRecentRequestsAndStopAtTheLimit) {
  std::vector<RestoreCandidate> missing;
  for (int i = 0; i < 5; ++i) {
    missing.push_back({.archive_id = "a" + std::to_string(i), .relfilename = "f" + std::to_string(i),
                       .size = 10u + i, .tree_hash = kHash, .mtime = 0, .mtime_from_creation = false});
  }
  RetrievalPlan plan = PlanRetrievals(missing, {"a1"}, 3);
  ASSERT_EQ(plan.archives.size(), 3u);
  EXPECT_EQ(plan.archives[0].archive_id, "a0");
  EXPECT_EQ(plan.archives[1].archive_id, "a2");
  EXPECT_EQ(plan.archives[2].archive_id, "a3");
  EXPECT_EQ(plan.bytes, 10u + 12u + 13u);
  EXPECT_EQ(plan.recently_requested, 1u);
  EXPECT_EQ(plan.over_limit, 1u);
}

TEST_F(RestorePlanTest, TwentyFourHourRuleComesFromTheJournal) {
  auto job = journal::FormatRetrieveJob(1000, "x", "job1");
  ASSERT_TRUE(job);
  auto state = Load(Created(1, "x", 1, 1, "f") + *job + "\n");
  EXPECT_TRUE(state.ActiveRetrievals(1000 + 86399).contains("x"));
  EXPECT_FALSE(state.ActiveRetrievals(1000 + 86400).contains("x"));
}

glacier::JobInfo Job(std::string id, std::string archive, std::string created, std::string completed,
                     std::string status = "Succeeded") {
  glacier::JobInfo j;
  j.job_id = std::move(id);
  j.action = "ArchiveRetrieval";
  j.status_code = std::move(status);
  j.completed = j.status_code != "InProgress";
  j.archive_id = std::move(archive);
  j.archive_size = 100;
  j.creation_date = std::move(created);
  j.completion_date = std::move(completed);
  return j;
}

TEST(RetrievalJobMatcher, TakesTheNewestUsableJobPerArchive) {
  RetrievalJobMatcher m({{"A", 100}, {"B", 100}});
  m.Consider(Job("old", "A", "2026-11-01T00:00:00Z", "2026-11-01T04:00:00Z"));
  m.Consider(Job("new", "A", "2026-11-02T00:00:00Z", "2026-11-02T04:00:00Z"));
  m.Consider(Job("older", "A", "2026-10-30T00:00:00Z", "2026-10-30T04:00:00Z"));
  m.Consider(Job("failed", "A", "2026-11-03T00:00:00Z", "2026-11-03T04:00:00Z", "Failed"));
  m.Consider(Job("running", "B", "2026-11-03T00:00:00Z", "", "InProgress"));
  glacier::JobInfo partial = Job("partial", "B", "2026-11-03T00:00:00Z", "2026-11-03T01:00:00Z");
  partial.retrieval_byte_range = "0-49";
  m.Consider(partial);
  m.Consider(Job("stranger", "C", "2026-11-03T00:00:00Z", "2026-11-03T01:00:00Z"));
  ASSERT_EQ(m.matches().size(), 1u);
  EXPECT_EQ(m.matches().at("A").job_id, "new");
}

TEST(RetrievalJobMatcher, UsableJobRules) {
  glacier::JobInfo j = Job("j", "A", "c", "d");
  EXPECT_TRUE(IsUsableRetrievalJob(j, 100));
  j.retrieval_byte_range = "0-99";
  EXPECT_TRUE(IsUsableRetrievalJob(j, 100));
  EXPECT_FALSE(IsUsableRetrievalJob(j, 200));  // sizes differ too
  j.archive_size = 0;
  EXPECT_FALSE(IsUsableRetrievalJob(j, 200));  // the range is not the whole archive
  j.action = "InventoryRetrieval";
  EXPECT_FALSE(IsUsableRetrievalJob(j, 100));
}

}  // namespace
}  // namespace mtg::sync
