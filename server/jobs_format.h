// The pure half of the jobs module: parsing Initiate Job parameters, retrieval and HTTP ranges,
// tier delays, and the Describe Job JSON in the service's exact shape. No I/O, so every rule
// of glacier-service.md §1.3–1.5 is unit-testable without a server.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

#include "api_error.h"
#include "catalog.h"

namespace mtg::server {

inline constexpr uint64_t kMiB = 1024 * 1024;
// Job output stays available this long after completion (the service promises ≥ 24 h).
inline constexpr int64_t kJobOutputLifetimeMs = 24LL * 3600 * 1000;

template <typename T>
using ApiResult = std::expected<T, ApiError>;

// An inclusive byte range [first, last].
struct ByteRange {
  uint64_t first = 0;
  uint64_t last = 0;
  uint64_t size() const { return last - first + 1; }
  bool operator==(const ByteRange&) const = default;
};

// Initiate Job's JSON body → a JobRecord with action, archive_id, retrieval_range (as given),
// tier, format, description, sns_topic and inventory parameters filled and checked for shape
// (Type, Tier, Format, dates, Limit, description characters). What needs the catalogue — the
// archive exists, the range fits it — is checked by the caller.
ApiResult<JobRecord> ParseJobParameters(std::string_view body);

// RetrievalByteRange "START-END" against the archive size: megabyte aligned (START divisible by
// 1 MiB; END+1 divisible by 1 MiB or equal to the archive size) and inside the archive.
ApiResult<ByteRange> ParseRetrievalRange(std::string_view text, uint64_t archive_size);

// The HTTP Range header of Get Job Output ("bytes=A-B", "bytes=A-", "bytes=-N") against the
// output length; nullopt result for "no Range header" is the caller's business.
ApiResult<ByteRange> ParseRangeHeader(std::string_view header, uint64_t length);

// Per-tier job delays (--job-delay). A bare duration applies to every tier and to inventory
// jobs; otherwise a comma list of TIER=DURATION with TIER one of Expedited, Standard, Bulk,
// Inventory (unnamed tiers keep the default). Durations: 0, 250ms, 30s, 5m, 4h, 1d.
struct JobDelays {
  int64_t expedited_ms = 0;
  int64_t standard_ms = 0;
  int64_t bulk_ms = 0;
  int64_t inventory_ms = 0;

  static JobDelays Uniform(int64_t ms) { return {ms, ms, ms, ms}; }
  int64_t For(const JobRecord& job) const;
};
[[nodiscard]] Result<JobDelays> ParseJobDelays(std::string_view spec);

// Describe Job / List Jobs element, with null for fields that do not apply (as the service
// sends them). next_marker is the inventory continuation marker ("" = none).
std::string DescribeJobJson(const JobRecord& job, std::string_view vault_arn,
                            std::string_view next_marker);

// Whether a ranged download of an archive job's output gets x-amz-sha256-tree-hash: both the
// job's range within the archive and the download range within the output must be tree-hash
// aligned (§1.4). output_range is absolute within the archive.
bool OutputRangeHasTreeHash(ByteRange job_range, ByteRange download, uint64_t archive_size);

}  // namespace mtg::server
