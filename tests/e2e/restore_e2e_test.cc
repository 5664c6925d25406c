// The restore path end to end: the built `mtglacier` binary, run as a user would, against a real
// mtglacier-server. A generated tree (several sizes, multi-segment files, names with spaces and
// UTF-8, mtimes before 1970) is put in a vault as sync does (vault_fixture.h), deleted locally,
// and must come back byte-identical with its mtimes through restore + restore-completed, with
// and without segments, at several concurrency levels; through a journal rebuilt from a JSON or
// CSV inventory; under injected corruption and connection resets (correct or a loud failure,
// never a wrong byte at the final path); from hostile names (nothing written outside --dir); and
// after an interrupted download (verified segments are not fetched again).
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "io/file_system.h"
#include "journal/journal_file.h"
#include "journal/journal_writer.h"
#include "meta/description.h"
#include "process.h"
#include "server_process.h"
#include "vault_fixture.h"

namespace mtg {
namespace {

namespace fs = std::filesystem;
using testing::ServerProcess;
using testing::VaultFixture;

constexpr uint64_t kMiB = 1024 * 1024;

void WriteFile(const fs::path& p, const std::string& data) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << data;
}

std::string Generate(uint64_t size, uint64_t seed) {
  std::string data(size, '\0');
  uint64_t x = seed * 0x9e3779b97f4a7c15ULL + 1;
  for (uint64_t i = 0; i < size; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    data[i] = static_cast<char>(x);
  }
  return data;
}

using Outcome = testing::CommandResult;
using testing::Slurp;
using testing::ShellQuote;

struct TreeFile {
  std::string rel;
  uint64_t size;
  int64_t mtime;
};

// Several sizes around the 1 MiB leaf and segment boundaries, awkward names, old mtimes.
const std::vector<TreeFile> kTree = {
    {"small.txt", 100, 1600000000},
    {"dir with space/ünï cödé €.bin", kMiB + 17, 1500000000},
    {"deep/a/b/c/four and a half.bin", 4 * kMiB + kMiB / 2, -31536000},
    {"exact two.bin", 2 * kMiB, 2000000000},
    {"big.bin", 9 * kMiB + 3, 1234567890},
    {"-leading dash 'quote\".txt", 1, 1700000000},
};

class RestoreE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "mtg-restore-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
    fs::create_directories(root_ / "src");
    fs::create_directories(root_ / "out");
  }
  void TearDown() override {
    server_.reset();
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  void StartServer(std::vector<std::string> args = {}, std::string store = "") {
    server_ = std::make_unique<ServerProcess>(std::move(args), std::move(store));
    ASSERT_TRUE(server_->ok()) << server_->error();
    std::ofstream(root_ / "glacier.cfg") << "key=" << ServerProcess::kAccessKey << "\nsecret="
                                         << ServerProcess::kSecretKey << "\nregion=us-east-1\nendpoint="
                                         << server_->endpoint() << "\nvault=v1\n";
    fixture_ = std::make_unique<VaultFixture>(server_->endpoint(), "v1");
  }

  Outcome Run(const std::string& args) {
    return testing::RunShell(ShellQuote(MTG_CLI_BINARY) + " " + args + " --config " +
                                 ShellQuote((root_ / "glacier.cfg").string()),
                             root_);
  }
  std::string Dir(const char* sub) { return ShellQuote((root_ / sub).string()); }

  // Creates the tree under src/, uploads it and writes src.journal; returns nothing on failure.
  void Populate(const std::vector<TreeFile>& tree = kTree) {
    ASSERT_TRUE(fixture_->client().CreateVault("v1"));
    auto writer = journal::JournalWriter::Open(io::PosixFileSystem::Instance(), journal_.string());
    ASSERT_TRUE(writer) << writer.error().message;
    uint64_t seed = 1;
    for (const TreeFile& f : tree) {
      const fs::path p = root_ / "src" / f.rel;
      WriteFile(p, Generate(f.size, seed++));
      ASSERT_TRUE(io::PosixFileSystem::Instance().SetMtime(p.string(), f.mtime));
      auto id = fixture_->Backup(**writer, (root_ / "src").string(), f.rel);
      ASSERT_TRUE(id) << f.rel << ": " << id.error().message;
      ids_[f.rel] = *id;
    }
    ASSERT_TRUE((*writer)->Close());
  }

  void ExpectRestored(const std::vector<TreeFile>& tree = kTree, const char* out = "out") {
    for (const TreeFile& f : tree) {
      const fs::path restored = root_ / out / f.rel;
      ASSERT_TRUE(fs::is_regular_file(restored)) << f.rel;
      EXPECT_TRUE(Slurp(restored) == Slurp(root_ / "src" / f.rel)) << f.rel << " differs";
      struct stat st {};
      ASSERT_EQ(::stat(restored.c_str(), &st), 0);
      EXPECT_EQ(st.st_mtime, f.mtime) << f.rel;
    }
  }

  // Every regular file under out/ that has a source counterpart equals it, and there is nothing
  // at a final path that is not byte-identical (temporary files excepted).
  void ExpectNoWrongByte() {
    for (const auto& entry : fs::recursive_directory_iterator(root_ / "out")) {
      if (!entry.is_regular_file()) continue;
      const std::string name = entry.path().filename().string();
      if (name.starts_with(".mtglacier-restore-")) continue;
      const fs::path rel = fs::relative(entry.path(), root_ / "out");
      EXPECT_TRUE(Slurp(entry.path()) == Slurp(root_ / "src" / rel)) << rel << " is wrong at its final path";
    }
  }

  std::string Common() { return "--vault v1 --dir " + Dir("out") + " --journal " + ShellQuote(journal_.string()); }

  fs::path root_;
  fs::path journal_ = fs::path("/nonexistent");
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<VaultFixture> fixture_;
  std::map<std::string, std::string> ids_;
};

struct Mode {
  int segment_mib;
  int concurrency;
};

class RestoreRoundTrip : public RestoreE2E, public ::testing::WithParamInterface<Mode> {};

TEST_P(RestoreRoundTrip, TreeComesBackByteIdenticalWithMtimes) {
  journal_ = root_ / "src.journal";
  StartServer();
  Populate();
  const Mode mode = GetParam();
  Outcome dry = Run("restore --dry-run --max-number-of-files 100 " + Common());
  ASSERT_EQ(dry.status, 0) << dry.err;
  EXPECT_NE(dry.out.find("Will RETRIEVE archive " + ids_["small.txt"] + " (filename small.txt)"), std::string::npos)
      << dry.out;
  EXPECT_NE(dry.out.find("Will retrieve 6 archive(s), 17301625 bytes"), std::string::npos) << dry.out;

  Outcome restore = Run("restore --max-number-of-files 100 --tier Expedited --concurrency " +
                        std::to_string(mode.concurrency) + " " + Common());
  ASSERT_EQ(restore.status, 0) << restore.out << restore.err;
  for (const auto& [rel, id] : ids_) {
    EXPECT_NE(restore.out.find("Retrieved Archive " + id + "\n"), std::string::npos) << rel;
  }
  EXPECT_NE(restore.out.find("OK DONE"), std::string::npos);
  auto state = journal::LoadJournal(io::PosixFileSystem::Instance(), journal_.string());
  ASSERT_TRUE(state);
  EXPECT_EQ(state->retrieve_jobs().size(), kTree.size());
  // Requested less than 24 hours ago: not again.
  Outcome again = Run("restore --max-number-of-files 100 " + Common());
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_NE(again.out.find("Nothing to restore"), std::string::npos) << again.out;

  fs::remove_all(root_ / "out");  // --dir is created when missing, as the original did
  std::string args = "restore-completed --concurrency " + std::to_string(mode.concurrency) + " " + Common();
  if (mode.segment_mib > 0) args += " --segment-size " + std::to_string(mode.segment_mib);
  Outcome done = Run(args);
  ASSERT_EQ(done.status, 0) << done.out << done.err;
  EXPECT_NE(done.out.find("Downloaded archive " + (root_ / "out" / "big.bin").string() + "\n"), std::string::npos)
      << done.out;
  if (mode.segment_mib > 0) {
    EXPECT_NE(done.out.find("Downloaded part of archive " + (root_ / "out" / "big.bin").string() +
                            " at offset " + std::to_string(8 * kMiB) + ", size "),
              std::string::npos)
        << done.out;
  }
  ExpectRestored();
  // Everything is there now: nothing left to do, and no temporary files left behind.
  Outcome nothing = Run("restore-completed " + Common());
  EXPECT_EQ(nothing.status, 0);
  EXPECT_NE(nothing.out.find("Nothing to restore"), std::string::npos);
  for (const auto& entry : fs::recursive_directory_iterator(root_ / "out")) {
    EXPECT_FALSE(entry.path().filename().string().starts_with(".mtglacier-")) << entry.path();
  }
}

INSTANTIATE_TEST_SUITE_P(Modes, RestoreRoundTrip,
                         ::testing::Values(Mode{0, 1}, Mode{0, 4}, Mode{1, 1}, Mode{2, 4}),
                         [](const auto& param_info) {
                           return "segment" + std::to_string(param_info.param.segment_mib) +
                                  "_concurrency" + std::to_string(param_info.param.concurrency);
                         });

TEST_F(RestoreE2E, WaitPollsUntilTheJobsRestoreStartedComplete) {
  journal_ = root_ / "src.journal";
  StartServer({"--job-delay", "3s"});
  const std::vector<TreeFile> tree(kTree.begin(), kTree.begin() + 2);
  Populate(tree);
  const std::string topic = "arn:aws:sns:us-east-1:123456789012:restores";
  Outcome restore = Run("restore --max-number-of-files 10 --tier Bulk --sns-topic " + topic + " " + Common());
  ASSERT_EQ(restore.status, 0) << restore.err;
  auto jobs = fixture_->client().ListJobs("v1", {});
  ASSERT_TRUE(jobs);
  ASSERT_EQ(jobs->jobs.size(), 2u);
  for (const glacier::JobInfo& job : jobs->jobs) {
    EXPECT_EQ(job.tier, "Bulk");
    EXPECT_EQ(job.sns_topic, topic);
  }
  Outcome early = Run("restore-completed " + Common());  // nothing completed yet
  ASSERT_EQ(early.status, 0) << early.err;
  EXPECT_NE(early.out.find("2 missing file(s) have no completed retrieval job"), std::string::npos) << early.out;
  Outcome done = Run("restore-completed --wait --quiet " + Common());
  ASSERT_EQ(done.status, 0) << done.out << done.err;
  EXPECT_NE(done.out.find("Waiting for 2 retrieval job(s) to complete"), std::string::npos) << done.out;
  EXPECT_EQ(done.out.find("Downloaded archive"), std::string::npos) << "--quiet keeps per-file lines out";
  EXPECT_NE(done.out.find("Downloaded 2 archive(s)"), std::string::npos) << "the totals stay: " << done.out;
  ExpectRestored(tree);
}

class InventoryRecovery : public RestoreE2E, public ::testing::WithParamInterface<const char*> {};

TEST_P(InventoryRecovery, LostJournalIsRebuiltAndRestoresTheTree) {
  journal_ = root_ / "src.journal";
  StartServer();
  Populate();
  // Someone else's archive in the same vault: restored under its id with its creation time.
  auto foreign = fixture_->UploadRaw("not ours", "backup made by another tool");
  ASSERT_TRUE(foreign);
  fs::remove(journal_);
  const std::string format = GetParam();
  Outcome retrieve = Run("retrieve-inventory --vault v1 --request-inventory-format " + format);
  ASSERT_EQ(retrieve.status, 0) << retrieve.err;
  EXPECT_NE(retrieve.out.find("Retrieved Inventory, job id "), std::string::npos) << retrieve.out;
  journal_ = root_ / "rebuilt.journal";
  Outcome download = Run("download-inventory --vault v1 --new-journal " + ShellQuote(journal_.string()));
  ASSERT_EQ(download.status, 0) << download.out << download.err;
  EXPECT_NE(download.out.find("7 archive(s), 6 with our descriptions, 1 named by archive id"), std::string::npos)
      << download.out;
  Outcome refuse = Run("download-inventory --vault v1 --new-journal " + ShellQuote(journal_.string()));
  EXPECT_NE(refuse.status, 0);
  EXPECT_NE(refuse.err.find("Journal file not empty"), std::string::npos) << refuse.err;

  ASSERT_EQ(Run("restore --max-number-of-files 100 " + Common()).status, 0);
  Outcome done = Run("restore-completed --segment-size 2 " + Common());
  ASSERT_EQ(done.status, 0) << done.out << done.err;
  ExpectRestored();
  const fs::path other = root_ / "out" / foreign->archive_id;
  ASSERT_TRUE(fs::is_regular_file(other));
  EXPECT_EQ(Slurp(other), "not ours");
  auto state = journal::LoadJournal(io::PosixFileSystem::Instance(), journal_.string());
  ASSERT_TRUE(state);
  struct stat st {};
  ASSERT_EQ(::stat(other.c_str(), &st), 0);
  EXPECT_EQ(st.st_mtime, state->FindArchive(foreign->archive_id)->time());

  Outcome verify = Run("verify --vault v1 --journal " + ShellQuote(journal_.string()));
  EXPECT_EQ(verify.status, 0) << verify.out << verify.err;
  EXPECT_NE(verify.out.find("7 OK\n0 MISSING IN VAULT\n0 NOT IN JOURNAL"), std::string::npos) << verify.out;
}

INSTANTIATE_TEST_SUITE_P(Formats, InventoryRecovery, ::testing::Values("json", "csv"));

TEST_F(RestoreE2E, VerifyReportsDifferencesWithAnInventory) {
  journal_ = root_ / "src.journal";
  StartServer();
  const std::vector<TreeFile> tree(kTree.begin(), kTree.begin() + 3);
  Populate(tree);
  ASSERT_TRUE(fixture_->UploadRaw("stranger", "x"));
  ASSERT_TRUE(fixture_->client().DeleteArchive("v1", ids_["small.txt"]));
  ASSERT_EQ(Run("retrieve-inventory --vault v1").status, 0);
  Outcome verify = Run("verify --vault v1 --journal " + ShellQuote(journal_.string()));
  EXPECT_EQ(verify.status, 1) << verify.out << verify.err;
  EXPECT_NE(verify.out.find("MISSING IN VAULT archive " + ids_["small.txt"] + " (filename small.txt)"),
            std::string::npos) << verify.out;
  EXPECT_NE(verify.out.find("2 OK\n1 MISSING IN VAULT\n1 NOT IN JOURNAL\n0 SIZE MISMATCH"), std::string::npos)
      << verify.out;
  EXPECT_NE(verify.err.find("the vault and the journal differ"), std::string::npos);
}

TEST_F(RestoreE2E, CorruptionAndResetsEndCorrectOrLoudNeverWrong) {
  journal_ = root_ / "src.journal";
  StartServer({"--faults", "get-job-output:0.3:corrupt,get-job-output:0.15:reset", "--fault-seed", "7"});
  Populate();
  ASSERT_EQ(Run("restore --max-number-of-files 100 " + Common()).status, 0);
  bool detected = false;  // the faults did hit, and were caught
  for (int run = 0; run < 4; ++run) {
    Outcome done = Run("restore-completed --segment-size 1 --concurrency 3 " + Common());
    ExpectNoWrongByte();
    detected |= done.out.find("refetch(es) after failed verification") != std::string::npos;
    if (done.status == 0) break;
    EXPECT_NE(done.err.find("tree hash"), std::string::npos) << done.err;  // loud, and says why
    detected = true;
  }
  EXPECT_TRUE(detected);
  ExpectRestored();
}

TEST_F(RestoreE2E, AlwaysCorruptOutputFailsLoudlyAndLeavesNothingAtTheFinalPath) {
  journal_ = root_ / "src.journal";
  StartServer({"--faults", "get-job-output:1:corrupt"});
  const std::vector<TreeFile> tree(kTree.begin(), kTree.begin() + 2);
  Populate(tree);
  ASSERT_EQ(Run("restore --max-number-of-files 100 " + Common()).status, 0);
  Outcome done = Run("restore-completed " + Common());
  EXPECT_EQ(done.status, 1) << done.out << done.err;
  EXPECT_NE(done.err.find("giving up after 3 fetches"), std::string::npos) << done.err;
  for (const TreeFile& f : tree) EXPECT_FALSE(fs::exists(root_ / "out" / f.rel)) << f.rel;
  for (const auto& entry : fs::recursive_directory_iterator(root_ / "out")) {
    EXPECT_FALSE(entry.is_regular_file()) << entry.path() << " left behind";
  }
}

TEST_F(RestoreE2E, HostileNamesWriteNothingOutsideDir) {
  journal_ = root_ / "src.journal";
  StartServer();
  const std::vector<TreeFile> tree = {{"evil/inside.txt", 10, 1600000000}, {"good.txt", 20, 1600000000},
                                      {"ctl\x01name", 5, 1600000000}};
  Populate(tree);
  // A symlink inside the target tree pointing outside it.
  fs::create_directories(root_ / "outside");
  fs::create_symlink(root_ / "outside", root_ / "out" / "evil");
  // A vault with descriptions naming paths outside, as a hostile uploader would.
  auto up = fixture_->UploadRaw("escape", *meta::EncodeDescription("../escaped.txt", 1));
  auto abs = fixture_->UploadRaw("absolute", *meta::EncodeDescription((root_ / "abs.txt").string(), 1));
  ASSERT_TRUE(up && abs);

  Outcome restore = Run("restore --max-number-of-files 100 " + Common());
  EXPECT_EQ(restore.status, 3) << restore.out << restore.err;
  EXPECT_NE(restore.err.find("is a symlink inside the target directory"), std::string::npos) << restore.err;
  EXPECT_NE(restore.err.find("ctl\\x01name"), std::string::npos) << restore.err;
  Outcome done = Run("restore-completed " + Common());
  EXPECT_EQ(done.status, 3) << done.out << done.err;
  EXPECT_EQ(Slurp(root_ / "out" / "good.txt"), Slurp(root_ / "src" / "good.txt"));
  EXPECT_TRUE(fs::is_empty(root_ / "outside"));

  // The same vault through an inventory: the hostile names become archive ids.
  ASSERT_EQ(Run("retrieve-inventory --vault v1").status, 0);
  journal_ = root_ / "rebuilt.journal";
  Outcome rebuilt = Run("download-inventory --vault v1 --new-journal " + ShellQuote(journal_.string()));
  ASSERT_EQ(rebuilt.status, 0) << rebuilt.err;
  EXPECT_NE(rebuilt.err.find("recorded under its archive id"), std::string::npos) << rebuilt.err;
  Run("restore --max-number-of-files 100 " + Common());
  Run("restore-completed " + Common());
  EXPECT_EQ(Slurp(root_ / "out" / up->archive_id), "escape");
  EXPECT_EQ(Slurp(root_ / "out" / abs->archive_id), "absolute");
  EXPECT_FALSE(fs::exists(root_ / "escaped.txt"));
  EXPECT_FALSE(fs::exists(root_ / "abs.txt"));
  EXPECT_TRUE(fs::is_empty(root_ / "outside"));

  // A journal line naming "../x" is refused as a whole, before anything is written.
  std::ofstream(root_ / "hostile.journal")
      << "B\t1\tCREATED\tid1\t5\t1\t" << std::string(64, 'a') << "\t../x\n";
  journal_ = root_ / "hostile.journal";
  Outcome refused = Run("restore-completed " + Common());
  EXPECT_NE(refused.status, 0);
  EXPECT_FALSE(fs::exists(root_ / "x"));
}

size_t CountOutputRequests(const fs::path& access_log) {
  std::istringstream lines(Slurp(access_log));
  size_t n = 0;
  for (std::string line; std::getline(lines, line);) n += line.find("get-job-output") != std::string::npos;
  return n;
}

TEST_F(RestoreE2E, InterruptedDownloadResumesWithoutRefetchingVerifiedSegments) {
  journal_ = root_ / "src.journal";
  const std::string store = (root_ / "store").string();
  // First run: half the requests come back corrupted, so some 1 MiB segments fail all their
  // fetches while others are verified and kept.
  StartServer({"--faults", "get-job-output:0.6:corrupt", "--fault-seed", "3"}, store);
  const std::vector<TreeFile> tree = {{"big.bin", 9 * kMiB + 3, 1234567890}};
  Populate(tree);
  ASSERT_EQ(Run("restore --max-number-of-files 1 " + Common()).status, 0);
  Outcome first = Run("restore-completed --segment-size 1 --concurrency 1 " + Common());
  ASSERT_NE(first.status, 0) << "every segment survived the faults; pick another --fault-seed\n" << first.out;
  EXPECT_FALSE(fs::exists(root_ / "out" / "big.bin"));
  size_t verified = 0;
  for (size_t pos = 0; (pos = first.out.find("Downloaded part of archive", pos)) != std::string::npos; ++pos) ++verified;
  ASSERT_GT(verified, 0u) << first.out << first.err;
  ASSERT_LT(verified, 10u);

  // Second run against the same store, without faults.
  server_.reset();
  const fs::path log = root_ / "access.log";
  StartServer({"--access-log", log.string()}, store);
  Outcome second = Run("restore-completed --segment-size 1 --concurrency 2 " + Common());
  ASSERT_EQ(second.status, 0) << second.out << second.err;
  EXPECT_NE(second.out.find(std::to_string(verified) + " verified segment(s) reused"), std::string::npos)
      << second.out;
  ExpectRestored(tree);
  EXPECT_EQ(CountOutputRequests(log), 10u - verified);
}

}  // namespace
}  // namespace mtg
