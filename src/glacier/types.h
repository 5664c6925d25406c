// Plain data returned by and passed to the Glacier API (names follow the service's JSON fields).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mtg::glacier {

struct VaultInfo {
  std::string name{};
  std::string arn{};
  std::string creation_date{};
  std::string last_inventory_date{};  // "" when never inventoried
  uint64_t archive_count = 0;
  uint64_t size_in_bytes = 0;
};

struct VaultPage {
  std::vector<VaultInfo> vaults{};
  std::string marker{};  // "" when this is the last page
};

struct ArchiveCreated {
  std::string archive_id{};
  std::string tree_hash{};  // as echoed by the service
  std::string location{};
};

// Inclusive byte range, as in HTTP (first..last).
struct ByteRange {
  uint64_t first = 0;
  uint64_t last = 0;
  uint64_t size() const { return last - first + 1; }
};

struct PartInfo {
  ByteRange range;
  std::string tree_hash{};
};

struct PartPage {
  std::string upload_id{};
  std::string description{};
  uint64_t part_size = 0;
  std::vector<PartInfo> parts{};
  std::string marker{};
};

struct UploadInfo {
  std::string upload_id{};
  std::string description{};
  uint64_t part_size = 0;
  std::string creation_date{};
};

struct UploadPage {
  std::vector<UploadInfo> uploads{};
  std::string marker{};
};

struct ArchiveRetrieval {
  std::string archive_id{};
  std::optional<ByteRange> range{};  // megabyte-aligned
  std::string tier{};              // "" (service default: Standard), Expedited, Standard, Bulk
  std::string sns_topic{};
  std::string description{};
};

struct InventoryRetrieval {
  std::string format = "JSON";  // JSON or CSV
  std::string description{};      // we send "mtijob1 ..." like mt-aws-glacier
  std::string sns_topic{};
  std::string start_date{}, end_date{}, limit{}, marker{};  // partial inventory; "" = unset
};

struct JobInfo {
  std::string job_id{};
  std::string action{};       // ArchiveRetrieval | InventoryRetrieval
  std::string status_code{};  // InProgress | Succeeded | Failed
  bool completed = false;
  std::string archive_id{};
  uint64_t archive_size = 0;
  std::string archive_tree_hash{};
  std::string retrieval_byte_range{};
  std::string sha256_tree_hash{};  // of the retrieved range, when aligned
  std::string tier{};
  std::string creation_date{};
  std::string completion_date{};
  std::string description{};
  std::string sns_topic{};
  std::string inventory_format{};  // for inventory jobs
  uint64_t inventory_size = 0;
  bool has_inventory_parameters = false;  // partial inventory (StartDate/EndDate/Limit/Marker)
};

struct JobPage {
  std::vector<JobInfo> jobs{};
  std::string marker{};
};

struct JobListFilter {
  std::optional<bool> completed{};
  std::string status_code{};  // "" any
  int limit = 0;            // 0: service default
  std::string marker{};
};

struct JobOutputInfo {
  int status = 0;              // 200 or 206
  std::string tree_hash{};       // x-amz-sha256-tree-hash, "" when the service sent none
  std::string content_range{};   // for 206
  std::string content_type{};
  uint64_t bytes = 0;
};

}  // namespace mtg::glacier
