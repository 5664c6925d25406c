#include "journal/pending_uploads.h"

#include <gtest/gtest.h>

#include "io/memory_file_system.h"

namespace mtg::journal {
namespace {

PendingUpload Entry(std::string id, std::string rel) {
  return PendingUpload{.upload_id = std::move(id), .vault = "v", .part_size = 1 << 20, .size = 5 << 20,
                       .mtime = -5, .final_tree_hash = {}, .relative_name = std::move(rel)};
}

TEST(PendingUploads, RoundTripsThroughTheFileAndDisappearsWhenEmpty) {
  io::MemoryFileSystem fs;
  const std::string path = PendingUploadsPath("/j/journal.log");
  EXPECT_EQ(path, "/j/journal.log.pending");
  ASSERT_TRUE(fs.MakeDirs("/j"));
  {
    auto p = PendingUploads::Load(fs, path);
    ASSERT_TRUE(p);
    EXPECT_TRUE(p->entries().empty());
    ASSERT_TRUE(p->Add(Entry("up1", "a b/c")));
    ASSERT_TRUE(p->Add(Entry("up2", "d")));
    ASSERT_TRUE(p->SetFinalTreeHash("up2", std::string(64, 'a')));
  }
  auto p = PendingUploads::Load(fs, path);
  ASSERT_TRUE(p) << p.error().message;
  ASSERT_EQ(p->entries().size(), 2u);
  PendingUpload found;
  ASSERT_TRUE(p->Find("v", "d", found));
  EXPECT_EQ(found.upload_id, "up2");
  EXPECT_EQ(found.final_tree_hash, std::string(64, 'a'));
  EXPECT_EQ(found.mtime, -5);
  EXPECT_FALSE(p->Find("other-vault", "d", found));
  ASSERT_TRUE(p->Find("v", "a b/c", found));
  EXPECT_EQ(found.final_tree_hash, "");
  ASSERT_TRUE(p->Remove("up1"));
  ASSERT_TRUE(p->Remove("up2"));
  EXPECT_FALSE(*fs.Exists(path));
}

TEST(PendingUploads, DamageIsAnErrorNamingTheLine) {
  const std::string good = PendingUploads::Format({Entry("up1", "a")});
  EXPECT_TRUE(PendingUploads::Parse(good, "p"));
  auto torn = PendingUploads::Parse(good.substr(0, good.size() - 1), "p");
  ASSERT_FALSE(torn);
  EXPECT_NE(torn.error().message.find("line 2"), std::string::npos) << torn.error().message;
  auto header = PendingUploads::Parse("something else\n", "p");
  ASSERT_FALSE(header);
  EXPECT_NE(header.error().message.find("line 1"), std::string::npos);
  auto number = PendingUploads::Parse("mtglacier-pending-uploads 1\nup\tv\tx\t1\t1\t-\ta\n", "p");
  ASSERT_FALSE(number);
  EXPECT_NE(number.error().message.find("bad number"), std::string::npos);
  auto name = PendingUploads::Parse("mtglacier-pending-uploads 1\nup\tv\t1\t1\t1\t-\t../a\n", "p");
  ASSERT_FALSE(name);
  io::MemoryFileSystem fs;
  PendingUploads p = std::move(*PendingUploads::Load(fs, "/x.pending"));
  EXPECT_FALSE(p.Add(Entry("id with space", "a")));
  EXPECT_FALSE(p.Add(Entry("id", "/abs")));
}

}  // namespace
}  // namespace mtg::journal
