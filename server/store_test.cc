// The catalogue and the blob store, and recovery from every crash point of the write paths:
// the on-disk states a kill -9 can leave are built directly, then RecoverStore must bring the
// store back to "every acknowledged archive intact, nothing else".
#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "blob_store.h"
#include "catalog.h"
#include "server.h"
#include "test_support.h"

namespace mtg::server {
namespace {

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto blobs = BlobStore::Open(dir_.path() + "/store");
    ASSERT_TRUE(blobs.has_value());
    blobs_ = std::move(*blobs);
    OpenCatalog();
  }
  void OpenCatalog() {
    catalog_.reset();
    auto catalog = Catalog::Open(blobs_->CatalogPath());
    ASSERT_TRUE(catalog.has_value()) << catalog.error().message;
    catalog_ = std::move(*catalog);
  }
  int64_t Vault() {
    auto v = catalog_->CreateVault("111122223333", "v", "us-east-1", 1000);
    EXPECT_TRUE(v.has_value());
    return v->id;
  }
  void WriteFile(const std::string& path, const std::string& data) {
    std::ofstream(path, std::ios::binary) << data;
  }
  std::string ArchiveFile(const std::string& id, const std::string& data) {
    std::string temp;
    auto fd = blobs_->CreateTemp(&temp);
    EXPECT_TRUE(fd.has_value());
    EXPECT_TRUE(PwriteAll(*fd, data.data(), data.size(), 0).has_value());
    ::close(*fd);
    EXPECT_TRUE(blobs_->Promote(temp, id).has_value());
    return blobs_->ArchivePath(id);
  }

  testing::TempDir dir_;
  std::unique_ptr<BlobStore> blobs_;
  std::unique_ptr<Catalog> catalog_;
};

TEST_F(StoreTest, CatalogVaultsAndArchives) {
  int64_t v = Vault();
  auto again = catalog_->CreateVault("111122223333", "v", "eu-west-1", 2000);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->id, v);
  EXPECT_EQ(again->region, "us-east-1");  // the first creation wins
  EXPECT_EQ(again->Arn(), "arn:aws:glacier:us-east-1:111122223333:vaults/v");
  EXPECT_FALSE(catalog_->FindVault("999999999999", "v")->has_value());

  ASSERT_TRUE(catalog_->InsertArchive({"A1", v, "one", 10, std::string(64, 'a'), 100, {}}).has_value());
  ASSERT_TRUE(catalog_->InsertArchive({"A2", v, "two", 20, std::string(64, 'b'), 200, {}}).has_value());
  EXPECT_EQ(catalog_->CountArchives(v)->archives, 2u);
  EXPECT_EQ(catalog_->CountArchives(v)->bytes, 30u);
  EXPECT_FALSE(catalog_->DeleteVault(v).has_value());
  EXPECT_TRUE(*catalog_->MarkArchiveDeleted(v, "A1", 300));
  EXPECT_FALSE(*catalog_->MarkArchiveDeleted(v, "A1", 301));
  EXPECT_FALSE(catalog_->FindArchive(v, "A1")->has_value());
  EXPECT_TRUE((*catalog_->FindArchiveAnyVault("A1"))->deleted_ms.has_value());

  // Inventories "as of" a time see what existed then.
  auto as_of = [&](int64_t t) {
    std::vector<std::string> ids;
    EXPECT_TRUE(catalog_->ForEachArchiveAsOf(v, t, [&](const ArchiveRecord& a) {
      ids.push_back(a.id);
      return true;
    }).has_value());
    return ids;
  };
  EXPECT_EQ(as_of(150), std::vector<std::string>{"A1"});
  EXPECT_EQ(as_of(250), (std::vector<std::string>{"A1", "A2"}));
  EXPECT_EQ(as_of(300), std::vector<std::string>{"A2"});
}

TEST_F(StoreTest, CatalogSurvivesReopen) {
  int64_t v = Vault();
  ASSERT_TRUE(catalog_->InsertArchive({"A1", v, "one", 10, std::string(64, 'a'), 100, {}}).has_value());
  OpenCatalog();
  EXPECT_TRUE(catalog_->FindArchive(v, "A1")->has_value());
}

TEST_F(StoreTest, UploadsAndPartsPaging) {
  int64_t v = Vault();
  for (const char* id : {"U1", "U2", "U3"}) {
    UploadRecord u;
    u.id = id;
    u.vault_id = v;
    u.part_size = 1 << 20;
    ASSERT_TRUE(catalog_->InsertUpload(u).has_value());
  }
  auto page = catalog_->ListUploads(v, "", 2);
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[1].id, "U2");
  auto next = catalog_->ListUploads(v, "U3", 2);
  ASSERT_EQ(next->size(), 1u);
  EXPECT_TRUE(catalog_->ListUploads(v, "nope", 2)->empty());
  for (uint64_t i = 0; i < 3; ++i) {
    ASSERT_TRUE(catalog_->PutPart({"U1", i << 20, 1 << 20, std::string(64, 'c'), std::string(64, 'd')}).has_value());
  }
  ASSERT_TRUE(catalog_->PutPart({"U1", 1 << 20, 1 << 20, std::string(64, 'e'), std::string(64, 'd')}).has_value());
  auto parts = catalog_->ListParts("U1", 1 << 20, 10);
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].tree_hash, std::string(64, 'e'));  // replaced, not duplicated
}

TEST_F(StoreTest, JobsRoundTrip) {
  int64_t v = Vault();
  JobRecord j;
  j.id = "J1";
  j.vault_id = v;
  j.action = "InventoryRetrieval";
  j.format = "JSON";
  j.created_ms = 5;
  j.ready_ms = 10;
  ASSERT_TRUE(catalog_->InsertJob(j).has_value());
  j.status_code = "Succeeded";
  j.completed_ms = 10;
  j.output_size = 123;
  ASSERT_TRUE(catalog_->UpdateJob(j).has_value());
  auto got = catalog_->FindJob(v, "J1");
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->status_code, "Succeeded");
  EXPECT_EQ((*got)->output_size, 123u);
  EXPECT_FALSE((*got)->archive_size.has_value());
  EXPECT_EQ(catalog_->JobsCompletedBefore(11)->size(), 1u);
  EXPECT_EQ(catalog_->ListJobs(v, "", 10)->size(), 1u);
  ASSERT_TRUE(catalog_->DeleteJob("J1").has_value());
  EXPECT_FALSE(catalog_->FindJob(v, "J1")->has_value());
  JobRecord missing;
  missing.id = "nope";
  EXPECT_FALSE(catalog_->UpdateJob(missing).has_value());
}

TEST_F(StoreTest, RecoveryRemovesEverythingUnacknowledged) {
  int64_t v = Vault();
  // Acknowledged archive: file + row.
  std::string kept = ArchiveFile("KEPT", "kept bytes");
  ASSERT_TRUE(catalog_->InsertArchive({"KEPT", v, "", 10, std::string(64, 'a'), 1, {}}).has_value());
  // Crash after the rename, before the insert: a blob without a row.
  std::string orphan = ArchiveFile("ORPHAN", "never acknowledged");
  // Crash after marking deleted, before the unlink.
  std::string gone = ArchiveFile("GONE", "deleted");
  ASSERT_TRUE(catalog_->InsertArchive({"GONE", v, "", 7, std::string(64, 'a'), 1, {}}).has_value());
  ASSERT_TRUE(*catalog_->MarkArchiveDeleted(v, "GONE", 2));
  // Crash mid single upload: a temp file.
  WriteFile(blobs_->TempDir() + "/partial", "half");
  // An upload file without a row (crash between creating the file and the insert).
  WriteFile(blobs_->UploadPath("NOROW"), "");

  auto report = RecoverStore(*catalog_, *blobs_);
  ASSERT_TRUE(report.has_value()) << report.error().message;
  EXPECT_EQ(report->orphan_blobs_removed, 2u);
  EXPECT_EQ(report->orphan_upload_files_removed, 1u);
  EXPECT_TRUE(std::filesystem::exists(kept));
  EXPECT_FALSE(std::filesystem::exists(orphan));
  EXPECT_FALSE(std::filesystem::exists(gone));
  EXPECT_TRUE(std::filesystem::is_empty(blobs_->TempDir()));
  EXPECT_FALSE(std::filesystem::exists(blobs_->UploadPath("NOROW")));
}

TEST_F(StoreTest, RecoveryFinishesOrUndoesInterruptedCompletes) {
  int64_t v = Vault();
  // Complete cut off after the rename: the archive must appear.
  UploadRecord moved;
  moved.id = "MOVED";
  moved.vault_id = v;
  moved.part_size = 1 << 20;
  moved.description = "desc";
  ASSERT_TRUE(catalog_->InsertUpload(moved).has_value());
  ASSERT_TRUE(catalog_->BeginComplete("MOVED", "ARCH1", 5, std::string(64, 'f')).has_value());
  ArchiveFile("ARCH1", "bytes");
  // Complete cut off before the rename: the upload must stay as it was.
  UploadRecord pending;
  pending.id = "PENDING";
  pending.vault_id = v;
  pending.part_size = 1 << 20;
  ASSERT_TRUE(catalog_->InsertUpload(pending).has_value());
  WriteFile(blobs_->UploadPath("PENDING"), "abc");
  ASSERT_TRUE(catalog_->BeginComplete("PENDING", "ARCH2", 3, std::string(64, 'f')).has_value());
  // An upload whose file vanished.
  UploadRecord lost;
  lost.id = "LOST";
  lost.vault_id = v;
  lost.part_size = 1 << 20;
  ASSERT_TRUE(catalog_->InsertUpload(lost).has_value());

  auto report = RecoverStore(*catalog_, *blobs_);
  ASSERT_TRUE(report.has_value());
  EXPECT_EQ(report->completes_finished, 1u);
  EXPECT_EQ(report->completes_undone, 1u);
  EXPECT_EQ(report->uploads_dropped, 1u);
  auto archive = catalog_->FindArchive(v, "ARCH1");
  ASSERT_TRUE(archive->has_value());
  EXPECT_EQ((*archive)->description, "desc");
  EXPECT_EQ((*archive)->size, 5u);
  EXPECT_TRUE(blobs_->ArchiveExists("ARCH1"));
  auto p = catalog_->FindUpload(v, "PENDING");
  ASSERT_TRUE(p->has_value());
  EXPECT_TRUE((*p)->archive_id.empty());
  EXPECT_TRUE(blobs_->UploadExists("PENDING"));
  EXPECT_FALSE(catalog_->FindUpload(v, "LOST")->has_value());
  // Idempotent.
  auto second = RecoverStore(*catalog_, *blobs_);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->completes_finished + second->orphan_blobs_removed + second->uploads_dropped, 0u);
}

}  // namespace
}  // namespace mtg::server
