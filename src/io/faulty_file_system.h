// FaultyFileSystem: wraps another FileSystem (usually a MemoryFileSystem) to test what our code
// does when the disk misbehaves:
//  - chosen calls fail with a chosen errno (by operation, path substring, the Nth matching call,
//    or every call from the Nth on), optionally after writing a prefix of the bytes;
//  - Crash() models a power cut: file data not yet fsynced is lost (optionally keeping a torn
//    prefix of it, e.g. half a journal line); with SetModelDirSync(true), creations, renames and
//    removals not yet made durable by SyncDir of their directory are undone too. Handles and
//    locks from before the crash die with the "process": later calls on them fail with EIO and
//    the locks are released.
//
// Durability is tracked by path for files written through this wrapper. Pre-existing files are
// assumed durable. Known simplifications: a file's unsynced data is attributed to the path it
// has now (handles follow renames made through this wrapper); MakeDirs is always durable.
// Thread-safe.
#pragma once

#include <cerrno>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>

#include "io/file_system.h"

namespace mtg::io {

// Operation kinds, as bits so one fault can cover several.
enum class Op : uint32_t {
  kOpenRead = 1u << 0,
  kOpenAppend = 1u << 1,
  kOpenWrite = 1u << 2,
  kReadFile = 1u << 3,
  kRead = 1u << 4,      // ReadAt on any handle
  kAppend = 1u << 5,
  kWrite = 1u << 6,     // WriteAt
  kTruncate = 1u << 7,
  kSync = 1u << 8,      // Sync on a handle
  kClose = 1u << 9,     // explicit Close on a handle
  kSize = 1u << 10,     // Size on a handle
  kRename = 1u << 11,   // matches if either path contains the substring
  kRemove = 1u << 12,   // Remove and RemoveDir
  kSyncDir = 1u << 13,
  kMakeDirs = 1u << 14,
  kStat = 1u << 15,     // Stat and LStat
  kList = 1u << 16,
  kSetMtime = 1u << 17,
  kChmod = 1u << 18,
  kSymlink = 1u << 19,  // Symlink, ReadLink, RealPath
  kLock = 1u << 20,
};
using OpMask = uint32_t;
inline constexpr OpMask kAllOps = ~OpMask{0};
constexpr OpMask operator|(Op a, Op b) { return static_cast<OpMask>(a) | static_cast<OpMask>(b); }
constexpr OpMask operator|(OpMask a, Op b) { return a | static_cast<OpMask>(b); }

struct Fault {
  OpMask ops = kAllOps;
  std::string path_contains;  // empty: any path
  // Which matching calls fail, counted from 1 among the calls this fault matches:
  // calls first .. first+count-1. Defaults: every matching call.
  uint64_t first = 1;
  uint64_t count = std::numeric_limits<uint64_t>::max();
  int err = EIO;
  // For Append/WriteAt: write this many leading bytes before failing (a torn write).
  uint64_t write_prefix = 0;

  static Fault Nth(OpMask ops, std::string path, uint64_t n, int err = EIO) {
    return Fault{ops, std::move(path), n, 1, err, 0};
  }
  static Fault AfterN(OpMask ops, std::string path, uint64_t n, int err = EIO) {
    return Fault{ops, std::move(path), n + 1, std::numeric_limits<uint64_t>::max(), err, 0};
  }
};

struct CrashOptions {
  // Of each file's data written since its last Sync, keep this many leading bytes (only when
  // the unsynced data extends the synced content, as appends do); the rest is lost.
  uint64_t keep_unsynced_bytes = 0;
};

class FaultyFileSystem final : public FileSystem {
 public:
  explicit FaultyFileSystem(FileSystem& inner);
  ~FaultyFileSystem() override;

  // Returns an id for RemoveFault.
  int AddFault(Fault fault);
  void RemoveFault(int id);
  void ClearFaults();
  // Calls seen of one operation kind (including failed ones), to pick an N for Fault::Nth.
  uint64_t Calls(Op op) const;
  uint64_t InjectedFailures() const;

  // Off by default: creations, renames and removals are durable at once.
  void SetModelDirSync(bool on);
  // Called at the start of every Sync on a file handle, before the wrapper takes its lock, with
  // the handle's path: a hook that blocks models a slow device flush (group-commit tests).
  void SetSyncHook(std::function<void(const std::string& path)> hook);
  // Power cut: see the file comment. Returns an error only if the inner file system fails
  // while rolling back.
  [[nodiscard]] Result<void> Crash(CrashOptions options = {});

  Result<std::unique_ptr<ReadableFile>> OpenRead(const std::string& path,
                                                 ReadHint hint = ReadHint::kNormal) override;
  Result<std::unique_ptr<AppendableFile>> OpenAppend(const std::string& path,
                                                     uint32_t mode = 0666) override;
  Result<std::unique_ptr<WritableFile>> OpenWrite(const std::string& path, WriteMode write_mode,
                                                  uint32_t mode = 0666) override;
  Result<std::string> ReadFile(const std::string& path,
                               uint64_t limit = kDefaultReadFileLimit) override;
  Result<void> Rename(const std::string& from, const std::string& to) override;
  Result<void> Remove(const std::string& path) override;
  Result<void> RemoveDir(const std::string& path) override;
  Result<void> SyncDir(const std::string& path) override;
  Result<void> MakeDirs(const std::string& path, uint32_t mode = 0777) override;
  Result<FileInfo> Stat(const std::string& path) override;
  Result<FileInfo> LStat(const std::string& path) override;
  Result<std::vector<DirEntry>> List(const std::string& path) override;
  Result<void> SetMtime(const std::string& path, int64_t mtime) override;
  Result<void> Chmod(const std::string& path, uint32_t mode) override;
  Result<void> Symlink(const std::string& target, const std::string& link_path) override;
  Result<std::string> ReadLink(const std::string& path) override;
  Result<std::string> RealPath(const std::string& path) override;
  Result<std::unique_ptr<FileLock>> Lock(const std::string& path) override;

  struct State;  // shared with handles

 private:
  std::shared_ptr<State> state_;
};

}  // namespace mtg::io
