#include "sync/verify.h"

#include <gtest/gtest.h>

#include "journal/journal_writer.h"
#include "journal/replay.h"

namespace mtg::sync {
namespace {

const std::string kA(64, 'a'), kB(64, 'b');

std::string Created(int64_t time, const std::string& id, uint64_t size, const std::string& tree,
                    const std::string& name) {
  return *journal::FormatCreated({.time = time, .archive_id = id, .size = size, .mtime = 1,
                                  .tree_hash = tree, .relfilename = name}) + "\n";
}

meta::InventoryItem Item(std::string id, uint64_t size, std::string tree) {
  meta::InventoryItem item;
  item.archive_id = std::move(id);
  item.size = size;
  item.sha256_tree_hash = std::move(tree);
  item.creation_date = "2026-01-01T00:00:00Z";
  return item;
}

TEST(Verify, ReportsEveryKindOfDifference) {
  auto state = journal::ReplayJournal(Created(100, "same", 5, kA, "same") + Created(100, "size", 5, kA, "size") +
                                      Created(100, "tree", 5, kA, "tree") + Created(100, "gone", 5, kA, "gone") +
                                      Created(900, "late", 5, kA, "late"));
  ASSERT_TRUE(state) << state.error().message;
  std::vector<std::string> lines;
  InventoryVerifier v(*state, [&](const std::string& l) { lines.push_back(l); });
  ASSERT_TRUE(v.Consider(Item("same", 5, kA)));
  ASSERT_TRUE(v.Consider(Item("size", 6, kA)));
  ASSERT_TRUE(v.Consider(Item("tree", 5, kB)));
  ASSERT_TRUE(v.Consider(Item("stranger", 7, kA)));
  VerifyCounts c = v.Finish(500);
  EXPECT_EQ(c.ok, 1u);
  EXPECT_EQ(c.size_mismatch, 1u);
  EXPECT_EQ(c.tree_hash_mismatch, 1u);
  EXPECT_EQ(c.not_in_journal, 1u);
  EXPECT_EQ(c.missing_in_vault, 1u);
  EXPECT_EQ(c.newer_than_inventory, 1u);
  EXPECT_FALSE(c.AllMatch());
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[0], "SIZE MISMATCH archive size (filename size): journal 5, vault 6");
  EXPECT_EQ(lines[1], "TREEHASH MISMATCH archive tree (filename tree): journal " + kA + ", vault " + kB);
  EXPECT_EQ(lines[2], "NOT IN JOURNAL archive stranger (size 7, created 2026-01-01T00:00:00Z)");
  EXPECT_EQ(lines[3], "MISSING IN VAULT archive gone (filename gone)");
  EXPECT_EQ(lines[4], "NOT YET IN INVENTORY archive late (filename late): uploaded after the inventory was taken");
}

TEST(Verify, AllMatchWhenEqualIgnoringHexCase) {
  auto state = journal::ReplayJournal(Created(100, "x", 5, kA, "x"));
  ASSERT_TRUE(state);
  InventoryVerifier v(*state, [](const std::string& l) { ADD_FAILURE() << l; });
  std::string upper(64, 'A');
  ASSERT_TRUE(v.Consider(Item("x", 5, upper)));
  ASSERT_TRUE(v.Consider(Item("x", 5, upper)));  // listed twice: judged once
  VerifyCounts c = v.Finish(500);
  EXPECT_TRUE(c.AllMatch());
  EXPECT_EQ(c.ok, 1u);
}

}  // namespace
}  // namespace mtg::sync
