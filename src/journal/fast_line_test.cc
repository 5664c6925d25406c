// The one-pass scanner must be a pure shortcut: for any line it either declines or returns
// exactly what ParseLine returns, with the id packed as PackId packs it and the hash decoded.
// These tests compare the two on hand-written edge cases and on many mutated lines.
#include "journal/fast_line.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "journal/line_parser.h"
#include "journal/relative_name.h"
#include "journal/store.h"

namespace mtg::journal::internal {
namespace {

const std::string kId =
    "HdGDbije6lWPT8Q8S3uOWJF6Ou9MWRlrfMGDr6TCrhXuDqJ1pzwKR6XV4l1IZ-VrDd2rlLxDFACqnuJouYTzsT5zd6s2ZEAHfRQFriVbjpFfJ1uWruHRRXIrFIma4PVuz-fp9_pBkA";
const std::string kHash = "1368761bd826f76cae8b8a74b3aae210b476333484c2d612d061d52e36af631a";
const std::string kIdChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string Created(char version, const std::string& mtime = "1355566755", const std::string& name = "dir/a.txt",
                    const std::string& id = kId, const std::string& hash = kHash) {
  return std::string(1, version) + "\t1355666755\tCREATED\t" + id + "\t7684356\t" + mtime + "\t" + hash + "\t" + name;
}

std::string Deleted(char version, const std::string& name = "dir/a.txt", const std::string& id = kId) {
  return std::string(1, version) + "\t1355666756\tDELETED\t" + id + "\t" + name;
}

// Checks the fast result against ParseLine. Returns whether the fast path took the line.
bool CheckAgainstParseLine(const std::string& line) {
  // A copy of exactly the line's bytes on the heap, so ASan catches any read past its end.
  std::vector<char> bytes(line.begin(), line.end());
  std::string_view view(bytes.data(), bytes.size());
  FastLine fast;
  bool took = FastParseLine(view, fast);
  ParsedLine slow;
  LineProblem problem = ParseLine(view, slow);
  if (!took) return false;
  EXPECT_EQ(problem, LineProblem::kNone) << line;
  const ParsedLine& p = fast.parsed;
  EXPECT_EQ(p.kind, slow.kind) << line;
  EXPECT_EQ(p.version, slow.version) << line;
  EXPECT_EQ(p.time, slow.time) << line;
  EXPECT_EQ(p.archive_id, slow.archive_id) << line;
  EXPECT_EQ(p.size, slow.size) << line;
  EXPECT_EQ(p.mtime_known, slow.mtime_known) << line;
  EXPECT_EQ(p.mtime, slow.mtime) << line;
  EXPECT_EQ(p.tree_hash, slow.tree_hash) << line;
  EXPECT_EQ(p.relfilename, slow.relfilename) << line;
  EXPECT_EQ(p.job_id, slow.job_id) << line;
  std::string packed;
  EXPECT_TRUE(PackId(slow.archive_id, packed)) << line;
  EXPECT_EQ(std::string(fast.packed_id, fast.packed_size), packed) << line;
  if (p.kind == LineKind::kCreated) {
    std::string hex;
    for (uint8_t b : fast.hash) {
      hex += "0123456789abcdef"[b >> 4];
      hex += "0123456789abcdef"[b & 15];
    }
    EXPECT_EQ(hex, slow.tree_hash) << line;
  }
  return true;
}

TEST(FastLine, TakesTheCommonShapesOfEveryVersionWithAFastForm) {
  for (char v : {'A', 'B', 'C'}) {
    EXPECT_TRUE(CheckAgainstParseLine(Created(v))) << v;
    EXPECT_TRUE(CheckAgainstParseLine(Created(v, "-1969112106"))) << v;
    EXPECT_TRUE(CheckAgainstParseLine(Created(v, "+1"))) << v;
    EXPECT_TRUE(CheckAgainstParseLine(Created(v, "-0"))) << v;
    EXPECT_TRUE(CheckAgainstParseLine(Deleted(v))) << v;
    EXPECT_TRUE(CheckAgainstParseLine(Deleted(v, ""))) << v;  // (.*?) may be empty
    EXPECT_TRUE(CheckAgainstParseLine(Deleted(v, "../anything\tgoes"))) << v;  // DELETED names are not checked
  }
  EXPECT_TRUE(CheckAgainstParseLine(Created('B', "NONE")));
  EXPECT_TRUE(CheckAgainstParseLine(Created('C', "NONE")));
  EXPECT_TRUE(CheckAgainstParseLine(Created('A', "1", kId, kId)));  // old inventory: mtime invented
  EXPECT_TRUE(CheckAgainstParseLine(Created('B', "1", kId, kId)));
  EXPECT_TRUE(CheckAgainstParseLine(Created('B', "1", "a name with spaces, 'quotes' and \\backslashes\\")));
  EXPECT_TRUE(CheckAgainstParseLine(Created('B', "1", "caf\xc3\xa9/\xe6\x97\xa5\xe6\x9c\xac.txt")));
  EXPECT_TRUE(CheckAgainstParseLine(Created('B', "1", "not utf-8 \xff\xfe\x80 bytes")));
  EXPECT_TRUE(CheckAgainstParseLine(Created('B', "1", "nbsp\xc2\xa0 in a name is fine")));
  EXPECT_TRUE(CheckAgainstParseLine(Created('B', "1", "a..b/c.d/e.")));
  EXPECT_TRUE(CheckAgainstParseLine(Created('B', "1", std::string(5000, 'n'))));  // long name
  EXPECT_TRUE(CheckAgainstParseLine(Created('B', "999999999999999999")));        // 18 digits
}

TEST(FastLine, DeclinesWhatOnlyTheFullParserMayDecide) {
  // Every one of these is either an error or a rare form; ParseLine must see it.
  const std::vector<std::string> lines = {
      "",
      "B",
      "B\t",
      Created('D'),
      Created('B', "NONE").replace(0, 1, "b"),
      Created('A', "NONE"),                                 // an error in version A
      Created('B', "1234567890123456789"),                  // 19 digits: range checks needed
      Created('B', "1", "dir/a.txt\r"),                     // a CR left in the name
      Created('B', "1", "/abs"),
      Created('B', "1", "a//b"),
      Created('B', "1", "a/"),
      Created('B', "1", "./a"),
      Created('B', "1", "a/../b"),
      Created('B', "1", "."),
      Created('B', "1", ""),
      Created('B', "1", std::string("a\0b", 3)),
      Created('B', "1", "a\tb"),
      Created('B', "1", "a/b", kId, std::string(64, 'A')),  // upper-case hash: kept as text
      Created('B', "1", "a/b", kId, kHash.substr(0, 63)),
      Created('B', "1", "a/b", kId, kHash + "0"),
      Created('B', "1", "a/b", kId + "="),                  // not the Glacier alphabet
      Created('B', "1", "a/b", std::string(257, 'A')),      // longer than the fast path packs
      Created('B', "1", "a/b", ""),
      "B\t1355666755\tRETRIEVE_JOB\t" + kId + "\tjob",
      "1355666755 CREATED " + kId + " 7684356 " + kHash + " a.txt",
      "B\t1355666755\tCREATED\t" + kId + "\t7684356\t1\t" + kHash,  // no name field
      "B\t1355666755\tDELETED\t" + kId,
      "B\t\tDELETED\t" + kId + "\tx",
      "B\t1 \tDELETED\t" + kId + "\tx",
      "B\t1\tDELETED\t" + kId + " \tx",
      "B\t1\tDELETED\t" + kId + "\xc2\xa0\tx",
  };
  for (const std::string& line : lines) {
    EXPECT_FALSE(CheckAgainstParseLine(line)) << line;
  }
}

TEST(FastLine, PacksIdsOfEveryLengthLikePackId) {
  std::mt19937 rng(7);
  for (size_t len = 1; len <= kFastMaxIdChars + 3; ++len) {
    std::string id;
    for (size_t i = 0; i < len; ++i) id.push_back(kIdChars[rng() % kIdChars.size()]);
    bool took = CheckAgainstParseLine(Created('B', "1", "n", id));
    EXPECT_EQ(took, len <= kFastMaxIdChars) << len;
    // A foreign character at every position of the first blocks and around block edges.
    for (size_t pos : {size_t{0}, size_t{15}, size_t{16}, size_t{17}, len / 2, len - 1}) {
      if (pos >= len) continue;
      for (char bad : {' ', '=', '.', '\x80', '\xff', '@', '[', '`', '{', '/', ':'}) {
        std::string foreign = id;
        foreign[pos] = bad;
        EXPECT_FALSE(CheckAgainstParseLine(Created('B', "1", "n", foreign))) << len << " " << pos;
      }
    }
  }
  // Every alphabet character at every position of a 16-character block.
  for (size_t shift = 0; shift < kIdChars.size(); ++shift) {
    std::string id = kIdChars.substr(shift) + kIdChars.substr(0, shift);
    EXPECT_TRUE(CheckAgainstParseLine(Created('B', "1", "n", id + id)));
  }
}

TEST(FastLine, HashDigitsAndNonDigits) {
  for (size_t pos = 0; pos < 64; ++pos) {
    for (char c : {'0', '9', 'a', 'f', 'g', 'A', 'F', '/', ':', '`', ' ', '\x80'}) {
      std::string hash = kHash;
      hash[pos] = c;
      bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
      EXPECT_EQ(CheckAgainstParseLine(Created('B', "1", "n", kId, hash)), hex) << pos << c;
    }
  }
}

TEST(FastLine, NameRulesAtWindowEdges) {
  // Put each suspicious byte at every offset around the 16-byte windows, in names of each length
  // near a window multiple, and check the fast check against RelativeFilenameProblem.
  const std::vector<std::string> pieces = {"/", "//", ".", "..", "/.", "./", "/..", "../", "\t", "\r",
                                           "\n", std::string(1, '\0'), ".x", "x.", "\xe3\x80\x80"};
  for (size_t len : {size_t{1}, size_t{15}, size_t{16}, size_t{17}, size_t{31}, size_t{32}, size_t{33}, size_t{48}}) {
    for (size_t pos = 0; pos <= len; ++pos) {
      for (const std::string& piece : pieces) {
        std::string name(len, 'x');
        name.insert(pos, piece);
        std::vector<char> bytes(name.begin(), name.end());
        std::string_view view(bytes.data(), bytes.size());
        EXPECT_EQ(FastIsRelativeFilename(view), RelativeFilenameProblem(view) == nullptr)
            << len << " " << pos << " " << piece;
        CheckAgainstParseLine(Created('B', "1", name));
      }
    }
  }
  EXPECT_FALSE(FastIsRelativeFilename(""));
}

TEST(FastLine, NumbersOfEveryLength) {
  // 1..21 digits in each numeric field, with a non-digit at every position after the first; the
  // fast path reads 8 bytes at a time where it can, so short DELETED lines also take its tail loop.
  std::mt19937 rng(3);
  for (size_t len = 1; len <= 21; ++len) {
    std::string digits;
    for (size_t i = 0; i < len; ++i) digits.push_back(static_cast<char>('0' + rng() % 10));
    std::vector<std::string> lines = {
        "B\t" + digits + "\tCREATED\t" + kId + "\t" + digits + "\t" + digits + "\t" + kHash + "\tn",
        "B\t1\tCREATED\t" + kId + "\t7\t-" + digits + "\t" + kHash + "\tn",
        "B\t" + digits + "\tDELETED\tI\t",
        "C\t" + digits + "\tDELETED\tI\tx"};
    for (const std::string& line : lines) {
      EXPECT_EQ(CheckAgainstParseLine(line), len <= 18) << line;
      for (size_t pos = 3; pos < 3 + len && pos < line.size(); ++pos) {
        for (char c : {'/', ':', ' ', '\x80', '\xb9', 'a'}) {
          std::string bad = line;
          bad[pos] = c;
          CheckAgainstParseLine(bad);
        }
      }
    }
  }
}

// Random edits of good lines, biased towards the bytes the grammar cares about.
TEST(FastLine, MutatedLinesAgreeWithParseLine) {
  std::mt19937 rng(20261127);
  const std::vector<std::string> seeds = {Created('B'), Created('A'), Created('C', "NONE"), Deleted('B'),
                                          Created('B', "-5", "d/.hidden/x"), Deleted('C', "x y")};
  const std::vector<std::string> inserts = {"\t", " ", "\r", "\n", std::string(1, '\0'), "/", ".", "..", "-", "+",
                                            "0", "9", "a", "g", "A", "_", "=", "\xc2\xa0", "\xe2\x80\x80", "\xff",
                                            "\x80", "NONE", "CREATED", "DELETED", "\t\t"};
  int taken = 0;
  for (int iteration = 0; iteration < 20000; ++iteration) {
    std::string line = seeds[rng() % seeds.size()];
    int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits && !line.empty(); ++e) {
      size_t pos = rng() % (line.size() + 1);
      switch (rng() % 3) {
        case 0:
          line.insert(pos, inserts[rng() % inserts.size()]);
          break;
        case 1:
          if (pos < line.size()) line.erase(pos, 1 + rng() % 3);
          break;
        default:
          if (pos < line.size()) line.replace(pos, 1, inserts[rng() % inserts.size()]);
          break;
      }
    }
    if (CheckAgainstParseLine(line)) ++taken;
  }
  EXPECT_GT(taken, 1000);  // the comparison must also have covered accepted lines
}

}  // namespace
}  // namespace mtg::journal::internal
