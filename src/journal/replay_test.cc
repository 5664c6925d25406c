#include "journal/replay.h"

#include <gtest/gtest.h>

#include <string>

namespace mtg::journal {
namespace {

const std::string kHashA = "559aead08264d5795d3909718cdd05abd49572e84fe55590eef31a88a08fdffd";
const std::string kHashB = "0f3bb802442a3892745245d8376063633cd1756ca8d06e06b83cdb5c579dcb38";

std::string Created(int64_t time, const std::string& id, uint64_t size, const std::string& mtime,
                    const std::string& hash, const std::string& name) {
  return "B\t" + std::to_string(time) + "\tCREATED\t" + id + "\t" + std::to_string(size) + "\t" + mtime +
         "\t" + hash + "\t" + name + "\n";
}
std::string Deleted(int64_t time, const std::string& id, const std::string& name) {
  return "B\t" + std::to_string(time) + "\tDELETED\t" + id + "\t" + name + "\n";
}

TEST(Replay, EmptyJournal) {
  auto state = ReplayJournal("");
  ASSERT_TRUE(state) << state.error().message;
  EXPECT_EQ(state->archive_count(), 0u);
  EXPECT_EQ(state->file_count(), 0u);
  EXPECT_EQ(state->line_count(), 0u);
  EXPECT_TRUE(state->warnings().empty());
}

TEST(Replay, CreatedDeletedAndVersions) {
  std::string j = Created(100, "ID1", 10, "1000", kHashA, "a.txt") +
                  Created(101, "ID2", 20, "2000", kHashB, "b.txt") +
                  Created(102, "ID3", 11, "1500", kHashB, "a.txt") +  // newer mtime: latest
                  Created(103, "ID4", 12, "900", kHashA, "a.txt") +   // newer upload, older mtime
                  Deleted(104, "ID2", "b.txt");
  auto state = ReplayJournal(j);
  ASSERT_TRUE(state) << state.error().message;
  EXPECT_EQ(state->archive_count(), 3u);
  ASSERT_EQ(state->file_count(), 1u);
  FileEntry a = state->file(0);
  EXPECT_EQ(a.relfilename(), "a.txt");
  EXPECT_EQ(a.version_count(), 3u);
  EXPECT_EQ(a.latest().archive_id(), "ID3");
  EXPECT_EQ(a.latest().size(), 11u);
  EXPECT_EQ(a.latest().tree_hash(), kHashB);
  EXPECT_EQ(a.latest().line(), 3u);
  auto versions = a.versions();
  ASSERT_EQ(versions.size(), 3u);
  EXPECT_EQ(versions[0].archive_id(), "ID1");
  EXPECT_EQ(versions[2].archive_id(), "ID4");
  EXPECT_FALSE(state->FindFile("b.txt"));
  EXPECT_FALSE(state->FindArchive("ID2"));
  ASSERT_TRUE(state->FindArchive("ID4"));
  EXPECT_EQ(state->FindArchive("ID4")->mtime(), 900);
  EXPECT_TRUE(state->FindArchive("ID4")->HasArchiveId("ID4"));
  EXPECT_EQ(state->archives().size(), 3u);
}

TEST(Replay, LatestUsesTimeWhenMtimeUnknownAndTimeOnTies) {
  std::string j = Created(5000, "X1", 1, "NONE", kHashA, "f") +   // key 5000
                  Created(100, "X2", 2, "4000", kHashA, "f") +    // key 4000
                  Created(200, "Y1", 1, "7", kHashA, "g") +       // key 7, time 200
                  Created(300, "Y2", 2, "7", kHashA, "g") +       // key 7, time 300: wins
                  Created(300, "Z1", 1, "7", kHashA, "h") +       // full tie: later line wins
                  Created(300, "Z2", 2, "7", kHashA, "h");
  auto state = ReplayJournal(j);
  ASSERT_TRUE(state) << state.error().message;
  EXPECT_EQ(state->FindFile("f")->latest().archive_id(), "X1");
  EXPECT_EQ(state->FindFile("f")->latest().mtime(), std::nullopt);
  EXPECT_EQ(state->FindFile("g")->latest().archive_id(), "Y2");
  EXPECT_EQ(state->FindFile("h")->latest().archive_id(), "Z2");
}

TEST(Replay, CrlfAccepted) {
  std::string j = "B\t1\tCREATED\tID\t5\t6\t" + kHashA + "\tname\r\n";
  auto state = ReplayJournal(j);
  ASSERT_TRUE(state) << state.error().message;
  ASSERT_TRUE(state->FindFile("name"));
}

TEST(Replay, TornLastLineIsAWarning) {
  std::string good = Created(1, "ID1", 1, "1", kHashA, "a") + Created(2, "ID2", 2, "2", kHashA, "b");
  std::string torn = "B\t3\tCREATED\tID3\t3\t3\t" + kHashA + "\tc";  // complete, but no newline
  auto state = ReplayJournal(good + torn);
  ASSERT_TRUE(state) << state.error().message;
  EXPECT_EQ(state->archive_count(), 2u);
  ASSERT_EQ(state->warnings().size(), 1u);
  EXPECT_EQ(state->warnings()[0].line, 3u);
  EXPECT_NE(state->warnings()[0].message.find("line 3 is not fully written"), std::string::npos);
  EXPECT_EQ(state->torn_tail_offset(), good.size());
  // Garbage in a torn tail is not an error either.
  state = ReplayJournal(good + "B\t3\tCRE");
  ASSERT_TRUE(state);
  EXPECT_EQ(state->archive_count(), 2u);
}

TEST(Replay, ErrorsNameTheLine) {
  auto r = ReplayJournal(Created(1, "ID1", 1, "1", kHashA, "a") + "hello world\n");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kParse);
  EXPECT_EQ(r.error().message, "Invalid format of journal, line 2 is in unknown format: \"hello world\"");
  r = ReplayJournal("\n");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "Invalid format of journal, line 1 is in unknown format: \"\"");
  r = ReplayJournal(Created(1, "ID1", 1, "1", kHashA, "a") + "A\t1\tCREATED\tI\t1\tNONE\th\tx\n");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("line 2: mtime NONE is not allowed in a version A record"),
            std::string::npos);
  r = ReplayJournal(Created(99999999999, "ID1", 1, "1", kHashA, "a") +
                    "B\t99999999999999999999\tDELETED\tID1\ta\n");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("line 2: the time is out of range"), std::string::npos);
}

TEST(Replay, DuplicateCreatedIsAnErrorUnlessTolerated) {
  std::string line = Created(1, "ID1", 1, "1", kHashA, "a");
  auto r = ReplayJournal(line + Created(2, "ID9", 1, "1", kHashA, "b") + line);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "Inconsistent journal: line 3 creates archive \"ID1\" again (line 1 already created it); "
            "the journal was edited or damaged");
  ReplayOptions tolerant;
  tolerant.tolerate_inconsistency = true;
  auto state = ReplayJournal(line + Created(2, "ID1", 7, "1", kHashA, "other"), tolerant);
  ASSERT_TRUE(state);
  EXPECT_EQ(state->archive_count(), 1u);
  EXPECT_EQ(state->FindArchive("ID1")->relfilename(), "a");  // the first one is kept
  ASSERT_EQ(state->warnings().size(), 1u);
  EXPECT_EQ(state->warnings()[0].line, 2u);
  // Created again after a deletion is fine: the id is free again.
  state = ReplayJournal(line + Deleted(2, "ID1", "a") + line);
  ASSERT_TRUE(state) << state.error().message;
  EXPECT_EQ(state->archive_count(), 1u);
}

TEST(Replay, DeleteOfUnknownArchive) {
  auto r = ReplayJournal(Created(1, "ID1", 1, "1", kHashA, "a") + Deleted(2, "NOPE", "x.txt"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "Inconsistent journal: line 2 deletes archive \"NOPE\", which is not in the journal "
            "(never created, or already deleted)");
  r = ReplayJournal(Created(1, "ID1", 1, "1", kHashA, "a") + Deleted(2, "ID1", "a") + Deleted(3, "ID1", "a"));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("line 3 deletes"), std::string::npos);
  ReplayOptions tolerant;
  tolerant.tolerate_inconsistency = true;
  auto state = ReplayJournal(Deleted(2, "NOPE", "x.txt"), tolerant);
  ASSERT_TRUE(state);
  EXPECT_EQ(state->warnings().size(), 1u);
}

TEST(Replay, FilterSkipsCreatedAndExcusesTheirDeletes) {
  ReplayOptions options;
  options.include = [](std::string_view name) { return name.substr(0, 5) != "skip/"; };
  std::string j = Created(1, "ID1", 1, "1", kHashA, "keep/a") + Created(2, "ID2", 1, "1", kHashA, "skip/b") +
                  Deleted(3, "ID2", "skip/b") + Deleted(4, "GONE", "skip/c");
  auto state = ReplayJournal(j, options);
  ASSERT_TRUE(state) << state.error().message;
  EXPECT_EQ(state->archive_count(), 1u);
  EXPECT_FALSE(state->FindFile("skip/b"));
  // A deletion of an unknown archive with an included name is still an error.
  auto r = ReplayJournal(j + Deleted(5, "GONE", "keep/z"), options);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("line 5 deletes"), std::string::npos);
  // A known archive is deleted even when the DELETED line names another (filtered-out) file:
  // deletion is keyed by archive id only.
  state = ReplayJournal(Created(1, "ID1", 1, "1", kHashA, "keep/a") + Deleted(2, "ID1", "skip/x"), options);
  ASSERT_TRUE(state);
  EXPECT_EQ(state->archive_count(), 0u);
}

TEST(Replay, RetrieveJobsAndTheDayRule) {
  std::string j = Created(1, "ID1", 1, "1", kHashA, "a") + "B\t1000\tRETRIEVE_JOB\tID1\tJOB1\n" +
                  "900 RETRIEVE_JOB ID2\n";
  auto state = ReplayJournal(j);
  ASSERT_TRUE(state) << state.error().message;
  ASSERT_EQ(state->retrieve_jobs().size(), 2u);
  EXPECT_EQ(state->retrieve_jobs()[0].job_id, "JOB1");
  EXPECT_EQ(state->retrieve_jobs()[1].job_id, "");
  EXPECT_EQ(state->retrieve_jobs()[1].line, 3u);
  EXPECT_EQ(state->ActiveRetrievals(1000 + 86399).count("ID1"), 1u);
  EXPECT_EQ(state->ActiveRetrievals(1000 + 86400).count("ID1"), 0u);
  EXPECT_EQ(state->ActiveRetrievals(900 + 86399).size(), 2u);
  EXPECT_EQ(state->ActiveRetrievals(0).size(), 2u);  // future records count as active
  EXPECT_TRUE(state->ActiveRetrievals(INT64_MAX).empty());
}

TEST(Replay, UnusualIdsAndHashesRoundTrip) {
  std::string odd_id = "id+with/other=chars\xc3\xa9";
  std::string j = Created(1, odd_id, 1, "1", "NOT-HEX", "a") + Created(2, "abc_-XYZ09", 1, "1", kHashA, "b") +
                  Created(3, "A", 1, "1", std::string(64, 'F'), "c");
  auto state = ReplayJournal(j);
  ASSERT_TRUE(state) << state.error().message;
  EXPECT_EQ(state->FindFile("a")->latest().archive_id(), odd_id);
  EXPECT_EQ(state->FindFile("a")->latest().tree_hash(), "NOT-HEX");
  EXPECT_EQ(state->FindFile("b")->latest().archive_id(), "abc_-XYZ09");
  EXPECT_EQ(state->FindFile("c")->latest().tree_hash(), std::string(64, 'F'));  // uppercase kept
  EXPECT_TRUE(state->FindArchive(odd_id));
  EXPECT_FALSE(state->FindArchive("abc_-XYZ0"));
  EXPECT_FALSE(state->FindArchive("abc_-XYZ09A"));
}

TEST(Replay, ChunkBoundariesDoNotMatter) {
  std::string j;
  for (int i = 0; i < 50; ++i) {
    j += Created(i, "ID" + std::to_string(i), i + 1, std::to_string(i), kHashA, "f" + std::to_string(i % 7));
    if (i % 5 == 4) j += Deleted(i, "ID" + std::to_string(i - 2), "x");
  }
  j += "B\t1\tCRE";  // torn
  auto whole = ReplayJournal(j);
  ASSERT_TRUE(whole) << whole.error().message;
  for (size_t step : {1u, 2u, 7u, 64u}) {
    JournalReader reader;
    for (size_t pos = 0; pos < j.size(); pos += step) ASSERT_TRUE(reader.Feed(std::string_view(j).substr(pos, step)));
    auto state = reader.Finish();
    ASSERT_TRUE(state);
    EXPECT_EQ(state->archive_count(), whole->archive_count());
    EXPECT_EQ(state->file_count(), whole->file_count());
    EXPECT_EQ(state->torn_tail_offset(), whole->torn_tail_offset());
    for (size_t f = 0; f < state->file_count(); ++f) {
      EXPECT_EQ(state->file(f).latest().archive_id(), whole->file(f).latest().archive_id());
    }
  }
}

TEST(Replay, ManyRecordsGrowTheTables) {
  std::string j;
  for (int i = 0; i < 20000; ++i) {
    j += Created(i, "ARCHIVE_" + std::to_string(i), 1, "1", kHashA, "dir/" + std::to_string(i % 3000));
  }
  for (int i = 0; i < 20000; i += 3) j += Deleted(1, "ARCHIVE_" + std::to_string(i), "x");
  auto state = ReplayJournal(j);
  ASSERT_TRUE(state) << state.error().message;
  EXPECT_EQ(state->archive_count(), 20000u - 6667u);
  EXPECT_FALSE(state->FindArchive("ARCHIVE_3"));
  EXPECT_TRUE(state->FindArchive("ARCHIVE_4"));
  EXPECT_EQ(state->file_count(), 2000u);  // files k with k % 3 == 0 lost every version
}

// Most lines take the one-pass scanner and the rest the full parser; the two must store the same
// keys, so records created on one path are found from the other, in any split of the input.
TEST(Replay, FastAndGeneralPathsAgree) {
  const std::string id(138, 'Q');
  const std::string id2 = "Zz09-_" + std::string(132, 'y');
  std::string j = Created(100, id, 10, "1000", kHashA, "fast.txt") +           // fast path
                  "101 DELETED " + id + " fast.txt\n" +                          // version 0: general
                  "102 CREATED " + id2 + " 5 " + kHashB + " old name.txt\n" +    // version 0: general
                  "C\t103\tCREATED\t" + id + "\t7\t-5\t" + kHashA + "\tcaf\xc3\xa9/\xff.txt\r\n" +  // fast, CRLF
                  "B\t104\tCREATED\tW=\t1\tNONE\tHASH\tw\n" +                  // unpackable id, text hash
                  Deleted(105, id2, "old name.txt") +                            // fast delete of a general create
                  "B\t106\tRETRIEVE_JOB\t" + id + "\tJOB1\n";
  auto whole = ReplayJournal(j);
  ASSERT_TRUE(whole) << whole.error().message;
  EXPECT_EQ(whole->archive_count(), 2u);
  ASSERT_TRUE(whole->FindArchive(id));
  EXPECT_EQ(whole->FindArchive(id)->relfilename(), "caf\xc3\xa9/\xff.txt");
  EXPECT_EQ(whole->FindArchive(id)->mtime(), -5);
  EXPECT_EQ(whole->FindArchive(id)->line(), 4u);
  EXPECT_FALSE(whole->FindArchive(id2));
  ASSERT_TRUE(whole->FindArchive("W="));
  EXPECT_EQ(whole->FindArchive("W=")->tree_hash(), "HASH");
  EXPECT_EQ(whole->retrieve_jobs().size(), 1u);
  for (size_t cut = 0; cut <= j.size(); ++cut) {
    JournalReader reader;
    ASSERT_TRUE(reader.Feed(std::string_view(j).substr(0, cut)));
    ASSERT_TRUE(reader.Feed(std::string_view(j).substr(cut)));
    auto state = reader.Finish();
    ASSERT_TRUE(state);
    EXPECT_EQ(state->archive_count(), 2u) << cut;
    EXPECT_EQ(state->FindArchive(id)->line(), 4u) << cut;
  }

  // A duplicate found across the paths names both lines; a bad line after many good ones is
  // reported with its own number.
  auto dup = ReplayJournal(Created(100, id, 10, "1000", kHashA, "a") + "101 CREATED " + id + " 5 " + kHashB + " b\n");
  ASSERT_FALSE(dup);
  EXPECT_NE(dup.error().message.find("line 2 creates archive"), std::string::npos) << dup.error().message;
  EXPECT_NE(dup.error().message.find("(line 1 already created it)"), std::string::npos);
  std::string many;
  for (int i = 0; i < 1000; ++i) many += Created(i, id2 + std::to_string(i), 1, "1", kHashA, "f");
  auto bad = ReplayJournal(many + Created(1, id, 1, "1", kHashA, "a//b"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message,
            "Invalid format of journal, line 1001: invalid file name \"a//b\": the name contains an empty component (\"//\")");
}

}  // namespace
}  // namespace mtg::journal
