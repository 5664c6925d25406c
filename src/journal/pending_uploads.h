// The pending-upload sidecar ("<journal>.pending"): the multipart uploads a sync or upload-file
// started and has not yet recorded in the journal, so the next run can resume them (list the
// parts the service already has, send only the missing ones, complete) instead of starting over
// and leaving the old upload behind, as mt-aws-glacier did.
//
// An entry is written (and made durable) right after InitiateMultipartUpload succeeds, gets the
// archive's final tree hash just before CompleteMultipartUpload (so a run that died after the
// service completed the upload but before the journal record can repeat the complete call, which
// the service answers with the same archive id), and is removed once the journal has the record,
// or the upload was aborted. The file is tiny (one line per upload in flight) and is rewritten
// atomically on every change (temporary file, fsync, rename), so it is never torn. It is only
// touched while the journal's lock is held.
//
// Format: a header line, then one line per entry, tab-separated:
//   mtglacier-pending-uploads 1
//   <upload id> <vault> <part size> <file size> <mtime> <final tree hash or -> <relative name>
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "io/file_system.h"

namespace mtg::journal {

struct PendingUpload {
  std::string upload_id{};
  std::string vault{};
  uint64_t part_size = 0;
  uint64_t size = 0;
  int64_t mtime = 0;
  std::string final_tree_hash{};  // "" until the upload is being completed
  std::string relative_name{};
};

// The sidecar path for a journal.
std::string PendingUploadsPath(std::string_view journal_path);

class PendingUploads {
 public:
  // Reads the sidecar (a missing file is an empty set). A malformed file is an error naming the
  // line, never silently dropped: it may name uploads that cost money until aborted.
  [[nodiscard]] static Result<PendingUploads> Load(io::FileSystem& fs, std::string path);
  // Parses the text of a sidecar (for Load and tests); `path` is only used in errors.
  [[nodiscard]] static Result<std::vector<PendingUpload>> Parse(std::string_view text,
                                                                std::string_view path);
  static std::string Format(const std::vector<PendingUpload>& entries);

  PendingUploads(PendingUploads&& other) noexcept;

  // A copy of the entries (the caller may iterate while workers change the set).
  std::vector<PendingUpload> entries() const;
  // The entry for this file in this vault, if any.
  [[nodiscard]] bool Find(std::string_view vault, std::string_view relative_name, PendingUpload& out) const;

  // Each change is durable when it returns. Thread-safe.
  [[nodiscard]] Result<void> Add(const PendingUpload& entry);
  [[nodiscard]] Result<void> SetFinalTreeHash(std::string_view upload_id, std::string_view tree_hash);
  [[nodiscard]] Result<void> Remove(std::string_view upload_id);

  const std::string& path() const { return path_; }

 private:
  PendingUploads(io::FileSystem& fs, std::string path, std::vector<PendingUpload> entries)
      : fs_(&fs), path_(std::move(path)), entries_(std::move(entries)) {}
  Result<void> SaveLocked();

  io::FileSystem* fs_;
  std::string path_;
  mutable std::mutex mu_;
  std::vector<PendingUpload> entries_;
};

}  // namespace mtg::journal
