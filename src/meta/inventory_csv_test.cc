// g++ 12 at -O2 reports a false maybe-uninitialized inside std::regex's compiler (GCC bug
// 105562); the regex here is the reference oracle of one test.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "meta/inventory_csv.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace mtg::meta {
namespace {

std::string SharedDir() {
  const char* env = std::getenv("MTG_SHARED_DIR");
  return env != nullptr && *env != '\0' ? env : MTG_SHARED_DIR;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<std::vector<std::string>> ReadTsv(const std::string& path) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(ReadFile(path));
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string>& row = rows.emplace_back();
    size_t start = 0;
    for (;;) {
      const size_t tab = line.find('\t', start);
      row.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
      if (tab == std::string::npos) break;
      start = tab + 1;
    }
  }
  return rows;
}

// An item flattened for comparisons: id, description, date, size, hash.
using Row = std::vector<std::string>;

Row Flatten(const InventoryItem& item) {
  return {item.archive_id, item.description, item.creation_date, std::to_string(item.size), item.sha256_tree_hash};
}

Result<std::vector<Row>> ParseChunked(std::string_view text, const std::vector<size_t>& chunks) {
  std::vector<Row> rows;
  InventoryCsvParser parser([&](const InventoryItem& item) -> Result<void> {
    rows.push_back(Flatten(item));
    return Ok();
  });
  size_t pos = 0;
  size_t k = 0;
  while (pos < text.size()) {
    const size_t n = std::min(chunks[k++ % chunks.size()], text.size() - pos);
    MTG_TRY_VOID(parser.Feed(text.substr(pos, n)));
    pos += n;
  }
  MTG_TRY_VOID(parser.Finish());
  EXPECT_EQ(parser.archive_count(), rows.size());
  return rows;
}

Result<std::vector<Row>> Parse(std::string_view text) { return ParseChunked(text, {text.size() + 1}); }

std::string ParseError(std::string_view text) {
  auto r = Parse(text);
  if (r) return "(no error)";
  EXPECT_EQ(r.error().code, ErrorCode::kParse);
  return r.error().message;
}

void ExpectChunkingInvariant(std::string_view text) {
  auto whole = Parse(text);
  std::vector<std::vector<size_t>> plans = {{1}, {2}, {3}, {5}, {64}};
  std::mt19937 rng(777);
  for (int i = 0; i < 20; ++i) {
    std::vector<size_t> plan;
    for (int j = 0; j < 50; ++j) plan.push_back(1 + rng() % 30);
    plans.push_back(plan);
  }
  for (const auto& plan : plans) {
    auto split = ParseChunked(text, plan);
    ASSERT_EQ(whole.has_value(), split.has_value());
    if (whole) {
      EXPECT_EQ(*whole, *split);
    } else {
      EXPECT_EQ(whole.error().message, split.error().message);
    }
  }
}

constexpr std::string_view kHeader = "ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash";

TEST(InventoryCsvTest, CompatSetA) {
  const std::string dir = SharedDir() + "/compat/set-a/";
  const std::string text = ReadFile(dir + "inventory.csv");
  ASSERT_NE(text.back(), '\n');  // gemu's quirk: no final newline
  std::vector<InventoryItem> items;
  auto count = ParseInventoryCsv(text, [&](const InventoryItem& item) -> Result<void> {
    items.push_back(item);
    return Ok();
  });
  ASSERT_TRUE(count.has_value()) << count.error().message;
  EXPECT_EQ(*count, 28u);

  const auto descriptions = ReadTsv(dir + "descriptions.tsv");
  const auto journal = ReadTsv(dir + "inv-csv.journal");
  ASSERT_EQ(items.size(), 28u);
  ASSERT_EQ(descriptions.size(), items.size());
  ASSERT_EQ(journal.size(), items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    EXPECT_EQ(items[i].archive_id, descriptions[i][0]);
    EXPECT_EQ(items[i].description, descriptions[i][1]);
    ASSERT_EQ(journal[i].size(), 8u);
    EXPECT_EQ(std::to_string(items[i].creation_epoch), journal[i][1]);
    EXPECT_EQ(items[i].archive_id, journal[i][3]);
    EXPECT_EQ(std::to_string(items[i].size), journal[i][4]);
    EXPECT_EQ(items[i].sha256_tree_hash, journal[i][6]);
  }
  ExpectChunkingInvariant(text);
}

// A record whose fields are all valid archive fields: id, the description under test, a date,
// a size and a hash, in the column order of `header`.
std::string Record(const std::vector<std::string_view>& header, std::string_view description_field) {
  std::string line;
  for (size_t i = 0; i < header.size(); ++i) {
    if (i > 0) line += ',';
    const std::string_view name = header[i];
    if (name == "ArchiveId") line += "a";
    if (name == "ArchiveDescription") line += description_field;
    if (name == "CreationDate") line += "20200101T000000Z";
    if (name == "Size") line += "12";
    if (name == "SHA256TreeHash") line += "h";
  }
  return line;
}

std::string Join(const std::vector<std::string_view>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) out += (i > 0 ? "," : "") + std::string(names[i]);
  return out;
}

// The quirks of reference §6.5 and all the description cases of mt-aws-glacier's own test
// (t/unit/glacier/inventory_csv.t), with the description first, in the middle and last, alone
// and twice, LF and CRLF. Fields are written raw here (C++ raw strings, no escaping).
TEST(InventoryCsvTest, DescriptionQuirks) {
  struct Case {
    std::string_view field;
    std::string_view expected;
  };
  const Case cases[] = {
      {R"("{\"Path\":\"glacier-ui.exe\",\"UTCDateModified\":\"20130313T040002Z\"}")",
       R"({"Path":"glacier-ui.exe","UTCDateModified":"20130313T040002Z"})"},
      {R"("{\"Path\":\"dir2/+BEQEMAQ5BDs-3\",\"UTCDateModified\":\"20130322T120043Z\"}")",
       R"({"Path":"dir2/+BEQEMAQ5BDs-3","UTCDateModified":"20130322T120043Z"})"},
      {R"("")", ""},
      {R"(",")", ","},
      {R"("\"")", R"(")"},
      {R"("x\"x")", R"(x"x)"},
      {R"("ZZZZZZZZzzzzzzz,\"\"\", ,\\"")", R"(ZZZZZZZZzzzzzzz,""", ,\")"},
      {R"("\")", R"(\)"},
      {R"("\\"")", R"(\")"},
      {R"("mt2 eyJmaWxlbmFtZSI6ImZpbGUudHh0IiwibXRpbWUiOiIyMDEzMTIxOVQwODMzMDFaIn0")",
       "mt2 eyJmaWxlbmFtZSI6ImZpbGUudHh0IiwibXRpbWUiOiIyMDEzMTIxOVQwODMzMDFaIn0"},
      {R"("a\b")", R"(a\b)"},
      {R"("\\"\")", R"(\"\)"},
      {R"("\\")", R"(\\)"},
      {R"("\\"\\"\\\"\")", R"(\"\"\\"\)"},
      {R"("\x")", R"(\x)"},
      {R"("x\")", R"(x\)"},
      {"plain text", "plain text"},
      {" spaced ", " spaced "},  // no trimming since 1.112_4
      {"", ""},
  };
  const std::vector<std::vector<std::string_view>> orders = {
      {"ArchiveId", "ArchiveDescription", "CreationDate", "Size", "SHA256TreeHash"},
      {"ArchiveDescription", "ArchiveId", "CreationDate", "Size", "SHA256TreeHash"},
      {"ArchiveId", "CreationDate", "Size", "SHA256TreeHash", "ArchiveDescription"},
      {"ArchiveId", "CreationDate", "ArchiveDescription", "Size", "SHA256TreeHash"},
  };
  for (const Case& c : cases) {
    for (const auto& order : orders) {
      for (std::string_view eol : {"\n", "\r\n"}) {
        const std::string line = Record(order, c.field);
        const std::string once = Join(order) + std::string(eol) + line + std::string(eol);
        const std::string twice = once + line;  // and a last line without a line end
        for (const std::string& text : {once, twice}) {
          auto rows = Parse(text);
          ASSERT_TRUE(rows.has_value()) << c.field << ": " << rows.error().message;
          ASSERT_EQ(rows->size(), text == once ? 1u : 2u);
          for (const Row& row : *rows) {
            EXPECT_EQ(row, (Row{"a", std::string(c.expected), "20200101T000000Z", "12", "h"})) << c.field;
          }
        }
      }
    }
  }
}

TEST(InventoryCsvTest, HeaderForms) {
  const std::string record = "a,\"d\",20200101T000000Z,12,h";
  const Row expected{"a", "d", "20200101T000000Z", "12", "h"};
  // Quoted names, extra columns anywhere, trailing empty names (Perl's split drops them).
  for (std::string header : {std::string(kHeader), std::string(R"("ArchiveId","ArchiveDescription","CreationDate","Size","SHA256TreeHash")"),
                             std::string(kHeader) + ",,"}) {
    auto rows = Parse(header + "\n" + record);
    ASSERT_TRUE(rows.has_value()) << header << ": " << rows.error().message;
    EXPECT_EQ(*rows, std::vector<Row>{expected});
  }
  auto extra = Parse("Extra,ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash,More\n"
                     "\"x,y\",a,\"d\",20200101T000000Z,12,h,\n");
  ASSERT_TRUE(extra.has_value()) << extra.error().message;
  EXPECT_EQ(*extra, std::vector<Row>{expected});
  // A repeated name takes the last column, as a Perl hash slice does.
  auto repeated = Parse("ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash,Size\na,d,20200101T000000Z,12,h,99");
  ASSERT_TRUE(repeated.has_value()) << repeated.error().message;
  EXPECT_EQ((*repeated)[0][3], "99");
  // Header only, with and without line ends.
  for (std::string_view text : {"ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash",
                                "ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash\n",
                                "ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash\r\n"}) {
    auto rows = Parse(text);
    ASSERT_TRUE(rows.has_value()) << rows.error().message;
    EXPECT_TRUE(rows->empty());
  }
  // One "\r" is dropped before "\n" or the end of the input; any other "\r" is data.
  auto cr = Parse(std::string(kHeader) + "\r\na,d\r,20200101T000000Z,12,h\r\r\n");
  ASSERT_TRUE(cr.has_value()) << cr.error().message;
  EXPECT_EQ(*cr, (std::vector<Row>{{"a", "d\r", "20200101T000000Z", "12", "h\r"}}));
  auto cr_end = Parse(std::string(kHeader) + "\r\na,d,20200101T000000Z,12,h\r");
  ASSERT_TRUE(cr_end.has_value()) << cr_end.error().message;
  EXPECT_EQ(*cr_end, std::vector<Row>{expected});
}

TEST(InventoryCsvTest, Errors) {
  const std::string header = std::string(kHeader) + "\n";
  const std::string good = "a,d,20200101T000000Z,12,h\n";
  EXPECT_EQ(ParseError(""), "inventory CSV at line 1: empty input (no CSV header)");
  EXPECT_EQ(ParseError("zzz"), "inventory CSV at line 1: no ArchiveId column in the CSV header \"zzz\"");
  EXPECT_EQ(ParseError("ArchiveId,ArchiveDescription,CreationDate,SHA256TreeHash\n"),
            "inventory CSV at line 1: no Size column in the CSV header "
            "\"ArchiveId,ArchiveDescription,CreationDate,SHA256TreeHash\"");
  EXPECT_EQ(ParseError(header + good + "a,b"),
            "inventory CSV at line 3: bad CSV line (does not split into 5 fields): \"a,b\"");
  EXPECT_EQ(ParseError(header + good + "\n" + good), "inventory CSV at line 3: bad CSV line (does not split into 5 fields): \"\"");
  EXPECT_EQ(ParseError(header + good + "\n"), "inventory CSV at line 3: bad CSV line (does not split into 5 fields): \"\"");
  EXPECT_EQ(ParseError(header + "a,d,20200101T000000Z,12,h,extra\n"),
            "inventory CSV at line 2: bad CSV line (does not split into 5 fields): \"a,d,20200101T000000Z,12,h,extra\"");
  EXPECT_EQ(ParseError(header + "a,\"d,20200101T000000Z,12,h\n"),
            "inventory CSV at line 2: bad CSV line (does not split into 5 fields): \"a,\\x22d,20200101T000000Z,12,h\"");
  EXPECT_EQ(ParseError(header + "a,d\"x,20200101T000000Z,12,h\n"),
            "inventory CSV at line 2: bad CSV line (does not split into 5 fields): \"a,d\\x22x,20200101T000000Z,12,h\"");
  EXPECT_EQ(ParseError(header + good + "a,d,2020-02-30T00:00:00Z,12,h\n"),
            "inventory CSV at line 3: CreationDate \"2020-02-30T00:00:00Z\" is not an ISO 8601 date");
  EXPECT_EQ(ParseError(header + "a,d,20200101T000000Z,1.5,h\n"),
            "inventory CSV at line 2: Size \"1.5\" is not a whole number of bytes");
  EXPECT_EQ(ParseError(header + ",d,20200101T000000Z,1,h\n"), "inventory CSV at line 2: ArchiveId is empty");
  // Caps: a field, a line.
  const std::string big(kMaxInventoryFieldSize, 'x');
  EXPECT_TRUE(Parse(header + "a," + big + ",20200101T000000Z,12,h").has_value());
  EXPECT_EQ(ParseError(header + "a," + big + "x,20200101T000000Z,12,h"),
            "inventory CSV at line 2: ArchiveDescription longer than 65536 bytes");
  const std::string huge(kMaxCsvLineSize + 2, 'x');
  EXPECT_EQ(ParseError(header + huge), "inventory CSV at line 2: line longer than 1048576 bytes");
  auto chunked = ParseChunked(header + huge + "\n", {4096});
  ASSERT_FALSE(chunked.has_value());
  EXPECT_EQ(chunked.error().message, "inventory CSV at line 2: line longer than 1048576 bytes");
  std::string wide = "ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash";
  for (size_t i = 5; i <= kMaxCsvColumns; ++i) wide += ",x";
  EXPECT_EQ(ParseError(wide), "inventory CSV at line 1: more than 256 columns in the CSV header");
}

TEST(InventoryCsvTest, SinkErrorStopsAndSticks) {
  InventoryCsvParser parser([](const InventoryItem&) -> Result<void> { return Fail(ErrorCode::kIo, "disk full"); });
  auto r = parser.Feed(std::string(kHeader) + "\na,d,20200101T000000Z,12,h\na,d,20200101T000000Z,12,h\n");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message, "disk full");
  EXPECT_EQ(parser.archive_count(), 0u);
  EXPECT_EQ(parser.Finish().error().message, "disk full");
}

TEST(InventoryCsvTest, ChunkingInvariance) {
  ExpectChunkingInvariant(std::string(kHeader) + "\r\na,\"x\\\"y,\",20200101T000000Z,12,h\r\nb,,2012-08-23T19:08:30Z,0,h\r\n");
  ExpectChunkingInvariant(std::string(kHeader) + "\na,b\n");
  ExpectChunkingInvariant(std::string(kHeader) + "\na,\"\\\",20200101T000000Z,12,h\r");
}

// The splitter against a backtracking regex engine running mt-aws-glacier's pattern: ECMAScript
// regexes explore alternatives and quantifiers in the same priority order as Perl's. `.` is
// written [^\n] because ECMAScript's dot also refuses "\r", which Perl's does not.
TEST(InventoryCsvTest, SplitMatchesBacktrackingRegex) {
  std::mt19937 rng(2024);
  const char alphabet[] = {'a', '\\', '"', ',', 'b', '\r'};
  int matched = 0;
  for (size_t columns = 1; columns <= 4; ++columns) {
    std::string pattern = "^";
    for (size_t i = 0; i < columns; ++i) {
      if (i > 0) pattern += ",";
      pattern += R"re((?:([^\\",]*?)|"((?:\\"|\\|[^\n])*)"))re";
    }
    pattern += "$";
    const std::regex re(pattern);
    for (int iter = 0; iter < 4000; ++iter) {
      // Half the lines are random bytes; half are `columns` random pieces, some quoted, joined
      // by commas, which is where the ambiguous splits are.
      auto random_text = [&](size_t max_len) {
        std::string text;
        const size_t len = rng() % (max_len + 1);
        for (size_t i = 0; i < len; ++i) text += alphabet[rng() % sizeof(alphabet)];
        return text;
      };
      std::string line;
      if (iter % 2 == 0) {
        line = random_text(14);
      } else {
        for (size_t i = 0; i < columns; ++i) {
          if (i > 0) line += ',';
          line += rng() % 2 == 0 ? random_text(4) : "\"" + random_text(5) + "\"";
        }
      }
      std::smatch m;
      const bool regex_ok = std::regex_match(line, m, re);
      auto split = internal::SplitCsvRecord(line, columns);
      ASSERT_EQ(regex_ok, split.has_value()) << "columns " << columns << " line [" << line << "]";
      if (!regex_ok) continue;
      ++matched;
      for (size_t i = 0; i < columns; ++i) {
        std::string expected;
        if (m[2 * i + 2].matched) {
          expected = std::regex_replace(m[2 * i + 2].str(), std::regex(R"(\\")"), "\"");
        } else {
          ASSERT_TRUE(m[2 * i + 1].matched);
          expected = m[2 * i + 1].str();
        }
        EXPECT_EQ((*split)[i], expected) << "columns " << columns << " line [" << line << "] field " << i;
      }
    }
  }
  EXPECT_GT(matched, 2000);
}

// A hostile line (many quotes and commas) stays fast: the search is O(columns x length).
TEST(InventoryCsvTest, PathologicalLineIsFast) {
  std::string body;
  for (int i = 0; i < 100000; ++i) body += "\",";
  for (size_t columns : {2u, 5u, 50u}) {
    EXPECT_FALSE(internal::SplitCsvRecord(body + "\\", columns).has_value());
    EXPECT_TRUE(internal::SplitCsvRecord(body + "\"", columns).has_value());
  }
}

}  // namespace
}  // namespace mtg::meta
