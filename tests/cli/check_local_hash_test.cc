// `mtglacier check-local-hash` (the built binary) on mt-aws-glacier's own set-a data: the data
// dirs rebuilt by make-data.sh, journal.log as the original wrote it, and the hand-made edge
// journals; the output must be the original's (console/04, console/10, verdicts.txt), apart
// from the banner and the deliberate differences (a torn last journal line is ignored).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <utime.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "process.h"

namespace {

namespace fs = std::filesystem;

std::string SetA() {
  const char* env = std::getenv("MTG_SHARED_DIR");
  std::string shared = env != nullptr && *env != '\0' ? env : MTG_SHARED_DIR;
  return shared + "/compat/set-a";
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// The original's stdout without its banner and the blank line after it.
std::vector<std::string> OriginalOutput(const std::string& text) {
  std::vector<std::string> out;
  for (const std::string& l : Lines(text)) {
    if (l.empty() || l.rfind("MT-AWS-Glacier, Copyright", 0) == 0) continue;
    out.push_back(l);
  }
  return out;
}

using Outcome = mtg::testing::CommandResult;
using mtg::testing::Slurp;
using mtg::testing::ShellQuote;

class CheckLocalHash : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string tmpl = (fs::temp_directory_path() / "mtg-cli-clh-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
    for (const char* state : {"initial", "modified"}) {
      std::string cmd = "cd " + ShellQuote(SetA()) + " && ./make-data.sh " + state + " " +
                        ShellQuote((root_ / state).string()) + " >/dev/null";
      ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    }
  }
  static void TearDownTestSuite() { fs::remove_all(root_); }

  // The first n lines of journal.log: the journal as it was after the nth line was written.
  std::string JournalPrefix(size_t n) {
    std::vector<std::string> lines = Lines(Slurp(SetA() + "/journal.log"));
    fs::path p = root_ / ("journal-" + std::to_string(n) + ".log");
    std::ofstream out(p, std::ios::binary);
    for (size_t i = 0; i < n && i < lines.size(); ++i) out << lines[i] << '\n';
    return p.string();
  }

  Outcome Exec(const std::vector<std::string>& args) {
    std::string cmd = "env -i PATH=/usr/bin:/bin HOME=" + ShellQuote(root_.string()) + " " +
                      ShellQuote(MTG_CLI_BINARY);
    for (const auto& a : args) cmd += " " + ShellQuote(a);
    return mtg::testing::RunShell(cmd, root_);
  }

  static fs::path root_;
};

fs::path CheckLocalHash::root_;

TEST_F(CheckLocalHash, SameOutputAsTheOriginalAfterTheFirstSync) {
  Outcome r = Exec({"check-local-hash", "--dir", (root_ / "initial").string(), "--journal",
                    JournalPrefix(27)});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(Sorted(Lines(r.out)), Sorted(OriginalOutput(Slurp(SetA() + "/console/04.stdout"))));
}

TEST_F(CheckLocalHash, SameOutputAsTheOriginalAfterRestore) {
  // console/10 ran when journal.log had 40 lines; options before the command word, a config file.
  Outcome r = Exec({"--config", SetA() + "/glacier.cfg", "check-local-hash", "--journal",
                    JournalPrefix(40), "--dir=" + (root_ / "modified").string()});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(Sorted(Lines(r.out)), Sorted(OriginalOutput(Slurp(SetA() + "/console/10.stdout"))));
}

TEST_F(CheckLocalHash, MissingFileFailsTheRun) {
  // The final journal also has stream/x.bin, which was uploaded from stdin and is not on disk.
  Outcome r = Exec({"check-local-hash", "--dir", (root_ / "modified").string(), "--journal",
                    SetA() + "/journal.log"});
  EXPECT_EQ(r.status, 1);
  std::vector<std::string> lines = Lines(r.out);
  EXPECT_NE(std::find(lines.begin(), lines.end(), "MISSED stream/x.bin"), lines.end()) << r.out;
  EXPECT_NE(r.out.find("TOTALS:\n27 OK\n0 MODIFICATION TIME MISSMATCHES\n0 TREEHASH MISSMATCH\n"
                       "0 SIZE MISSMATCH\n0 ZERO SIZE\n1 MISSED\n0 ERRORS\n"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("OK DONE"), std::string::npos);
  EXPECT_EQ(r.err, "mtglacier: check-local-hash: check-local-hash reported errors\n");
}

// verdicts.txt: for each journal, "exit: N" and the stdout lines ("  | ...").
struct Verdict {
  int exit = -1;
  std::vector<std::string> stdout_lines;
};

std::map<std::string, Verdict> ReadVerdicts() {
  std::map<std::string, Verdict> out;
  std::string current;
  bool in_stdout = false;
  for (const std::string& l : Lines(Slurp(SetA() + "/edge-journals/verdicts.txt"))) {
    if (l.rfind("== ", 0) == 0) {
      current = l.substr(3);
      in_stdout = false;
    } else if (current.empty()) {
      continue;
    } else if (l.rfind("exit: ", 0) == 0) {
      out[current].exit = std::stoi(l.substr(6));
    } else if (l == "stdout:") {
      in_stdout = true;
    } else if (l == "stderr:") {
      in_stdout = false;
    } else if (in_stdout && l.rfind("  |", 0) == 0) {
      std::string text = l.size() > 4 ? l.substr(4) : "";
      if (!text.empty() && text.rfind("MT-AWS-Glacier, Copyright", 0) != 0) {
        out[current].stdout_lines.push_back(text);
      }
    }
  }
  return out;
}

TEST_F(CheckLocalHash, EdgeJournalsAsTheOriginalJudgedThem) {
  const std::map<std::string, Verdict> verdicts = ReadVerdicts();
  ASSERT_GE(verdicts.size(), 13u);
  for (const auto& [name, verdict] : verdicts) {
    Outcome r = Exec({"check-local-hash", "--dir", (root_ / "modified").string(), "--journal",
                      SetA() + "/edge-journals/" + name});
    if (name == "no-final-newline.journal") {
      // Deliberate difference: a torn last line is a crash mid-write, reported and ignored.
      EXPECT_EQ(verdict.exit, 1);
      EXPECT_EQ(r.status, 0) << r.err;
      EXPECT_NE(r.err.find("WARNING: "), std::string::npos) << r.err;
      EXPECT_NE(r.out.find("TOTALS:\n2 OK\n"), std::string::npos) << r.out;
      continue;
    }
    EXPECT_EQ(r.status, verdict.exit) << name << "\n" << r.out << r.err;
    if (verdict.exit == 0) {
      EXPECT_EQ(Sorted(Lines(r.out)), Sorted(verdict.stdout_lines)) << name;
    } else {
      EXPECT_NE(r.err.find("mtglacier: check-local-hash: journal "), std::string::npos) << r.err;
      EXPECT_EQ(r.out.find("TOTALS:"), std::string::npos) << name;
    }
  }
}

TEST_F(CheckLocalHash, EveryVerdictAndTheTotals) {
  // The three files of crlf.journal, copied, then damaged in three ways.
  fs::path dir = root_ / "damaged";
  fs::remove_all(dir);
  ASSERT_EQ(std::system(("cp -a " + ShellQuote((root_ / "modified").string()) + " " + ShellQuote(dir.string()))
                            .c_str()),
            0);
  const std::string journal = SetA() + "/edge-journals/crlf.journal";
  Outcome clean = Exec({"check-local-hash", "--dir", dir.string(), "--journal", journal});
  ASSERT_EQ(clean.status, 0) << clean.out << clean.err;
  ASSERT_NE(clean.out.find("TOTALS:\n3 OK\n0 MODIFICATION TIME MISSMATCHES\n"), std::string::npos)
      << clean.out;

  {  // one.byte: same size, other content -> TREEHASH MISSMATCH (mtime kept as in the journal)
    struct stat st {};
    ASSERT_EQ(::stat((dir / "one.byte").c_str(), &st), 0);
    std::ofstream(dir / "one.byte", std::ios::binary) << "Z";
    struct utimbuf times {st.st_atime, st.st_mtime};
    ASSERT_EQ(::utime((dir / "one.byte").c_str(), &times), 0);
  }
  std::ofstream(dir / "quotes/it's.txt", std::ios::binary | std::ios::app) << "more";
  fs::resize_file(dir / "sizes/2MiB+5.dat", 0);
  Outcome r = Exec({"check-local-hash", "--dir", dir.string(), "--journal", journal});
  EXPECT_EQ(r.status, 1);
  std::vector<std::string> lines = Lines(r.out);
  auto has = [&](const std::string& l) { return std::find(lines.begin(), lines.end(), l) != lines.end(); };
  EXPECT_TRUE(has("TREEHASH MISSMATCH one.byte")) << r.out;
  EXPECT_TRUE(has("SIZE MISSMATCH quotes/it's.txt")) << r.out;
  EXPECT_TRUE(has("ZERO SIZE sizes/2MiB+5.dat")) << r.out;
  // The appended file also got a new mtime: reported, but not a failure on its own.
  EXPECT_NE(r.out.find("\nMTIME missmatch quotes/it's.txt "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("TOTALS:\n0 OK\n1 MODIFICATION TIME MISSMATCHES\n1 TREEHASH MISSMATCH\n"
                       "1 SIZE MISSMATCH\n1 ZERO SIZE\n0 MISSED\n0 ERRORS\n"),
            std::string::npos)
      << r.out;

  // --dry-run lists without checking; filters apply to the journal's names.
  Outcome dry = Exec({"check-local-hash", "--dir", dir.string(), "--journal", journal,
                      "--exclude", "one.byte", "--dry-run"});
  EXPECT_EQ(dry.status, 0) << dry.err;
  EXPECT_EQ(Sorted(Lines(dry.out)),
            Sorted({"Will check file quotes/it's.txt", "Will check file sizes/2MiB+5.dat", "OK DONE"}));
  // --vault is deprecated for this command: a warning, and the value is dropped.
  Outcome vault = Exec({"check-local-hash", "--dir", dir.string(), "--journal", journal,
                        "--vault", "v", "--dry-run"});
  EXPECT_EQ(vault.status, 0);
  EXPECT_EQ(vault.err, "WARNING: Option \"--vault\" deprecated for this command\n");
  Outcome no_dir = Exec({"check-local-hash", "--journal", journal});
  EXPECT_EQ(no_dir.status, 2);
  Outcome no_journal = Exec({"check-local-hash", "--dir", dir.string(), "--journal",
                             (root_ / "nope.log").string()});
  EXPECT_EQ(no_journal.status, 1);
}

}  // namespace
