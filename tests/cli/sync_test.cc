// The backup path of the built mtglacier binary against a real mtglacier-server: sync (every mode,
// dry run, lock, resume after kill -9, a file changing mid-upload, transient faults), upload-file in
// its three forms, and purge-vault. Archives are checked in the vault itself: each one is retrieved
// through the server and compared byte for byte with the local file.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "io/file_system.h"
#include "server_process.h"
#include "sync_test_support.h"

namespace mtg::testing {
namespace {

namespace fs = std::filesystem;

class SyncTest : public ::testing::Test {
 protected:
  void StartServer(std::vector<std::string> extra = {}) {
    extra.push_back("--access-log");
    extra.push_back((sandbox_.root() / "access.log").string());
    server_ = std::make_unique<ServerProcess>(std::move(extra));
    ASSERT_TRUE(server_->ok()) << server_->error();
    sandbox_.SetEndpoint(server_->endpoint());
    ASSERT_EQ(sandbox_.Run({"create-vault", "v"}).status, 0);
  }
  void SetUp() override { StartServer(); }

  std::vector<std::string> Sync(std::vector<std::string> extra = {}) {
    std::vector<std::string> a = {"sync", "--dir", sandbox_.data(), "--vault", "v", "--journal", sandbox_.journal()};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }

  // Each live journal archive, retrieved from the vault, equals the local file.
  void ExpectVaultMatchesLocal() {
    std::map<std::string, JournalEntry> live = LiveJournal(sandbox_.journal());
    EXPECT_EQ(CompareVaultWithJournal(*server_, "v", sandbox_.journal()), "");
    for (const auto& [rel, entry] : live) {
      std::string local = Slurp(sandbox_.DataPath(rel));
      EXPECT_EQ(entry.size, local.size()) << rel;
      EXPECT_EQ(entry.tree_hash, TreeHashHex(local)) << rel;
      auto body = RetrieveArchive(*server_, "v", entry.archive_id);
      ASSERT_TRUE(body.has_value()) << rel;
      EXPECT_TRUE(*body == local) << rel << " differs in the vault";
    }
  }

  Sandbox sandbox_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(SyncTest, UploadsATreeWithHardNamesAndSizesThenSkipsIt) {
  const std::vector<std::pair<std::string, size_t>> files = {
      {"one-byte", 1},
      {"exactly one part", 1 << 20},
      {"one part plus one", (1 << 20) + 1},
      {"dir/sub/five-mib-plus-17.bin", (5 << 20) + 17},
      {"quotes \"double\" 'single'", 100},
      {"back\\slash % hash # -dash", 200},
      {"-leading-dash", 300},
      {"ünïcödé/日本語 файл.txt", 400},
  };
  for (const auto& [name, size] : files) sandbox_.WriteRandom(name, size);
  sandbox_.Write("empty", "");
  auto run = sandbox_.Run(Sync({"--partsize", "1", "--concurrency", "4"}));
  ASSERT_EQ(run.status, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("OK DONE"), std::string::npos);
  auto live = LiveJournal(sandbox_.journal());
  EXPECT_EQ(live.size(), files.size());
  EXPECT_EQ(live.count("empty"), 0u) << "Glacier has no empty archives";
  ExpectVaultMatchesLocal();
  EXPECT_FALSE(fs::exists(sandbox_.journal() + ".pending"));

  auto again = sandbox_.Run(Sync());
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_NE(again.out.find("0 uploaded"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("Skip one-byte"), std::string::npos);
  EXPECT_EQ(LiveJournal(sandbox_.journal()).size(), files.size());

  auto check = sandbox_.Run({"check-local-hash", "--dir", sandbox_.data(), "--journal", sandbox_.journal()});
  EXPECT_EQ(check.status, 0) << check.out;
}

TEST_F(SyncTest, ReplaceModifiedAndDeleteRemovedFollowTheDetectMode) {
  sandbox_.Write("keep", "same content");
  sandbox_.Write("touched", "same bytes", 1000);
  sandbox_.Write("edited", "old");
  sandbox_.Write("removed", "bye");
  sandbox_.Write("emptied", "soon empty");
  ASSERT_EQ(sandbox_.Run(Sync()).status, 0);
  const auto before = LiveJournal(sandbox_.journal());

  sandbox_.Write("touched", "same bytes", 2000);  // same content, new mtime
  sandbox_.Write("edited", "new content");
  fs::remove(sandbox_.DataPath("removed"));
  sandbox_.Write("emptied", "");
  sandbox_.Write("added", "new file");

  auto dry = sandbox_.Run(Sync({"--new", "--replace-modified", "--delete-removed", "--dry-run"}));
  ASSERT_EQ(dry.status, 0) << dry.err;
  EXPECT_NE(dry.out.find("Will UPLOAD " + sandbox_.DataPath("added")), std::string::npos) << dry.out;
  EXPECT_NE(dry.out.find("Will VERIFY treehash and UPLOAD " + sandbox_.DataPath("touched") + " if modified"),
            std::string::npos) << dry.out;
  EXPECT_NE(dry.out.find("Will DELETE archive " + before.at("removed").archive_id + " (filename removed)"),
            std::string::npos);
  EXPECT_EQ(LiveJournal(sandbox_.journal()).size(), before.size()) << "a dry run writes nothing";

  auto run = sandbox_.Run(Sync({"--new", "--replace-modified", "--delete-removed"}));
  ASSERT_EQ(run.status, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("Unchanged touched"), std::string::npos) << run.out;
  auto after = LiveJournal(sandbox_.journal());
  EXPECT_EQ(after.count("removed"), 0u);
  EXPECT_EQ(after.count("emptied"), 0u);
  EXPECT_EQ(after.at("keep").archive_id, before.at("keep").archive_id);
  EXPECT_EQ(after.at("touched").archive_id, before.at("touched").archive_id);
  EXPECT_NE(after.at("edited").archive_id, before.at("edited").archive_id);
  EXPECT_EQ(after.count("added"), 1u);
  ExpectVaultMatchesLocal();  // the old archive of "edited" is gone from the vault too

  // --detect mtime uploads the touched file without looking at its content.
  sandbox_.Write("touched", "same bytes", 3000);
  auto by_mtime = sandbox_.Run(Sync({"--replace-modified", "--detect", "mtime"}));
  ASSERT_EQ(by_mtime.status, 0) << by_mtime.err;
  EXPECT_NE(LiveJournal(sandbox_.journal()).at("touched").archive_id, before.at("touched").archive_id);
  ExpectVaultMatchesLocal();
}

TEST_F(SyncTest, DryRunWritesNothingAtAll) {
  sandbox_.Write("a", "1");
  auto dry = sandbox_.Run(Sync({"--dry-run"}));
  ASSERT_EQ(dry.status, 0) << dry.err;
  EXPECT_NE(dry.out.find("Will UPLOAD"), std::string::npos);
  EXPECT_FALSE(fs::exists(sandbox_.journal()));
  EXPECT_FALSE(fs::exists(sandbox_.journal() + ".lock"));
  EXPECT_EQ(VaultArchives(*server_, "v").size(), 0u);
}

TEST_F(SyncTest, ASecondSyncOnTheSameJournalStopsAtOnce) {
  sandbox_.Write("a", "1");
  // Hold the lock the way a running sync does (flock is per open file, so this process's lock
  // conflicts with the child's).
  auto lock = io::PosixFileSystem::Instance().Lock(sandbox_.journal() + ".lock");
  ASSERT_TRUE(lock);
  auto start = std::chrono::steady_clock::now();
  auto run = sandbox_.Run(Sync());
  EXPECT_EQ(run.status, 1);
  EXPECT_NE(run.err.find("in use by another mtglacier process"), std::string::npos) << run.err;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(VaultArchives(*server_, "v").size(), 0u);
}

TEST_F(SyncTest, AFailedVaultFailsEveryFileWithAClearStatus) {
  sandbox_.Write("a", "1");
  sandbox_.Write("b", "2");
  auto run = sandbox_.Run({"sync", "--dir", sandbox_.data(), "--vault", "no-such-vault", "--journal",
                           sandbox_.journal()});
  EXPECT_EQ(run.status, 1) << run.out;
  EXPECT_NE(run.err.find("ResourceNotFoundException"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("2 of 2 files failed"), std::string::npos) << run.err;
  EXPECT_TRUE(LiveJournal(sandbox_.journal()).empty());
}

TEST_F(SyncTest, ANameTooLongForTheDescriptionFailsOnlyThatFile) {
  const std::string dir(200, 'd');
  const std::string long_name = dir + "/" + dir + "/" + dir + "/" + dir + "/file";  // ~800 bytes
  sandbox_.Write(long_name, "x");
  sandbox_.Write("fine", "y");
  auto run = sandbox_.Run(Sync());
  EXPECT_EQ(run.status, 3) << run.out << run.err;
  EXPECT_NE(run.err.find("is too big to store in Amazon Glacier metadata"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("1 of 2 files failed"), std::string::npos) << run.err;
  auto live = LiveJournal(sandbox_.journal());
  EXPECT_EQ(live.size(), 1u);
  EXPECT_EQ(live.count("fine"), 1u);
}

TEST_F(SyncTest, UploadFileInItsThreeForms) {
  sandbox_.WriteRandom("in/dir/f.bin", (3 << 20) + 5);
  sandbox_.Write("loose", "loose file");
  auto base = [&](std::vector<std::string> extra) {
    std::vector<std::string> a = {"upload-file", "--vault", "v", "--journal", sandbox_.journal(), "--partsize", "1"};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  };
  auto by_dir = sandbox_.Run(base({"--filename", sandbox_.DataPath("in/dir/f.bin"), "--dir", sandbox_.DataPath("in")}));
  ASSERT_EQ(by_dir.status, 0) << by_dir.err;
  auto by_name = sandbox_.Run(base({"--filename", sandbox_.DataPath("loose"), "--set-rel-filename", "renamed/x"}));
  ASSERT_EQ(by_name.status, 0) << by_name.err;
  const std::string piped = RandomBytes((2 << 20) + 3, 7);
  auto by_stdin = sandbox_.RunWithStdin(base({"--stdin", "--set-rel-filename", "from/stdin", "--check-max-file-size", "10"}),
                                        piped);
  ASSERT_EQ(by_stdin.status, 0) << by_stdin.err;
  auto live = LiveJournal(sandbox_.journal());
  ASSERT_EQ(live.size(), 3u);
  EXPECT_EQ(live.at("dir/f.bin").tree_hash, TreeHashHex(Slurp(sandbox_.DataPath("in/dir/f.bin"))));
  EXPECT_EQ(live.at("renamed/x").size, 10u);
  EXPECT_EQ(live.at("from/stdin").tree_hash, TreeHashHex(piped));
  auto body = RetrieveArchive(*server_, "v", live.at("from/stdin").archive_id);
  ASSERT_TRUE(body.has_value());
  EXPECT_TRUE(*body == piped);

  auto duplicate = sandbox_.Run(base({"--filename", sandbox_.DataPath("loose"), "--set-rel-filename", "renamed/x"}));
  EXPECT_NE(duplicate.status, 0);
  EXPECT_NE(duplicate.err.find("File with same name already exists in Journal"), std::string::npos);
  auto empty = sandbox_.RunWithStdin(base({"--stdin", "--set-rel-filename", "e", "--check-max-file-size", "1"}), "");
  EXPECT_NE(empty.status, 0);
  EXPECT_NE(empty.err.find("Empty input from STDIN - cannot upload empty archive"), std::string::npos);
  auto too_big = sandbox_.RunWithStdin(base({"--stdin", "--set-rel-filename", "big", "--check-max-file-size", "1"}),
                                       RandomBytes((3 << 20), 8));
  EXPECT_NE(too_big.status, 0);
  EXPECT_NE(too_big.err.find("--check-max-file-size"), std::string::npos) << too_big.err;
  auto outside = sandbox_.Run(base({"--filename", sandbox_.DataPath("loose"), "--dir", sandbox_.DataPath("in")}));
  EXPECT_EQ(outside.status, 2);
  EXPECT_NE(outside.err.find("should be inside directory"), std::string::npos);
  EXPECT_EQ(VaultArchives(*server_, "v").size(), 3u);
  EXPECT_TRUE(PendingUploads(*server_, "v").empty()) << "refused streams abort their upload";
}

TEST_F(SyncTest, PurgeVaultDeletesEveryVersionAndIsRepeatable) {
  sandbox_.Write("a", "1", 100);
  sandbox_.Write("b", "2");
  sandbox_.Write("keep.txt", "3");
  ASSERT_EQ(sandbox_.Run(Sync()).status, 0);
  sandbox_.Write("a", "changed", 200);
  ASSERT_EQ(sandbox_.Run(Sync({"--replace-modified", "--detect", "always-positive"})).status, 0);
  auto purge = [&](std::vector<std::string> extra) {
    std::vector<std::string> a = {"purge-vault", "--vault", "v", "--journal", sandbox_.journal()};
    a.insert(a.end(), extra.begin(), extra.end());
    return sandbox_.Run(a);
  };
  auto dry = purge({"--dry-run", "--exclude", "*.txt"});
  ASSERT_EQ(dry.status, 0) << dry.err;
  EXPECT_NE(dry.out.find("Will DELETE archive"), std::string::npos);
  EXPECT_EQ(dry.out.find("keep.txt"), std::string::npos) << dry.out;
  auto run = purge({"--exclude", "*.txt"});
  ASSERT_EQ(run.status, 0) << run.out << run.err;
  auto live = LiveJournal(sandbox_.journal());
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(live.count("keep.txt"), 1u);
  EXPECT_EQ(VaultArchives(*server_, "v").size(), 1u);
  auto again = purge({"--exclude", "*.txt"});
  ASSERT_EQ(again.status, 0);
  EXPECT_NE(again.out.find("Nothing to delete"), std::string::npos);
}

TEST(SyncFaults, TransientErrorsAreRetriedAndEveryArchiveArrivesIntact) {
  Sandbox sandbox;
  ServerProcess server({"--faults", "upload-part:0.25:500,upload-archive:0.25:503,*:0.05:throttle,"
                                    "complete-multipart-upload:0.3:reset,initiate-multipart-upload:0.4:reset",
                        "--fault-seed", "42"});
  ASSERT_TRUE(server.ok()) << server.error();
  sandbox.SetEndpoint(server.endpoint());
  auto created = sandbox.Run({"create-vault", "v"});
  ASSERT_EQ(created.status, 0) << created.err;
  for (int i = 0; i < 6; ++i) sandbox.WriteRandom("f" + std::to_string(i), (i % 2 ? 3u << 20 : 1000u) + i);
  auto run = sandbox.Run({"sync", "--dir", sandbox.data(), "--vault", "v", "--journal", sandbox.journal(),
                          "--partsize", "1", "--concurrency", "3"});
  ASSERT_EQ(run.status, 0) << run.out << run.err;
  auto live = LiveJournal(sandbox.journal());
  ASSERT_EQ(live.size(), 6u);
  for (const auto& [rel, entry] : live) {
    auto body = RetrieveArchive(server, "v", entry.archive_id);
    ASSERT_TRUE(body.has_value()) << rel;
    EXPECT_TRUE(*body == Slurp(sandbox.DataPath(rel))) << rel;
  }
  EXPECT_EQ(CompareVaultWithJournal(server, "v", sandbox.journal()), "") << "a reset complete must not leave a duplicate";
  EXPECT_TRUE(PendingUploads(server, "v").empty()) << "uploads whose initiation answer was lost are aborted";
}

}  // namespace
}  // namespace mtg::testing
