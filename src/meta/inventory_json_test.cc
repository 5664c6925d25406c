#include "meta/inventory_json.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "meta/iso8601.h"

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

struct Parsed {
  std::vector<InventoryItem> items;
  std::string vault_arn;
  std::string inventory_date;
};

// Feeds `text` split at the given chunk sizes (cycled), then Finish.
Result<Parsed> ParseChunked(std::string_view text, const std::vector<size_t>& chunks) {
  Parsed out;
  InventoryJsonParser parser([&](const InventoryItem& item) -> Result<void> {
    out.items.push_back(item);
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
  out.vault_arn = parser.vault_arn();
  out.inventory_date = parser.inventory_date();
  EXPECT_EQ(parser.archive_count(), out.items.size());
  return out;
}

Result<Parsed> Parse(std::string_view text) { return ParseChunked(text, {text.size() + 1}); }

std::string ParseError(std::string_view text) {
  Result<Parsed> r = Parse(text);
  if (r) return "(no error)";
  EXPECT_EQ(r.error().code, ErrorCode::kParse);
  return r.error().message;
}

// Every chunking gives the same result as feeding the whole text: one byte at a time, a few
// fixed sizes, and random ones.
void ExpectChunkingInvariant(std::string_view text) {
  Result<Parsed> whole = Parse(text);
  std::vector<std::vector<size_t>> plans = {{1}, {2}, {3}, {7}, {64}, {4096}};
  std::mt19937 rng(12345);
  for (int i = 0; i < 20; ++i) {
    std::vector<size_t> plan;
    for (int j = 0; j < 50; ++j) plan.push_back(1 + rng() % 40);
    plans.push_back(plan);
  }
  for (const auto& plan : plans) {
    Result<Parsed> split = ParseChunked(text, plan);
    ASSERT_EQ(whole.has_value(), split.has_value());
    if (!whole) {
      EXPECT_EQ(whole.error().message, split.error().message);
      continue;
    }
    EXPECT_EQ(whole->items, split->items);
    EXPECT_EQ(whole->vault_arn, split->vault_arn);
    EXPECT_EQ(whole->inventory_date, split->inventory_date);
  }
}

// The set-a inventory as gemu served it must give the archives of descriptions.tsv and the
// records mt-aws-glacier wrote from it into inv-json.journal.
TEST(InventoryJsonTest, CompatSetA) {
  const std::string dir = SharedDir() + "/compat/set-a/";
  const std::string text = ReadFile(dir + "inventory.json");
  Result<Parsed> parsed = Parse(text);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(parsed->vault_arn, "arn:aws:glacier:us-east-1:-:vaults/compat-set-a");
  EXPECT_EQ(parsed->inventory_date, "20261126T222418Z");

  const auto descriptions = ReadTsv(dir + "descriptions.tsv");
  const auto journal = ReadTsv(dir + "inv-json.journal");
  ASSERT_EQ(parsed->items.size(), 28u);
  ASSERT_EQ(descriptions.size(), parsed->items.size());
  ASSERT_EQ(journal.size(), parsed->items.size());
  for (size_t i = 0; i < parsed->items.size(); ++i) {
    const InventoryItem& item = parsed->items[i];
    EXPECT_EQ(item.archive_id, descriptions[i][0]);
    EXPECT_EQ(item.description, descriptions[i][1]);
    ASSERT_EQ(journal[i].size(), 8u);
    EXPECT_EQ(journal[i][2], "CREATED");
    EXPECT_EQ(std::to_string(item.creation_epoch), journal[i][1]);
    EXPECT_EQ(item.archive_id, journal[i][3]);
    EXPECT_EQ(std::to_string(item.size), journal[i][4]);
    EXPECT_EQ(item.sha256_tree_hash, journal[i][6]);
    EXPECT_EQ(EpochToIso8601(item.creation_epoch), item.creation_date);
  }
  ExpectChunkingInvariant(text);
}

// The real service's form (reference §6.5): Size a number, extended dates, fractions.
constexpr std::string_view kRealSample =
    R"({"VaultARN":"arn:aws:glacier:us-east-1:222222223333:vaults/test1","InventoryDate":"2013-11-06T02:51:29Z","ArchiveList":[)"
    "\n"
    R"({"ArchiveId":"95qYTtf_id1","ArchiveDescription":"textst zz123","CreationDate":"2012-08-23T19:08:30Z","Size":3000000,"SHA256TreeHash":"ef0d2592"},)"
    "\r\n"
    R"({"ArchiveId":"id2","ArchiveDescription":"","CreationDate":"2013-11-06T02:51:30.123Z","Size":0,"SHA256TreeHash":"ab"}]})";

TEST(InventoryJsonTest, RealServiceSample) {
  Result<Parsed> parsed = Parse(kRealSample);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(parsed->vault_arn, "arn:aws:glacier:us-east-1:222222223333:vaults/test1");
  EXPECT_EQ(parsed->inventory_date, "2013-11-06T02:51:29Z");
  ASSERT_EQ(parsed->items.size(), 2u);
  EXPECT_EQ(parsed->items[0].archive_id, "95qYTtf_id1");
  EXPECT_EQ(parsed->items[0].description, "textst zz123");
  EXPECT_EQ(parsed->items[0].creation_date, "2012-08-23T19:08:30Z");
  EXPECT_EQ(parsed->items[0].creation_epoch, 1345748910);
  EXPECT_EQ(parsed->items[0].size, 3000000u);
  EXPECT_EQ(parsed->items[0].sha256_tree_hash, "ef0d2592");
  EXPECT_EQ(parsed->items[1].description, "");
  EXPECT_EQ(parsed->items[1].creation_epoch, 1383706290);
  EXPECT_EQ(parsed->items[1].size, 0u);
  ExpectChunkingInvariant(kRealSample);
}

std::string Item(std::string_view fields) { return R"({"ArchiveList":[{)" + std::string(fields) + "}]}"; }

constexpr std::string_view kFields =
    R"("ArchiveId":"a","ArchiveDescription":"d","CreationDate":"20200101T000000Z","Size":"1","SHA256TreeHash":"h")";

TEST(InventoryJsonTest, EscapesDecodeToUtf8) {
  const std::string text = Item(
      R"("ArchiveId":"a\"b\\c\/d\b\f\n\r\t","ArchiveDescription":"\u00e9\u4e2d\ud83d\ude00\u0041 é中😀",)"
      R"("CreationDate":"20200101T000000Z","Size":"1","SHA256TreeHash":"h")");
  Result<Parsed> parsed = Parse(text);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  ASSERT_EQ(parsed->items.size(), 1u);
  EXPECT_EQ(parsed->items[0].archive_id, "a\"b\\c/d\b\f\n\r\t");
  EXPECT_EQ(parsed->items[0].description, "\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80" "A \xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80");
  ExpectChunkingInvariant(text);
}

TEST(InventoryJsonTest, UnknownFieldsAreSkippedWhateverTheyHold) {
  const std::string text =
      R"({"Extra":{"a":[1,2,{"ArchiveList":3}],"b":null},"VaultARN":"v","More":[[[]]],"ArchiveList":[)"
      R"({"X":{"ArchiveId":"no"},"ArchiveId":"a","Y":[true,false,null,-1.5e+3,"s"],"ArchiveDescription":"d",)"
      R"("CreationDate":"20200101T000000Z","Size":17,"SHA256TreeHash":"h","Z":"\u00e9"}],"Last":0.25,"InventoryDate":"i"})";
  Result<Parsed> parsed = Parse(text);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  ASSERT_EQ(parsed->items.size(), 1u);
  EXPECT_EQ(parsed->items[0].archive_id, "a");
  EXPECT_EQ(parsed->items[0].size, 17u);
  EXPECT_EQ(parsed->vault_arn, "v");
  EXPECT_EQ(parsed->inventory_date, "i");
  ExpectChunkingInvariant(text);
}

TEST(InventoryJsonTest, RepeatedKeyKeepsLastAndNullDescriptionIsEmpty) {
  Result<Parsed> parsed = Parse(Item(std::string(kFields) + R"(,"Size":25,"ArchiveDescription":null)"));
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(parsed->items[0].size, 25u);
  EXPECT_EQ(parsed->items[0].description, "");
}

TEST(InventoryJsonTest, EmptyListAndWhitespace) {
  Result<Parsed> parsed = Parse(" \t\r\n{ \"ArchiveList\" : [ ] } \n");
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_TRUE(parsed->items.empty());
  EXPECT_EQ(parsed->vault_arn, "");
}

TEST(InventoryJsonTest, SizeForms) {
  auto size_of = [](std::string_view value) -> std::string {
    Result<Parsed> r = Parse(Item(R"("ArchiveId":"a","ArchiveDescription":"d","CreationDate":"20200101T000000Z","SHA256TreeHash":"h","Size":)" +
                                  std::string(value)));
    return r ? std::to_string(r->items[0].size) : r.error().message;
  };
  EXPECT_EQ(size_of("0"), "0");
  EXPECT_EQ(size_of("\"17\""), "17");
  EXPECT_EQ(size_of("18446744073709551615"), "18446744073709551615");
  EXPECT_NE(size_of("18446744073709551616").find("Size \"18446744073709551616\" is not a whole number of bytes"),
            std::string::npos);
  for (const char* bad : {"-1", "1.5", "1e3", "\"\"", "\"1 \"", "\"x\"", "\"-1\""}) {
    EXPECT_NE(size_of(bad).find("is not a whole number of bytes"), std::string::npos) << bad;
  }
  EXPECT_NE(size_of("true").find("Size is not a number or a numeric string"), std::string::npos);
  EXPECT_NE(size_of("[1]").find("Size is not a number or a numeric string"), std::string::npos);
}

// Errors name the byte (0-based offset in the whole input) and the archive.
TEST(InventoryJsonTest, ErrorPositions) {
  const std::string two_items = R"({"ArchiveList":[{)" + std::string(kFields) + R"(},{"ArchiveId":"b"}]})";
  const size_t second_close = two_items.rfind('}', two_items.size() - 3);
  EXPECT_EQ(ParseError(two_items), "inventory JSON at byte " + std::to_string(second_close) +
                                       ": ArchiveList[1]: missing ArchiveDescription");

  const std::string no_hash = Item(R"("ArchiveId":"a","ArchiveDescription":"d","CreationDate":"20200101T000000Z","Size":1)");
  EXPECT_EQ(ParseError(no_hash), "inventory JSON at byte " + std::to_string(no_hash.size() - 3) +
                                     ": ArchiveList[0]: missing SHA256TreeHash");

  const std::string bad_date = Item(R"("ArchiveId":"a","ArchiveDescription":"d","CreationDate":"2020-13-01T00:00:00Z","Size":1,"SHA256TreeHash":"h")");
  EXPECT_EQ(ParseError(bad_date), "inventory JSON at byte " + std::to_string(bad_date.size() - 3) +
                                      ": ArchiveList[0]: CreationDate \"2020-13-01T00:00:00Z\" is not an ISO 8601 date");

  EXPECT_EQ(ParseError(R"({"ArchiveList":[1]})"), "inventory JSON at byte 16: ArchiveList[0] is not an object");
  EXPECT_EQ(ParseError(R"({"ArchiveList":{}})"), "inventory JSON at byte 15: ArchiveList is not an array");
  EXPECT_EQ(ParseError(R"({"ArchiveList":[],"ArchiveList":[]})"), "inventory JSON at byte 32: ArchiveList appears twice");
  EXPECT_EQ(ParseError(R"({"VaultARN":"v"})"), "inventory JSON at byte 15: no ArchiveList in the inventory");
  EXPECT_EQ(ParseError(R"({"VaultARN":1,"ArchiveList":[]})"), "inventory JSON at byte 12: VaultARN is not a string");
  EXPECT_EQ(ParseError(R"([])"), "inventory JSON at byte 0: the inventory is not a JSON object");
  EXPECT_EQ(ParseError(""), "inventory JSON at byte 0: empty input");
  EXPECT_EQ(ParseError("  \n"), "inventory JSON at byte 3: unexpected end of input");
  EXPECT_EQ(ParseError(R"({"ArchiveList":[)"), "inventory JSON at byte 16: unexpected end of input");
  EXPECT_EQ(ParseError(R"({"ArchiveList":[]} x)"), "inventory JSON at byte 19: unexpected data after the inventory object");
  EXPECT_EQ(ParseError(R"({"ArchiveList":[]}{})"), "inventory JSON at byte 18: unexpected data after the inventory object");
  EXPECT_EQ(ParseError(R"({"ArchiveList":[],})"), "inventory JSON at byte 18: key expected");
  EXPECT_EQ(ParseError(R"({"x":[1,],"ArchiveList":[]})"), "inventory JSON at byte 8: value expected");
  EXPECT_EQ(ParseError(R"({"ArchiveList" []})"), "inventory JSON at byte 15: ':' expected after a key");
  EXPECT_EQ(ParseError(R"({"ArchiveList":[] "x":1})"), "inventory JSON at byte 18: ',' or '}' expected");
  EXPECT_EQ(ParseError(R"({"x":[1 2],"ArchiveList":[]})"), "inventory JSON at byte 8: ',' or ']' expected");
  EXPECT_EQ(ParseError(R"({'ArchiveList':[]})"), "inventory JSON at byte 1: key or '}' expected");
  EXPECT_EQ(ParseError("\xEF\xBB\xBF{\"ArchiveList\":[]}"), "inventory JSON at byte 0: value expected");
  EXPECT_EQ(ParseError(R"({"x":tru,"ArchiveList":[]})"),
            "inventory JSON at byte 8: malformed literal (true, false or null expected)");
  EXPECT_EQ(ParseError(R"({"x":01,"ArchiveList":[]})"), "inventory JSON at byte 6: ',' or '}' expected");
  EXPECT_EQ(ParseError(R"({"x":-,"ArchiveList":[]})"), "inventory JSON at byte 6: malformed number");
  EXPECT_EQ(ParseError(R"({"x":1.,"ArchiveList":[]})"), "inventory JSON at byte 7: malformed number");
  EXPECT_EQ(ParseError(R"({"x":1e+,"ArchiveList":[]})"), "inventory JSON at byte 8: malformed number");
  EXPECT_EQ(ParseError(R"({"x":"\q","ArchiveList":[]})"), "inventory JSON at byte 7: invalid escape in string");
  EXPECT_EQ(ParseError(R"({"x":"\u12G4","ArchiveList":[]})"), "inventory JSON at byte 10: \\u escape needs four hex digits");
  EXPECT_EQ(ParseError(R"({"x":"\ud800x","ArchiveList":[]})"), "inventory JSON at byte 12: unpaired UTF-16 surrogate in \\u escape");
  EXPECT_EQ(ParseError(R"({"x":"\ud800\n","ArchiveList":[]})"), "inventory JSON at byte 13: unpaired UTF-16 surrogate in \\u escape");
  EXPECT_EQ(ParseError(R"({"x":"\ud800\u0041","ArchiveList":[]})"), "inventory JSON at byte 17: unpaired UTF-16 surrogate in \\u escape");
  EXPECT_EQ(ParseError(R"({"x":"\udc00","ArchiveList":[]})"), "inventory JSON at byte 11: unpaired UTF-16 surrogate in \\u escape");
  EXPECT_EQ(ParseError("{\"x\":\"a\tb\",\"ArchiveList\":[]}"), "inventory JSON at byte 7: raw control character in string");
  EXPECT_EQ(ParseError("{\"x\":\"\xC0\x80\",\"ArchiveList\":[]}"), "inventory JSON at byte 6: malformed UTF-8 in string");
  EXPECT_EQ(ParseError("{\"x\":\"\xED\xA0\x80\",\"ArchiveList\":[]}"), "inventory JSON at byte 7: malformed UTF-8 in string");
  EXPECT_EQ(ParseError("{\"x\":\"\xE4\xB8\",\"ArchiveList\":[]}"), "inventory JSON at byte 8: malformed UTF-8 in string");
  EXPECT_EQ(ParseError("{\"x\":\"\xF4\x90\x80\x80\",\"ArchiveList\":[]}"), "inventory JSON at byte 7: malformed UTF-8 in string");
  EXPECT_EQ(ParseError(Item(R"("ArchiveId":1)")), "inventory JSON at byte 29: ArchiveList[0]: ArchiveId is not a string");
  EXPECT_EQ(ParseError(Item(R"("ArchiveDescription":true)")),
            "inventory JSON at byte 38: ArchiveList[0]: ArchiveDescription is not a string or null");
  const std::string empty_id =
      Item(R"("ArchiveId":"","ArchiveDescription":"d","CreationDate":"20200101T000000Z","Size":1,"SHA256TreeHash":"h")");
  EXPECT_EQ(ParseError(empty_id), "inventory JSON at byte " + std::to_string(empty_id.size() - 3) +
                                      ": ArchiveList[0]: ArchiveId is empty");
}

TEST(InventoryJsonTest, FieldCap) {
  const std::string at_cap(kMaxInventoryFieldSize, 'x');
  auto with_description = [](const std::string& d) {
    return Item(R"("ArchiveId":"a","CreationDate":"20200101T000000Z","Size":1,"SHA256TreeHash":"h","ArchiveDescription":")" + d + "\"");
  };
  Result<Parsed> ok = Parse(with_description(at_cap));
  ASSERT_TRUE(ok.has_value()) << ok.error().message;
  EXPECT_EQ(ok->items[0].description.size(), kMaxInventoryFieldSize);
  const std::string over = with_description(at_cap + "y");
  const size_t quote = over.find("xxx");
  EXPECT_EQ(ParseError(over), "inventory JSON at byte " + std::to_string(quote) +
                                  ": ArchiveList[0]: value longer than 65536 bytes");
  // Fed byte by byte, the first byte over the cap is named.
  Result<Parsed> split = ParseChunked(over, {1});
  ASSERT_FALSE(split.has_value());
  EXPECT_EQ(split.error().message, "inventory JSON at byte " + std::to_string(quote + kMaxInventoryFieldSize) +
                                       ": ArchiveList[0]: value longer than 65536 bytes");
  // Skipped values are not buffered, so they have no cap.
  Result<Parsed> skipped = Parse(R"({"Other":")" + at_cap + at_cap + R"(","ArchiveList":[]})");
  EXPECT_TRUE(skipped.has_value());
}

TEST(InventoryJsonTest, DepthLimit) {
  std::string deep = R"({"x":)";
  for (size_t i = 0; i < kMaxJsonDepth - 1; ++i) deep += "[";
  std::string ok = deep;
  for (size_t i = 0; i < kMaxJsonDepth - 1; ++i) ok += "]";
  ok += R"(,"ArchiveList":[]})";
  EXPECT_TRUE(Parse(ok).has_value());
  EXPECT_EQ(ParseError(deep + "["), "inventory JSON at byte " + std::to_string(deep.size()) + ": nesting deeper than 512");
}

TEST(InventoryJsonTest, SinkErrorStopsAndSticks) {
  const std::string text = R"({"ArchiveList":[{)" + std::string(kFields) + "},{" + std::string(kFields) + "}]}";
  int calls = 0;
  InventoryJsonParser parser([&](const InventoryItem&) -> Result<void> {
    ++calls;
    return Fail(ErrorCode::kIo, "disk full");
  });
  Result<void> r = parser.Feed(text);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kIo);
  EXPECT_EQ(r.error().message, "disk full");
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(parser.archive_count(), 0u);
  EXPECT_EQ(parser.Feed("}").error().message, "disk full");
  EXPECT_EQ(parser.Finish().error().message, "disk full");
}

TEST(InventoryJsonTest, ChunkingInvarianceOnErrors) {
  ExpectChunkingInvariant(R"({"ArchiveList":[{"ArchiveId":"\ud83d\ude0)");
  ExpectChunkingInvariant("{\"x\":\"\xE4\xB8\xAD\xE4\",\"ArchiveList\":[]}");
  ExpectChunkingInvariant(R"({"x":123.5e-7 ,"ArchiveList":[]})");
  ExpectChunkingInvariant(R"({"x":12.,"ArchiveList":[]})");
}

}  // namespace
}  // namespace mtg::meta
