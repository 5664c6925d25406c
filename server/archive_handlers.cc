// upload-archive (single request, streamed to a temp file, verified, then renamed into place)
// and delete-archive.
#include <unistd.h>

#include "hash/tree_hash.h"
#include "handlers.h"
#include "sign/canonical.h"

namespace mtg::server {

namespace {

constexpr uint64_t kMaxSingleUpload = 4ULL << 30;

void UploadArchive(ServiceContext& context, Request& req, Response& res) {
  auto vault = LookupVault(context, req, res);
  if (!vault) return;
  std::string description = req.HeaderOr("x-amz-archive-description");
  if (!IsValidDescription(description)) {
    return SetError(res, ApiError::InvalidParameter(
                             "Invalid archive description: at most 1024 characters 0x20-0x7E"));
  }
  const std::string* tree_header = req.Header("x-amz-sha256-tree-hash");
  if (!tree_header) return SetError(res, ApiError::MissingParameter("Required header x-amz-sha256-tree-hash is missing"));
  hash::Digest declared;
  if (!hash::FromHex(*tree_header, &declared)) {
    return SetError(res, ApiError::InvalidParameter("Invalid x-amz-sha256-tree-hash: " + *tree_header));
  }
  if (!req.content_length) return SetError(res, ApiError::MissingParameter("Content-Length is required"));
  if (*req.content_length == 0) {
    return SetError(res, ApiError::InvalidParameter("Invalid Content-Length: 0 (an archive has at least 1 byte)"));
  }
  if (*req.content_length > kMaxSingleUpload) {
    return SetError(res, ApiError::InvalidParameter("Archive too large for a single upload: " +
                                                    std::to_string(*req.content_length) + " bytes"));
  }

  std::string temp_path;
  auto fd = context.blobs.CreateTemp(&temp_path);
  if (!fd) return SetError(res, ApiError::FromError(fd.error()));
  FdCloser closer(*fd);
  auto discard = [&](const ApiError& error) {
    context.blobs.RemoveFile(temp_path);
    SetError(res, error);
  };

  // Both hashes in one pass (the service's x-amz-content-sha256 check reuses the SHA-256), and
  // the bytes to disk with O_DIRECT where possible: see BufferedWriter.
  int direct_fd = OpenDirect(temp_path);
  FdCloser direct_closer(direct_fd);
  BufferedWriter writer(*fd, 0, direct_fd);
  Result<void> write_status = Ok();
  auto read = req.ReadBodyHashed([&](const char* data, size_t size) {
    write_status = writer.Append(data, size);
    return write_status.has_value();
  });
  if (read && write_status) write_status = writer.Flush();
  if (!write_status) return discard(ApiError::FromError(write_status.error()));
  if (!read) return discard(ApiError::FromError(read.error()));

  std::string computed = hash::ToHex(read->tree);
  if (computed != sign::ToLowerAscii(*tree_header)) {
    return discard(ApiError::InvalidParameter("Checksum mismatch: the x-amz-sha256-tree-hash " + *tree_header +
                                              " does not match the computed tree hash " + computed));
  }
  auto synced = FsyncFd(*fd, temp_path);
  if (!synced) return discard(ApiError::FromError(synced.error()));

  ArchiveRecord archive;
  archive.id = context.ids.ArchiveId();
  archive.vault_id = vault->id;
  archive.description = description;
  archive.size = *req.content_length;
  archive.tree_hash = computed;
  archive.created_ms = context.NowMs();
  auto promoted = context.blobs.Promote(temp_path, archive.id);
  if (!promoted) return discard(ApiError::FromError(promoted.error()));
  // Only now, with the bytes durable under their final name, does the archive exist.
  auto inserted = context.catalog.InsertArchive(archive);
  if (!inserted) {
    (void)context.blobs.RemoveArchive(archive.id);
    return SetError(res, ApiError::FromError(inserted.error()));
  }
  res.status = 201;
  res.SetHeader("location", "/" + req.account_id + "/vaults/" + vault->name + "/archives/" + archive.id);
  res.SetHeader("x-amz-archive-id", archive.id);
  res.SetHeader("x-amz-sha256-tree-hash", computed);
}

void DeleteArchive(ServiceContext& context, Request& req, Response& res) {
  auto vault = LookupVault(context, req, res);
  if (!vault) return;
  const std::string& id = req.Param("archive");
  auto deleted = context.catalog.MarkArchiveDeleted(vault->id, id, context.NowMs());
  if (!deleted) return SetError(res, ApiError::FromError(deleted.error()));
  if (!*deleted) return SetError(res, ApiError::ResourceNotFound("Archive not found: " + id));
  if (IsWellFormedId(id)) (void)context.blobs.RemoveArchive(id);
  res.status = 204;
}

}  // namespace

void RegisterArchiveRoutes(Router& router, ServiceContext& context) {
  router.Add("POST", "/{account}/vaults/{vault}/archives", "upload-archive",
             [&context](Request& req, Response& res) { UploadArchive(context, req, res); });
  router.Add("DELETE", "/{account}/vaults/{vault}/archives/{archive}", "delete-archive",
             [&context](Request& req, Response& res) { DeleteArchive(context, req, res); });
}

}  // namespace mtg::server
