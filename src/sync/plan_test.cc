#include "sync/plan.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "io/faulty_file_system.h"
#include "io/memory_file_system.h"
#include "journal/replay.h"

namespace mtg::sync {
namespace {

constexpr const char* kHashA = "1111111111111111111111111111111111111111111111111111111111111111";

// A journal line for `rel`: version B, archive id "id-<rel>", uploaded at time 1000.
std::string Created(const std::string& rel, uint64_t size, const std::string& mtime,
                    const std::string& id = "") {
  return "B\t1000\tCREATED\t" + (id.empty() ? "id-" + rel : id) + "\t" + std::to_string(size) + "\t" +
         mtime + "\t" + kHashA + "\t" + rel + "\n";
}

journal::JournalState Journal(const std::string& text) {
  journal::JournalReader reader;
  EXPECT_TRUE(reader.Feed(text));
  auto state = reader.Finish();
  EXPECT_TRUE(state) << state.error().message;
  return std::move(*state);
}

class PlanTest : public ::testing::Test {
 protected:
  void File(const std::string& rel, std::string_view content, int64_t mtime = 500) {
    ASSERT_TRUE(fs_.MakeDirs(io::DirName("/d/" + rel)));
    auto f = fs_.OpenWrite("/d/" + rel, io::WriteMode::kTruncate);
    ASSERT_TRUE(f);
    ASSERT_TRUE((*f)->WriteAt(0, content));
    ASSERT_TRUE((*f)->Close());
    ASSERT_TRUE(fs_.SetMtime("/d/" + rel, mtime));
  }

  // Runs the planner; each action as "<kind> <rel>[ <extra>]".
  std::vector<std::string> Plan(const std::string& journal_text, PlanOptions options,
                                PlanStats* stats = nullptr) {
    (void)fs_.MakeDirs("/d");
    journal::JournalState journal = Journal(journal_text);
    auto scanner = Scanner::Open(faulty_, ScanOptions{.dir = "/d"});
    EXPECT_TRUE(scanner);
    Planner planner(journal, *scanner, options);
    std::vector<std::string> out;
    Action a;
    while (planner.Next(a)) {
      switch (a.kind) {
        case ActionKind::kUpload: out.push_back("upload " + a.relative_name); break;
        case ActionKind::kReplace:
          out.push_back("replace " + a.relative_name + (a.check_tree_hash ? " check " : " ") + a.old_archive_id);
          break;
        case ActionKind::kDelete: out.push_back("delete " + a.relative_name + " " + a.old_archive_id); break;
        case ActionKind::kSkip: out.push_back("skip " + a.relative_name); break;
        case ActionKind::kNotExists: out.push_back("notexists " + a.relative_name); break;
      }
    }
    if (stats) *stats = planner.stats();
    return out;
  }

  io::MemoryFileSystem fs_;
  io::FaultyFileSystem faulty_{fs_};
};

using V = std::vector<std::string>;

TEST_F(PlanTest, NewOnlyUploadsUnknownFilesAndSkipsKnownOnes) {
  File("a", "1");
  File("b", "22");
  File("empty", "");
  EXPECT_EQ(Plan(Created("b", 2, "500") + Created("gone", 3, "500"), PlanOptions{}),
            (V{"upload a", "skip b"}));
}

TEST_F(PlanTest, AnUnfinishedRestoresTemporaryFilesAreNotUploaded) {
  File("dir/.mtglacier-restore-0123456789abcdef.part", "partial");
  File("dir/.mtglacier-restore-0123456789abcdef.state", "state");
  File("dir/.mtglacier-restore-mine.part", "a user's file with a similar name");
  EXPECT_EQ(Plan("", PlanOptions{}), (V{"upload dir/.mtglacier-restore-mine.part"}));
}

TEST_F(PlanTest, ReplaceModifiedWithoutNewReportsUnknownFiles) {
  File("a", "1");
  File("b", "333");
  PlanOptions o{.add_new = false, .replace_modified = true};
  EXPECT_EQ(Plan(Created("b", 2, "500"), o), (V{"notexists a", "replace b id-b"}));
}

TEST_F(PlanTest, DeleteRemovedDeletesMissingAndZeroSizeFilesLast) {
  File("a", "1");
  File("z", "");
  PlanOptions o{.add_new = true, .delete_removed = true};
  EXPECT_EQ(Plan(Created("gone", 3, "500") + Created("z", 4, "500") + Created("a", 1, "500"), o),
            (V{"skip a", "delete gone id-gone", "delete z id-z"}));
}

TEST_F(PlanTest, DeleteTakesTheLatestVersion) {
  PlanOptions o{.add_new = false, .delete_removed = true};
  EXPECT_EQ(Plan(Created("f", 3, "900", "new") + Created("f", 3, "100", "old"), o),
            (V{"delete f new"}));
}

TEST_F(PlanTest, UnreadableDirectoryIsUnknownNotMissing) {
  File("locked/f", "1");
  File("ok", "1");
  faulty_.AddFault(io::Fault{static_cast<io::OpMask>(io::Op::kList), "/d/locked", 1, UINT64_MAX, EACCES, 0});
  PlanOptions o{.add_new = false, .delete_removed = true};
  PlanStats stats;
  EXPECT_EQ(Plan(Created("locked/f", 1, "500") + Created("ok", 1, "500") + Created("x", 1, "500"), o, &stats),
            (V{"skip ok", "delete x id-x"}));
  EXPECT_EQ(stats.unknown, 1u);
  EXPECT_EQ(stats.missing, 1u);
}

// The decision table of reference §2.1, row by row (size equal unless said).
struct Row {
  Detect detect;
  bool size_differs;
  bool mtime_differs;
  Verdict expected;
};

TEST(DecideModified, Table) {
  const Row rows[] = {
      {Detect::kAlwaysPositive, false, false, Verdict::kUpload},
      {Detect::kSizeOnly, true, false, Verdict::kUpload},
      {Detect::kSizeOnly, false, true, Verdict::kUnchanged},
      {Detect::kMtime, false, true, Verdict::kUpload},
      {Detect::kMtime, false, false, Verdict::kUnchanged},
      {Detect::kMtime, true, false, Verdict::kUpload},
      {Detect::kTreehash, false, false, Verdict::kCheckTreeHash},
      {Detect::kTreehash, false, true, Verdict::kCheckTreeHash},
      {Detect::kMtimeAndTreehash, false, true, Verdict::kCheckTreeHash},
      {Detect::kMtimeAndTreehash, false, false, Verdict::kUnchanged},
      {Detect::kMtimeAndTreehash, true, false, Verdict::kUpload},
      {Detect::kMtimeOrTreehash, false, true, Verdict::kUpload},
      {Detect::kMtimeOrTreehash, false, false, Verdict::kCheckTreeHash},
  };
  journal::JournalState state = Journal(Created("f", 10, "500"));
  journal::Archive latest = state.file(0).latest();
  for (const Row& r : rows) {
    EXPECT_EQ(DecideModified(r.detect, latest, r.size_differs ? 11 : 10, r.mtime_differs ? 501 : 500),
              r.expected)
        << static_cast<int>(r.detect) << " " << r.size_differs << r.mtime_differs;
  }
}

TEST(DecideModified, UnknownMtimeNeverDiffers) {
  journal::JournalState state = Journal(Created("f", 10, "NONE"));
  journal::Archive latest = state.file(0).latest();
  EXPECT_EQ(DecideModified(Detect::kMtime, latest, 10, 12345), Verdict::kUnchanged);
  EXPECT_EQ(DecideModified(Detect::kMtimeAndTreehash, latest, 10, 12345), Verdict::kUnchanged);
  EXPECT_EQ(DecideModified(Detect::kMtimeOrTreehash, latest, 10, 12345), Verdict::kCheckTreeHash);
}

TEST_F(PlanTest, DetectModesDriveReplace) {
  File("same", "12", 500);
  File("touched", "12", 777);
  File("grown", "123", 500);
  const std::string journal = Created("grown", 2, "500") + Created("same", 2, "500") + Created("touched", 2, "500");
  PlanOptions o{.add_new = false, .replace_modified = true};
  EXPECT_EQ(Plan(journal, o), (V{"replace grown id-grown", "replace touched check id-touched"}));
  o.detect = Detect::kMtimeOrTreehash;
  EXPECT_EQ(Plan(journal, o), (V{"replace grown id-grown", "replace same check id-same", "replace touched id-touched"}));
  o.detect = Detect::kSizeOnly;
  EXPECT_EQ(Plan(journal, o), (V{"replace grown id-grown"}));
}

TEST_F(PlanTest, MaxNumberOfFilesCountsNewExistingAndMissing) {
  File("a", "1");
  File("b", "1");
  File("c", "1");
  File("d", "1");
  PlanOptions o{.add_new = true, .replace_modified = true, .delete_removed = true,
                .detect = Detect::kSizeOnly, .max_number_of_files = 3};
  // b is "existing" (counted although unchanged); the missing pass never runs.
  PlanStats stats;
  EXPECT_EQ(Plan(Created("b", 1, "500") + Created("gone", 1, "500"), o, &stats), (V{"upload a", "upload c"}));
  o.max_number_of_files = 10;
  EXPECT_EQ(Plan(Created("b", 1, "500") + Created("gone", 1, "500"), o),
            (V{"upload a", "upload c", "upload d", "delete gone id-gone"}));
}

TEST_F(PlanTest, SkippedFilesDoNotCount) {
  File("a", "1");
  File("b", "1");
  File("c", "1");
  PlanOptions o{.max_number_of_files = 1};
  EXPECT_EQ(Plan(Created("a", 1, "500"), o), (V{"skip a", "upload b"}));
}

}  // namespace
}  // namespace mtg::sync
