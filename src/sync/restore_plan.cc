#include "sync/restore_plan.h"

#include "sync/target_path.h"

namespace mtg::sync {

MissingFiles FindMissingFiles(io::FileSystem& fs, const std::string& dir,
                              const journal::JournalState& state) {
  MissingFiles result;
  for (size_t i = 0; i < state.file_count(); ++i) {
    journal::Archive latest = state.file(i).latest();
    std::string rel(latest.relfilename());
    auto path = SafeTargetPath(fs, dir, rel);
    if (!path) {
      result.refused.push_back({std::move(rel), std::move(path.error())});
      continue;
    }
    auto info = fs.Stat(*path);
    if (info && info->type == io::FileType::kRegular) continue;
    std::optional<int64_t> mtime = latest.mtime();
    result.files.push_back({.archive_id = latest.archive_id(),
                            .relfilename = std::move(rel),
                            .size = latest.size(),
                            .tree_hash = latest.tree_hash(),
                            .mtime = mtime.value_or(latest.time()),
                            .mtime_from_creation = !mtime.has_value()});
  }
  return result;
}

RetrievalPlan PlanRetrievals(const std::vector<RestoreCandidate>& missing,
                             const std::unordered_set<std::string>& active, uint64_t max_files) {
  RetrievalPlan plan;
  for (const RestoreCandidate& c : missing) {
    if (active.contains(c.archive_id)) {
      ++plan.recently_requested;
    } else if (plan.archives.size() >= max_files) {
      ++plan.over_limit;
    } else {
      plan.bytes += c.size;
      plan.archives.push_back(c);
    }
  }
  return plan;
}

bool IsUsableRetrievalJob(const glacier::JobInfo& job, uint64_t size) {
  if (job.action != "ArchiveRetrieval" || !job.completed || job.status_code != "Succeeded") return false;
  if (job.archive_size != 0 && job.archive_size != size) return false;
  if (job.retrieval_byte_range.empty() || size == 0) return true;
  return job.retrieval_byte_range == "0-" + std::to_string(size - 1);
}

void RetrievalJobMatcher::Consider(const glacier::JobInfo& job) {
  auto wanted = wanted_.find(job.archive_id);
  if (wanted == wanted_.end() || !IsUsableRetrievalJob(job, wanted->second)) return;
  auto [it, inserted] = matches_.try_emplace(job.archive_id, job);
  if (inserted) return;
  const glacier::JobInfo& held = it->second;
  if (job.completion_date > held.completion_date ||
      (job.completion_date == held.completion_date && job.creation_date > held.creation_date)) {
    it->second = job;
  }
}

}  // namespace mtg::sync
