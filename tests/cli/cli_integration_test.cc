// End-to-end checks of the mtglacier binary: `tree-hash` on real files of known tree hashes
// (vectors/treehash.json), on stdin, on several files in order, and with a missing file.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "process.h"

namespace {

namespace fs = std::filesystem;

std::string SharedDir() {
  if (const char* env = std::getenv("MTG_SHARED_DIR"); env != nullptr && *env != '\0') return env;
  return MTG_SHARED_DIR;
}

// The treehash.json answer for an i%251 input of this size.
std::string Expected(uint64_t size) {
  static const nlohmann::json doc = [] {
    std::ifstream in(SharedDir() + "/vectors/treehash.json");
    return in ? nlohmann::json::parse(in) : nlohmann::json::object();
  }();
  for (const auto& c : doc.value("cases", nlohmann::json::array())) {
    if (c.at("generator") == "i%251" && c.at("size").get<uint64_t>() == size) {
      return c.at("treehash").get<std::string>();
    }
  }
  ADD_FAILURE() << "no i%251 case of size " << size << " in treehash.json";
  return "";
}

using Outcome = mtg::testing::CommandResult;
using mtg::testing::Slurp;
using mtg::testing::ShellQuote;

class TreeHashCli : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "mtg-cli-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Writes size bytes of the i%251 generator; returns the path.
  std::string Make(const std::string& name, uint64_t size) {
    fs::path p = dir_ / name;
    std::ofstream out(p, std::ios::binary);
    std::string buf(size, '\0');
    for (uint64_t j = 0; j < size; ++j) buf[j] = static_cast<char>(j % 251);
    out << buf;
    return p.string();
  }

  // Runs the binary with a shell doing the redirections, so stdout, stderr and stdin are
  // real files as in a user's terminal session.
  Outcome Exec(const std::vector<std::string>& args, const std::string& stdin_path = "/dev/null") {
    std::string cmd = ShellQuote(MTG_CLI_BINARY);
    for (const auto& a : args) cmd += " " + ShellQuote(a);
    return mtg::testing::RunShell(cmd, dir_, stdin_path);
  }

  fs::path dir_;
};

TEST_F(TreeHashCli, KnownSizesMatchVectors) {
  for (uint64_t size : {uint64_t{1}, uint64_t{1048576}, uint64_t{5 * 1048576 + 17}}) {
    std::string path = Make("f" + std::to_string(size), size);
    Outcome o = Exec({"tree-hash", path});
    EXPECT_EQ(o.status, 0) << o.err;
    EXPECT_EQ(o.out, Expected(size) + "  " + path + "\n");
    EXPECT_EQ(o.err, "");
  }
}

// Big enough to be hashed in segments on several threads, then combined.
TEST_F(TreeHashCli, BigFileMatchesVector) {
  const uint64_t size = 32 * 1048576 + 1;
  std::string path = Make("big", size);
  Outcome o = Exec({"tree-hash", path});
  EXPECT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(o.out, Expected(size) + "  " + path + "\n");
}

TEST_F(TreeHashCli, StdinWithDashAndWithoutFiles) {
  std::string path = Make("in", 5 * 1048576 + 17);
  std::string want = Expected(5 * 1048576 + 17) + "  -\n";
  Outcome dash = Exec({"tree-hash", "-"}, path);
  EXPECT_EQ(dash.status, 0);
  EXPECT_EQ(dash.out, want);
  Outcome none = Exec({"tree-hash"}, path);
  EXPECT_EQ(none.status, 0);
  EXPECT_EQ(none.out, want);
}

TEST_F(TreeHashCli, SeveralFilesInArgumentOrder) {
  // The big file first: it finishes last, yet prints first.
  std::string big = Make("big", 5 * 1048576 + 17);
  std::string one = Make("one", 1);
  std::string mib = Make("mib", 1048576);
  Outcome o = Exec({"tree-hash", big, one, mib, one});
  EXPECT_EQ(o.status, 0);
  EXPECT_EQ(o.out, Expected(5 * 1048576 + 17) + "  " + big + "\n" + Expected(1) + "  " + one +
                       "\n" + Expected(1048576) + "  " + mib + "\n" + Expected(1) + "  " + one +
                       "\n");
}

TEST_F(TreeHashCli, MissingFileIsReportedOthersStillPrint) {
  std::string one = Make("one", 1);
  std::string missing = (dir_ / "missing").string();
  Outcome o = Exec({"tree-hash", missing, one});
  EXPECT_NE(o.status, 0);
  EXPECT_EQ(o.status, 3);  // partial failure, exit_codes.h
  EXPECT_EQ(o.out, Expected(1) + "  " + one + "\n");
  EXPECT_EQ(o.err, "mtglacier: tree-hash: " + missing + ": No such file or directory\n");

  Outcome only_missing = Exec({"tree-hash", missing});
  EXPECT_EQ(only_missing.status, 1);
  EXPECT_EQ(only_missing.out, "");
}

TEST_F(TreeHashCli, EmptyFilePrintsSha256OfNothing) {
  std::string empty = Make("empty", 0);
  Outcome o = Exec({"tree-hash", empty});
  EXPECT_EQ(o.status, 0);
  EXPECT_EQ(o.out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  " + empty + "\n");
}

TEST_F(TreeHashCli, UsageErrorsAndHelp) {
  EXPECT_EQ(Exec({}).status, 2);
  EXPECT_EQ(Exec({"no-such-command"}).status, 2);
  EXPECT_EQ(Exec({"tree-hash", "--no-such-option"}).status, 2);
  Outcome help = Exec({"--help"});
  EXPECT_EQ(help.status, 0);
  EXPECT_NE(help.out.find("tree-hash"), std::string::npos);
  Outcome version = Exec({"--version"});
  EXPECT_EQ(version.status, 0);
  EXPECT_EQ(version.out.rfind("mtglacier ", 0), 0u);
}

}  // namespace
