// download-inventory's conversion on mt-aws-glacier's own files: inventory.json and
// inventory.csv from shared/compat/set-a (its emulator's quirks included: Size as a string,
// compact dates, backslash-escaped CSV, no final newline) must become, byte for byte, the
// journals mt-aws-glacier 1.120 wrote from them (inv-json.journal, inv-csv.journal).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "io/file_system.h"
#include "sync/inventory_journal.h"

namespace mtg::sync {
namespace {

std::string SetDir() {
  const char* env = std::getenv("MTG_SHARED_DIR");
  return std::string(env != nullptr ? env : MTG_SHARED_DIR) + "/compat/set-a";
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << path;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

struct Case {
  const char* inventory;
  InventoryFormat format;
  const char* journal;
};

class InventoryCompat : public ::testing::TestWithParam<Case> {};

TEST_P(InventoryCompat, ConvertsToTheOriginalsJournalByteForByte) {
  const Case c = GetParam();
  std::string tmpl = (std::filesystem::temp_directory_path() / "mtg-invcompat-XXXXXX").string();
  ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
  const std::string journal = tmpl + "/new.journal";
  std::vector<std::string> warnings;
  auto counts = WriteJournalFromInventory(io::PosixFileSystem::Instance(), SetDir() + "/" + c.inventory,
                                          c.format, journal,
                                          [&](const std::string& w) { warnings.push_back(w); });
  ASSERT_TRUE(counts) << counts.error().message;
  EXPECT_EQ(counts->archives, 28u);
  EXPECT_EQ(counts->ours, 28u);
  EXPECT_TRUE(warnings.empty());
  const std::string ours = ReadText(journal);
  const std::string theirs = ReadText(SetDir() + "/" + c.journal);
  EXPECT_TRUE(ours == theirs) << "ours:\n" << ours << "\ntheirs:\n" << theirs;
  std::filesystem::remove_all(tmpl);
}

INSTANTIATE_TEST_SUITE_P(SetA, InventoryCompat,
                         ::testing::Values(Case{"inventory.json", InventoryFormat::kJson, "inv-json.journal"},
                                           Case{"inventory.csv", InventoryFormat::kCsv, "inv-csv.journal"}),
                         [](const auto& param_info) {
                           return std::string(param_info.param.format == InventoryFormat::kJson ? "json" : "csv");
                         });

}  // namespace
}  // namespace mtg::sync
