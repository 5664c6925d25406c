// The jobs part of the catalogue (catalog.h): plain storage of JobRecord rows.
#include <sqlite3.h>

#include "catalog.h"
#include "catalog_statement.h"

namespace mtg::server {

namespace {

constexpr const char* kJobColumns =
    "id, vault_id, action, archive_id, retrieval_range, tier, format, description, sns_topic, "
    "inventory_start_date, inventory_end_date, inventory_limit, inventory_marker, status_code, "
    "status_message, created_ms, ready_ms, completed_ms, archive_size, archive_tree_hash, "
    "output_path, output_size, output_tree_hash, extra_json";

void BindJob(Statement& s, const JobRecord& j) {
  s.Bind(j.id).Bind(j.vault_id).Bind(j.action).Bind(j.archive_id).Bind(j.retrieval_range)
      .Bind(j.tier).Bind(j.format).Bind(j.description).Bind(j.sns_topic)
      .Bind(j.inventory_start_date).Bind(j.inventory_end_date).Bind(j.inventory_limit)
      .Bind(j.inventory_marker).Bind(j.status_code).Bind(j.status_message).Bind(j.created_ms)
      .Bind(j.ready_ms).Bind(j.completed_ms).Bind(j.archive_size).Bind(j.archive_tree_hash)
      .Bind(j.output_path).Bind(j.output_size).Bind(j.output_tree_hash).Bind(j.extra_json);
}

JobRecord ReadJob(Statement& s) {
  JobRecord j;
  j.id = s.Text(0);
  j.vault_id = s.Int(1);
  j.action = s.Text(2);
  j.archive_id = s.Text(3);
  j.retrieval_range = s.Text(4);
  j.tier = s.Text(5);
  j.format = s.Text(6);
  j.description = s.Text(7);
  j.sns_topic = s.Text(8);
  j.inventory_start_date = s.Text(9);
  j.inventory_end_date = s.Text(10);
  j.inventory_limit = s.Text(11);
  j.inventory_marker = s.Text(12);
  j.status_code = s.Text(13);
  j.status_message = s.Text(14);
  j.created_ms = s.Int(15);
  j.ready_ms = s.Int(16);
  j.completed_ms = s.OptInt(17);
  j.archive_size = s.OptUint(18);
  j.archive_tree_hash = s.Text(19);
  j.output_path = s.Text(20);
  j.output_size = s.OptUint(21);
  j.output_tree_hash = s.Text(22);
  j.extra_json = s.Text(23);
  return j;
}

Result<std::vector<JobRecord>> ReadAll(Statement& s) {
  std::vector<JobRecord> out;
  while (true) {
    auto row = s.Step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    out.push_back(ReadJob(s));
  }
  return out;
}

}  // namespace

Result<void> Catalog::InsertJob(const JobRecord& job) {
  std::lock_guard lock(mu_);
  Statement s(db_, std::string("INSERT INTO jobs(") + kJobColumns +
                       ") VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  BindJob(s, job);
  return s.Run();
}

Result<void> Catalog::UpdateJob(const JobRecord& job) {
  std::lock_guard lock(mu_);
  Statement s(db_, "UPDATE jobs SET id=?, vault_id=?, action=?, archive_id=?, retrieval_range=?, "
                   "tier=?, format=?, description=?, sns_topic=?, inventory_start_date=?, "
                   "inventory_end_date=?, inventory_limit=?, inventory_marker=?, status_code=?, "
                   "status_message=?, created_ms=?, ready_ms=?, completed_ms=?, archive_size=?, "
                   "archive_tree_hash=?, output_path=?, output_size=?, output_tree_hash=?, "
                   "extra_json=? WHERE id=?");
  BindJob(s, job);
  s.Bind(job.id);
  MTG_TRY_VOID(s.Run());
  if (sqlite3_changes(db_) == 0) return Fail(ErrorCode::kNotFound, "no job " + job.id);
  return Ok();
}

Result<std::optional<JobRecord>> Catalog::FindJob(int64_t vault_id, std::string_view job_id) {
  std::lock_guard lock(mu_);
  Statement s(db_, std::string("SELECT ") + kJobColumns + " FROM jobs WHERE id=? AND vault_id=?");
  s.Bind(job_id).Bind(vault_id);
  auto row = s.Step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::optional<JobRecord>();
  return std::optional<JobRecord>(ReadJob(s));
}

Result<std::vector<JobRecord>> Catalog::ListJobs(int64_t vault_id, std::string_view start_id,
                                                 size_t limit) {
  std::lock_guard lock(mu_);
  Statement s(db_, std::string("SELECT ") + kJobColumns +
                       " FROM jobs WHERE vault_id=? AND seq>=COALESCE("
                       "(SELECT seq FROM jobs WHERE id=? AND vault_id=?), "
                       "CASE WHEN ?='' THEN 0 ELSE 9223372036854775807 END) ORDER BY seq LIMIT ?");
  s.Bind(vault_id).Bind(start_id).Bind(vault_id).Bind(start_id).Bind(static_cast<int64_t>(limit));
  return ReadAll(s);
}

Result<std::vector<JobRecord>> Catalog::JobsCompletedBefore(int64_t before_ms) {
  std::lock_guard lock(mu_);
  Statement s(db_, std::string("SELECT ") + kJobColumns +
                       " FROM jobs WHERE completed_ms IS NOT NULL AND completed_ms<? ORDER BY seq");
  s.Bind(before_ms);
  return ReadAll(s);
}

Result<void> Catalog::DeleteJob(std::string_view job_id) {
  std::lock_guard lock(mu_);
  Statement s(db_, "DELETE FROM jobs WHERE id=?");
  s.Bind(job_id);
  return s.Run();
}

}  // namespace mtg::server
