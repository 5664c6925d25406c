// The local file scan of `sync` (mt-aws-glacier 1.120's Journal::read_files, reference §3): walks
// --dir and yields every regular file the filters include, with its size and mtime, plus a
// notice or an error for everything it had to skip. It is a pull iterator: the scanner keeps only
// the directories on the current path, never a list of all files; the caller decides what to keep.
//
// Behaviour, as the original:
//   - a symlink to a file is scanned as that file (stat follows it); a symlink to a directory is
//     not descended; a dangling symlink is ignored (we still emit a notice);
//   - with `follow` (--follow), symlinked directories are descended like `find -L`; a directory
//     reached again under another path is skipped (first path wins), which also ends symlink
//     cycles. Files are not de-duplicated: each name is a file the user has and would restore.
//     That is what the original did: File::Find's duplicate check answered "undef" for a file
//     seen before, but still passed the name to the callback, whose -f test then took it; in its
//     run `real/f` was uploaded as `linkd/f` and as the symlink `linkf`. Memory grows with the
//     number of directories, never with files;
//   - directories are pruned only when the filters exclude them with match_subdirs (§4); every
//     other file is checked by itself;
//   - zero-length files are reported apart (kZeroSizeFile): never uploaded, "missing" for
//     --delete-removed.
// Deliberate differences, each a fix:
//   - a name with CR, LF or TAB, or that is not valid UTF-8, killed the whole run; here it is a
//     per-file error (kBadName; a directory is skipped with its contents) and the scan goes on;
//   - fifos, sockets and devices, and directories that cannot be listed, are reported per entry
//     and the scan goes on. Files under an unreadable directory (kUnreadableDir) or that could
//     not be stat'ed (kStatFailed) are UNKNOWN: the planner must not treat journal records
//     under them as removed;
//   - --dir itself is always followed when it is a symlink (File::Find without --follow would
//     have scanned nothing, and --delete-removed would then have deleted every archive);
//   - order: the original used readdir order; we sort each directory by bytes, with a directory
//     sorting as its name plus '/', which makes the whole sequence of relative names byte-sorted
//     and reproducible (a planner can merge it with a sorted journal);
//   - --leaf-optimization is accepted and ignored: it only switched Perl File::Find's link-count
//     shortcut for telling directories apart, which we never need (every entry has its type);
//   - "Found N local files" progress is the caller's to print.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "io/file_system.h"
#include "sync/filter.h"

namespace mtg::sync {

struct ScanOptions {
  std::string dir;                // --dir, as given; names are relative to it
  bool follow = false;            // --follow
  const Filter* filter = nullptr; // null or empty: everything is included; must outlive the scan
};

enum class ScanEventKind : uint8_t {
  // A file to consider for sync: a regular file (or a symlink to one) with size > 0.
  kFile,
  // The same with size 0: Glacier has no empty archives, so it counts as missing.
  kZeroSizeFile,
  // Notices: skipped on purpose; the scan goes on.
  kSpecialFile,      // fifo, socket, device
  kSymlinkToDir,     // without --follow, a symlinked directory is not descended
  kDanglingSymlink,  // target missing, or a symlink loop
  kDuplicate,        // --follow: a directory already scanned under another path
  kLoop,             // a directory that contains itself (symlink or bind mount back to an ancestor)
  // Errors: something could not be scanned; the scan goes on.
  kBadName,          // CR, LF or TAB, or not UTF-8; for a directory, all of it is skipped
  kUnreadableDir,    // could not be listed: the files below are unknown, NOT missing
  kStatFailed,       // could not be stat'ed: unknown, NOT missing
};

std::string_view ScanEventKindName(ScanEventKind kind);
bool IsScanError(ScanEventKind kind);
bool IsScanNotice(ScanEventKind kind);

struct ScanEvent {
  ScanEventKind kind = ScanEventKind::kFile;
  // Relative to --dir, '/'-separated raw bytes. For kFile and kZeroSizeFile it passes the
  // journal's relative-name rules. For errors it may hold the very bytes that were refused.
  std::string relative_name;
  uint64_t size = 0;   // kFile, kZeroSizeFile (of the target, for a symlink)
  int64_t mtime = 0;   // kFile, kZeroSizeFile
  // Notices and errors: one line for the user; the name is quoted so that control bytes and
  // invalid UTF-8 are shown safely.
  std::string message;
};

struct ScanStats {
  uint64_t files = 0;           // kFile events
  uint64_t bytes = 0;           // their total size
  uint64_t zero_size_files = 0;
  uint64_t notices = 0;
  uint64_t errors = 0;
  uint64_t directories = 0;     // listed, --dir included
};

class Scanner {
 public:
  // Checks that --dir is a directory (following a symlink) and lists it. Errors:
  // kInvalidArgument "Not a directory <dir>", or the listing failure of --dir itself.
  [[nodiscard]] static Result<Scanner> Open(io::FileSystem& fs, ScanOptions options);

  Scanner(Scanner&&) noexcept;
  Scanner& operator=(Scanner&&) noexcept;
  ~Scanner();

  // Fills `event` with the next event; false when the scan is over. Events of kind kFile and
  // kZeroSizeFile come in byte order of relative_name.
  bool Next(ScanEvent& event);

  const ScanStats& stats() const;

 private:
  struct State;
  explicit Scanner(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// Runs a whole scan, calling `on_event` for each event; `on_event` returns false to stop early
// (--max-number-of-files).
[[nodiscard]] Result<ScanStats> Scan(io::FileSystem& fs, const ScanOptions& options,
                                     const std::function<bool(const ScanEvent&)>& on_event);

}  // namespace mtg::sync
