#include "sync/download_state.h"

#include <gtest/gtest.h>

#include "hash/tree_hash.h"

namespace mtg::sync {
namespace {

TEST(PlanSegments, WholeArchiveWhenUnsegmentedOrSmall) {
  EXPECT_TRUE(PlanSegments(0, 0).empty());
  auto one = PlanSegments(5, 0);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].first, 0u);
  EXPECT_EQ(one[0].last, 4u);
  auto exact = PlanSegments(2 * kMiB, 2 * kMiB);
  ASSERT_EQ(exact.size(), 1u);
  EXPECT_EQ(exact[0].last, 2 * kMiB - 1);
}

TEST(PlanSegments, EqualRangesThenAShorterLastOneAllTreeHashAligned) {
  const uint64_t size = 5 * kMiB + 123;
  auto ranges = PlanSegments(size, 2 * kMiB);
  ASSERT_EQ(ranges.size(), 3u);
  EXPECT_EQ(ranges[0].first, 0u);
  EXPECT_EQ(ranges[1].first, 2 * kMiB);
  EXPECT_EQ(ranges[2].first, 4 * kMiB);
  EXPECT_EQ(ranges[2].last, size - 1);
  uint64_t covered = 0;
  for (const auto& r : ranges) {
    EXPECT_TRUE(hash::IsTreeHashAligned(r.first, r.last, size)) << r.first;
    covered += r.size();
  }
  EXPECT_EQ(covered, size);
}

TEST(PlanSegments, RangeHashesCombineIntoTheArchiveHash) {
  std::vector<uint8_t> data(7 * kMiB + 5);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i * 31 % 253);
  for (uint64_t seg : {kMiB, 2 * kMiB, 4 * kMiB}) {
    std::vector<hash::Digest> parts;
    for (const auto& r : PlanSegments(data.size(), seg)) {
      parts.push_back(hash::TreeHashOf({data.data() + r.first, r.size()}));
    }
    EXPECT_EQ(hash::CombineTreeHashes(parts), hash::TreeHashOf(data)) << seg;
  }
}

TEST(TempNames, FixedLengthDistinctPerArchiveAndName) {
  std::string long_name(250, 'n');
  EXPECT_EQ(TempNameFor("id1", long_name).size(), TempNameFor("id1", "a").size());
  EXPECT_NE(TempNameFor("id1", "a"), TempNameFor("id2", "a"));
  EXPECT_NE(TempNameFor("id1", "a"), TempNameFor("id1", "b"));
  EXPECT_EQ(TempNameFor("id1", "a"), TempNameFor("id1", "a"));
  EXPECT_TRUE(TempNameFor("x", "y").ends_with(".part"));
  EXPECT_TRUE(SidecarNameFor("x", "y").ends_with(".state"));
}

ResumeState Sample() {
  return {.archive_id = "ARCHIVE-id_1", .size = 5 * kMiB, .tree_hash = std::string(64, 'a'),
          .segment_size = 2 * kMiB,
          .verified = {{0, 2 * kMiB - 1, std::string(64, 'b')}, {4 * kMiB, 5 * kMiB - 1, std::string(64, 'c')}}};
}

TEST(ResumeStateFormat, RoundTrips) {
  ResumeState s = Sample();
  auto back = ParseResumeState(FormatResumeState(s), "x.state");
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_TRUE(SameDownload(*back, s));
  ASSERT_EQ(back->verified.size(), 2u);
  EXPECT_EQ(back->verified[1].first, 4 * kMiB);
  EXPECT_EQ(back->verified[1].last, 5 * kMiB - 1);
  EXPECT_EQ(back->verified[1].tree_hash, std::string(64, 'c'));
}

TEST(ResumeStateFormat, RefusesDamagedFilesNamingTheLine) {
  std::string text = FormatResumeState(Sample());
  auto torn = ParseResumeState(text.substr(0, text.size() - 3), "s");
  ASSERT_FALSE(torn);
  EXPECT_NE(torn.error().message.find("torn"), std::string::npos);
  std::string bad_hash = text;
  bad_hash.replace(bad_hash.find("verified 0 "), 12, "verified 0 x");
  auto r = ParseResumeState(bad_hash, "dir/s.state");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("dir/s.state: line 6"), std::string::npos) << r.error().message;
  EXPECT_FALSE(ParseResumeState("something else\n", "s"));
  EXPECT_FALSE(ParseResumeState("mtglacier-restore-state 1\narchive a\n", "s"));
}

TEST(ResumeStateFormat, SameDownloadComparesThePlanNotTheProgress) {
  ResumeState a = Sample(), b = Sample();
  b.verified.clear();
  EXPECT_TRUE(SameDownload(a, b));
  b.segment_size = kMiB;
  EXPECT_FALSE(SameDownload(a, b));
  b = Sample();
  b.tree_hash = std::string(64, 'd');
  EXPECT_FALSE(SameDownload(a, b));
}

}  // namespace
}  // namespace mtg::sync
