// Multipart uploads: initiate, upload part (written in place into the upload's file),
// list parts, list uploads, complete (size and tree hash checked from the stored part hashes,
// then the file is renamed into place), abort.
#include <unistd.h>

#include <cerrno>

#include <charconv>
#include <mutex>

#include <nlohmann/json.hpp>

#include "hash/tree_hash.h"
#include "handlers.h"
#include "sign/canonical.h"
#include "time_format.h"

namespace mtg::server {

namespace {

using nlohmann::json;

constexpr uint64_t kMiB = 1ULL << 20;
constexpr uint64_t kMaxPartSize = 4ULL << 30;
constexpr uint64_t kMaxParts = 10000;

std::optional<uint64_t> ParseUint(std::string_view text) {
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || text.empty()) return std::nullopt;
  return v;
}

bool IsValidPartSize(uint64_t size) {
  if (size < kMiB || size > kMaxPartSize || size % kMiB != 0) return false;
  uint64_t mib = size / kMiB;
  return (mib & (mib - 1)) == 0;
}

std::string UploadLocation(const Request& req, const VaultRecord& vault, std::string_view id) {
  return "/" + req.account_id + "/vaults/" + vault.name + "/multipart-uploads/" + std::string(id);
}

// The upload named in the path, not completed; on failure the response is set.
std::optional<UploadRecord> LookupUpload(ServiceContext& context, const VaultRecord& vault,
                                         const Request& req, Response& res, bool allow_completed = false) {
  const std::string& id = req.Param("upload");
  auto upload = context.catalog.FindUpload(vault.id, id);
  if (!upload) {
    SetError(res, ApiError::FromError(upload.error()));
    return std::nullopt;
  }
  if (!*upload || (!allow_completed && (*upload)->completed)) {
    SetError(res, ApiError::ResourceNotFound("Multipart upload not found: " + id));
    return std::nullopt;
  }
  return **upload;
}

json UploadJson(const UploadRecord& u, const VaultRecord& vault) {
  json out;
  out["MultipartUploadId"] = u.id;
  out["VaultARN"] = vault.Arn();
  out["ArchiveDescription"] = u.description;
  out["PartSizeInBytes"] = u.part_size;
  out["CreationDate"] = IsoMillis(u.created_ms);
  return out;
}

void Initiate(ServiceContext& context, Request& req, Response& res) {
  auto vault = LookupVault(context, req, res);
  if (!vault) return;
  std::string description = req.HeaderOr("x-amz-archive-description");
  if (!IsValidDescription(description)) {
    return SetError(res, ApiError::InvalidParameter(
                             "Invalid archive description: at most 1024 characters 0x20-0x7E"));
  }
  const std::string* size_text = req.Header("x-amz-part-size");
  if (!size_text) return SetError(res, ApiError::MissingParameter("Required header x-amz-part-size is missing"));
  auto part_size = ParseUint(*size_text);
  if (!part_size || !IsValidPartSize(*part_size)) {
    return SetError(res, ApiError::InvalidParameter("Invalid part size: " + *size_text +
                                                    " (must be 1 MiB times a power of 2, at most 4 GiB)"));
  }
  UploadRecord upload;
  upload.id = context.ids.UploadId();
  upload.vault_id = vault->id;
  upload.description = description;
  upload.part_size = *part_size;
  upload.created_ms = context.NowMs();
  auto created = context.blobs.CreateUploadFile(upload.id);
  if (!created) return SetError(res, ApiError::FromError(created.error()));
  auto inserted = context.catalog.InsertUpload(upload);
  if (!inserted) {
    (void)context.blobs.RemoveUpload(upload.id);
    return SetError(res, ApiError::FromError(inserted.error()));
  }
  res.status = 201;
  res.SetHeader("location", UploadLocation(req, *vault, upload.id));
  res.SetHeader("x-amz-multipart-upload-id", upload.id);
}

// "bytes FIRST-LAST/*" (the total may also be a number).
bool ParseContentRange(std::string_view text, uint64_t* first, uint64_t* last) {
  if (text.substr(0, 6) != "bytes ") return false;
  text.remove_prefix(6);
  size_t dash = text.find('-');
  size_t slash = text.find('/');
  if (dash == std::string_view::npos || slash == std::string_view::npos || slash < dash) return false;
  auto a = ParseUint(text.substr(0, dash));
  auto b = ParseUint(text.substr(dash + 1, slash - dash - 1));
  std::string_view total = text.substr(slash + 1);
  if (!a || !b || *b < *a || (total != "*" && !ParseUint(total))) return false;
  *first = *a;
  *last = *b;
  return true;
}

void UploadPart(ServiceContext& context, Request& req, Response& res) {
  auto vault = LookupVault(context, req, res);
  if (!vault) return;
  auto upload = LookupUpload(context, *vault, req, res);
  if (!upload) return;
  const std::string* range_text = req.Header("content-range");
  if (!range_text) return SetError(res, ApiError::MissingParameter("Required header Content-Range is missing"));
  uint64_t first = 0, last = 0;
  if (!ParseContentRange(*range_text, &first, &last)) {
    return SetError(res, ApiError::InvalidParameter("Invalid Content-Range: " + *range_text));
  }
  uint64_t size = last - first + 1;
  if (first % upload->part_size != 0 || size > upload->part_size || first / upload->part_size >= kMaxParts) {
    return SetError(res, ApiError::InvalidParameter(
                             "Content-Range " + *range_text + " is not aligned to the part size " +
                             std::to_string(upload->part_size) + " or is out of range"));
  }
  if (req.content_length != size) {
    return SetError(res, ApiError::InvalidParameter("Content-Length does not match Content-Range " + *range_text));
  }
  const std::string* tree_header = req.Header("x-amz-sha256-tree-hash");
  if (!tree_header) return SetError(res, ApiError::MissingParameter("Required header x-amz-sha256-tree-hash is missing"));
  hash::Digest declared;
  if (!hash::FromHex(*tree_header, &declared)) {
    return SetError(res, ApiError::InvalidParameter("Invalid x-amz-sha256-tree-hash: " + *tree_header));
  }

  auto fd = context.blobs.OpenUploadForWrite(upload->id);
  if (!fd) return SetError(res, ApiError::FromError(fd.error()));
  FdCloser closer(*fd);
  // The bytes at this range are about to change: a part recorded there no longer holds.
  auto dropped = context.catalog.DeletePart(upload->id, first);
  if (!dropped) return SetError(res, ApiError::FromError(dropped.error()));

  // Both hashes in one pass (the service's x-amz-content-sha256 check reuses the SHA-256), and
  // the bytes to disk with O_DIRECT where possible: see BufferedWriter.
  int direct_fd = OpenDirect(context.blobs.UploadPath(upload->id));
  FdCloser direct_closer(direct_fd);
  BufferedWriter writer(*fd, first, direct_fd);
  Result<void> write_status = Ok();
  auto read = req.ReadBodyHashed([&](const char* data, size_t n) {
    write_status = writer.Append(data, n);
    return write_status.has_value();
  });
  if (read && write_status) write_status = writer.Flush();
  if (!write_status) return SetError(res, ApiError::FromError(write_status.error()));
  if (!read) return SetError(res, ApiError::FromError(read.error()));
  std::string computed = hash::ToHex(read->tree);
  if (computed != sign::ToLowerAscii(*tree_header)) {
    return SetError(res, ApiError::InvalidParameter("Checksum mismatch: the x-amz-sha256-tree-hash " + *tree_header +
                                                    " does not match the computed tree hash " + computed));
  }
  auto synced = FsyncFd(*fd, "upload part");
  if (!synced) return SetError(res, ApiError::FromError(synced.error()));
  std::string sha256 = hash::ToHex(read->sha256);
  PartRecord part{upload->id, first, size, computed, sha256};
  auto stored = context.catalog.PutPart(part);
  if (!stored) return SetError(res, ApiError::FromError(stored.error()));
  res.status = 204;
  res.SetHeader("x-amz-sha256-tree-hash", computed);
}

void ListParts(ServiceContext& context, Request& req, Response& res) {
  auto vault = LookupVault(context, req, res);
  if (!vault) return;
  auto upload = LookupUpload(context, *vault, req, res);
  if (!upload) return;
  auto limit = ParseLimit(req, res, 1000, 1000);
  if (!limit) return;
  uint64_t start = 0;
  if (const std::string* marker = req.Query("marker")) {
    auto v = ParseUint(*marker);
    if (!v) return SetError(res, ApiError::InvalidParameter("Invalid marker: " + *marker));
    start = *v;
  }
  auto parts = context.catalog.ListParts(upload->id, start, *limit + 1);
  if (!parts) return SetError(res, ApiError::FromError(parts.error()));
  json list = json::array();
  json marker = nullptr;
  for (size_t i = 0; i < parts->size(); ++i) {
    const PartRecord& p = (*parts)[i];
    if (i == *limit) {
      marker = std::to_string(p.range_start);
      break;
    }
    list.push_back({{"RangeInBytes", std::to_string(p.range_start) + "-" + std::to_string(p.range_start + p.size - 1)},
                    {"SHA256TreeHash", p.tree_hash}});
  }
  json out = UploadJson(*upload, *vault);
  out.erase("CreationDate");
  out["CreationDate"] = IsoMillis(upload->created_ms);
  out["Parts"] = std::move(list);
  out["Marker"] = std::move(marker);
  res.SetJson(200, out.dump());
}

void ListUploads(ServiceContext& context, Request& req, Response& res) {
  auto vault = LookupVault(context, req, res);
  if (!vault) return;
  auto limit = ParseLimit(req, res, 1000, 1000);
  if (!limit) return;
  std::string start = req.Query("marker") ? *req.Query("marker") : std::string();
  auto uploads = context.catalog.ListUploads(vault->id, start, *limit + 1);
  if (!uploads) return SetError(res, ApiError::FromError(uploads.error()));
  json list = json::array();
  json marker = nullptr;
  for (size_t i = 0; i < uploads->size(); ++i) {
    if (i == *limit) {
      marker = (*uploads)[i].id;
      break;
    }
    list.push_back(UploadJson((*uploads)[i], *vault));
  }
  json out;
  out["UploadsList"] = std::move(list);
  out["Marker"] = std::move(marker);
  res.SetJson(200, out.dump());
}

void SetArchiveCreated(const Request& req, const VaultRecord& vault, const std::string& id,
                       const std::string& tree_hash, Response& res) {
  res.status = 201;
  res.SetHeader("location", "/" + req.account_id + "/vaults/" + vault.name + "/archives/" + id);
  res.SetHeader("x-amz-archive-id", id);
  res.SetHeader("x-amz-sha256-tree-hash", tree_hash);
}

// Checks the stored parts against the declared size and tree hash; returns the error or "".
std::optional<ApiError> CheckParts(const UploadRecord& upload, const std::vector<PartRecord>& parts,
                                   uint64_t size, const std::string& tree_hash) {
  if (parts.empty()) return ApiError::InvalidParameter("No parts have been uploaded");
  if (parts.size() > kMaxParts) return ApiError::InvalidParameter("Too many parts");
  std::vector<hash::Digest> hashes;
  uint64_t expected_start = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    const PartRecord& p = parts[i];
    if (p.range_start != expected_start) {
      return ApiError::InvalidParameter("Missing part at byte " + std::to_string(expected_start));
    }
    bool is_last = i + 1 == parts.size();
    if (!is_last && p.size != upload.part_size) {
      return ApiError::InvalidParameter("Part at byte " + std::to_string(p.range_start) +
                                        " is shorter than the part size");
    }
    hash::Digest d;
    if (!hash::FromHex(p.tree_hash, &d)) return ApiError::Internal("corrupt part hash in catalogue");
    hashes.push_back(d);
    expected_start += p.size;
  }
  if (expected_start != size) {
    return ApiError::InvalidParameter("x-amz-archive-size " + std::to_string(size) +
                                      " does not match the uploaded parts (" + std::to_string(expected_start) + " bytes)");
  }
  std::string computed = hash::ToHex(hash::CombineTreeHashes(hashes));
  if (computed != tree_hash) {
    return ApiError::InvalidParameter("Checksum mismatch: the x-amz-sha256-tree-hash " + tree_hash +
                                      " does not match the tree hash of the parts " + computed);
  }
  return std::nullopt;
}

std::mutex complete_mutex;  // completes are short; one at a time keeps a repeated complete simple

void Complete(ServiceContext& context, Request& req, Response& res) {
  auto vault = LookupVault(context, req, res);
  if (!vault) return;
  const std::string* size_text = req.Header("x-amz-archive-size");
  const std::string* tree_text = req.Header("x-amz-sha256-tree-hash");
  if (!size_text) return SetError(res, ApiError::MissingParameter("Required header x-amz-archive-size is missing"));
  if (!tree_text) return SetError(res, ApiError::MissingParameter("Required header x-amz-sha256-tree-hash is missing"));
  auto size = ParseUint(*size_text);
  hash::Digest declared;
  if (!size || *size == 0) return SetError(res, ApiError::InvalidParameter("Invalid x-amz-archive-size: " + *size_text));
  if (!hash::FromHex(*tree_text, &declared)) {
    return SetError(res, ApiError::InvalidParameter("Invalid x-amz-sha256-tree-hash: " + *tree_text));
  }
  std::string tree_hash = hash::ToHex(declared);

  std::lock_guard lock(complete_mutex);
  auto upload = LookupUpload(context, *vault, req, res, /*allow_completed=*/true);
  if (!upload) return;
  if (upload->completed) {
    // Complete is idempotent: the same request again gets the same archive.
    if (upload->archive_size == *size && upload->archive_tree_hash == tree_hash) {
      return SetArchiveCreated(req, *vault, upload->archive_id, tree_hash, res);
    }
    return SetError(res, ApiError::ResourceNotFound("Multipart upload not found: " + upload->id));
  }
  auto parts = context.catalog.ListParts(upload->id, 0, kMaxParts + 1);
  if (!parts) return SetError(res, ApiError::FromError(parts.error()));
  if (auto error = CheckParts(*upload, *parts, *size, tree_hash)) return SetError(res, *error);

  // A re-uploaded shorter last part can leave stale bytes past the end: cut them off.
  auto fd = context.blobs.OpenUploadForWrite(upload->id);
  if (!fd) return SetError(res, ApiError::FromError(fd.error()));
  {
    FdCloser closer(*fd);
    if (::ftruncate(*fd, static_cast<off_t>(*size)) != 0) {
      return SetError(res, ApiError::FromError(SysError("truncating upload", errno)));
    }
    auto synced = FsyncFd(*fd, "upload");
    if (!synced) return SetError(res, ApiError::FromError(synced.error()));
  }

  ArchiveRecord archive;
  archive.id = context.ids.ArchiveId();
  archive.vault_id = vault->id;
  archive.description = upload->description;
  archive.size = *size;
  archive.tree_hash = tree_hash;
  archive.created_ms = context.NowMs();
  // Crash-safe order: record the intent, move the bytes, then insert the archive. Startup
  // recovery finishes or undoes a complete that was cut off between these steps.
  auto begun = context.catalog.BeginComplete(upload->id, archive.id, *size, tree_hash);
  if (!begun) return SetError(res, ApiError::FromError(begun.error()));
  auto promoted = context.blobs.Promote(context.blobs.UploadPath(upload->id), archive.id);
  if (!promoted) {
    (void)context.catalog.CancelComplete(upload->id);
    return SetError(res, ApiError::FromError(promoted.error()));
  }
  auto finished = context.catalog.FinishComplete(upload->id, archive);
  if (!finished) return SetError(res, ApiError::FromError(finished.error()));
  SetArchiveCreated(req, *vault, archive.id, tree_hash, res);
}

void Abort(ServiceContext& context, Request& req, Response& res) {
  auto vault = LookupVault(context, req, res);
  if (!vault) return;
  std::lock_guard lock(complete_mutex);
  auto upload = LookupUpload(context, *vault, req, res);
  if (!upload) return;
  auto deleted = context.catalog.DeleteUpload(upload->id);
  if (!deleted) return SetError(res, ApiError::FromError(deleted.error()));
  (void)context.blobs.RemoveUpload(upload->id);
  res.status = 204;
}

}  // namespace

void RegisterMultipartRoutes(Router& router, ServiceContext& context) {
  auto wrap = [&context](void (*fn)(ServiceContext&, Request&, Response&)) {
    return [&context, fn](Request& req, Response& res) { fn(context, req, res); };
  };
  const char* uploads = "/{account}/vaults/{vault}/multipart-uploads";
  const char* upload = "/{account}/vaults/{vault}/multipart-uploads/{upload}";
  router.Add("POST", uploads, "initiate-multipart-upload", wrap(Initiate));
  router.Add("GET", uploads, "list-multipart-uploads", wrap(ListUploads));
  router.Add("PUT", upload, "upload-part", wrap(UploadPart));
  router.Add("GET", upload, "list-parts", wrap(ListParts));
  router.Add("POST", upload, "complete-multipart-upload", wrap(Complete));
  router.Add("DELETE", upload, "abort-multipart-upload", wrap(Abort));
}

}  // namespace mtg::server
