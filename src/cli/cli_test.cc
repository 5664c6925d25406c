// The command frame and tree-hash, run in-process against the in-memory file system.
#include <gtest/gtest.h>
#include <unistd.h>

#include <sstream>
#include <thread>

#include "cli/command.h"
#include "cli/exit_codes.h"
#include "cli/tree_hash_command.h"
#include "cli/vault_commands.h"
#include "hash/tree_hash.h"
#include "io/memory_file_system.h"

namespace mtg::cli {
namespace {

std::string I251(size_t size, size_t offset = 0) {
  std::string s(size, '\0');
  for (size_t j = 0; j < size; ++j) s[j] = static_cast<char>((offset + j) % 251);
  return s;
}

struct Outcome {
  ExitCode status;
  std::string out;
  std::string err;
};

class CliTest : public ::testing::Test {
 protected:
  Outcome Exec(std::vector<std::string> args, int stdin_fd = -1, unsigned threads = 3) {
    args.insert(args.begin(), "mtglacier");
    std::ostringstream out, err;
    Context ctx{.args = {}, .out = out, .err = err, .fs = fs_, .stdin_fd = stdin_fd, .threads = threads,
                .err_is_terminal = false, .cancel = nullptr};
    ExitCode status = RunMain(args, ctx);
    return {status, out.str(), err.str()};
  }
  void Put(const std::string& path, std::string_view data) {
    ASSERT_TRUE(fs_.MakeDirs(io::DirName(path)).has_value());
    ASSERT_TRUE(fs_.WriteFileAtomically(path, data).has_value());
  }
  io::MemoryFileSystem fs_;
};

TEST_F(CliTest, HelpListsEveryCommand) {
  for (const char* form : {"help", "--help", "-h"}) {
    Outcome r = Exec({form});
    EXPECT_EQ(r.status, kExitOk) << form;
    EXPECT_EQ(r.err, "");
    for (const Command& c : Commands()) {
      EXPECT_NE(r.out.find("  " + std::string(c.name) + " "), std::string::npos) << c.name;
      EXPECT_NE(r.out.find(c.summary), std::string::npos) << c.name;
    }
  }
}

TEST_F(CliTest, NoCommandOrUnknownCommandIsUsageError) {
  Outcome none = Exec({});
  EXPECT_EQ(none.status, kExitUsage);
  EXPECT_EQ(none.out, "");
  EXPECT_NE(none.err.find("Commands:"), std::string::npos);

  Outcome unknown = Exec({"frobnicate"});
  EXPECT_EQ(unknown.status, kExitUsage);
  EXPECT_EQ(unknown.err.substr(0, 41), "mtglacier: unknown command 'frobnicate'\nR");
}

TEST_F(CliTest, CommandWordAfterOptionsAndShortcuts) {
  Outcome dry = Exec({"--dry-run", "list-vaults", "--format", "mtmsg"});
  EXPECT_EQ(dry.status, kExitOk) << dry.err;
  EXPECT_EQ(dry.out, "Will LIST VAULTS for current account\nOK DONE\n");
  EXPECT_EQ(Exec({"HELP"}).status, kExitOk);
  EXPECT_NE(Exec({"--Help"}).out.find("Commands:"), std::string::npos);
  EXPECT_EQ(Exec({"-version"}).out.rfind("mtglacier ", 0), 0u);
  Outcome none = Exec({"--dry-run"});
  EXPECT_EQ(none.status, kExitUsage);
  EXPECT_EQ(none.err.rfind("mtglacier: no command given\n", 0), 0u) << none.err;
  Outcome bad = Exec({"--nope", "list-vaults"});
  EXPECT_EQ(bad.status, kExitUsage);
  EXPECT_EQ(bad.err, "mtglacier: Unknown option \"--nope\"\n");
  EXPECT_EQ(Exec({"help", "list-vaults"}).out, kListVaultsUsage);
}

TEST_F(CliTest, CheckLocalHashOnTheMemoryFileSystem) {
  Put("/d/a.txt", "abc");
  Put("/d/sub/b.bin", "hello");
  Put("/d/zero", "");
  // Version B lines: time, CREATED, archive id, size, mtime, tree hash, name. The tree hash of
  // a file under 1 MiB is its SHA-256.
  std::string journal =
      "B\t1700000000\tCREATED\tarchive-a\t3\tNONE\t"
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\ta.txt\n"
      "B\t1700000000\tCREATED\tarchive-b\t5\tNONE\t"
      "0000000000000000000000000000000000000000000000000000000000000000\tsub/b.bin\n"
      "B\t1700000000\tCREATED\tarchive-c\t7\tNONE\t"
      "0000000000000000000000000000000000000000000000000000000000000000\tzero\n"
      "B\t1700000000\tCREATED\tarchive-d\t7\tNONE\t"
      "0000000000000000000000000000000000000000000000000000000000000000\tgone.txt\n";
  Put("/j.log", journal);
  Outcome r = Exec({"check-local-hash", "--dir", "/d", "--journal", "/j.log"});
  EXPECT_EQ(r.status, kExitError);
  EXPECT_NE(r.out.find("OK a.txt 3 ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n"),
            std::string::npos)
      << r.out << r.err;
  EXPECT_NE(r.out.find("TREEHASH MISSMATCH sub/b.bin\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ZERO SIZE zero\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("MISSED gone.txt\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("TOTALS:\n1 OK\n0 MODIFICATION TIME MISSMATCHES\n1 TREEHASH MISSMATCH\n"
                       "0 SIZE MISSMATCH\n1 ZERO SIZE\n1 MISSED\n0 ERRORS\n"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.err, "mtglacier: check-local-hash: check-local-hash reported errors\n");
}

TEST_F(CliTest, HelpOfOneCommand) {
  Outcome r = Exec({"help", "tree-hash"});
  EXPECT_EQ(r.status, kExitOk);
  EXPECT_EQ(r.out, kTreeHashUsage);
  EXPECT_EQ(Exec({"tree-hash", "--help"}).out, kTreeHashUsage);
  EXPECT_EQ(Exec({"help", "nope"}).status, kExitUsage);
}

TEST_F(CliTest, Version) {
  for (const char* form : {"version", "--version"}) {
    Outcome r = Exec({form});
    EXPECT_EQ(r.status, kExitOk);
    EXPECT_EQ(r.out.rfind("mtglacier ", 0), 0u);
    EXPECT_EQ(r.out.back(), '\n');
  }
  EXPECT_EQ(Exec({"version", "extra"}).status, kExitUsage);
}

TEST_F(CliTest, TreeHashFilesInArgumentOrderWithFailures) {
  Put("/d/one", I251(1));
  Put("/d/big", I251(5 * 1048576 + 17));
  Put("/d/empty", "");
  Outcome r = Exec({"tree-hash", "/d/big", "/d/missing", "/d/one", "/d", "/d/empty"});
  EXPECT_EQ(r.status, kExitPartial);
  EXPECT_EQ(r.out,
            "3fef9b8808d86fe097f13f670365ac039731f511cc502bddb3f5da72a7599203  /d/big\n"
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d  /d/one\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  /d/empty\n");
  EXPECT_EQ(r.err,
            "mtglacier: tree-hash: /d/missing: No such file or directory\n"
            "mtglacier: tree-hash: /d: Is a directory\n");
}

TEST_F(CliTest, TreeHashAllFailedIsError) {
  Outcome r = Exec({"tree-hash", "/nope"});
  EXPECT_EQ(r.status, kExitError);
  EXPECT_EQ(r.out, "");
}

TEST_F(CliTest, TreeHashManyFilesKeepOrder) {
  std::string want;
  std::vector<std::string> args = {"tree-hash"};
  for (int i = 0; i < 60; ++i) {
    std::string path = "/f" + std::to_string(i);
    // Sizes vary so that workers finish out of order.
    std::string data = I251(static_cast<size_t>((59 - i) * 9000 + i), static_cast<size_t>(i));
    Put(path, data);
    want += hash::ToHex(hash::TreeHashOf(hash::AsBytes(data))) + "  " + path + "\n";
    args.push_back(path);
  }
  for (unsigned threads : {1u, 2u, 7u}) {
    Outcome r = Exec(args, -1, threads);
    EXPECT_EQ(r.status, kExitOk);
    EXPECT_EQ(r.out, want) << threads << " threads";
  }
}

// Above kHashSegmentSize a file is hashed in segments on several workers and recombined.
TEST_F(CliTest, TreeHashBigFilesInSegments) {
  std::vector<std::string> args = {"tree-hash"};
  std::string want;
  for (uint64_t size : {kHashSegmentSize + 1, 2 * kHashSegmentSize, 2 * kHashSegmentSize + 1048579}) {
    std::string path = "/big" + std::to_string(size);
    std::string data = I251(size);
    Put(path, data);
    args.push_back(path);
    want += hash::ToHex(hash::TreeHashOf(hash::AsBytes(data))) + "  " + path + "\n";
  }
  for (unsigned threads : {1u, 3u}) {
    Outcome r = Exec(args, -1, threads);
    EXPECT_EQ(r.status, kExitOk) << r.err;
    EXPECT_EQ(r.out, want) << threads << " threads";
  }
}

TEST_F(CliTest, TreeHashReadsStdinForDashAndForNoFile) {
  std::string data = I251(3 * 1048576 + 1);
  std::string want = hash::ToHex(hash::TreeHashOf(hash::AsBytes(data)));
  for (bool explicit_dash : {true, false}) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    std::thread writer([&] {
      size_t off = 0;
      while (off < data.size()) {
        ssize_t n = ::write(fds[1], data.data() + off, std::min<size_t>(100000, data.size() - off));
        if (n <= 0) break;
        off += static_cast<size_t>(n);
      }
      ::close(fds[1]);
    });
    Outcome r = explicit_dash ? Exec({"tree-hash", "-"}, fds[0]) : Exec({"tree-hash"}, fds[0]);
    writer.join();
    ::close(fds[0]);
    EXPECT_EQ(r.status, kExitOk);
    EXPECT_EQ(r.out, want + "  -\n");
  }
}

TEST_F(CliTest, TreeHashOptions) {
  Put("/-x", "abc");
  Outcome r = Exec({"tree-hash", "--", "/-x"});
  EXPECT_EQ(r.status, kExitOk);
  EXPECT_EQ(r.out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  /-x\n");
  Outcome bad = Exec({"tree-hash", "--bogus", "/-x"});
  EXPECT_EQ(bad.status, kExitUsage);
  EXPECT_EQ(bad.out, "");
  EXPECT_EQ(bad.err.rfind("mtglacier: tree-hash: unknown option '--bogus'\n", 0), 0u);
}

TEST(ChecksumLine, EscapesLikeCoreutils) {
  hash::Digest d = hash::Sha256Of("x");
  std::string hex = hash::ToHex(d);
  EXPECT_EQ(ChecksumLine(d, "plain name"), hex + "  plain name\n");
  EXPECT_EQ(ChecksumLine(d, "a\nb"), "\\" + hex + "  a\\nb\n");
  EXPECT_EQ(ChecksumLine(d, "a\\b"), "\\" + hex + "  a\\\\b\n");
  EXPECT_EQ(ChecksumLine(d, "a\rb"), "\\" + hex + "  a\\rb\n");
}

TEST(ExitCodes, Table) {
  EXPECT_EQ(ExitCodeForItems(0, 0), kExitOk);
  EXPECT_EQ(ExitCodeForItems(0, 5), kExitOk);
  EXPECT_EQ(ExitCodeForItems(2, 5), kExitPartial);
  EXPECT_EQ(ExitCodeForItems(5, 5), kExitError);
  EXPECT_EQ(ExitCodeFor(Error(ErrorCode::kInvalidArgument, "x")), kExitUsage);
  EXPECT_EQ(ExitCodeFor(Error(ErrorCode::kIo, "x")), kExitError);
  EXPECT_EQ(ExitCodeFor(Error(ErrorCode::kCancelled, "x")), kExitInterrupted);
}

}  // namespace
}  // namespace mtg::cli
