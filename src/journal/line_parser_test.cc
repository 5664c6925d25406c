#include "journal/line_parser.h"

#include <gtest/gtest.h>

#include <string>

#include "journal/quote.h"

namespace mtg::journal {
namespace {

const std::string kId =
    "HdGDbije6lWPT8Q8S3uOWJF6Ou9MWRlrfMGDr6TCrhXuDqJ1pzwKR6XV4l1IZ-VrDd2rlLxDFACqnuJouYTzsT5zd6s2ZEAHfRQFriVbjpFfJ1uWruHRRXIrFIma4PVuz-fp9_pBkA";
const std::string kHash = "1368761bd826f76cae8b8a74b3aae210b476333484c2d612d061d52e36af631a";

std::string Created(char version, const std::string& mtime, const std::string& name = "file/a.txt",
                    const std::string& id = kId) {
  return std::string(1, version) + "\t1355666755\tCREATED\t" + id + "\t7684356\t" + mtime + "\t" + kHash +
         "\t" + name;
}

// Keeps the last line alive: ParsedLine holds views into it.
LineProblem Parse(const std::string& line, ParsedLine* out = nullptr) {
  static std::string kept;
  kept = line;
  ParsedLine p;
  LineProblem problem = ParseLine(kept, p);
  if (out != nullptr) *out = p;
  return problem;
}

TEST(LineParser, VersionBCreated) {
  ParsedLine p;
  ASSERT_EQ(Parse(Created('B', "1355566755"), &p), LineProblem::kNone);
  EXPECT_EQ(p.kind, LineKind::kCreated);
  EXPECT_EQ(p.version, 'B');
  EXPECT_EQ(p.time, 1355666755);
  EXPECT_EQ(p.archive_id, kId);
  EXPECT_EQ(p.size, 7684356u);
  EXPECT_TRUE(p.mtime_known);
  EXPECT_EQ(p.mtime, 1355566755);
  EXPECT_EQ(p.tree_hash, kHash);
  EXPECT_EQ(p.relfilename, "file/a.txt");
}

TEST(LineParser, MtimeForms) {
  ParsedLine p;
  ASSERT_EQ(Parse(Created('B', "+1355566755"), &p), LineProblem::kNone);
  EXPECT_EQ(p.mtime, 1355566755);
  ASSERT_EQ(Parse(Created('B', "-0"), &p), LineProblem::kNone);
  EXPECT_EQ(p.mtime, 0);
  EXPECT_TRUE(p.mtime_known);
  ASSERT_EQ(Parse(Created('B', "-1969112106"), &p), LineProblem::kNone);
  EXPECT_EQ(p.mtime, -1969112106);
  ASSERT_EQ(Parse(Created('B', "NONE"), &p), LineProblem::kNone);
  EXPECT_FALSE(p.mtime_known);
  ASSERT_EQ(Parse(Created('C', "NONE"), &p), LineProblem::kNone);
  EXPECT_FALSE(p.mtime_known);
  ASSERT_EQ(Parse(Created('B', "-9223372036854775808"), &p), LineProblem::kNone);
  EXPECT_EQ(p.mtime, INT64_MIN);
  ASSERT_EQ(Parse(Created('B', "9223372036854775807"), &p), LineProblem::kNone);
  EXPECT_EQ(p.mtime, INT64_MAX);
  for (const char* bad : {"1.1", "12.5", "", "+-1", "--1", "none", "NONE ", "1e5", "\xd9\xa1" /* Arabic 1 */}) {
    EXPECT_EQ(Parse(Created('B', bad)), LineProblem::kBroken) << bad;
  }
  EXPECT_EQ(Parse(Created('B', "-9223372036854775809")), LineProblem::kNumberOutOfRange);
  EXPECT_EQ(Parse(Created('B', "99999999999999999999")), LineProblem::kNumberOutOfRange);
  EXPECT_EQ(Parse(Created('B', "123456789012345678901")), LineProblem::kBroken);  // 21 digits
}

TEST(LineParser, NumbersOutOfRange) {
  const char* detail = nullptr;
  ParsedLine p;
  std::string line = "B\t99999999999999999999\tDELETED\tid\tx";
  EXPECT_EQ(ParseLine(line, p, &detail), LineProblem::kNumberOutOfRange);
  EXPECT_STREQ(detail, "time");
  EXPECT_EQ(Parse("B\t9223372036854775807\tDELETED\tid\tx"), LineProblem::kNone);
  EXPECT_EQ(Parse("B\t9223372036854775808\tDELETED\tid\tx"), LineProblem::kNumberOutOfRange);
  line = "B\t1\tCREATED\tid\t18446744073709551616\t1\th\tx";
  EXPECT_EQ(ParseLine(line, p, &detail), LineProblem::kNumberOutOfRange);
  EXPECT_STREQ(detail, "size");
  ASSERT_EQ(Parse("B\t1\tCREATED\tid\t18446744073709551615\t1\th\tx", &p), LineProblem::kNone);
  EXPECT_EQ(p.size, UINT64_MAX);
  EXPECT_EQ(Parse("B\t-1\tDELETED\tid\tx"), LineProblem::kBroken);  // time is unsigned
}

TEST(LineParser, VersionA) {
  ParsedLine p;
  ASSERT_EQ(Parse(Created('A', "1355566755"), &p), LineProblem::kNone);
  EXPECT_TRUE(p.mtime_known);
  EXPECT_EQ(Parse(Created('A', "NONE")), LineProblem::kMtimeNoneInVersionA);
  // Old download-inventory: name == archive id means the mtime was invented.
  ASSERT_EQ(Parse(Created('A', "1355566755", kId, kId), &p), LineProblem::kNone);
  EXPECT_FALSE(p.mtime_known);
  ASSERT_EQ(Parse(Created('B', "1355566755", kId, kId), &p), LineProblem::kNone);
  EXPECT_TRUE(p.mtime_known);
}

TEST(LineParser, DeletedAndRetrieve) {
  ParsedLine p;
  ASSERT_EQ(Parse("B\t1795731857\tDELETED\t" + kId + "\tdir/name with spaces", &p), LineProblem::kNone);
  EXPECT_EQ(p.kind, LineKind::kDeleted);
  EXPECT_EQ(p.relfilename, "dir/name with spaces");
  ASSERT_EQ(Parse("B\t1\tDELETED\tid\t", &p), LineProblem::kNone);  // (.*?) may be empty
  EXPECT_EQ(p.relfilename, "");
  EXPECT_EQ(Parse("B\t1\tDELETED\tid"), LineProblem::kBroken);
  ASSERT_EQ(Parse("B\t1795731857\tRETRIEVE_JOB\t" + kId + "\tJOB\tWITH TAB", &p), LineProblem::kNone);
  EXPECT_EQ(p.kind, LineKind::kRetrieveJob);
  EXPECT_EQ(p.archive_id, kId);
  EXPECT_EQ(p.job_id, "JOB\tWITH TAB");
  EXPECT_EQ(Parse("B\t1\tRETRIEVE_JOB\tid"), LineProblem::kBroken);
}

TEST(LineParser, Version0) {
  ParsedLine p;
  ASSERT_EQ(Parse("1355666755 CREATED " + kId + " 7684356 " + kHash + " a b.txt", &p), LineProblem::kNone);
  EXPECT_EQ(p.version, '0');
  EXPECT_EQ(p.relfilename, "a b.txt");
  EXPECT_FALSE(p.mtime_known);
  EXPECT_EQ(p.size, 7684356u);
  // Single spaces only for CREATED.
  EXPECT_EQ(Parse("1355666755  CREATED " + kId + " 1 h a"), LineProblem::kBroken);
  // \s+ for DELETED and RETRIEVE_JOB, including tabs; the name starts after the whole run.
  ASSERT_EQ(Parse("1355666755 \tDELETED\t " + kId + "  \t a/b", &p), LineProblem::kNone);
  EXPECT_EQ(p.kind, LineKind::kDeleted);
  EXPECT_EQ(p.relfilename, "a/b");
  ASSERT_EQ(Parse("1355666755 RETRIEVE_JOB " + kId, &p), LineProblem::kNone);
  EXPECT_EQ(p.kind, LineKind::kRetrieveJob);
  EXPECT_EQ(p.job_id, "");
  EXPECT_EQ(Parse("1355666755 RETRIEVE_JOB " + kId + " extra"), LineProblem::kBroken);
  EXPECT_EQ(Parse("1355666755\tRETRIEVE_JOB\t" + kId), LineProblem::kNone);
}

TEST(LineParser, Classification) {
  EXPECT_EQ(Parse("hello world"), LineProblem::kUnknownFormat);
  EXPECT_EQ(Parse(""), LineProblem::kUnknownFormat);
  EXPECT_EQ(Parse("123 hello"), LineProblem::kBroken);
  EXPECT_EQ(Parse("123hello"), LineProblem::kUnknownFormat);
  EXPECT_EQ(Parse("123456789012345678901 x"), LineProblem::kUnknownFormat);  // 21 digits
  EXPECT_EQ(Parse("A\tgarbage"), LineProblem::kBroken);
  EXPECT_EQ(Parse("C\t"), LineProblem::kBroken);
  EXPECT_EQ(Parse("D\t1\tCREATED\tx"), LineProblem::kFutureVersion);
  EXPECT_EQ(Parse("Z\tanything"), LineProblem::kFutureVersion);
  EXPECT_EQ(Parse("a\t1\tCREATED"), LineProblem::kUnknownFormat);
  EXPECT_EQ(Parse("B 1 CREATED"), LineProblem::kUnknownFormat);  // spaces instead of tabs
  EXPECT_EQ(Parse(Created('B', "1").substr(0, 40)), LineProblem::kBroken);
}

TEST(LineParser, PerlWhitespaceEndsNonSpaceFields) {
  // U+00A0 (no-break space) and U+3000 are \s for Perl's decoded strings: an id containing one
  // does not match (\S+), so the line is broken.
  EXPECT_EQ(Parse(Created('B', "1", "x", "ab\xc2\xa0" "cd")), LineProblem::kBroken);
  EXPECT_EQ(Parse(Created('B', "1", "x", "ab\xe3\x80\x80" "cd")), LineProblem::kBroken);
  EXPECT_EQ(Parse(Created('B', "1", "x", "ab\x0b" "cd")), LineProblem::kBroken);
  // Other non-ASCII is fine, also in names (which are (.*?)).
  EXPECT_EQ(Parse(Created('B', "1", "x\xc2\xa0y", "ab\xc3\xa9" "cd")), LineProblem::kNone);
}

TEST(LineParser, CreatedNameMustBeRelative) {
  ParsedLine p;
  const char* detail = nullptr;
  std::string line = Created('B', "1", "../evil");
  EXPECT_EQ(ParseLine(line, p, &detail), LineProblem::kInvalidFilename);
  EXPECT_NE(std::string(detail).find(".."), std::string::npos);
  EXPECT_EQ(Parse(Created('B', "1", "")), LineProblem::kInvalidFilename);
  EXPECT_EQ(Parse(Created('B', "1", "/abs")), LineProblem::kInvalidFilename);
  EXPECT_EQ(Parse(Created('B', "1", "a\rb")), LineProblem::kInvalidFilename);
  // A DELETED name is only used for the filter: no check (as in the original).
  EXPECT_EQ(Parse("B\t1\tDELETED\tid\t../evil"), LineProblem::kNone);
}

TEST(Quote, EscapesAndTruncates) {
  EXPECT_EQ(QuoteBytes("B\t1\r\n\"x\"\\"), "\"B\\t1\\r\\n\\\"x\\\"\\\\\"");
  EXPECT_EQ(QuoteBytes("\x1b[31m\xd0\xaf\x7f"), "\"\\x1B[31m\\xD0\\xAF\\x7F\"");
  EXPECT_EQ(QuoteBytes(std::string(10, 'a'), 4), "\"aaaa\"... (10 bytes)");
}

}  // namespace
}  // namespace mtg::journal
