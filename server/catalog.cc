#include "catalog.h"

#include <sqlite3.h>

#include "catalog_statement.h"

namespace mtg::server {

namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS accounts(
  account_id TEXT NOT NULL,
  access_key TEXT PRIMARY KEY,
  created_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS vaults(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id TEXT NOT NULL,
  name TEXT NOT NULL,
  region TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  last_inventory_ms INTEGER,
  notification_json TEXT NOT NULL DEFAULT '',
  UNIQUE(account_id, name));
CREATE TABLE IF NOT EXISTS archives(
  id TEXT PRIMARY KEY,
  vault_id INTEGER NOT NULL,
  description TEXT NOT NULL,
  size INTEGER NOT NULL,
  tree_hash TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  deleted_ms INTEGER);
CREATE INDEX IF NOT EXISTS archives_by_vault ON archives(vault_id, created_ms, id);
CREATE TABLE IF NOT EXISTS uploads(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  vault_id INTEGER NOT NULL,
  description TEXT NOT NULL,
  part_size INTEGER NOT NULL,
  created_ms INTEGER NOT NULL,
  archive_id TEXT NOT NULL DEFAULT '',
  archive_size INTEGER NOT NULL DEFAULT 0,
  archive_tree_hash TEXT NOT NULL DEFAULT '',
  completed INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS uploads_by_vault ON uploads(vault_id, seq);
CREATE TABLE IF NOT EXISTS parts(
  upload_id TEXT NOT NULL,
  range_start INTEGER NOT NULL,
  size INTEGER NOT NULL,
  tree_hash TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  PRIMARY KEY(upload_id, range_start));
CREATE TABLE IF NOT EXISTS jobs(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  vault_id INTEGER NOT NULL,
  action TEXT NOT NULL,
  archive_id TEXT NOT NULL,
  retrieval_range TEXT NOT NULL,
  tier TEXT NOT NULL,
  format TEXT NOT NULL,
  description TEXT NOT NULL,
  sns_topic TEXT NOT NULL,
  inventory_start_date TEXT NOT NULL,
  inventory_end_date TEXT NOT NULL,
  inventory_limit TEXT NOT NULL,
  inventory_marker TEXT NOT NULL,
  status_code TEXT NOT NULL,
  status_message TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  ready_ms INTEGER NOT NULL,
  completed_ms INTEGER,
  archive_size INTEGER,
  archive_tree_hash TEXT NOT NULL,
  output_path TEXT NOT NULL,
  output_size INTEGER,
  output_tree_hash TEXT NOT NULL,
  extra_json TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS jobs_by_vault ON jobs(vault_id, seq);
CREATE INDEX IF NOT EXISTS jobs_by_completion ON jobs(completed_ms);
)sql";

constexpr const char* kVaultColumns =
    "id, account_id, name, region, created_ms, last_inventory_ms, notification_json";

VaultRecord ReadVault(Statement& s) {
  VaultRecord v;
  v.id = s.Int(0);
  v.account_id = s.Text(1);
  v.name = s.Text(2);
  v.region = s.Text(3);
  v.created_ms = s.Int(4);
  v.last_inventory_ms = s.OptInt(5);
  v.notification_json = s.Text(6);
  return v;
}

constexpr const char* kArchiveColumns =
    "id, vault_id, description, size, tree_hash, created_ms, deleted_ms";

ArchiveRecord ReadArchive(Statement& s) {
  ArchiveRecord a;
  a.id = s.Text(0);
  a.vault_id = s.Int(1);
  a.description = s.Text(2);
  a.size = static_cast<uint64_t>(s.Int(3));
  a.tree_hash = s.Text(4);
  a.created_ms = s.Int(5);
  a.deleted_ms = s.OptInt(6);
  return a;
}

constexpr const char* kUploadColumns =
    "id, vault_id, description, part_size, created_ms, archive_id, archive_size, "
    "archive_tree_hash, completed";

UploadRecord ReadUpload(Statement& s) {
  UploadRecord u;
  u.id = s.Text(0);
  u.vault_id = s.Int(1);
  u.description = s.Text(2);
  u.part_size = static_cast<uint64_t>(s.Int(3));
  u.created_ms = s.Int(4);
  u.archive_id = s.Text(5);
  u.archive_size = static_cast<uint64_t>(s.Int(6));
  u.archive_tree_hash = s.Text(7);
  u.completed = s.Int(8) != 0;
  return u;
}

}  // namespace

std::string VaultRecord::Arn() const {
  return "arn:aws:glacier:" + region + ":" + account_id + ":vaults/" + name;
}

Result<std::unique_ptr<Catalog>> Catalog::Open(const std::string& path) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                           nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    if (db) sqlite3_close(db);
    return Fail(ErrorCode::kIo, "opening catalogue " + path + ": " + msg);
  }
  std::unique_ptr<Catalog> catalog(new Catalog(db));
  sqlite3_busy_timeout(db, 10000);
  // WAL: readers never block the writer. synchronous=FULL: every commit is fsynced, so an
  // archive acknowledged to a client is in the catalogue even after a power cut.
  MTG_TRY_VOID(catalog->Exec("PRAGMA journal_mode=WAL"));
  MTG_TRY_VOID(catalog->Exec("PRAGMA synchronous=FULL"));
  MTG_TRY_VOID(catalog->Exec("PRAGMA foreign_keys=OFF"));
  MTG_TRY_VOID(catalog->Exec(kSchema));
  return catalog;
}

Catalog::~Catalog() { sqlite3_close(db_); }

Result<void> Catalog::Exec(const char* sql) {
  std::lock_guard lock(mu_);
  return ExecLocked(sql);
}

Result<void> Catalog::ExecLocked(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    return Fail(ErrorCode::kIo, "catalogue: " + msg);
  }
  return Ok();
}

Result<void> Catalog::RecordAccount(std::string_view account_id, std::string_view access_key,
                                    int64_t now_ms) {
  std::lock_guard lock(mu_);
  Statement s(db_, "INSERT OR IGNORE INTO accounts(account_id, access_key, created_ms) VALUES(?,?,?)");
  s.Bind(account_id).Bind(access_key).Bind(now_ms);
  return s.Run();
}

Result<VaultRecord> Catalog::CreateVault(std::string_view account_id, std::string_view name,
                                         std::string_view region, int64_t now_ms) {
  std::lock_guard lock(mu_);
  {
    Statement s(db_, "INSERT OR IGNORE INTO vaults(account_id, name, region, created_ms) VALUES(?,?,?,?)");
    s.Bind(account_id).Bind(name).Bind(region).Bind(now_ms);
    MTG_TRY_VOID(s.Run());
  }
  Statement s(db_, std::string("SELECT ") + kVaultColumns +
                       " FROM vaults WHERE account_id=? AND name=?");
  s.Bind(account_id).Bind(name);
  auto row = s.Step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return Fail(ErrorCode::kInternal, "vault vanished after insert");
  return ReadVault(s);
}

Result<std::optional<VaultRecord>> Catalog::FindVault(std::string_view account_id,
                                                      std::string_view name) {
  std::lock_guard lock(mu_);
  Statement s(db_, std::string("SELECT ") + kVaultColumns +
                       " FROM vaults WHERE account_id=? AND name=?");
  s.Bind(account_id).Bind(name);
  auto row = s.Step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::optional<VaultRecord>();
  return std::optional<VaultRecord>(ReadVault(s));
}

Result<std::vector<VaultRecord>> Catalog::ListVaults(std::string_view account_id,
                                                     std::string_view start_name, size_t limit) {
  std::lock_guard lock(mu_);
  Statement s(db_, std::string("SELECT ") + kVaultColumns +
                       " FROM vaults WHERE account_id=? AND name>=? ORDER BY name LIMIT ?");
  s.Bind(account_id).Bind(start_name).Bind(static_cast<int64_t>(limit));
  std::vector<VaultRecord> out;
  while (true) {
    auto row = s.Step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    out.push_back(ReadVault(s));
  }
  return out;
}

Result<void> Catalog::DeleteVault(int64_t vault_id) {
  std::lock_guard lock(mu_);
  Transaction tx(db_);
  {
    Statement s(db_, "SELECT COUNT(*) FROM archives WHERE vault_id=? AND deleted_ms IS NULL");
    s.Bind(vault_id);
    auto row = s.Step();
    if (!row) return std::unexpected(row.error());
    if (s.Int(0) > 0) return Fail(ErrorCode::kInvalidArgument, "Vault not empty or recently written to");
  }
  for (const char* sql : {"DELETE FROM archives WHERE vault_id=?",
                          "DELETE FROM parts WHERE upload_id IN (SELECT id FROM uploads WHERE vault_id=?)",
                          "DELETE FROM uploads WHERE vault_id=?", "DELETE FROM jobs WHERE vault_id=?",
                          "DELETE FROM vaults WHERE id=?"}) {
    Statement s(db_, sql);
    s.Bind(vault_id);
    MTG_TRY_VOID(s.Run());
  }
  return tx.Commit();
}

Result<void> Catalog::SetVaultNotifications(int64_t vault_id, std::string_view json) {
  std::lock_guard lock(mu_);
  Statement s(db_, "UPDATE vaults SET notification_json=? WHERE id=?");
  s.Bind(json).Bind(vault_id);
  return s.Run();
}

Result<void> Catalog::SetVaultLastInventory(int64_t vault_id, int64_t when_ms) {
  std::lock_guard lock(mu_);
  Statement s(db_, "UPDATE vaults SET last_inventory_ms=? WHERE id=?");
  s.Bind(when_ms).Bind(vault_id);
  return s.Run();
}

Result<Catalog::VaultTotals> Catalog::CountArchives(int64_t vault_id) {
  std::lock_guard lock(mu_);
  Statement s(db_,
              "SELECT COUNT(*), COALESCE(SUM(size),0) FROM archives WHERE vault_id=? AND deleted_ms IS NULL");
  s.Bind(vault_id);
  auto row = s.Step();
  if (!row) return std::unexpected(row.error());
  return VaultTotals{static_cast<uint64_t>(s.Int(0)), static_cast<uint64_t>(s.Int(1))};
}

Result<void> Catalog::InsertArchive(const ArchiveRecord& a) {
  std::lock_guard lock(mu_);
  Statement s(db_, std::string("INSERT INTO archives(") + kArchiveColumns + ") VALUES(?,?,?,?,?,?,?)");
  s.Bind(a.id).Bind(a.vault_id).Bind(a.description).Bind(static_cast<int64_t>(a.size))
      .Bind(a.tree_hash).Bind(a.created_ms).Bind(a.deleted_ms);
  return s.Run();
}

Result<std::optional<ArchiveRecord>> Catalog::FindArchive(int64_t vault_id,
                                                          std::string_view archive_id) {
  std::lock_guard lock(mu_);
  Statement s(db_, std::string("SELECT ") + kArchiveColumns +
                       " FROM archives WHERE id=? AND vault_id=? AND deleted_ms IS NULL");
  s.Bind(archive_id).Bind(vault_id);
  auto row = s.Step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::optional<ArchiveRecord>();
  return std::optional<ArchiveRecord>(ReadArchive(s));
}

Result<std::optional<ArchiveRecord>> Catalog::FindArchiveAnyVault(std::string_view archive_id) {
  std::lock_guard lock(mu_);
  Statement s(db_, std::string("SELECT ") + kArchiveColumns + " FROM archives WHERE id=?");
  s.Bind(archive_id);
  auto row = s.Step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::optional<ArchiveRecord>();
  return std::optional<ArchiveRecord>(ReadArchive(s));
}

Result<bool> Catalog::MarkArchiveDeleted(int64_t vault_id, std::string_view archive_id,
                                         int64_t now_ms) {
  std::lock_guard lock(mu_);
  Statement s(db_, "UPDATE archives SET deleted_ms=? WHERE id=? AND vault_id=? AND deleted_ms IS NULL");
  s.Bind(now_ms).Bind(archive_id).Bind(vault_id);
  MTG_TRY_VOID(s.Run());
  return sqlite3_changes(db_) > 0;
}

Result<bool> Catalog::ArchiveIdKnown(std::string_view archive_id) {
  std::lock_guard lock(mu_);
  Statement s(db_, "SELECT 1 FROM archives WHERE id=?");
  s.Bind(archive_id);
  return s.Step();
}

Result<void> Catalog::ForEachArchiveAsOf(int64_t vault_id, int64_t as_of_ms,
                                         const std::function<bool(const ArchiveRecord&)>& fn) {
  // Read in pages so the lock is not held while fn runs (it may write the inventory file).
  int64_t after_created = INT64_MIN;
  std::string after_id;
  while (true) {
    std::vector<ArchiveRecord> page;
    {
      std::lock_guard lock(mu_);
      Statement s(db_, std::string("SELECT ") + kArchiveColumns +
                           " FROM archives WHERE vault_id=? AND created_ms<=? AND "
                           "(deleted_ms IS NULL OR deleted_ms>?) AND (created_ms>? OR "
                           "(created_ms=? AND id>?)) ORDER BY created_ms, id LIMIT 1000");
      s.Bind(vault_id).Bind(as_of_ms).Bind(as_of_ms).Bind(after_created).Bind(after_created).Bind(after_id);
      while (true) {
        auto row = s.Step();
        if (!row) return std::unexpected(row.error());
        if (!*row) break;
        page.push_back(ReadArchive(s));
      }
    }
    if (page.empty()) return Ok();
    for (const auto& a : page) {
      if (!fn(a)) return Ok();
    }
    after_created = page.back().created_ms;
    after_id = page.back().id;
  }
}

Result<void> Catalog::InsertUpload(const UploadRecord& u) {
  std::lock_guard lock(mu_);
  Statement s(db_, std::string("INSERT INTO uploads(") + kUploadColumns + ") VALUES(?,?,?,?,?,?,?,?,?)");
  s.Bind(u.id).Bind(u.vault_id).Bind(u.description).Bind(static_cast<int64_t>(u.part_size))
      .Bind(u.created_ms).Bind(u.archive_id).Bind(static_cast<int64_t>(u.archive_size))
      .Bind(u.archive_tree_hash).Bind(static_cast<int64_t>(u.completed ? 1 : 0));
  return s.Run();
}

Result<std::optional<UploadRecord>> Catalog::FindUpload(int64_t vault_id, std::string_view upload_id) {
  std::lock_guard lock(mu_);
  Statement s(db_, std::string("SELECT ") + kUploadColumns + " FROM uploads WHERE id=? AND vault_id=?");
  s.Bind(upload_id).Bind(vault_id);
  auto row = s.Step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::optional<UploadRecord>();
  return std::optional<UploadRecord>(ReadUpload(s));
}

Result<std::vector<UploadRecord>> Catalog::ListUploads(int64_t vault_id, std::string_view start_id,
                                                       size_t limit) {
  std::lock_guard lock(mu_);
  Statement s(db_, std::string("SELECT ") + kUploadColumns +
                       " FROM uploads WHERE vault_id=? AND completed=0 AND seq>=COALESCE("
                       "(SELECT seq FROM uploads WHERE id=? AND vault_id=?), "
                       "CASE WHEN ?='' THEN 0 ELSE 9223372036854775807 END) ORDER BY seq LIMIT ?");
  s.Bind(vault_id).Bind(start_id).Bind(vault_id).Bind(start_id).Bind(static_cast<int64_t>(limit));
  std::vector<UploadRecord> out;
  while (true) {
    auto row = s.Step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    out.push_back(ReadUpload(s));
  }
  return out;
}

Result<std::vector<UploadRecord>> Catalog::AllUploads() {
  std::lock_guard lock(mu_);
  Statement s(db_, std::string("SELECT ") + kUploadColumns + " FROM uploads ORDER BY seq");
  std::vector<UploadRecord> out;
  while (true) {
    auto row = s.Step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    out.push_back(ReadUpload(s));
  }
  return out;
}

Result<void> Catalog::DeleteUpload(std::string_view upload_id) {
  std::lock_guard lock(mu_);
  Transaction tx(db_);
  for (const char* sql : {"DELETE FROM parts WHERE upload_id=?", "DELETE FROM uploads WHERE id=?"}) {
    Statement s(db_, sql);
    s.Bind(upload_id);
    MTG_TRY_VOID(s.Run());
  }
  return tx.Commit();
}

Result<void> Catalog::BeginComplete(std::string_view upload_id, std::string_view archive_id,
                                    uint64_t size, std::string_view tree_hash) {
  std::lock_guard lock(mu_);
  Statement s(db_, "UPDATE uploads SET archive_id=?, archive_size=?, archive_tree_hash=? WHERE id=?");
  s.Bind(archive_id).Bind(static_cast<int64_t>(size)).Bind(tree_hash).Bind(upload_id);
  return s.Run();
}

Result<void> Catalog::CancelComplete(std::string_view upload_id) {
  std::lock_guard lock(mu_);
  Statement s(db_, "UPDATE uploads SET archive_id='', archive_size=0, archive_tree_hash='' "
                   "WHERE id=? AND completed=0");
  s.Bind(upload_id);
  return s.Run();
}

Result<void> Catalog::FinishComplete(std::string_view upload_id, const ArchiveRecord& a) {
  std::lock_guard lock(mu_);
  Transaction tx(db_);
  {
    Statement s(db_, std::string("INSERT OR IGNORE INTO archives(") + kArchiveColumns +
                         ") VALUES(?,?,?,?,?,?,?)");
    s.Bind(a.id).Bind(a.vault_id).Bind(a.description).Bind(static_cast<int64_t>(a.size))
        .Bind(a.tree_hash).Bind(a.created_ms).Bind(a.deleted_ms);
    MTG_TRY_VOID(s.Run());
  }
  {
    Statement s(db_, "UPDATE uploads SET completed=1 WHERE id=?");
    s.Bind(upload_id);
    MTG_TRY_VOID(s.Run());
  }
  {
    Statement s(db_, "DELETE FROM parts WHERE upload_id=?");
    s.Bind(upload_id);
    MTG_TRY_VOID(s.Run());
  }
  return tx.Commit();
}

Result<void> Catalog::PutPart(const PartRecord& p) {
  std::lock_guard lock(mu_);
  Statement s(db_, "INSERT OR REPLACE INTO parts(upload_id, range_start, size, tree_hash, sha256) "
                   "VALUES(?,?,?,?,?)");
  s.Bind(p.upload_id).Bind(static_cast<int64_t>(p.range_start)).Bind(static_cast<int64_t>(p.size))
      .Bind(p.tree_hash).Bind(p.sha256);
  return s.Run();
}

Result<void> Catalog::DeletePart(std::string_view upload_id, uint64_t range_start) {
  std::lock_guard lock(mu_);
  Statement s(db_, "DELETE FROM parts WHERE upload_id=? AND range_start=?");
  s.Bind(upload_id).Bind(static_cast<int64_t>(range_start));
  return s.Run();
}

Result<std::vector<PartRecord>> Catalog::ListParts(std::string_view upload_id, uint64_t start_offset,
                                                   size_t limit) {
  std::lock_guard lock(mu_);
  Statement s(db_, "SELECT upload_id, range_start, size, tree_hash, sha256 FROM parts "
                   "WHERE upload_id=? AND range_start>=? ORDER BY range_start LIMIT ?");
  s.Bind(upload_id).Bind(static_cast<int64_t>(start_offset)).Bind(static_cast<int64_t>(limit));
  std::vector<PartRecord> out;
  while (true) {
    auto row = s.Step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    PartRecord p;
    p.upload_id = s.Text(0);
    p.range_start = static_cast<uint64_t>(s.Int(1));
    p.size = static_cast<uint64_t>(s.Int(2));
    p.tree_hash = s.Text(3);
    p.sha256 = s.Text(4);
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace mtg::server
