#include "sync/inventory_fetch.h"

#include "hash/tree_hash.h"

namespace mtg::sync {

Result<std::optional<glacier::JobInfo>> FindNewestInventoryJob(glacier::Client& client,
                                                               const std::string& vault) {
  std::optional<glacier::JobInfo> newest;
  glacier::JobListFilter filter{.completed = true, .status_code = {}, .limit = 0, .marker = {}};
  do {
    auto page = client.ListJobs(vault, filter);
    if (!page) return Fail(page.error());
    for (glacier::JobInfo& job : page->jobs) {
      if (job.action != "InventoryRetrieval" || !job.completed || job.status_code != "Succeeded" ||
          job.has_inventory_parameters) {
        continue;
      }
      if (!newest || job.creation_date > newest->creation_date) newest = std::move(job);
    }
    filter.marker = page->marker;
  } while (!filter.marker.empty());
  return newest;
}

Result<FetchedInventory> FetchInventory(glacier::Client& client, io::FileSystem& fs,
                                        const std::string& vault, const glacier::JobInfo& job,
                                        const std::string& temp_dir) {
  auto temp = fs.CreateUniqueFile(temp_dir, ".mtglacier-inventory-");
  if (!temp) return Fail(temp.error());
  FetchedInventory fetched{.path = temp->path, .format = InventoryFormat::kJson, .bytes = 0};
  auto result = [&]() -> Result<void> {
    std::optional<hash::TreeHasher> hasher;
    uint64_t written = 0;
    std::function<http::BodySink()> make_sink = [&]() -> http::BodySink {
      hasher.emplace();
      written = 0;
      return [&](std::span<const uint8_t> data) -> Result<void> {
        MTG_TRY_VOID(temp->file->WriteAt(written, data));
        hasher->Update(data);
        written += data.size();
        return Ok();
      };
    };
    auto info = client.GetJobOutput(vault, job.job_id, std::nullopt, make_sink);
    if (!info) return Fail(info.error().WithContext("inventory job " + job.job_id));
    MTG_TRY_VOID(temp->file->Truncate(written));
    if (!info->tree_hash.empty()) {
      const std::string got = hash::ToHex(hasher ? hasher->Final() : hash::TreeHasher().Final());
      if (got != info->tree_hash) {
        return Fail(ErrorCode::kIntegrity, "inventory job " + job.job_id + ": tree hash of the " +
                                               "received bytes " + got + " differs from the service's " +
                                               info->tree_hash);
      }
    }
    auto format = InventoryFormatFromContentType(info->content_type);
    if (!format) return Fail(format.error().WithContext("inventory job " + job.job_id));
    fetched.format = *format;
    fetched.bytes = written;
    return temp->file->Close();
  }();
  if (!result) {
    (void)fs.Remove(temp->path);
    return Fail(result.error());
  }
  return fetched;
}

}  // namespace mtg::sync
