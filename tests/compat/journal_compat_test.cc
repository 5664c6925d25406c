// The journals in shared/compat/set-a, written by mt-aws-glacier 1.120, read by our journal code:
// replayed states must equal the manifests, and every hand-made edge journal must get the
// original's verdict (edge-journals/verdicts.txt) except where DESIGN.md §5 says we do better.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "io/file_system.h"
#include "journal/journal_file.h"

namespace mtg::journal {
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

std::vector<std::vector<std::string>> ReadTsv(const std::string& path) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(ReadText(path));
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> fields;
    size_t start = 0;
    for (size_t tab; (tab = line.find('\t', start)) != std::string::npos; start = tab + 1) {
      fields.push_back(line.substr(start, tab - start));
    }
    fields.push_back(line.substr(start));
    rows.push_back(std::move(fields));
  }
  return rows;
}

Result<JournalState> Load(const std::string& relpath) {
  return LoadJournal(io::PosixFileSystem::Instance(), SetDir() + "/" + relpath, {}, IfMissing::kError);
}

struct Manifest {
  uint64_t size;
  int64_t mtime;
  std::string tree_hash;
};

// relpath → (size, mtime, tree hash) for the files mtglacier uploads (size > 0).
std::map<std::string, Manifest> NonEmptyFiles(const std::string& tsv) {
  std::map<std::string, Manifest> out;
  for (const auto& row : ReadTsv(SetDir() + "/" + tsv)) {
    if (row.size() != 5) continue;
    uint64_t size = std::stoull(row[1]);
    if (size > 0) out[row[0]] = {size, std::stoll(row[2]), row[4]};
  }
  return out;
}

void ExpectStateMatches(const JournalState& state, const std::map<std::string, Manifest>& files) {
  for (const auto& [name, m] : files) {
    auto file = state.FindFile(name);
    ASSERT_TRUE(file) << name;
    EXPECT_EQ(file->version_count(), 1u) << name;
    Archive latest = file->latest();
    EXPECT_EQ(latest.size(), m.size) << name;
    EXPECT_EQ(latest.mtime(), m.mtime) << name;
    EXPECT_EQ(latest.tree_hash(), m.tree_hash) << name;
  }
}

TEST(CompatJournal, FirstSyncMatchesTheInitialTree) {
  // Lines 1-27 were written by the first sync of the initial tree.
  std::istringstream in(ReadText(SetDir() + "/journal.log"));
  std::string first27;
  std::string line;
  for (int i = 0; i < 27 && std::getline(in, line); ++i) first27 += line + "\n";
  auto state = ReplayJournal(first27);
  ASSERT_TRUE(state) << state.error().message;
  auto files = NonEmptyFiles("files.tsv");
  EXPECT_EQ(files.size(), 27u);
  EXPECT_EQ(state->file_count(), files.size());
  EXPECT_EQ(state->archive_count(), files.size());
  ExpectStateMatches(*state, files);
}

TEST(CompatJournal, FinalJournalMatchesTheModifiedTreePlusTheStream) {
  auto state = Load("journal.log");
  ASSERT_TRUE(state) << state.error().message;
  EXPECT_TRUE(state->warnings().empty());
  EXPECT_EQ(state->line_count(), 41u);
  auto files = NonEmptyFiles("files-modified.tsv");
  ExpectStateMatches(*state, files);

  auto stream = ReadTsv(SetDir() + "/stream.tsv");
  ASSERT_EQ(stream.size(), 1u);
  auto x = state->FindFile(stream[0][0]);
  ASSERT_TRUE(x);
  EXPECT_EQ(x->latest().size(), std::stoull(stream[0][1]));
  EXPECT_EQ(x->latest().tree_hash(), stream[0][4]);
  // upload-file --stdin records the upload start time as the mtime (commands.txt: 1795731858).
  EXPECT_EQ(x->latest().mtime(), 1795731858);

  // Nothing else is alive: deleted and replaced files left no versions behind.
  EXPECT_EQ(state->file_count(), files.size() + 1);
  EXPECT_EQ(state->archive_count(), files.size() + 1);

  // The restore asked for the three files removed after the second sync.
  std::set<std::string> restored;
  for (const RetrieveJob& job : state->retrieve_jobs()) {
    EXPECT_EQ(job.time, 1795731857);
    EXPECT_FALSE(job.job_id.empty());
    auto archive = state->FindArchive(job.archive_id);
    ASSERT_TRUE(archive) << job.archive_id;
    EXPECT_EQ(state->FindFile(archive->relfilename())->latest().archive_id(), job.archive_id);
    restored.insert(std::string(archive->relfilename()));
  }
  EXPECT_EQ(restored, (std::set<std::string>{
                          "big/three-ish MB.bin",
                          "long/съешьжеещёэтихмягкихфранцузскихбулокдавыпейчаюсъешьжеещёэтихмягкихфранцузс"
                          "кихбулокдавыпейчаюсъешьжеещёэтихмягкихфранцузс.txt",
                          "mtime/pre-1970 apollo.txt"}));
  EXPECT_EQ(state->ActiveRetrievals(1795731857 + 86399).size(), 3u);
  EXPECT_TRUE(state->ActiveRetrievals(1795731857 + 86400).empty());
}

// days_from_civil, for the inventory's "YYYYMMDDTHHMMSSZ" dates.
int64_t Epoch(const std::string& d) {
  int64_t y = std::stoll(d.substr(0, 4));
  int64_t m = std::stoll(d.substr(4, 2));
  int64_t day = std::stoll(d.substr(6, 2));
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  int64_t days = era * 146097 + doe - 719468;
  return days * 86400 + std::stoll(d.substr(9, 2)) * 3600 + std::stoll(d.substr(11, 2)) * 60 +
         std::stoll(d.substr(13, 2));
}

struct InventoryItem {
  uint64_t size;
  std::string tree_hash;
  int64_t creation;
};

// ArchiveId → item, pulled out of gemu's pretty-printed inventory.json by plain string search
// (a test-only shortcut; the real parser lives in mtg_meta).
std::map<std::string, InventoryItem> InventoryJson() {
  std::string text = ReadText(SetDir() + "/inventory.json");
  std::map<std::string, InventoryItem> out;
  auto field = [](const std::string& obj, const std::string& key) {
    std::string marker = "\"" + key + "\" : \"";
    size_t at = obj.find(marker);
    if (at == std::string::npos) return std::string();
    at += marker.size();
    return obj.substr(at, obj.find('"', at) - at);
  };
  size_t list = text.find("\"ArchiveList\"");
  for (size_t open = text.find('{', list); open != std::string::npos; open = text.find('{', open + 1)) {
    size_t close = text.find('}', open);
    std::string obj = text.substr(open, close - open);
    out[field(obj, "ArchiveId")] = {std::stoull(field(obj, "Size")), field(obj, "SHA256TreeHash"),
                                    Epoch(field(obj, "CreationDate"))};
  }
  return out;
}

class CompatInventoryJournal : public ::testing::TestWithParam<const char*> {};

TEST_P(CompatInventoryJournal, EqualsTheInventoryAndTheDescriptions) {
  auto state = Load(GetParam());
  ASSERT_TRUE(state) << state.error().message;
  EXPECT_TRUE(state->warnings().empty());
  auto inventory = InventoryJson();
  auto descriptions = ReadTsv(SetDir() + "/descriptions.tsv");
  ASSERT_EQ(inventory.size(), 28u);
  ASSERT_EQ(descriptions.size(), inventory.size());
  EXPECT_EQ(state->archive_count(), inventory.size());
  for (const auto& row : descriptions) {
    ASSERT_EQ(row.size(), 4u);
    auto archive = state->FindArchive(row[0]);
    ASSERT_TRUE(archive) << row[0];
    EXPECT_EQ(archive->relfilename(), row[2]);
    EXPECT_EQ(archive->mtime(), std::stoll(row[3]));
    const InventoryItem& item = inventory.at(row[0]);
    EXPECT_EQ(archive->size(), item.size);
    EXPECT_EQ(archive->tree_hash(), item.tree_hash);
    EXPECT_EQ(archive->time(), item.creation);
  }
  // The inventory lists exactly the archives alive in the live journal.
  auto live = Load("journal.log");
  ASSERT_TRUE(live);
  EXPECT_EQ(live->archive_count(), state->archive_count());
  for (const Archive& a : live->archives()) {
    auto same = state->FindArchive(a.archive_id());
    ASSERT_TRUE(same) << a.archive_id();
    EXPECT_EQ(same->relfilename(), a.relfilename());
    EXPECT_EQ(same->size(), a.size());
    EXPECT_EQ(same->tree_hash(), a.tree_hash());
    EXPECT_EQ(same->mtime(), a.mtime());
  }
}

INSTANTIATE_TEST_SUITE_P(Both, CompatInventoryJournal, ::testing::Values("inv-json.journal", "inv-csv.journal"));

// ---- edge journals ----

struct Verdict {
  bool accepted;
  std::string message;
};

std::map<std::string, Verdict> Verdicts() {
  std::map<std::string, Verdict> out;
  for (const auto& row : ReadTsv(SetDir() + "/edge-journals/verdicts.txt")) {
    if (row.size() != 4 || row[0].empty() || row[0][0] == '#') continue;
    out[row[0]] = {row[1] == "ACCEPTED", row[3]};
  }
  return out;
}

TEST(CompatEdgeJournals, VerdictsMatchTheOriginal) {
  auto verdicts = Verdicts();
  ASSERT_EQ(verdicts.size(), 13u);
  for (const auto& [name, verdict] : verdicts) {
    auto state = Load("edge-journals/" + name);
    // The one deliberate difference: a torn last line is a warning, not a fatal error.
    bool expect_accepted = verdict.accepted || name == "no-final-newline.journal";
    EXPECT_EQ(state.has_value(), expect_accepted)
        << name << ": " << (state ? std::string("accepted") : state.error().message);
    if (!state) {
      EXPECT_EQ(state.error().code, ErrorCode::kParse) << name;
      EXPECT_EQ(state.error().message.rfind("journal " + SetDir() + "/edge-journals/" + name + ": ", 0), 0u)
          << state.error().message;
    }
    // "ERROR: <text>" lines of the original are kept word for word.
    const std::string kError = "ERROR: ";
    if (!state && verdict.message.rfind(kError, 0) == 0 && name != "future-version-d.journal") {
      std::string original = verdict.message.substr(kError.size());
      EXPECT_EQ(state.error().message.substr(state.error().message.size() - original.size()), original)
          << name;
    }
  }
}

TEST(CompatEdgeJournals, AcceptedOnesHoldTheThreeFiles) {
  auto files = NonEmptyFiles("files-modified.tsv");
  for (const char* name : {"crlf.journal", "version-a.journal", "version-c.journal", "version-0.journal"}) {
    auto state = Load(std::string("edge-journals/") + name);
    ASSERT_TRUE(state) << name << ": " << state.error().message;
    EXPECT_EQ(state->file_count(), 3u) << name;
    for (const char* file : {"one.byte", "quotes/it's.txt", "sizes/2MiB+5.dat"}) {
      auto entry = state->FindFile(file);
      ASSERT_TRUE(entry) << name << " " << file;
      EXPECT_EQ(entry->latest().size(), files.at(file).size);
      EXPECT_EQ(entry->latest().tree_hash(), files.at(file).tree_hash);
      if (std::string(name) == "version-0.journal") {
        EXPECT_EQ(entry->latest().mtime(), std::nullopt);  // version 0 had no mtime
      } else {
        EXPECT_EQ(entry->latest().mtime(), files.at(file).mtime);
      }
    }
  }
  auto empty = Load("edge-journals/empty.journal");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->file_count(), 0u);
}

TEST(CompatEdgeJournals, TornLastLineIsAWarningAndTheRestLoads) {
  auto state = Load("edge-journals/no-final-newline.journal");
  ASSERT_TRUE(state) << state.error().message;
  EXPECT_EQ(state->archive_count(), 2u);
  ASSERT_EQ(state->warnings().size(), 1u);
  EXPECT_EQ(state->warnings()[0].line, 3u);
  EXPECT_EQ(state->warnings()[0].message.rfind("line 3 is not fully written", 0), 0u);
  EXPECT_TRUE(state->torn_tail_offset());
}

std::string ErrorOf(const std::string& name) {
  auto state = Load("edge-journals/" + name);
  EXPECT_FALSE(state) << name;
  if (state) return "";
  // Drop the "journal <path>: " context.
  const std::string& m = state.error().message;
  return m.substr(m.find(".journal: ") + 10);
}

TEST(CompatEdgeJournals, ClearMessagesWhereTheOriginalCrashed) {
  EXPECT_EQ(ErrorOf("future-version-d.journal").rfind(
                "Invalid format of journal, line 2 is from future version of mtglacier (version 'D'", 0),
            0u);
  EXPECT_EQ(ErrorOf("evil-filename.journal"),
            "Invalid format of journal, line 2: invalid file name \"../evil\": the name contains a \"..\" component");
  EXPECT_EQ(ErrorOf("version-a-mtime-none.journal").rfind(
                "Invalid format of journal, line 1: mtime NONE is not allowed in a version A record", 0),
            0u);
  EXPECT_EQ(ErrorOf("deleted-unknown-archive.journal"),
            "Inconsistent journal: line 2 deletes archive \"NOSUCHARCHIVE000000000000\", which is not in the "
            "journal (never created, or already deleted)");
  EXPECT_EQ(ErrorOf("duplicate-created.journal"),
            "Inconsistent journal: line 2 creates archive \"00000000009_01795731856_00002_32108_0397278394\" "
            "again (line 1 already created it); the journal was edited or damaged");
  EXPECT_EQ(ErrorOf("broken-b-line.journal"),
            "Invalid format of journal, line 2 is broken: \"B\\t1795731856\\tCREATED\\t00000000009_01795731856_"
            "00002_32108_0397278394X\\t1\\t12.5\\t559aead08264d5795d3909718cdd05abd49572e84fe55590eef31a88a08fdffd"
            "\\tx.txt\"");
}

}  // namespace
}  // namespace mtg::journal
