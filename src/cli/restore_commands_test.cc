// restore, restore-completed and the inventory commands in-process on the memory file system:
// the parts that need no service (required options, dry runs, refused names, nothing to do).
// Everything that talks to the service is tested against mtglacier-server in tests/e2e.
#include <gtest/gtest.h>

#include <sstream>

#include "cli/command.h"
#include "io/memory_file_system.h"
#include "journal/journal_writer.h"

namespace mtg::cli {
namespace {

const std::string kHash(64, 'a');

struct Outcome {
  ExitCode status;
  std::string out, err;
};

class RestoreCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs_.MakeDirs("/r"));
    std::string journal;
    auto add = [&](const std::string& id, uint64_t size, const std::string& name) {
      journal += *journal::FormatCreated({.time = 100, .archive_id = id, .size = size, .mtime = 5,
                                          .tree_hash = kHash, .relfilename = name}) + "\n";
    };
    add("ID1", 10, "a.txt");
    add("ID2", 20, "dir/b.txt");
    add("ID3", 30, "here.txt");
    add("ID4", 40, "link/c.txt");
    ASSERT_TRUE(fs_.WriteFileAtomically("/journal", journal));
    ASSERT_TRUE(fs_.WriteFileAtomically("/r/here.txt", "present"));
    ASSERT_TRUE(fs_.MakeDirs("/elsewhere"));
    ASSERT_TRUE(fs_.Symlink("/elsewhere", "/r/link"));
  }
  Outcome Exec(std::vector<std::string> args) {
    args.insert(args.begin(), "mtglacier");
    std::ostringstream out, err;
    Context ctx{.args = {}, .out = out, .err = err, .fs = fs_, .stdin_fd = -1, .threads = 1};
    ExitCode status = RunMain(args, ctx);
    return {status, out.str(), err.str()};
  }
  io::MemoryFileSystem fs_;
};

TEST_F(RestoreCommandsTest, RestoreRequiresMaxNumberOfFilesAsTheOriginal) {
  Outcome r = Exec({"restore", "--dir", "/r", "--vault", "v", "--journal", "/journal"});
  EXPECT_EQ(r.status, kExitUsage);
  EXPECT_NE(r.err.find("Option \"--max-number-of-files\" required"), std::string::npos) << r.err;
  Outcome bad_tier = Exec({"restore", "--dir", "/r", "--vault", "v", "--journal", "/journal",
                           "--max-number-of-files", "1", "--tier", "Fast"});
  EXPECT_EQ(bad_tier.status, kExitUsage);
  EXPECT_NE(bad_tier.err.find("tier"), std::string::npos) << bad_tier.err;
}

TEST_F(RestoreCommandsTest, RestoreDryRunListsArchivesAndBytesAndRefusesTheSymlinkedName) {
  Outcome r = Exec({"restore", "--dry-run", "--dir", "/r", "--vault", "v", "--journal", "/journal",
                    "--max-number-of-files", "5"});
  EXPECT_EQ(r.status, kExitPartial);
  EXPECT_EQ(r.out,
            "Will RETRIEVE archive ID1 (filename a.txt)\n"
            "Will RETRIEVE archive ID2 (filename dir/b.txt)\n"
            "Will retrieve 2 archive(s), 30 bytes\n");
  EXPECT_NE(r.err.find("refusing to restore \"link/c.txt\""), std::string::npos) << r.err;
  EXPECT_FALSE(*fs_.Exists("/elsewhere/c.txt"));
  EXPECT_FALSE(*fs_.Exists("/journal.lock"));  // a dry run writes nothing
}

TEST_F(RestoreCommandsTest, RestoreDryRunHonoursTheLimitAndFilters) {
  Outcome r = Exec({"restore", "--dry-run", "--dir", "/r", "--vault", "v", "--journal", "/journal",
                    "--max-number-of-files", "1", "--exclude", "link/"});
  EXPECT_EQ(r.status, kExitOk) << r.err;
  EXPECT_EQ(r.out, "Will RETRIEVE archive ID1 (filename a.txt)\nWill retrieve 1 archive(s), 10 bytes\nOK DONE\n");
}

TEST_F(RestoreCommandsTest, RestoreCompletedDryRunAndNothingToRestore) {
  Outcome r = Exec({"restore-completed", "--dry-run", "--dir", "/r", "--vault", "v", "--journal", "/journal",
                    "--exclude", "link/"});
  EXPECT_EQ(r.status, kExitOk) << r.err;
  EXPECT_EQ(r.out,
            "Will DOWNLOAD (if available) archive ID1 (filename a.txt)\n"
            "Will DOWNLOAD (if available) archive ID2 (filename dir/b.txt)\nOK DONE\n");
  Outcome none = Exec({"restore-completed", "--dir", "/r", "--vault", "v", "--journal", "/journal",
                       "--include", "here.txt", "--exclude", "*"});
  EXPECT_EQ(none.status, kExitOk) << none.err;
  EXPECT_EQ(none.out, "Nothing to restore\nOK DONE\n");
}

TEST_F(RestoreCommandsTest, MissingJournalIsAnErrorNamingIt) {
  Outcome r = Exec({"restore-completed", "--dir", "/r", "--vault", "v", "--journal", "/nope"});
  EXPECT_EQ(r.status, kExitError);
  EXPECT_NE(r.err.find("/nope"), std::string::npos) << r.err;
}

TEST_F(RestoreCommandsTest, InventoryCommandsCheckTheirOptions) {
  Outcome conc = Exec({"retrieve-inventory", "--vault", "v", "--concurrency", "2"});
  EXPECT_EQ(conc.status, kExitUsage);  // concurrency is not one of its options, as in the original
  Outcome fmt = Exec({"retrieve-inventory", "--vault", "v", "--request-inventory-format", "xml"});
  EXPECT_EQ(fmt.status, kExitUsage);
  Outcome nonempty = Exec({"download-inventory", "--vault", "v", "--new-journal", "/journal"});
  EXPECT_EQ(nonempty.status, kExitError);
  EXPECT_NE(nonempty.err.find("Journal file not empty - please provide empty file no write new journal"),
            std::string::npos) << nonempty.err;
  Outcome verify = Exec({"verify", "--vault", "v"});
  EXPECT_EQ(verify.status, kExitUsage);
  EXPECT_NE(verify.err.find("Option \"--journal\" required"), std::string::npos) << verify.err;
}

TEST_F(RestoreCommandsTest, EveryRestoreCommandHasHelp) {
  for (const char* name : {"restore", "restore-completed", "retrieve-inventory", "download-inventory", "verify"}) {
    Outcome r = Exec({"help", name});
    EXPECT_EQ(r.status, kExitOk) << name;
    EXPECT_NE(r.out.find(std::string("Usage: mtglacier ") + name), std::string::npos) << name;
    EXPECT_NE(r.out.find("--endpoint URL"), std::string::npos) << name;
  }
}

}  // namespace
}  // namespace mtg::cli
