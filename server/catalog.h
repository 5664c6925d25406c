// The server's catalogue: every vault, archive, multipart upload, part and job, in one SQLite
// database (WAL, synchronous=FULL so an acknowledged write survives power loss, not just a
// killed process). Archive bytes live in files beside it (blob_store.h); a row is inserted only
// after its bytes are durable, so a catalogue row always points at a complete, verified file.
//
// Thread-safe: one connection guarded by a mutex. Every statement is short (no row holds more
// than a description), so the lock is never held across I/O on archive bytes.
//
// Times are milliseconds since the UNIX epoch (UTC). Vaults are identified by an integer id so a
// vault deleted and created again under the same name does not inherit the old one's rows.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

struct sqlite3;

namespace mtg::server {

struct VaultRecord {
  int64_t id = 0;
  std::string account_id;
  std::string name;
  std::string region;  // of the request that created it (goes into the ARN)
  int64_t created_ms = 0;
  std::optional<int64_t> last_inventory_ms;  // completion time of the last inventory job
  std::string notification_json;  // {"SNSTopic":..,"Events":[..]} or "" when none is set

  std::string Arn() const;  // arn:aws:glacier:REGION:ACCOUNT:vaults/NAME
};

struct ArchiveRecord {
  std::string id;
  int64_t vault_id = 0;
  std::string description;
  uint64_t size = 0;
  std::string tree_hash;  // 64 lowercase hex
  int64_t created_ms = 0;
  std::optional<int64_t> deleted_ms;  // kept so an inventory "as of" an earlier time is right
};

struct UploadRecord {
  std::string id;
  int64_t vault_id = 0;
  std::string description;
  uint64_t part_size = 0;
  int64_t created_ms = 0;
  // Set when Complete has been accepted (before the bytes move to the archive path), so a crash
  // mid-complete is finished on restart, and a repeated Complete returns the same archive.
  std::string archive_id;
  uint64_t archive_size = 0;
  std::string archive_tree_hash;
  bool completed = false;  // the archive row exists; the upload is no longer listed
};

struct PartRecord {
  std::string upload_id;
  uint64_t range_start = 0;
  uint64_t size = 0;
  std::string tree_hash;  // 64 lowercase hex
  std::string sha256;     // 64 lowercase hex
};

// A retrieval job. The jobs module (server/jobs*) owns the semantics of these fields; the
// catalogue only stores them. Strings are "" when not set; optional numbers are nullopt.
struct JobRecord {
  std::string id;
  int64_t vault_id = 0;
  std::string action;           // "ArchiveRetrieval" | "InventoryRetrieval"
  std::string archive_id;       // ArchiveRetrieval only
  std::string retrieval_range;  // "start-end" as given (or "" for the whole archive)
  std::string tier;             // "Standard" | "Bulk" | "Expedited"
  std::string format;           // inventory: "JSON" | "CSV"
  std::string description;
  std::string sns_topic;
  std::string inventory_start_date;  // InventoryRetrievalParameters, as given
  std::string inventory_end_date;
  std::string inventory_limit;
  std::string inventory_marker;
  std::string status_code = "InProgress";  // "InProgress" | "Succeeded" | "Failed"
  std::string status_message;
  int64_t created_ms = 0;
  int64_t ready_ms = 0;  // when the job is due to complete (created + job delay)
  std::optional<int64_t> completed_ms;
  std::optional<uint64_t> archive_size;        // ArchiveRetrieval: size of the archive
  std::string archive_tree_hash;               // ArchiveRetrieval: tree hash of the archive
  std::string output_path;                     // file holding the output, relative to the store
  std::optional<uint64_t> output_size;         // bytes of output (inventory size, range size)
  std::string output_tree_hash;                // tree hash of the output when aligned, else ""
  std::string extra_json;                      // anything else the jobs module wants to keep
};

class Catalog {
 public:
  // Opens (creating if needed) the database at path and applies the schema.
  [[nodiscard]] static Result<std::unique_ptr<Catalog>> Open(const std::string& path);
  ~Catalog();
  Catalog(const Catalog&) = delete;
  Catalog& operator=(const Catalog&) = delete;

  // Accounts: only the access key → account id mapping is stored, never a secret.
  [[nodiscard]] Result<void> RecordAccount(std::string_view account_id, std::string_view access_key,
                                           int64_t now_ms);

  // Vaults. CreateVault is idempotent, like the service: an existing vault is returned as is.
  [[nodiscard]] Result<VaultRecord> CreateVault(std::string_view account_id, std::string_view name,
                                                std::string_view region, int64_t now_ms);
  [[nodiscard]] Result<std::optional<VaultRecord>> FindVault(std::string_view account_id,
                                                             std::string_view name);
  // Vaults of the account sorted by name, starting at start_name (inclusive), at most limit.
  [[nodiscard]] Result<std::vector<VaultRecord>> ListVaults(std::string_view account_id,
                                                            std::string_view start_name,
                                                            size_t limit);
  // Deletes the vault and everything in it; fails (kInvalidArgument) when it still holds an
  // archive that is not deleted.
  [[nodiscard]] Result<void> DeleteVault(int64_t vault_id);
  [[nodiscard]] Result<void> SetVaultNotifications(int64_t vault_id, std::string_view json);
  [[nodiscard]] Result<void> SetVaultLastInventory(int64_t vault_id, int64_t when_ms);

  struct VaultTotals {
    uint64_t archives = 0;
    uint64_t bytes = 0;
  };
  // Live (not deleted) archives of the vault.
  [[nodiscard]] Result<VaultTotals> CountArchives(int64_t vault_id);

  // Archives.
  [[nodiscard]] Result<void> InsertArchive(const ArchiveRecord& archive);
  [[nodiscard]] Result<std::optional<ArchiveRecord>> FindArchive(int64_t vault_id,
                                                                  std::string_view archive_id);
  // Marks a live archive deleted; false when there is no live archive of that id in the vault.
  [[nodiscard]] Result<bool> MarkArchiveDeleted(int64_t vault_id, std::string_view archive_id,
                                                int64_t now_ms);
  // The row with this id in any vault, live or deleted (recovery, and the jobs module).
  [[nodiscard]] Result<std::optional<ArchiveRecord>> FindArchiveAnyVault(std::string_view archive_id);
  // True when any row (live or deleted, any vault) has this id: used to tell orphan blobs.
  [[nodiscard]] Result<bool> ArchiveIdKnown(std::string_view archive_id);
  // Streams the archives that existed at as_of_ms (created at or before it, not deleted by
  // then), ordered by (creation time, id). fn returns false to stop.
  [[nodiscard]] Result<void> ForEachArchiveAsOf(int64_t vault_id, int64_t as_of_ms,
                                                const std::function<bool(const ArchiveRecord&)>& fn);

  // Multipart uploads.
  [[nodiscard]] Result<void> InsertUpload(const UploadRecord& upload);
  [[nodiscard]] Result<std::optional<UploadRecord>> FindUpload(int64_t vault_id,
                                                               std::string_view upload_id);
  // Uploads not completed, in creation order, starting at start_id (inclusive; "" = first).
  [[nodiscard]] Result<std::vector<UploadRecord>> ListUploads(int64_t vault_id,
                                                              std::string_view start_id,
                                                              size_t limit);
  // Every upload row (recovery at startup).
  [[nodiscard]] Result<std::vector<UploadRecord>> AllUploads();
  [[nodiscard]] Result<void> DeleteUpload(std::string_view upload_id);  // with its parts
  // Step 1 of complete: records the archive the upload becomes.
  [[nodiscard]] Result<void> BeginComplete(std::string_view upload_id, std::string_view archive_id,
                                           uint64_t size, std::string_view tree_hash);
  // Step 1 undone (the bytes did not move).
  [[nodiscard]] Result<void> CancelComplete(std::string_view upload_id);
  // Step 2, one transaction: inserts the archive row, marks the upload completed, drops parts.
  [[nodiscard]] Result<void> FinishComplete(std::string_view upload_id, const ArchiveRecord& archive);

  // Parts. PutPart replaces a part at the same start (re-upload is idempotent).
  [[nodiscard]] Result<void> PutPart(const PartRecord& part);
  [[nodiscard]] Result<void> DeletePart(std::string_view upload_id, uint64_t range_start);
  // Parts ordered by start, starting at start_offset (inclusive), at most limit.
  [[nodiscard]] Result<std::vector<PartRecord>> ListParts(std::string_view upload_id,
                                                          uint64_t start_offset, size_t limit);

  // Jobs (catalog_jobs.cc).
  [[nodiscard]] Result<void> InsertJob(const JobRecord& job);
  // Overwrites every field of the job with this id.
  [[nodiscard]] Result<void> UpdateJob(const JobRecord& job);
  [[nodiscard]] Result<std::optional<JobRecord>> FindJob(int64_t vault_id, std::string_view job_id);
  // Jobs of the vault in creation order, starting at start_id (inclusive; "" = first).
  [[nodiscard]] Result<std::vector<JobRecord>> ListJobs(int64_t vault_id, std::string_view start_id,
                                                        size_t limit);
  // Every job whose completion is older than before_ms (for expiry of job output).
  [[nodiscard]] Result<std::vector<JobRecord>> JobsCompletedBefore(int64_t before_ms);
  [[nodiscard]] Result<void> DeleteJob(std::string_view job_id);

 private:
  explicit Catalog(sqlite3* db) : db_(db) {}
  Result<void> Exec(const char* sql);
  Result<void> ExecLocked(const char* sql);

  std::mutex mu_;
  sqlite3* db_;
};

}  // namespace mtg::server
