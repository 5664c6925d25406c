// The pure parts of a restore download: how an archive is cut into ranged requests, where its
// temporary file and resume sidecar live, and the sidecar's format.
//
// Resume design. A download writes into a temporary file whose name is derived from the archive
// id and the relative name (so the next run finds it again), next to the final file, and keeps
// beside it a small text sidecar listing each segment that was verified against the service's
// x-amz-sha256-tree-hash and made durable (the data is fsynced before the sidecar is replaced
// atomically). A later run that finds both re-hashes each listed segment from the bytes on disk
// and fetches only segments that are not listed or no longer hash to the recorded value; a
// sidecar for another archive, size, tree hash or segment size is ignored and the file starts
// over. The sidecar is removed after the rename into place.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "glacier/types.h"

namespace mtg::sync {

inline constexpr uint64_t kMiB = 1024 * 1024;

// The ranges (inclusive) an archive of `size` bytes is fetched in: segment_size bytes each, the
// last one shorter; a single range covering everything when segment_size is 0 or >= size; none
// for size 0. With segment_size a power-of-two number of MiB every range is tree-hash aligned,
// so the service returns its tree hash, and the ranges' hashes combine into the archive's.
std::vector<glacier::ByteRange> PlanSegments(uint64_t size, uint64_t segment_size);

// ".mtglacier-restore-<16 hex>.part" / ".state": fixed length whatever the file name (a long
// name plus a suffix could exceed NAME_MAX), different for each (archive, name) pair.
std::string TempNameFor(std::string_view archive_id, std::string_view relfilename);
std::string SidecarNameFor(std::string_view archive_id, std::string_view relfilename);
// Whether the last component of a relative name is one of the two above (sync leaves them alone:
// they are an unfinished restore's, not the user's files).
bool IsRestoreTempName(std::string_view relative_name);

struct VerifiedSegment {
  uint64_t first = 0;
  uint64_t last = 0;
  std::string tree_hash{};  // 64 lowercase hex, as the service returned and we recomputed
};

struct ResumeState {
  std::string archive_id{};
  uint64_t size = 0;
  std::string tree_hash{};  // the journal's, of the whole archive
  uint64_t segment_size = 0;
  std::vector<VerifiedSegment> verified{};
};

// Text form: a header line "mtglacier-restore-state 1", then "archive ID", "size N",
// "tree HASH", "segment-size N", then one "verified FIRST LAST HASH" per segment.
std::string FormatResumeState(const ResumeState& state);
// Errors (kParse) name `where` (the sidecar's path) and the line.
[[nodiscard]] Result<ResumeState> ParseResumeState(std::string_view text, std::string_view where);

// True when `state` describes this very download (same archive, size, hash, segment plan).
bool SameDownload(const ResumeState& a, const ResumeState& b);

}  // namespace mtg::sync
