// sync interrupted by kill -9 in the middle of a multipart upload, and files that change while
// they are being uploaded. The server slows every part down so the test can act mid-upload; the
// access log counts what was sent.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "server_process.h"
#include "sync_test_support.h"

namespace mtg::testing {
namespace {

namespace fs = std::filesystem;

constexpr size_t kParts = 24;  // the big file, in 1 MiB parts

class SyncResumeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log_ = (sandbox_.root() / "access.log").string();
    server_ = std::make_unique<ServerProcess>(
        std::vector<std::string>{"--faults", "upload-part:1:slow=150ms", "--access-log", log_});
    ASSERT_TRUE(server_->ok()) << server_->error();
    sandbox_.SetEndpoint(server_->endpoint());
    ASSERT_EQ(sandbox_.Run({"create-vault", "v"}).status, 0);
    sandbox_.WriteRandom("big.bin", kParts << 20);
    sandbox_.Write("small.txt", "small");
  }

  std::vector<std::string> SyncArgs() const {
    return {"sync", "--dir", sandbox_.data(), "--vault", "v", "--journal", sandbox_.journal(),
            "--partsize", "1", "--concurrency", "2"};
  }

  // Starts sync in the background; returns its pid.
  pid_t StartSync() {
    const std::string cmd = "exec " + sandbox_.CommandLine(SyncArgs()) + " >" + (sandbox_.root() / "bg.out").string() +
                            " 2>" + (sandbox_.root() / "bg.err").string() + " </dev/null";
    pid_t pid = ::fork();
    if (pid == 0) {
      ::execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    return pid;
  }

  // Waits until the server logged `parts` part uploads (or the deadline passes).
  bool WaitForParts(size_t parts) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      if (CountInAccessLog(log_, "upload-part") >= parts) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  void KillNine(pid_t pid) {
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
  }

  Sandbox sandbox_;
  std::string log_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(SyncResumeTest, KillNineThenTheNextRunSendsOnlyTheMissingParts) {
  pid_t pid = StartSync();
  ASSERT_TRUE(WaitForParts(8));
  KillNine(pid);
  ASSERT_TRUE(fs::exists(sandbox_.journal() + ".pending")) << "the upload in flight is recorded";
  const size_t sent_before = CountInAccessLog(log_, "upload-part");

  auto run = sandbox_.Run(SyncArgs());
  ASSERT_EQ(run.status, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("resumed an earlier upload"), std::string::npos) << run.out;
  const size_t sent_total = CountInAccessLog(log_, "upload-part");
  // Parts the killed run had confirmed are not sent again; at most the two in flight are.
  EXPECT_LE(sent_total, kParts + 2) << sent_before << " before the kill";
  EXPECT_EQ(CountInAccessLog(log_, "initiate-multipart-upload"), 1u);

  auto live = LiveJournal(sandbox_.journal());
  ASSERT_EQ(live.size(), 2u);
  const std::string local = Slurp(sandbox_.DataPath("big.bin"));
  EXPECT_EQ(live.at("big.bin").tree_hash, TreeHashHex(local));
  auto body = RetrieveArchive(*server_, "v", live.at("big.bin").archive_id);
  ASSERT_TRUE(body.has_value());
  EXPECT_TRUE(*body == local);
  EXPECT_EQ(VaultArchives(*server_, "v").size(), 2u);
  EXPECT_TRUE(PendingUploads(*server_, "v").empty());
  EXPECT_FALSE(fs::exists(sandbox_.journal() + ".pending"));
}

TEST_F(SyncResumeTest, AFileChangedBetweenRunsAbortsTheOldUploadAndStartsOver) {
  pid_t pid = StartSync();
  ASSERT_TRUE(WaitForParts(4));
  KillNine(pid);
  sandbox_.WriteRandom("big.bin", (kParts / 2) << 20, 1600000000);  // a different file now

  auto run = sandbox_.Run(SyncArgs());
  ASSERT_EQ(run.status, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("aborting that upload and starting over"), std::string::npos) << run.out;
  EXPECT_EQ(CountInAccessLog(log_, "abort-multipart-upload"), 1u);
  auto live = LiveJournal(sandbox_.journal());
  const std::string local = Slurp(sandbox_.DataPath("big.bin"));
  EXPECT_EQ(live.at("big.bin").size, local.size());
  auto body = RetrieveArchive(*server_, "v", live.at("big.bin").archive_id);
  ASSERT_TRUE(body.has_value());
  EXPECT_TRUE(*body == local);
  EXPECT_TRUE(PendingUploads(*server_, "v").empty());
}

TEST_F(SyncResumeTest, AFileThatChangesMidUploadFailsCleanlyAndTheRestIsDone) {
  pid_t pid = StartSync();
  ASSERT_TRUE(WaitForParts(3));
  {
    std::ofstream append(sandbox_.DataPath("big.bin"), std::ios::binary | std::ios::app);
    append << "grown while uploading";
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 3) << "partial: one file failed, the other was uploaded";
  EXPECT_NE(Slurp((sandbox_.root() / "bg.err").string()).find("big.bin: file changed while it was being uploaded"),
            std::string::npos)
      << Slurp((sandbox_.root() / "bg.err").string());
  auto live = LiveJournal(sandbox_.journal());
  EXPECT_EQ(live.count("big.bin"), 0u);
  EXPECT_EQ(live.count("small.txt"), 1u);
  EXPECT_TRUE(PendingUploads(*server_, "v").empty()) << "the upload of the changed file is aborted";
  EXPECT_FALSE(fs::exists(sandbox_.journal() + ".pending"));

  auto run = sandbox_.Run(SyncArgs());
  ASSERT_EQ(run.status, 0) << run.out << run.err;
  live = LiveJournal(sandbox_.journal());
  const std::string local = Slurp(sandbox_.DataPath("big.bin"));
  EXPECT_EQ(live.at("big.bin").tree_hash, TreeHashHex(local));
}

}  // namespace
}  // namespace mtg::testing
