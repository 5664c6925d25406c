#include "inventory.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace mtg::server {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

class InventoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/inventory_test_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/inv";
  }
  void TearDown() override {
    unlink(path_.c_str());
    unlink((path_ + ".tmp").c_str());
    rmdir(dir_.c_str());
  }
  std::string dir_;
  std::string path_;
};

const char kHashA[] = "ef0d2592b2f1e2c3aa9f1e7ba0d8e7c1f0b1d9c2a3e4f5061728394a5b6c7d8e";
const char kHashB[] = "1f748a0d0c815e8c3b032a004ad40183d71382c0fd80e82fc2f07a811412e51f";

TEST(IsoDate, FormatsAndParses) {
  EXPECT_EQ(FormatIsoDate(1345748910), "2012-08-23T19:08:30Z");
  EXPECT_EQ(FormatIsoDate(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(ParseIsoDate("2012-08-23T19:08:30Z"), 1345748910);
  EXPECT_EQ(ParseIsoDate("2012-08-23T19:08:30.620Z"), 1345748910);
  EXPECT_EQ(ParseIsoDate("2012-08-23T19:08:30+00:00"), 1345748910);
  EXPECT_EQ(ParseIsoDate("2000-02-29T23:59:59Z"), 951868799);
  EXPECT_EQ(ParseIsoDate("1969-12-31T23:59:59Z"), -1);
  for (const char* bad : {"", "2012-08-23", "2012-08-23T19:08:30", "2012-08-23 19:08:30Z",
                          "2012-13-01T00:00:00Z", "2013-02-29T00:00:00Z", "2012-08-23T24:00:00Z",
                          "2012-08-23T19:08:30.Z", "2012-08-23T19:08:30+01:00", "20120823T190830Z",
                          "2012-08-23T19:08:30Zjunk", "2012-0a-23T19:08:30Z"}) {
    EXPECT_FALSE(ParseIsoDate(bad).has_value()) << bad;
  }
}

TEST(Format, NamesAndContentTypes) {
  EXPECT_EQ(ParseInventoryFormat("JSON"), InventoryFormat::kJson);
  EXPECT_EQ(ParseInventoryFormat("CSV"), InventoryFormat::kCsv);
  EXPECT_FALSE(ParseInventoryFormat("json").has_value());
  EXPECT_FALSE(ParseInventoryFormat("XML").has_value());
  EXPECT_EQ(InventoryContentType(InventoryFormat::kJson), "application/json");
  EXPECT_EQ(InventoryContentType(InventoryFormat::kCsv), "text/csv");
}

// The quirks mt-aws-glacier's parser was tested against on real Amazon output (§6.5).
TEST(AmazonCsv, QuotesOnlyDoubleQuotes) {
  EXPECT_EQ(AmazonCsvQuote(""), "\"\"");
  EXPECT_EQ(AmazonCsvQuote("a,b"), "\"a,b\"");
  EXPECT_EQ(AmazonCsvQuote("x\"x"), "\"x\\\"x\"");
  EXPECT_EQ(AmazonCsvQuote("a\\b"), "\"a\\b\"");
  EXPECT_EQ(AmazonCsvQuote("\\"), "\"\\\"");
  EXPECT_EQ(AmazonCsvQuote("\\\""), "\"\\\\\"\"");
  EXPECT_EQ(AmazonCsvQuote("{\"Path\":\"glacier-ui.exe\"}"),
            "\"{\\\"Path\\\":\\\"glacier-ui.exe\\\"}\"");
}

TEST_F(InventoryTest, JsonDocumentHasTheServiceShape) {
  auto w = InventoryWriter::Create(path_, InventoryFormat::kJson,
                                   "arn:aws:glacier:us-east-1:012345678901:vaults/v1", 1383706289);
  ASSERT_TRUE(w.has_value()) << w.error().message;
  ASSERT_TRUE((*w)->Add({"id-1", "mt2 abc", 1345748910, 3000000, kHashA}).has_value());
  ASSERT_TRUE((*w)->Add({"id-2", "q\"uote\\back", 1345748911, 1, kHashB}).has_value());
  auto size = (*w)->Finish();
  ASSERT_TRUE(size.has_value()) << size.error().message;
  std::string text = ReadFile(path_);
  EXPECT_EQ(*size, text.size());
  EXPECT_TRUE(text.starts_with(
            "{\"VaultARN\":\"arn:aws:glacier:us-east-1:012345678901:vaults/v1\",\"InventoryDate\":"
            "\"2013-11-06T02:51:29Z\",\"ArchiveList\":[{\"ArchiveId\":\"id-1\","))
      << text;
  auto doc = nlohmann::json::parse(text);
  ASSERT_EQ(doc["ArchiveList"].size(), 2u);
  const auto& a = doc["ArchiveList"][0];
  EXPECT_EQ(a["ArchiveId"], "id-1");
  EXPECT_EQ(a["ArchiveDescription"], "mt2 abc");
  EXPECT_EQ(a["CreationDate"], "2012-08-23T19:08:30Z");
  EXPECT_TRUE(a["Size"].is_number_unsigned());
  EXPECT_EQ(a["Size"], 3000000);
  EXPECT_EQ(a["SHA256TreeHash"], kHashA);
  EXPECT_EQ(doc["ArchiveList"][1]["ArchiveDescription"], "q\"uote\\back");
  EXPECT_EQ(access((path_ + ".tmp").c_str(), F_OK), -1);
}

TEST_F(InventoryTest, EmptyJsonInventory) {
  auto w = InventoryWriter::Create(path_, InventoryFormat::kJson, "arn:x", 0);
  ASSERT_TRUE(w.has_value());
  ASSERT_TRUE((*w)->Finish().has_value());
  EXPECT_EQ(ReadFile(path_),
            "{\"VaultARN\":\"arn:x\",\"InventoryDate\":\"1970-01-01T00:00:00Z\",\"ArchiveList\":[]}");
}

TEST_F(InventoryTest, CsvInAmazonDialect) {
  auto w = InventoryWriter::Create(path_, InventoryFormat::kCsv, "arn:x", 0);
  ASSERT_TRUE(w.has_value());
  ASSERT_TRUE((*w)->Add({"id-1", "mt2 abc", 1345748910, 3000000, kHashA}).has_value());
  ASSERT_TRUE((*w)->Add({"id-2", "a,\"b\"\\c", 1345748911, 1, kHashB}).has_value());
  ASSERT_TRUE((*w)->Finish().has_value());
  EXPECT_EQ(ReadFile(path_),
            std::string("ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash\n") +
                "id-1,\"mt2 abc\",2012-08-23T19:08:30Z,3000000," + kHashA + "\n" +
                "id-2,\"a,\\\"b\\\"\\c\",2012-08-23T19:08:31Z,1," + kHashB + "\n");
}

TEST_F(InventoryTest, AbandonedWriterLeavesNothing) {
  {
    auto w = InventoryWriter::Create(path_, InventoryFormat::kCsv, "arn:x", 0);
    ASSERT_TRUE(w.has_value());
    ASSERT_TRUE((*w)->Add({"id-1", "d", 1, 1, kHashA}).has_value());
  }
  EXPECT_EQ(access(path_.c_str(), F_OK), -1);
  EXPECT_EQ(access((path_ + ".tmp").c_str(), F_OK), -1);
}

TEST_F(InventoryTest, ManyArchivesStreamThroughTheBuffer) {
  auto w = InventoryWriter::Create(path_, InventoryFormat::kJson, "arn:x", 0);
  ASSERT_TRUE(w.has_value());
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    std::string id = "archive-" + std::to_string(i);
    ASSERT_TRUE((*w)->Add({id, "desc", 1345748910 + i, static_cast<uint64_t>(i + 1), kHashA})
                    .has_value());
  }
  auto size = (*w)->Finish();
  ASSERT_TRUE(size.has_value());
  EXPECT_GT(*size, 2u << 20);  // several buffer flushes happened
  auto doc = nlohmann::json::parse(ReadFile(path_));
  ASSERT_EQ(doc["ArchiveList"].size(), static_cast<size_t>(n));
  EXPECT_EQ(doc["ArchiveList"][n - 1]["ArchiveId"], "archive-19999");
  EXPECT_EQ(doc["ArchiveList"][n - 1]["Size"], n);
}

TEST_F(InventoryTest, CreateFailsInMissingDirectory) {
  auto w = InventoryWriter::Create(dir_ + "/no/such/inv", InventoryFormat::kJson, "arn:x", 0);
  ASSERT_FALSE(w.has_value());
  EXPECT_NE(w.error().message.find("no/such/inv"), std::string::npos);
}

}  // namespace
}  // namespace mtg::server
