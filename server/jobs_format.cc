#include "jobs_format.h"

#include <charconv>
#include <nlohmann/json.hpp>

#include "handlers.h"
#include "hash/tree_hash.h"
#include "inventory.h"
#include "server_options.h"
#include "time_format.h"

namespace mtg::server {
namespace {

using nlohmann::json;

std::unexpected<ApiError> Invalid(std::string message) {
  return std::unexpected(ApiError::InvalidParameter(std::move(message)));
}

bool ParseU64(std::string_view text, uint64_t* out) {
  if (text.empty() || text.size() > 20) return false;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && p == text.data() + text.size();
}

// A string member, or nullopt when absent or null; an error when present with another type.
ApiResult<std::optional<std::string>> StringMember(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string()) return Invalid(std::string(key) + " must be a string");
  return std::optional<std::string>(it->get<std::string>());
}

}  // namespace

ApiResult<JobRecord> ParseJobParameters(std::string_view body) {
  json doc = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Invalid("The job parameters must be a JSON object");
  }
  JobRecord job;
  auto type = StringMember(doc, "Type");
  if (!type) return std::unexpected(type.error());
  if (!*type) {
    return std::unexpected(ApiError::MissingParameter("Required parameter missing: Type"));
  }
  auto description = StringMember(doc, "Description");
  if (!description) return std::unexpected(description.error());
  if (*description) {
    if (!IsValidDescription(**description)) {
      return Invalid("Invalid job description: at most 1024 printable ASCII characters");
    }
    job.description = **description;
  }
  auto sns = StringMember(doc, "SNSTopic");
  if (!sns) return std::unexpected(sns.error());
  if (*sns) job.sns_topic = **sns;

  if (**type == "archive-retrieval") {
    job.action = "ArchiveRetrieval";
    auto archive = StringMember(doc, "ArchiveId");
    if (!archive) return std::unexpected(archive.error());
    if (!*archive || (*archive)->empty()) {
      return std::unexpected(ApiError::MissingParameter("Required parameter missing: ArchiveId"));
    }
    job.archive_id = **archive;
    auto tier = StringMember(doc, "Tier");
    if (!tier) return std::unexpected(tier.error());
    job.tier = tier->value_or("Standard");
    if (job.tier != "Standard" && job.tier != "Bulk" && job.tier != "Expedited") {
      return Invalid("Invalid tier: " + job.tier + " (must be Expedited, Standard or Bulk)");
    }
    auto range = StringMember(doc, "RetrievalByteRange");
    if (!range) return std::unexpected(range.error());
    if (*range) job.retrieval_range = **range;
    return job;
  }
  if (**type == "inventory-retrieval") {
    job.action = "InventoryRetrieval";
    auto format = StringMember(doc, "Format");
    if (!format) return std::unexpected(format.error());
    job.format = format->value_or("JSON");
    if (!ParseInventoryFormat(job.format)) {
      return Invalid("Invalid inventory format: " + job.format + " (must be JSON or CSV)");
    }
    auto params = doc.find("InventoryRetrievalParameters");
    if (params != doc.end() && !params->is_null()) {
      if (!params->is_object()) return Invalid("InventoryRetrievalParameters must be an object");
      for (const char* key : {"StartDate", "EndDate", "Limit", "Marker"}) {
        auto value = StringMember(*params, key);
        if (!value) return std::unexpected(value.error());
        if (!*value) continue;
        std::string_view k = key;
        if (k == "StartDate" || k == "EndDate") {
          if (!ParseIsoDate(**value)) {
            return Invalid("Invalid " + std::string(k) + ": " + **value +
                           " (want ISO 8601 UTC, e.g. 2013-03-20T17:03:43Z)");
          }
          (k == "StartDate" ? job.inventory_start_date : job.inventory_end_date) = **value;
        } else if (k == "Limit") {
          uint64_t limit = 0;
          if (!ParseU64(**value, &limit) || limit < 1) {
            return Invalid("Invalid Limit: " + **value + " (want a positive integer)");
          }
          job.inventory_limit = **value;
        } else {
          job.inventory_marker = **value;
        }
      }
      if (!job.inventory_start_date.empty() && !job.inventory_end_date.empty() &&
          *ParseIsoDate(job.inventory_start_date) >= *ParseIsoDate(job.inventory_end_date)) {
        return Invalid("StartDate must be before EndDate");
      }
    }
    return job;
  }
  return Invalid("Invalid job type: " + **type +
                 " (must be archive-retrieval or inventory-retrieval)");
}

ApiResult<ByteRange> ParseRetrievalRange(std::string_view text, uint64_t archive_size) {
  size_t dash = text.find('-');
  ByteRange r;
  if (dash == std::string_view::npos || !ParseU64(text.substr(0, dash), &r.first) ||
      !ParseU64(text.substr(dash + 1), &r.last)) {
    return Invalid("Invalid RetrievalByteRange: " + std::string(text) + " (want START-END)");
  }
  if (r.first > r.last || r.last >= archive_size) {
    return Invalid("RetrievalByteRange " + std::string(text) + " is outside the archive of " +
                   std::to_string(archive_size) + " bytes");
  }
  if (r.first % kMiB != 0 || ((r.last + 1) % kMiB != 0 && r.last + 1 != archive_size)) {
    return Invalid("RetrievalByteRange " + std::string(text) +
                   " is not megabyte aligned: the start must be divisible by 1048576 and the "
                   "end plus one divisible by 1048576 or equal to the archive size");
  }
  return r;
}

ApiResult<ByteRange> ParseRangeHeader(std::string_view header, uint64_t length) {
  auto bad = [&] { return Invalid("Invalid Range: " + std::string(header)); };
  if (!header.starts_with("bytes=")) return bad();
  std::string_view spec = header.substr(6);
  size_t dash = spec.find('-');
  if (dash == std::string_view::npos || spec.find(',') != std::string_view::npos) return bad();
  std::string_view a = spec.substr(0, dash);
  std::string_view b = spec.substr(dash + 1);
  ByteRange r;
  if (a.empty()) {  // suffix: the last N bytes
    uint64_t n = 0;
    if (!ParseU64(b, &n) || n == 0 || length == 0) return bad();
    r.first = n >= length ? 0 : length - n;
    r.last = length - 1;
    return r;
  }
  if (!ParseU64(a, &r.first)) return bad();
  if (b.empty()) {
    r.last = length == 0 ? 0 : length - 1;
  } else if (!ParseU64(b, &r.last)) {
    return bad();
  }
  if (r.first > r.last || r.first >= length) {
    return Invalid("Range " + std::string(header) + " is not satisfiable for " +
                   std::to_string(length) + " bytes of job output");
  }
  if (r.last >= length) r.last = length - 1;
  return r;
}

int64_t JobDelays::For(const JobRecord& job) const {
  if (job.action == "InventoryRetrieval") return inventory_ms;
  if (job.tier == "Expedited") return expedited_ms;
  if (job.tier == "Bulk") return bulk_ms;
  return standard_ms;
}

Result<JobDelays> ParseJobDelays(std::string_view spec) {
  if (spec.find('=') == std::string_view::npos) {
    auto ms = ParseDuration(spec);
    if (!ms) return std::unexpected(ms.error());
    return JobDelays::Uniform(*ms);
  }
  JobDelays delays;
  while (!spec.empty()) {
    size_t comma = spec.find(',');
    std::string_view item = spec.substr(0, comma);
    spec = comma == std::string_view::npos ? std::string_view() : spec.substr(comma + 1);
    size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      return Fail(ErrorCode::kInvalidArgument,
                  "job delay '" + std::string(item) + "': expected TIER=DURATION");
    }
    std::string_view tier = item.substr(0, eq);
    auto ms = ParseDuration(item.substr(eq + 1));
    if (!ms) return std::unexpected(ms.error().WithContext("job delay '" + std::string(item) + "'"));
    if (tier == "Expedited") {
      delays.expedited_ms = *ms;
    } else if (tier == "Standard") {
      delays.standard_ms = *ms;
    } else if (tier == "Bulk") {
      delays.bulk_ms = *ms;
    } else if (tier == "Inventory") {
      delays.inventory_ms = *ms;
    } else {
      return Fail(ErrorCode::kInvalidArgument,
                  "job delay: unknown tier '" + std::string(tier) +
                      "' (want Expedited, Standard, Bulk or Inventory)");
    }
  }
  return delays;
}

std::string DescribeJobJson(const JobRecord& job, std::string_view vault_arn,
                            std::string_view next_marker) {
  auto text_or_null = [](const std::string& s) { return s.empty() ? json(nullptr) : json(s); };
  bool archive = job.action == "ArchiveRetrieval";
  bool completed = job.status_code != "InProgress";
  json out;
  out["Action"] = job.action;
  out["ArchiveId"] = archive ? json(job.archive_id) : json(nullptr);
  out["ArchiveSHA256TreeHash"] = archive ? text_or_null(job.archive_tree_hash) : json(nullptr);
  out["ArchiveSizeInBytes"] =
      archive && job.archive_size ? json(*job.archive_size) : json(nullptr);
  out["Completed"] = completed;
  out["CompletionDate"] = job.completed_ms ? json(IsoMillis(*job.completed_ms)) : json(nullptr);
  out["CreationDate"] = IsoMillis(job.created_ms);
  out["InventorySizeInBytes"] =
      !archive && completed && job.output_size ? json(*job.output_size) : json(nullptr);
  out["JobDescription"] = text_or_null(job.description);
  out["JobId"] = job.id;
  out["RetrievalByteRange"] = archive ? text_or_null(job.retrieval_range) : json(nullptr);
  // For an archive the tree hash of the retrieved range is known from the start when the range
  // is aligned (it is a node of the archive's tree); the service reports it while InProgress too.
  out["SHA256TreeHash"] = archive ? text_or_null(job.output_tree_hash) : json(nullptr);
  out["SNSTopic"] = text_or_null(job.sns_topic);
  out["StatusCode"] = job.status_code;
  out["StatusMessage"] = job.status_message.empty() ? json(nullptr) : json(job.status_message);
  if (archive) out["Tier"] = job.tier;
  out["VaultARN"] = std::string(vault_arn);
  if (!archive) {
    json params;
    params["Format"] = job.format;
    params["StartDate"] = text_or_null(job.inventory_start_date);
    params["EndDate"] = text_or_null(job.inventory_end_date);
    params["Limit"] = text_or_null(job.inventory_limit);
    params["Marker"] = next_marker.empty() ? json(nullptr) : json(std::string(next_marker));
    out["InventoryRetrievalParameters"] = std::move(params);
  }
  return out.dump();
}

bool OutputRangeHasTreeHash(ByteRange job_range, ByteRange download, uint64_t archive_size) {
  if (!hash::IsTreeHashAligned(job_range.first, job_range.last, archive_size)) return false;
  return hash::IsTreeHashAligned(job_range.first + download.first, job_range.first + download.last,
                                 archive_size);
}

}  // namespace mtg::server
