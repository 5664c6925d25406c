#include "sync/inventory_journal.h"

#include <gtest/gtest.h>

#include "io/memory_file_system.h"
#include "journal/replay.h"
#include "meta/description.h"

namespace mtg::sync {
namespace {

const std::string kHash = "1f748a0d0c815e8c3b032a004ad40183d71382c0fd80e82fc2f07a811412e51f";

meta::InventoryItem Item(std::string id, std::string description) {
  meta::InventoryItem item;
  item.archive_id = std::move(id);
  item.description = std::move(description);
  item.creation_date = "2013-11-06T02:51:29Z";
  item.creation_epoch = 1383706289;
  item.size = 5;
  item.sha256_tree_hash = kHash;
  return item;
}

TEST(InventoryJournal, OursGetNameAndMtimeForeignGetIdAndNone) {
  InventoryJournalCounts counts;
  std::vector<std::string> warnings;
  auto warn = [&](const std::string& w) { warnings.push_back(w); };
  auto ours = JournalLineFor(Item("AAA", *meta::EncodeDescription("ok/file", 1000000000)), counts, warn);
  ASSERT_TRUE(ours);
  EXPECT_EQ(*ours, "B\t1383706289\tCREATED\tAAA\t5\t1000000000\t" + kHash + "\tok/file");
  auto foreign = JournalLineFor(Item("BBB", "textst zz123"), counts, warn);
  ASSERT_TRUE(foreign);
  EXPECT_EQ(*foreign, "B\t1383706289\tCREATED\tBBB\t5\tNONE\t" + kHash + "\tBBB");
  EXPECT_EQ(counts.archives, 2u);
  EXPECT_EQ(counts.ours, 1u);
  EXPECT_EQ(counts.foreign, 1u);
  EXPECT_TRUE(warnings.empty());
}

TEST(InventoryJournal, UnsafeNamesOfOursAreKeptUnderTheArchiveIdWithAWarning) {
  InventoryJournalCounts counts;
  std::vector<std::string> warnings;
  auto warn = [&](const std::string& w) { warnings.push_back(w); };
  for (const char* hostile : {"../evil", "/etc/passwd", "a/../../b"}) {
    auto line = JournalLineFor(Item("ID", *meta::EncodeDescription(hostile, 5)), counts, warn);
    ASSERT_TRUE(line) << hostile;
    EXPECT_TRUE(line->ends_with("\tNONE\t" + kHash + "\tID")) << *line;
  }
  EXPECT_EQ(counts.unsafe_names, 3u);
  ASSERT_EQ(warnings.size(), 3u);
  EXPECT_NE(warnings[0].find("archive ID"), std::string::npos);
}

TEST(InventoryJournal, TreeHashIsLowercasedAndBadOnesNameTheArchive) {
  InventoryJournalCounts counts;
  meta::InventoryItem item = Item("UP", "x");
  for (char& c : item.sha256_tree_hash) c = static_cast<char>(std::toupper(c));
  auto line = JournalLineFor(item, counts, nullptr);
  ASSERT_TRUE(line);
  EXPECT_NE(line->find(kHash), std::string::npos);
  item.sha256_tree_hash = "nothex";
  auto bad = JournalLineFor(item, counts, nullptr);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("archive UP"), std::string::npos) << bad.error().message;
}

TEST(InventoryJournal, ContentTypes) {
  EXPECT_EQ(*InventoryFormatFromContentType("application/json"), InventoryFormat::kJson);
  EXPECT_EQ(*InventoryFormatFromContentType("text/csv; charset=UTF-8"), InventoryFormat::kCsv);
  auto bad = InventoryFormatFromContentType("application/octet-stream");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("application/octet-stream"), std::string::npos);
}

TEST(InventoryJournal, WritesAReadableJournalFromJsonAndCsv) {
  io::MemoryFileSystem fs;
  ASSERT_TRUE(fs.MakeDirs("/j"));
  const std::string desc = *meta::EncodeDescription("dir/f", 1234);
  const std::string json =
      R"({"VaultARN":"arn","InventoryDate":"2013-11-06T02:51:29Z","ArchiveList":[)"
      R"({"ArchiveId":"A1","ArchiveDescription":")" + desc +
      R"(","CreationDate":"2013-11-06T02:51:29Z","Size":5,"SHA256TreeHash":")" + kHash + R"("},)"
      R"({"ArchiveId":"A2","ArchiveDescription":"other","CreationDate":"2013-11-06T02:51:30Z","Size":6,"SHA256TreeHash":")" +
      kHash + R"("}]})";
  const std::string csv = "ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash\n"
                          "A1,\"" + desc + "\",2013-11-06T02:51:29Z,5," + kHash + "\n"
                          "A2,other,2013-11-06T02:51:30Z,6," + kHash + "\n";
  for (auto [text, format] : {std::pair{json, InventoryFormat::kJson}, std::pair{csv, InventoryFormat::kCsv}}) {
    ASSERT_TRUE(fs.WriteFileAtomically("/j/inv", text));
    auto counts = WriteJournalFromInventory(fs, "/j/inv", format, "/j/new.journal", nullptr);
    ASSERT_TRUE(counts) << counts.error().message;
    EXPECT_EQ(counts->archives, 2u);
    auto state = journal::ReplayJournal(*fs.ReadFile("/j/new.journal"));
    ASSERT_TRUE(state) << state.error().message;
    ASSERT_TRUE(state->FindFile("dir/f"));
    EXPECT_EQ(state->FindFile("dir/f")->latest().mtime(), 1234);
    ASSERT_TRUE(state->FindFile("A2"));
    EXPECT_FALSE(state->FindFile("A2")->latest().mtime());
    ASSERT_TRUE(fs.Remove("/j/new.journal"));
  }
}

TEST(InventoryJournal, ABadInventoryLeavesNoJournalBehind) {
  io::MemoryFileSystem fs;
  ASSERT_TRUE(fs.MakeDirs("/j"));
  ASSERT_TRUE(fs.WriteFileAtomically("/j/inv", R"({"ArchiveList":[{"ArchiveId":"A1"}]})"));
  auto r = WriteJournalFromInventory(fs, "/j/inv", InventoryFormat::kJson, "/j/new.journal", nullptr);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kParse);
  EXPECT_FALSE(*fs.Exists("/j/new.journal"));
  auto entries = fs.List("/j");
  ASSERT_TRUE(entries);
  EXPECT_EQ(entries->size(), 1u);  // only the inventory: the temporary journal is gone
}

}  // namespace
}  // namespace mtg::sync
