// The file-system seam: every module that touches files (journal, sync scanner and executor,
// downloads, the server's blob store) goes through mtg::io::FileSystem, so tests can run against
// an in-memory fake (memory_file_system.h) or inject failures and crashes (faulty_file_system.h).
//
// Names are byte strings (std::string), never std::filesystem::path: file names may be any bytes
// that are not '\0' or '/' (invalid UTF-8, spaces, a leading '-').
//
// Errors: every call returns Result. Messages name the operation and the path, e.g.
// "open /x/y: Permission denied"; Error::sys_errno holds errno; ENOENT maps to kNotFound, EEXIST
// to kAlreadyExists, a held lock to kLocked, everything else to kIo.
//
// Handles are RAII: the descriptor is closed when the handle is destroyed. A handle must not
// outlive the FileSystem that opened it (the process-wide PosixFileSystem lives forever).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace mtg::io {

enum class FileType { kRegular, kDirectory, kSymlink, kOther /* fifo, socket, device */ };

std::string_view FileTypeName(FileType type);

struct FileInfo {
  FileType type = FileType::kOther;
  uint64_t size = 0;
  int64_t mtime = 0;     // seconds since the epoch; may be negative or past 2038
  uint32_t mode = 0;     // permission bits (st_mode & 07777)
  uint64_t device = 0;   // st_dev / st_ino: identify a file across renames and symlinks
  uint64_t inode = 0;
};

struct DirEntry {
  std::string name;  // never "." or ".."
  FileType type;     // the entry itself: a symlink is kSymlink, not what it points to
};

// Read access to one open file. ReadAt is safe to call from several threads at once.
class ReadableFile {
 public:
  virtual ~ReadableFile() = default;
  // Reads up to out.size() bytes at offset; loops over short reads and EINTR, so a result
  // smaller than out.size() means end of file was reached. Offset at or past EOF returns 0.
  [[nodiscard]] virtual Result<size_t> ReadAt(uint64_t offset, std::span<uint8_t> out) = 0;
  [[nodiscard]] Result<size_t> ReadAt(uint64_t offset, std::span<char> out) {
    return ReadAt(offset, std::span<uint8_t>(reinterpret_cast<uint8_t*>(out.data()), out.size()));
  }
  // The current size (fstat), not the size at open.
  [[nodiscard]] virtual Result<uint64_t> Size() = 0;
  const std::string& path() const { return path_; }

 protected:
  explicit ReadableFile(std::string path) : path_(std::move(path)) {}

 private:
  std::string path_;
};

// An append-only writer (the journal). Every Append goes to the end of the file (O_APPEND) and
// writes all bytes or fails; on failure an unknown prefix of the bytes may have been written.
class AppendableFile {
 public:
  virtual ~AppendableFile() = default;
  [[nodiscard]] virtual Result<void> Append(std::span<const uint8_t> data) = 0;
  [[nodiscard]] Result<void> Append(std::string_view data) {
    return Append(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(data.data()), data.size()));
  }
  // Makes everything appended so far durable (fdatasync; it also persists the file size).
  [[nodiscard]] virtual Result<void> Sync() = 0;
  [[nodiscard]] virtual Result<uint64_t> Size() = 0;
  // Closes now and reports close() errors; the destructor closes silently otherwise.
  // Every later call on the handle fails.
  [[nodiscard]] virtual Result<void> Close() = 0;
  const std::string& path() const { return path_; }

 protected:
  explicit AppendableFile(std::string path) : path_(std::move(path)) {}

 private:
  std::string path_;
};

// Random-access read/write (downloads into temporary files, the server's blobs). Also readable,
// so a download can be verified through the same handle.
class WritableFile : public ReadableFile {
 public:
  // Writes all bytes at offset (loops over short writes and EINTR); writing past EOF leaves a
  // zero-filled gap.
  [[nodiscard]] virtual Result<void> WriteAt(uint64_t offset, std::span<const uint8_t> data) = 0;
  [[nodiscard]] Result<void> WriteAt(uint64_t offset, std::string_view data) {
    return WriteAt(offset,
                   std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(data.data()), data.size()));
  }
  [[nodiscard]] virtual Result<void> Truncate(uint64_t size) = 0;
  // Makes the data and size durable (fdatasync).
  [[nodiscard]] virtual Result<void> Sync() = 0;
  [[nodiscard]] virtual Result<void> Close() = 0;

 protected:
  explicit WritableFile(std::string path) : ReadableFile(std::move(path)) {}
};

// An exclusive advisory lock (flock semantics: per lock object, so two locks on one path conflict
// even inside one process). Released when the object is destroyed.
class FileLock {
 public:
  virtual ~FileLock() = default;
  const std::string& path() const { return path_; }

 protected:
  explicit FileLock(std::string path) : path_(std::move(path)) {}

 private:
  std::string path_;
};

enum class ReadHint {
  kNormal,
  kSequential,  // the whole file is read front to back once (posix_fadvise SEQUENTIAL)
  // Large blocks read once (upload parts): bypass the page cache (O_DIRECT) where the file
  // system allows it. Reads at 4 KiB-aligned offsets into 4 KiB-aligned buffers go straight
  // from the device to the buffer, one copy less, and a backup does not push the user's working
  // set out of the cache; anything else (and the file's unaligned tail) is read normally. The
  // kernel writes back dirty cached pages of the range first, so the bytes are the current ones.
  kDirect,
};

enum class WriteMode {
  kCreateOrOpen,  // create if missing, keep existing content
  kTruncate,      // create if missing, empty it if present
  kCreateNew,     // fail with kAlreadyExists if the path exists (O_EXCL)
  kExisting,      // fail with kNotFound if the path is missing
};

// Sizes above this are refused by ReadFile: it is meant for small files (config, sidecars).
inline constexpr uint64_t kDefaultReadFileLimit = uint64_t{1} << 30;

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  // The open calls accept regular files only: a directory fails with EISDIR, anything else
  // with NotRegularError.
  [[nodiscard]] virtual Result<std::unique_ptr<ReadableFile>> OpenRead(
      const std::string& path, ReadHint hint = ReadHint::kNormal) = 0;
  // Creates the file (with `mode` & ~umask) if it does not exist.
  [[nodiscard]] virtual Result<std::unique_ptr<AppendableFile>> OpenAppend(const std::string& path,
                                                                           uint32_t mode = 0666) = 0;
  [[nodiscard]] virtual Result<std::unique_ptr<WritableFile>> OpenWrite(const std::string& path,
                                                                        WriteMode write_mode,
                                                                        uint32_t mode = 0666) = 0;
  // The whole content of a regular file; fails if it is larger than `limit`.
  [[nodiscard]] virtual Result<std::string> ReadFile(const std::string& path,
                                                     uint64_t limit = kDefaultReadFileLimit) = 0;

  // rename(2): atomically replaces `to` if it exists. Follow with SyncDir to make it durable.
  [[nodiscard]] virtual Result<void> Rename(const std::string& from, const std::string& to) = 0;
  // Removes a file or symlink (not a directory).
  [[nodiscard]] virtual Result<void> Remove(const std::string& path) = 0;
  // Removes an empty directory.
  [[nodiscard]] virtual Result<void> RemoveDir(const std::string& path) = 0;
  // fsync of a directory: makes creations, renames and removals inside it durable.
  [[nodiscard]] virtual Result<void> SyncDir(const std::string& path) = 0;
  // mkdir -p; succeeds if the directory already exists.
  [[nodiscard]] virtual Result<void> MakeDirs(const std::string& path, uint32_t mode = 0777) = 0;

  // stat(2): follows symlinks.
  [[nodiscard]] virtual Result<FileInfo> Stat(const std::string& path) = 0;
  // lstat(2): a symlink is reported as kSymlink.
  [[nodiscard]] virtual Result<FileInfo> LStat(const std::string& path) = 0;
  // Entries of a directory, sorted by name (bytewise), without "." and "..".
  [[nodiscard]] virtual Result<std::vector<DirEntry>> List(const std::string& path) = 0;

  // Sets the modification time (seconds; negative and past-2038 values work), following symlinks.
  // The access time is set to the same value.
  [[nodiscard]] virtual Result<void> SetMtime(const std::string& path, int64_t mtime) = 0;
  [[nodiscard]] virtual Result<void> Chmod(const std::string& path, uint32_t mode) = 0;
  [[nodiscard]] virtual Result<void> Symlink(const std::string& target, const std::string& link_path) = 0;
  [[nodiscard]] virtual Result<std::string> ReadLink(const std::string& path) = 0;
  // realpath(3): absolute, no symlinks, no "." or ".." components; the path must exist.
  [[nodiscard]] virtual Result<std::string> RealPath(const std::string& path) = 0;

  // Takes an exclusive flock on `path` (created if missing) without blocking. If another lock
  // object holds it: kLocked, "lock <path>: already locked by another process".
  [[nodiscard]] virtual Result<std::unique_ptr<FileLock>> Lock(const std::string& path) = 0;

  // ---- Helpers built on the calls above (so fakes and fault injection see every step). ----

  // true/false, or an error other than "not found" (e.g. EACCES on a parent). Uses LStat.
  [[nodiscard]] Result<bool> Exists(const std::string& path);
  // Writes `data` to a unique temporary file beside `path`, syncs it, renames it over `path`
  // and syncs the directory: readers see the old or the new content, never a mix.
  [[nodiscard]] Result<void> WriteFileAtomically(const std::string& path, std::string_view data,
                                                 uint32_t mode = 0666);
  // Creates a new file "<dir>/<prefix><random>" (O_EXCL); returns its path and handle.
  struct UniqueFile {
    std::string path;
    std::unique_ptr<WritableFile> file;
  };
  [[nodiscard]] Result<UniqueFile> CreateUniqueFile(const std::string& dir, std::string_view prefix,
                                                    uint32_t mode = 0666);
};

// The real file system. Thread-safe.
class PosixFileSystem final : public FileSystem {
 public:
  // The process-wide instance, for code that has no file system injected.
  static PosixFileSystem& Instance();

  // Default arguments repeat the base class's, so calls through PosixFileSystem& read the same.
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
};

// The error every implementation returns for a failed call: "<op> <path>: <strerror>", with
// sys_errno set and ENOENT/EEXIST mapped to kNotFound/kAlreadyExists.
Error PathError(std::string_view op, std::string_view path, int err);
// The kLocked error for a lock held elsewhere.
Error LockedError(std::string_view path);
// Opening a fifo, socket or device as a file: "open <path>: not a regular file" (kIo, ENXIO).
// Refused so that a scanner racing with `mkfifo` never blocks on open.
Error NotRegularError(std::string_view path);

// ---- Path helpers (pure string functions on '/'-separated byte strings). ----

// "a" + "b" → "a/b"; no doubled '/'; an empty dir yields name.
std::string JoinPath(std::string_view dir, std::string_view name);
// "/a/b" → "/a", "a" → ".", "/a" → "/", "a/b/" → "a".
std::string DirName(std::string_view path);
// "/a/b" → "b", "a/b/" → "b", "/" → "/".
std::string BaseName(std::string_view path);

}  // namespace mtg::io
