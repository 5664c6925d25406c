// MemoryFileSystem: an in-memory FileSystem with POSIX semantics (directories, symlinks, rename
// over existing names, open handles that survive unlink and rename, flock-style locks, mtimes),
// for fast deterministic unit tests. Paths are absolute or relative to "/". Thread-safe.
#pragma once

#include <memory>
#include <string>

#include "base/clock.h"
#include "io/file_system.h"

namespace mtg::io {

class MemoryFileSystem final : public FileSystem {
 public:
  // `clock` stamps mtimes on create and write (SystemClock when null); it must outlive this.
  explicit MemoryFileSystem(const Clock* clock = nullptr);
  ~MemoryFileSystem() override;

  // Creates a special file (like a fifo or socket: Stat reports kOther; opening it fails with
  // NotRegularError), so scanners can be tested against entries they must skip.
  [[nodiscard]] Result<void> MakeSpecial(const std::string& path);

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

  struct State;  // shared with open handles, so a handle may outlive the file system

 private:
  std::shared_ptr<State> state_;
};

}  // namespace mtg::io
