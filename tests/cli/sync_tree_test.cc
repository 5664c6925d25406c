// sync of a generated tree of hundreds of files through a server that fails a fifth of all
// requests, then every --detect mode against the four kinds of change, filters, and the
// mt-aws-glacier compat data set: after each step the vault (listed through the server) and the
// journal agree exactly.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "server_process.h"
#include "sync_test_support.h"

namespace mtg::testing {
namespace {

namespace fs = std::filesystem;

// The four kinds of change --detect tells apart, one file each in every mode's directory.
const char* const kKinds[] = {"mtime-only", "same-size-same-mtime", "size", "content-and-mtime"};

void Change(Sandbox& s, const std::string& dir, const std::string& kind) {
  const std::string rel = dir + "/" + kind;
  if (kind == std::string("mtime-only")) s.Write(rel, "original " + rel, 1600000000);
  if (kind == std::string("same-size-same-mtime")) s.Write(rel, "ORIGINAL " + rel, 1500000000);
  if (kind == std::string("size")) s.Write(rel, "a longer content for " + rel, 1500000000);
  if (kind == std::string("content-and-mtime")) s.Write(rel, "ORIGINAL " + rel, 1600000000);
}

TEST(SyncTree, HundredsOfFilesThroughFaultsThenEveryModeAndDetectSetting) {
  Sandbox sandbox;
  // About 22 % of requests fail in some transient way.
  ServerProcess server({"--faults", "*:0.05:500,*:0.05:503,*:0.04:408,*:0.04:throttle,*:0.04:reset",
                        "--fault-seed", "7"});
  ASSERT_TRUE(server.ok()) << server.error();
  sandbox.SetEndpoint(server.endpoint());
  ASSERT_EQ(sandbox.Run({"create-vault", "v"}).status, 0);

  const char* const awkward[] = {"space name", "quote\"s", "it's", "back\\slash", "per%cent", "hash#",
                                 "-dash", "ünï", "日本", "tab-free\x01ctl"};
  int n = 0;
  for (int d = 0; d < 10; ++d) {
    for (int f = 0; f < 22; ++f, ++n) {
      size_t size = (n % 37 == 0) ? (2u << 20) + n : (n % 11 == 0) ? (1u << 20) : 1 + (n * 7919) % 5000;
      sandbox.WriteRandom("d" + std::to_string(d) + "/" + awkward[f % 10] + " " + std::to_string(f), size);
    }
  }
  const std::vector<std::string> modes = {"size-only", "mtime", "treehash", "mtime-and-treehash",
                                          "mtime-or-treehash", "always-positive"};
  for (const std::string& mode : modes) {
    for (const char* kind : kKinds) sandbox.Write("mod-" + mode + "/" + kind, std::string("original mod-") + mode + "/" + kind);
  }
  const std::vector<std::string> sync = {"sync", "--dir", sandbox.data(), "--vault", "v", "--journal",
                                         sandbox.journal(), "--partsize", "1", "--concurrency", "4"};
  auto first = sandbox.Run(sync);
  ASSERT_EQ(first.status, 0) << first.out << first.err;
  const auto initial = LiveJournal(sandbox.journal());
  EXPECT_EQ(initial.size(), 220u + 24u);
  EXPECT_EQ(CompareVaultWithJournal(server, "v", sandbox.journal()), "") << "every file exactly once";

  // Which kinds of change each mode uploads (reference §2.1's table).
  const std::map<std::string, std::set<std::string>> expected = {
      {"size-only", {"size"}},
      {"mtime", {"mtime-only", "size", "content-and-mtime"}},
      {"treehash", {"same-size-same-mtime", "size", "content-and-mtime"}},
      {"mtime-and-treehash", {"size", "content-and-mtime"}},
      {"mtime-or-treehash", {"mtime-only", "same-size-same-mtime", "size", "content-and-mtime"}},
      {"always-positive", {"mtime-only", "same-size-same-mtime", "size", "content-and-mtime"}},
  };
  for (const std::string& mode : modes) {
    const std::string dir = "mod-" + mode;
    for (const char* kind : kKinds) Change(sandbox, dir, kind);
    auto args = sync;
    const std::vector<std::string> extra = {"--replace-modified", "--detect", mode, "--include", dir + "/**",
                                            "--exclude", "*"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto run = sandbox.Run(args);
    ASSERT_EQ(run.status, 0) << mode << "\n" << run.out << run.err;
    const auto now = LiveJournal(sandbox.journal());
    std::set<std::string> replaced;
    for (const char* kind : kKinds) {
      const std::string rel = dir + "/" + kind;
      if (now.at(rel).archive_id != initial.at(rel).archive_id) replaced.insert(kind);
    }
    EXPECT_EQ(replaced, expected.at(mode)) << mode << "\n" << run.out;
  }
  EXPECT_EQ(CompareVaultWithJournal(server, "v", sandbox.journal()), "");

  // Filters on new files: only *.txt, at any depth.
  sandbox.Write("sel/a.txt", "a");
  sandbox.Write("sel/b.log", "b");
  sandbox.Write("sel/sub/c.txt", "c");
  auto filtered = sync;
  for (const char* a : {"--include", "*.txt", "--exclude", "*"}) filtered.push_back(a);
  ASSERT_EQ(sandbox.Run(filtered).status, 0);
  auto live = LiveJournal(sandbox.journal());
  EXPECT_EQ(live.count("sel/a.txt"), 1u);
  EXPECT_EQ(live.count("sel/sub/c.txt"), 1u);
  EXPECT_EQ(live.count("sel/b.log"), 0u);

  // Delete some, add some, in one run with all three modes.
  for (int f = 0; f < 22; ++f) fs::remove(sandbox.DataPath(std::string("d3/") + awkward[f % 10] + " " + std::to_string(f)));
  for (int f = 0; f < 5; ++f) sandbox.WriteRandom("added/" + std::to_string(f), 100 + f);
  auto all = sync;
  for (const char* a : {"--new", "--replace-modified", "--delete-removed"}) all.push_back(a);
  auto last = sandbox.Run(all);
  ASSERT_EQ(last.status, 0) << last.out << last.err;
  // 5 added files plus sel/b.log, which the filtered run left out; the default detect mode
  // (mtime-and-treehash) catches what the narrower modes left behind in mod-*.
  EXPECT_NE(last.out.find("6 uploaded, 1 replaced, 3 unchanged, 22 deleted, 0 failed"), std::string::npos) << last.out;
  EXPECT_EQ(CompareVaultWithJournal(server, "v", sandbox.journal()), "");
  EXPECT_TRUE(PendingUploads(server, "v").empty());
}

// The journal mt-aws-glacier 1.120 wrote for its own data set is accepted as it is: with the data
// in the state it recorded, a sync with every mode has nothing to do.
TEST(SyncTree, CompatJournalOfMtAwsGlacierNeedsNothingUploaded) {
  const std::string set = std::string(MTG_SHARED_DIR) + "/compat/set-a";
  if (!fs::exists(set + "/make-data.sh")) GTEST_SKIP() << "no compat set at " << set;
  Sandbox sandbox;
  ServerProcess server;
  ASSERT_TRUE(server.ok()) << server.error();
  sandbox.SetEndpoint(server.endpoint());
  ASSERT_EQ(sandbox.Run({"create-vault", "compat-set-a"}).status, 0);
  fs::remove_all(sandbox.data());
  const std::string make = "cd '" + set + "' && ./make-data.sh modified '" + sandbox.data() + "' >/dev/null";
  ASSERT_EQ(std::system(make.c_str()), 0);
  fs::copy_file(set + "/journal.log", sandbox.journal());
  const std::string before = Slurp(sandbox.journal());
  const std::vector<std::string> sync = {"sync", "--dir", sandbox.data(), "--vault", "compat-set-a",
                                         "--journal", sandbox.journal(), "--new", "--replace-modified"};
  auto run = sandbox.Run(sync);
  ASSERT_EQ(run.status, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("0 uploaded, 0 replaced, 0 unchanged, 0 deleted, 0 failed"), std::string::npos) << run.out;
  EXPECT_TRUE(Slurp(sandbox.journal()) == before) << "the journal was changed";
  EXPECT_TRUE(VaultArchives(server, "compat-set-a").empty());
  // The only archive without a local file is the one upload-file --stdin sent.
  auto removed = sync;
  removed.push_back("--delete-removed");
  removed.push_back("--dry-run");
  auto dry = sandbox.Run(removed);
  ASSERT_EQ(dry.status, 0) << dry.err;
  EXPECT_EQ(dry.out, "Will DELETE archive 00000000071_01795731858_00006_32106_8011759914 (filename stream/x.bin)\nOK DONE\n");
}

}  // namespace
}  // namespace mtg::testing
