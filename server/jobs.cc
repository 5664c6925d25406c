#include "jobs.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <vector>

#include "blob_store.h"
#include "handlers.h"
#include "hash/tree_hash.h"
#include "inventory.h"
#include "server_options.h"
#include "time_format.h"

namespace mtg::server {
namespace {

using nlohmann::json;

struct JobsState {
  JobsState(ServiceContext& c, const JobOptions& o)
      : context(c), delays(o.delays), offset_ms(o.clock_offset_ms) {}
  ServiceContext& context;
  JobDelays delays;
  std::atomic<int64_t> offset_ms;
  // Serialises completion so two requests never generate the same inventory at once.
  std::mutex complete_mu;

  int64_t NowMs() const { return context.NowMs() + offset_ms.load(); }
};

std::string RelativeOutputPath(std::string_view job_id) { return "jobs/" + std::string(job_id); }
std::string AbsolutePath(const ServiceContext& context, const std::string& relative) {
  return context.blobs.root() + "/" + relative;
}

Result<std::string> TreeHashOfFileRange(const std::string& path, uint64_t offset, uint64_t length) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Fail(SysError("opening " + path, errno));
  FdCloser closer(fd);
  hash::TreeHasher hasher;
  std::vector<uint8_t> buffer(hash::kTreeLeafSize);
  uint64_t done = 0;
  while (done < length) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(buffer.size(), length - done));
    ssize_t n = ::pread(fd, buffer.data(), want, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Fail(SysError("reading " + path, errno));
    if (n == 0) return Fail(ErrorCode::kIo, "reading " + path + ": file shorter than expected");
    hasher.Update({buffer.data(), static_cast<size_t>(n)});
    done += static_cast<uint64_t>(n);
  }
  return hash::ToHex(hasher.Final());
}

std::string NextMarker(const JobRecord& job) {
  if (job.extra_json.empty()) return "";
  json extra = json::parse(job.extra_json, nullptr, false);
  if (!extra.is_object() || !extra.contains("NextMarker") || !extra["NextMarker"].is_string()) {
    return "";
  }
  return extra["NextMarker"].get<std::string>();
}

// The job's archive range within the archive (the whole archive when none was given).
ByteRange JobRange(const JobRecord& job) {
  ByteRange whole{0, job.archive_size.value_or(1) - 1};
  if (job.retrieval_range.empty()) return whole;
  auto r = ParseRetrievalRange(job.retrieval_range, job.archive_size.value_or(0));
  return r ? *r : whole;
}

// Streams the inventory of the vault as of the job's due time to its output file.
Result<void> GenerateInventory(JobsState& state, const VaultRecord& vault, JobRecord& job) {
  ServiceContext& context = state.context;
  auto format = ParseInventoryFormat(job.format).value_or(InventoryFormat::kJson);
  std::optional<int64_t> start_s, end_s;
  if (!job.inventory_start_date.empty()) start_s = ParseIsoDate(job.inventory_start_date);
  if (!job.inventory_end_date.empty()) end_s = ParseIsoDate(job.inventory_end_date);
  uint64_t limit = job.inventory_limit.empty() ? UINT64_MAX : std::stoull(job.inventory_limit);
  // Resume point: the archive the marker names, in (creation time, id) order.
  std::optional<std::pair<int64_t, std::string>> resume;
  if (!job.inventory_marker.empty()) {
    auto marked = context.catalog.FindArchiveAnyVault(job.inventory_marker);
    if (!marked) return std::unexpected(marked.error());
    if (*marked) resume.emplace((*marked)->created_ms, (*marked)->id);
  }
  std::string path = AbsolutePath(context, job.output_path);
  auto writer = InventoryWriter::Create(path, format, vault.Arn(), job.ready_ms / 1000);
  if (!writer) return std::unexpected(writer.error());
  Result<void> failure = Ok();
  std::string next_marker;
  auto visit = [&](const ArchiveRecord& a) {
    if (resume && std::make_pair(a.created_ms, a.id) < *resume) return true;
    int64_t created_s = a.created_ms / 1000;
    if (start_s && created_s < *start_s) return true;
    if (end_s && created_s >= *end_s) return true;
    if ((*writer)->count() >= limit) {
      next_marker = a.id;
      return false;
    }
    auto added = (*writer)->Add({a.id, a.description, created_s, a.size, a.tree_hash});
    if (!added) {
      failure = added;
      return false;
    }
    return true;
  };
  MTG_TRY_VOID(context.catalog.ForEachArchiveAsOf(vault.id, job.ready_ms, visit));
  MTG_TRY_VOID(failure);
  auto size = (*writer)->Finish();
  if (!size) return std::unexpected(size.error());
  job.output_size = *size;
  if (!next_marker.empty()) job.extra_json = json{{"NextMarker", next_marker}}.dump();
  return Ok();
}

// Finishes the job if it is due; the record is updated in place and in the catalogue.
Result<void> CompleteIfDue(JobsState& state, const VaultRecord& vault, JobRecord& job,
                           int64_t now_ms) {
  if (job.status_code != "InProgress" || now_ms < job.ready_ms) return Ok();
  std::lock_guard lock(state.complete_mu);
  // Another request may have finished it while this one waited.
  auto fresh = state.context.catalog.FindJob(vault.id, job.id);
  if (!fresh) return std::unexpected(fresh.error());
  if (!*fresh) return Fail(ErrorCode::kNotFound, "job " + job.id + " vanished");
  job = std::move(**fresh);
  if (job.status_code != "InProgress") return Ok();
  if (job.action == "InventoryRetrieval") {
    auto generated = GenerateInventory(state, vault, job);
    if (!generated) {
      job.status_code = "Failed";
      job.status_message = "Inventory generation failed: " + generated.error().message;
    } else {
      job.status_code = "Succeeded";
      job.status_message = "Succeeded";
      bool full = job.inventory_start_date.empty() && job.inventory_end_date.empty() &&
                  job.inventory_limit.empty() && job.inventory_marker.empty();
      if (full) MTG_TRY_VOID(state.context.catalog.SetVaultLastInventory(vault.id, job.ready_ms));
    }
  } else {
    job.status_code = "Succeeded";
    job.status_message = "Succeeded";
  }
  job.completed_ms = job.ready_ms;
  return state.context.catalog.UpdateJob(job);
}

// The job if it exists and has not expired, completed when due.
Result<std::optional<JobRecord>> LoadJob(JobsState& state, const VaultRecord& vault,
                                         std::string_view job_id, int64_t now_ms) {
  if (!IsWellFormedId(job_id)) return std::optional<JobRecord>();
  auto found = state.context.catalog.FindJob(vault.id, job_id);
  if (!found) return std::unexpected(found.error());
  if (!*found) return std::optional<JobRecord>();
  JobRecord& job = **found;
  MTG_TRY_VOID(CompleteIfDue(state, vault, job, now_ms));
  if (job.completed_ms && now_ms >= *job.completed_ms + kJobOutputLifetimeMs) {
    if (!job.output_path.empty()) state.context.blobs.RemoveFile(AbsolutePath(state.context, job.output_path));
    MTG_TRY_VOID(state.context.catalog.DeleteJob(job.id));
    return std::optional<JobRecord>();
  }
  return found;
}

void JobNotFound(Response& res, std::string_view job_id) {
  SetError(res, ApiError::ResourceNotFound("The job ID was not found: " + std::string(job_id)));
}

void InitiateJob(JobsState& state, Request& req, Response& res) {
  ServiceContext& context = state.context;
  auto vault = LookupVault(context, req, res);
  if (!vault) return;
  auto body = req.ReadBodyToString(64 * 1024);
  if (!body) return SetError(res, ApiError::FromError(body.error()));
  auto parsed = ParseJobParameters(*body);
  if (!parsed) return SetError(res, parsed.error());
  JobRecord job = std::move(*parsed);
  int64_t now_ms = state.NowMs();
  job.id = context.ids.JobId();
  job.vault_id = vault->id;
  job.created_ms = now_ms;
  job.ready_ms = now_ms + state.delays.For(job);
  job.status_code = "InProgress";
  job.status_message = "Operation in progress.";
  job.output_path = RelativeOutputPath(job.id);
  std::string output = AbsolutePath(context, job.output_path);

  if (job.action == "ArchiveRetrieval") {
    auto archive = context.catalog.FindArchive(vault->id, job.archive_id);
    if (!archive) return SetError(res, ApiError::FromError(archive.error()));
    if (!*archive || (*archive)->deleted_ms) {
      return SetError(res, ApiError::ResourceNotFound("Archive not found: " + job.archive_id));
    }
    const ArchiveRecord& a = **archive;
    job.archive_size = a.size;
    job.archive_tree_hash = a.tree_hash;
    ByteRange range{0, a.size - 1};
    if (!job.retrieval_range.empty()) {
      auto r = ParseRetrievalRange(job.retrieval_range, a.size);
      if (!r) return SetError(res, r.error());
      range = *r;
    }
    job.retrieval_range = std::to_string(range.first) + "-" + std::to_string(range.last);
    job.output_size = range.size();
    // Stage the bytes now: a hard link survives the archive's deletion and costs nothing.
    std::string blob = context.blobs.ArchivePath(a.id);
    if (::link(blob.c_str(), output.c_str()) != 0) {
      return SetError(res, ApiError::FromError(SysError("staging archive for job", errno)));
    }
    auto synced = FsyncDir(context.blobs.JobsDir());
    if (!synced) {
      context.blobs.RemoveFile(output);
      return SetError(res, ApiError::FromError(synced.error()));
    }
    if (range.first == 0 && range.last + 1 == a.size) {
      job.output_tree_hash = a.tree_hash;
    } else if (hash::IsTreeHashAligned(range.first, range.last, a.size)) {
      auto tree = TreeHashOfFileRange(output, range.first, range.size());
      if (!tree) {
        context.blobs.RemoveFile(output);
        return SetError(res, ApiError::FromError(tree.error()));
      }
      job.output_tree_hash = *tree;
    }
  } else if (!job.inventory_marker.empty()) {
    auto marked = context.catalog.FindArchiveAnyVault(job.inventory_marker);
    if (!marked) return SetError(res, ApiError::FromError(marked.error()));
    if (!*marked || (*marked)->vault_id != vault->id) {
      return SetError(res, ApiError::InvalidParameter("Invalid Marker: " + job.inventory_marker));
    }
  }
  auto inserted = context.catalog.InsertJob(job);
  if (!inserted) {
    context.blobs.RemoveFile(output);
    return SetError(res, ApiError::FromError(inserted.error()));
  }
  auto completed = CompleteIfDue(state, *vault, job, now_ms);
  if (!completed) return SetError(res, ApiError::FromError(completed.error()));
  res.status = 202;
  res.SetHeader("location", "/" + req.account_id + "/vaults/" + vault->name + "/jobs/" + job.id);
  res.SetHeader("x-amz-job-id", job.id);
}

void DescribeJob(JobsState& state, Request& req, Response& res) {
  auto vault = LookupVault(state.context, req, res);
  if (!vault) return;
  auto job = LoadJob(state, *vault, req.Param("job"), state.NowMs());
  if (!job) return SetError(res, ApiError::FromError(job.error()));
  if (!*job) return JobNotFound(res, req.Param("job"));
  res.SetJson(200, DescribeJobJson(**job, vault->Arn(), NextMarker(**job)));
}

void ListJobs(JobsState& state, Request& req, Response& res) {
  auto vault = LookupVault(state.context, req, res);
  if (!vault) return;
  auto limit = ParseLimit(req, res, 50, 1000);
  if (!limit) return;
  std::optional<bool> completed;
  if (const std::string* c = req.Query("completed")) {
    if (*c != "true" && *c != "false") {
      return SetError(res, ApiError::InvalidParameter("Invalid completed: " + *c + " (true or false)"));
    }
    completed = *c == "true";
  }
  std::string status;
  if (const std::string* s = req.Query("statuscode")) {
    if (*s != "InProgress" && *s != "Succeeded" && *s != "Failed") {
      return SetError(res, ApiError::InvalidParameter(
                               "Invalid statuscode: " + *s + " (InProgress, Succeeded or Failed)"));
    }
    status = *s;
  }
  std::string cursor;
  if (const std::string* m = req.Query("marker")) {
    cursor = *m;
    auto known = state.context.catalog.FindJob(vault->id, cursor);
    if (!known) return SetError(res, ApiError::FromError(known.error()));
    if (!*known) return SetError(res, ApiError::InvalidParameter("Invalid marker: " + cursor));
  }
  int64_t now_ms = state.NowMs();
  json list = json::array();
  json marker = nullptr;
  std::string last_seen;
  constexpr size_t kPage = 200;
  while (marker.is_null()) {
    auto page = state.context.catalog.ListJobs(vault->id, cursor, kPage);
    if (!page) return SetError(res, ApiError::FromError(page.error()));
    size_t used = 0;
    for (JobRecord& row : *page) {
      ++used;
      if (row.id == last_seen) continue;  // start_id is inclusive
      last_seen = row.id;
      auto job = LoadJob(state, *vault, row.id, now_ms);
      if (!job) return SetError(res, ApiError::FromError(job.error()));
      if (!*job) continue;
      const JobRecord& j = **job;
      if (completed && (j.status_code != "InProgress") != *completed) continue;
      if (!status.empty() && j.status_code != status) continue;
      if (list.size() == *limit) {
        marker = j.id;
        break;
      }
      list.push_back(json::parse(DescribeJobJson(j, vault->Arn(), NextMarker(j))));
    }
    if (page->size() < kPage || used == 0) break;
    cursor = page->back().id;
  }
  json out;
  out["JobList"] = std::move(list);
  out["Marker"] = std::move(marker);
  res.SetJson(200, out.dump());
}

void GetJobOutput(JobsState& state, Request& req, Response& res) {
  ServiceContext& context = state.context;
  auto vault = LookupVault(context, req, res);
  if (!vault) return;
  auto found = LoadJob(state, *vault, req.Param("job"), state.NowMs());
  if (!found) return SetError(res, ApiError::FromError(found.error()));
  if (!*found) return JobNotFound(res, req.Param("job"));
  const JobRecord& job = **found;
  if (job.status_code != "Succeeded") {
    return SetError(res, ApiError::InvalidParameter("The job is not currently available for download: " +
                                                    job.id + " (" + job.status_code + ")"));
  }
  bool archive = job.action == "ArchiveRetrieval";
  uint64_t length = job.output_size.value_or(0);
  ByteRange job_range = archive ? JobRange(job) : ByteRange{0, length ? length - 1 : 0};
  uint64_t base = archive ? job_range.first : 0;
  ByteRange download{0, length ? length - 1 : 0};
  bool ranged = false;
  if (const std::string* range = req.Header("range")) {
    auto r = ParseRangeHeader(*range, length);
    if (!r) return SetError(res, r.error());
    download = *r;
    ranged = true;
  }
  std::string path = AbsolutePath(context, job.output_path);
  std::string tree_hash;
  if (archive && length > 0) {
    bool whole = download.first == 0 && download.last + 1 == length;
    if (whole) {
      tree_hash = job.output_tree_hash;
    } else if (OutputRangeHasTreeHash(job_range, download, *job.archive_size)) {
      auto tree = TreeHashOfFileRange(path, base + download.first, download.size());
      if (!tree) return SetError(res, ApiError::FromError(tree.error()));
      tree_hash = *tree;
    }
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return SetError(res, ApiError::FromError(SysError("opening job output", errno)));
  std::string content_type =
      archive ? "application/octet-stream"
              : std::string(InventoryContentType(
                    ParseInventoryFormat(job.format).value_or(InventoryFormat::kJson)));
  uint64_t send = length == 0 ? 0 : download.size();
  res.SetFile(ranged ? 206 : 200, fd, base + download.first, send, content_type);
  res.SetHeader("accept-ranges", "bytes");
  if (ranged) {
    res.SetHeader("content-range", "bytes " + std::to_string(download.first) + "-" +
                                       std::to_string(download.last) + "/" + std::to_string(length));
  }
  if (!tree_hash.empty()) res.SetHeader("x-amz-sha256-tree-hash", tree_hash);
  if (archive) {
    auto a = context.catalog.FindArchiveAnyVault(job.archive_id);
    if (a && *a && !(*a)->description.empty()) {
      res.SetHeader("x-amz-archive-description", (*a)->description);
    }
  }
}

// The --test-clock endpoint: moves the job clock forward (never back).
void TestClock(JobsState& state, Request& req, Response& res) {
  if (req.method == "POST") {
    const std::string* advance = req.Query("advance");
    if (!advance) return SetError(res, ApiError::MissingParameter("advance=DURATION is required"));
    auto ms = ParseDuration(*advance);
    if (!ms) return SetError(res, ApiError::InvalidParameter(ms.error().message));
    state.offset_ms += *ms;
  }
  json out;
  out["Now"] = IsoMillis(state.NowMs());
  out["OffsetMs"] = state.offset_ms.load();
  res.SetJson(200, out.dump());
}

}  // namespace

void RegisterJobRoutes(Router& router, ServiceContext& context, const JobOptions& options) {
  // Lives as long as the process: the router's handlers outlive this call.
  auto state = std::make_shared<JobsState>(context, options);
  if (options.test_clock) {
    for (const char* method : {"GET", "POST"}) {
      router.Add(method, "/{account}/mtglacier-test/clock", "test-clock",
                 [state](Request& req, Response& res) { TestClock(*state, req, res); });
    }
  }
  router.Add("POST", "/{account}/vaults/{vault}/jobs", "initiate-job",
             [state](Request& req, Response& res) { InitiateJob(*state, req, res); });
  router.Add("GET", "/{account}/vaults/{vault}/jobs", "list-jobs",
             [state](Request& req, Response& res) { ListJobs(*state, req, res); });
  router.Add("GET", "/{account}/vaults/{vault}/jobs/{job}", "describe-job",
             [state](Request& req, Response& res) { DescribeJob(*state, req, res); });
  router.Add("GET", "/{account}/vaults/{vault}/jobs/{job}/output", "get-job-output",
             [state](Request& req, Response& res) { GetJobOutput(*state, req, res); });
}

void RegisterJobRoutes(Router& router, ServiceContext& context) {
  JobOptions options;
  options.delays = JobDelays::Uniform(context.options.job_delay_ms);
  RegisterJobRoutes(router, context, options);
}

}  // namespace mtg::server
