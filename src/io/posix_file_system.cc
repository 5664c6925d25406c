// PosixFileSystem: the real file system through POSIX calls (Linux).
#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>

#include "io/file_system.h"

namespace mtg::io {
namespace {

std::unexpected<Error> Fail(std::string_view op, const std::string& path, int err) {
  return std::unexpected(PathError(op, path, err));
}

FileType TypeOfMode(mode_t mode) {
  if (S_ISREG(mode)) return FileType::kRegular;
  if (S_ISDIR(mode)) return FileType::kDirectory;
  if (S_ISLNK(mode)) return FileType::kSymlink;
  return FileType::kOther;
}

FileInfo InfoOf(const struct stat& st) {
  FileInfo info;
  info.type = TypeOfMode(st.st_mode);
  info.size = static_cast<uint64_t>(st.st_size);
  info.mtime = static_cast<int64_t>(st.st_mtim.tv_sec);
  info.mode = static_cast<uint32_t>(st.st_mode & 07777);
  info.device = static_cast<uint64_t>(st.st_dev);
  info.inode = static_cast<uint64_t>(st.st_ino);
  return info;
}

// Owns a descriptor; closes it (ignoring errors) unless Close() already did.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int Release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

int OpenRetry(const char* path, int flags, mode_t mode = 0) {
  int fd;
  do {
    fd = ::open(path, flags | O_CLOEXEC, mode);
  } while (fd < 0 && errno == EINTR);
  return fd;
}

Result<uint64_t> FdSize(int fd, const std::string& path) {
  if (fd < 0) return Fail("fstat", path, EBADF);
  struct stat st;
  if (::fstat(fd, &st) != 0) return Fail("fstat", path, errno);
  return static_cast<uint64_t>(st.st_size);
}

Result<size_t> PreadFull(int fd, const std::string& path, uint64_t offset, std::span<uint8_t> out) {
  if (fd < 0) return Fail("read", path, EBADF);
  size_t done = 0;
  while (done < out.size()) {
    ssize_t n = ::pread(fd, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Fail("read", path, errno);
    }
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  return done;
}

Result<void> Fdatasync(int fd, const std::string& path) {
  if (fd < 0) return Fail("fsync", path, EBADF);
  int rc;
  do {
    rc = ::fdatasync(fd);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) return Fail("fsync", path, errno);
  return Ok();
}

Result<void> CloseFd(Fd& fd, const std::string& path) {
  int raw = fd.Release();
  if (raw < 0) return Fail("close", path, EBADF);
  // Linux closes the descriptor even when close() reports EINTR, so never retry.
  if (::close(raw) != 0 && errno != EINTR) return Fail("close", path, errno);
  return Ok();
}

// Direct reads must start at an aligned offset into an aligned buffer and cover whole blocks.
constexpr uint64_t kDirectAlign = 4096;

class PosixReadableFile final : public ReadableFile {
 public:
  PosixReadableFile(std::string path, int fd, bool direct)
      : ReadableFile(std::move(path)), fd_(fd), direct_(direct) {}
  using ReadableFile::ReadAt;
  Result<size_t> ReadAt(uint64_t offset, std::span<uint8_t> out) override {
    size_t done = 0;
    if (direct_ && offset % kDirectAlign == 0 && reinterpret_cast<uintptr_t>(out.data()) % kDirectAlign == 0) {
      size_t whole = out.size() / kDirectAlign * kDirectAlign;
      auto n = PreadFull(fd_.get(), path(), offset, out.first(whole));
      if (n) {
        done = *n;
        if (done < whole) return done;  // end of file
      } else if (n.error().sys_errno != EINVAL) {
        return n;
      }  // EINVAL: the device wants a larger alignment; read it all the ordinary way below
    }
    if (done < out.size()) {
      // The unaligned tail (or everything, if direct reads are off or were refused).
      if (direct_) StopDirect();
      auto n = PreadFull(fd_.get(), path(), offset + done, out.subspan(done));
      if (!n) return n;
      done += *n;
    }
    return done;
  }
  Result<uint64_t> Size() override { return FdSize(fd_.get(), path()); }

 private:
  void StopDirect() {
    int status = ::fcntl(fd_.get(), F_GETFL);
    if (status >= 0) (void)::fcntl(fd_.get(), F_SETFL, status & ~O_DIRECT);
    direct_ = false;
  }
  Fd fd_;
  bool direct_;
};

class PosixAppendableFile final : public AppendableFile {
 public:
  PosixAppendableFile(std::string path, int fd) : AppendableFile(std::move(path)), fd_(fd) {}
  using AppendableFile::Append;
  Result<void> Append(std::span<const uint8_t> data) override {
    if (fd_.get() < 0) return Fail("write", path(), EBADF);
    size_t done = 0;
    while (done < data.size()) {
      ssize_t n = ::write(fd_.get(), data.data() + done, data.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        return Fail("write", path(), errno);
      }
      done += static_cast<size_t>(n);
    }
    return Ok();
  }
  Result<void> Sync() override { return Fdatasync(fd_.get(), path()); }
  Result<uint64_t> Size() override { return FdSize(fd_.get(), path()); }
  Result<void> Close() override { return CloseFd(fd_, path()); }

 private:
  Fd fd_;
};

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(std::string path, int fd) : WritableFile(std::move(path)), fd_(fd) {}
  using ReadableFile::ReadAt;
  using WritableFile::WriteAt;
  Result<size_t> ReadAt(uint64_t offset, std::span<uint8_t> out) override {
    return PreadFull(fd_.get(), path(), offset, out);
  }
  Result<uint64_t> Size() override { return FdSize(fd_.get(), path()); }
  Result<void> WriteAt(uint64_t offset, std::span<const uint8_t> data) override {
    if (fd_.get() < 0) return Fail("write", path(), EBADF);
    size_t done = 0;
    while (done < data.size()) {
      ssize_t n = ::pwrite(fd_.get(), data.data() + done, data.size() - done,
                           static_cast<off_t>(offset + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        return Fail("write", path(), errno);
      }
      done += static_cast<size_t>(n);
    }
    return Ok();
  }
  Result<void> Truncate(uint64_t size) override {
    if (fd_.get() < 0) return Fail("truncate", path(), EBADF);
    int rc;
    do {
      rc = ::ftruncate(fd_.get(), static_cast<off_t>(size));
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) return Fail("truncate", path(), errno);
    return Ok();
  }
  Result<void> Sync() override { return Fdatasync(fd_.get(), path()); }
  Result<void> Close() override { return CloseFd(fd_, path()); }

 private:
  Fd fd_;
};

class PosixFileLock final : public FileLock {
 public:
  PosixFileLock(std::string path, int fd) : FileLock(std::move(path)), fd_(fd) {}
  // Closing the descriptor releases the flock (it is the last reference to the description).

 private:
  Fd fd_;
};

// Opens a regular file. O_NONBLOCK keeps open() of a fifo from blocking; it is cleared again
// once the descriptor is known to be a regular file. Refusing directories and special files
// here makes every implementation fail the same way at open.
Result<int> OpenRegular(const std::string& path, int flags, mode_t mode = 0) {
  Fd fd(OpenRetry(path.c_str(), flags | O_NONBLOCK, mode));
  if (fd.get() < 0) return Fail("open", path, errno);
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return Fail("fstat", path, errno);
  if (S_ISDIR(st.st_mode)) return Fail("open", path, EISDIR);
  if (!S_ISREG(st.st_mode)) return std::unexpected(NotRegularError(path));
  int status = ::fcntl(fd.get(), F_GETFL);
  if (status < 0 || ::fcntl(fd.get(), F_SETFL, status & ~O_NONBLOCK) != 0) {
    return Fail("fcntl", path, errno);
  }
  return fd.Release();
}

}  // namespace

PosixFileSystem& PosixFileSystem::Instance() {
  static PosixFileSystem* instance = new PosixFileSystem();  // never destroyed: used at exit too
  return *instance;
}

Result<std::unique_ptr<ReadableFile>> PosixFileSystem::OpenRead(const std::string& path,
                                                                ReadHint hint) {
  auto opened = OpenRegular(path, O_RDONLY);
  if (!opened) return std::unexpected(std::move(opened.error()));
  Fd fd(*opened);
  if (hint == ReadHint::kSequential) {
    (void)::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);  // advice only
  }
  bool direct = false;
  if (hint == ReadHint::kDirect) {
    // File systems without direct I/O (tmpfs before Linux 6.6, some FUSE) refuse the flag:
    // those files are read the ordinary way.
    int status = ::fcntl(fd.get(), F_GETFL);
    direct = status >= 0 && ::fcntl(fd.get(), F_SETFL, status | O_DIRECT) == 0;
  }
  return std::make_unique<PosixReadableFile>(path, fd.Release(), direct);
}

Result<std::unique_ptr<AppendableFile>> PosixFileSystem::OpenAppend(const std::string& path,
                                                                    uint32_t mode) {
  auto opened = OpenRegular(path, O_WRONLY | O_APPEND | O_CREAT, static_cast<mode_t>(mode));
  if (!opened) return std::unexpected(std::move(opened.error()));
  Fd fd(*opened);
  return std::make_unique<PosixAppendableFile>(path, fd.Release());
}

Result<std::unique_ptr<WritableFile>> PosixFileSystem::OpenWrite(const std::string& path,
                                                                 WriteMode write_mode,
                                                                 uint32_t mode) {
  int flags = O_RDWR;
  switch (write_mode) {
    case WriteMode::kCreateOrOpen: flags |= O_CREAT; break;
    case WriteMode::kTruncate: flags |= O_CREAT | O_TRUNC; break;
    case WriteMode::kCreateNew: flags |= O_CREAT | O_EXCL; break;
    case WriteMode::kExisting: break;
  }
  auto opened = OpenRegular(path, flags, static_cast<mode_t>(mode));
  if (!opened) return std::unexpected(std::move(opened.error()));
  Fd fd(*opened);
  return std::make_unique<PosixWritableFile>(path, fd.Release());
}

Result<std::string> PosixFileSystem::ReadFile(const std::string& path, uint64_t limit) {
  auto opened = OpenRegular(path, O_RDONLY);
  if (!opened) return std::unexpected(std::move(opened.error()));
  Fd fd(*opened);
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return Fail("fstat", path, errno);
  if (static_cast<uint64_t>(st.st_size) > limit) return Fail("read", path, EFBIG);
  std::string out;
  out.resize(static_cast<size_t>(st.st_size));
  // The file may grow or shrink while we read; read until EOF, but never past the limit.
  size_t done = 0;
  for (;;) {
    if (done == out.size()) {
      if (out.size() >= limit) {
        uint8_t probe;
        auto extra = PreadFull(fd.get(), path, done, std::span<uint8_t>(&probe, 1));
        if (!extra) return std::unexpected(std::move(extra.error()));
        if (*extra != 0) return Fail("read", path, EFBIG);
        break;
      }
      out.resize(static_cast<size_t>(std::min<uint64_t>(limit, out.size() + 65536)));
    }
    auto n = PreadFull(fd.get(), path, done,
                       std::span<uint8_t>(reinterpret_cast<uint8_t*>(out.data()) + done,
                                          out.size() - done));
    if (!n) return std::unexpected(std::move(n.error()));
    done += *n;
    if (done < out.size()) break;  // short read: end of file
  }
  out.resize(done);
  return out;
}

Result<void> PosixFileSystem::Rename(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) return Fail("rename", from + " to " + to, errno);
  return Ok();
}

Result<void> PosixFileSystem::Remove(const std::string& path) {
  if (::unlink(path.c_str()) != 0) return Fail("remove", path, errno);
  return Ok();
}

Result<void> PosixFileSystem::RemoveDir(const std::string& path) {
  if (::rmdir(path.c_str()) != 0) return Fail("rmdir", path, errno);
  return Ok();
}

Result<void> PosixFileSystem::SyncDir(const std::string& path) {
  Fd fd(OpenRetry(path.c_str(), O_RDONLY | O_DIRECTORY));
  if (fd.get() < 0) return Fail("open", path, errno);
  int rc;
  do {
    rc = ::fsync(fd.get());
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) return Fail("fsync", path, errno);
  return Ok();
}

Result<void> PosixFileSystem::MakeDirs(const std::string& path, uint32_t mode) {
  if (path.empty()) return Fail("mkdir", path, ENOENT);
  size_t pos = 0;
  while (pos != std::string::npos) {
    size_t slash = path.find('/', pos + 1);
    std::string prefix = path.substr(0, slash);
    pos = slash;
    if (prefix.empty() || prefix.back() == '/') continue;  // "/" or doubled slashes
    if (::mkdir(prefix.c_str(), static_cast<mode_t>(mode)) == 0) continue;
    int err = errno;
    if (err != EEXIST) return Fail("mkdir", prefix, err);
    struct stat st;
    if (::stat(prefix.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) continue;
    // An existing non-directory: the next mkdir would fail with ENOTDIR; report it here.
    return Fail("mkdir", prefix, slash == std::string::npos ? EEXIST : ENOTDIR);
  }
  return Ok();
}

Result<FileInfo> PosixFileSystem::Stat(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return Fail("stat", path, errno);
  return InfoOf(st);
}

Result<FileInfo> PosixFileSystem::LStat(const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) return Fail("lstat", path, errno);
  return InfoOf(st);
}

Result<std::vector<DirEntry>> PosixFileSystem::List(const std::string& path) {
  DIR* dir = ::opendir(path.c_str());
  if (dir == nullptr) return Fail("opendir", path, errno);
  std::vector<DirEntry> entries;
  for (;;) {
    errno = 0;
    struct dirent* entry = ::readdir(dir);
    if (entry == nullptr) {
      int err = errno;
      ::closedir(dir);
      if (err != 0) return Fail("readdir", path, err);
      break;
    }
    std::string_view name(entry->d_name);
    if (name == "." || name == "..") continue;
    FileType type;
    switch (entry->d_type) {
      case DT_REG: type = FileType::kRegular; break;
      case DT_DIR: type = FileType::kDirectory; break;
      case DT_LNK: type = FileType::kSymlink; break;
      case DT_UNKNOWN: {
        // Some file systems (and old XFS) do not fill d_type.
        struct stat st;
        if (::fstatat(::dirfd(dir), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
          if (errno == ENOENT) continue;  // removed meanwhile
          int err = errno;
          ::closedir(dir);
          return Fail("lstat", JoinPath(path, name), err);
        }
        type = TypeOfMode(st.st_mode);
        break;
      }
      default: type = FileType::kOther; break;
    }
    entries.push_back(DirEntry{std::string(name), type});
  }
  std::sort(entries.begin(), entries.end(),
            [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
  return entries;
}

Result<void> PosixFileSystem::SetMtime(const std::string& path, int64_t mtime) {
  struct timespec times[2];
  times[0].tv_sec = static_cast<time_t>(mtime);
  times[0].tv_nsec = 0;
  times[1] = times[0];
  if (::utimensat(AT_FDCWD, path.c_str(), times, 0) != 0) return Fail("utimensat", path, errno);
  return Ok();
}

Result<void> PosixFileSystem::Chmod(const std::string& path, uint32_t mode) {
  if (::chmod(path.c_str(), static_cast<mode_t>(mode)) != 0) return Fail("chmod", path, errno);
  return Ok();
}

Result<void> PosixFileSystem::Symlink(const std::string& target, const std::string& link_path) {
  if (::symlink(target.c_str(), link_path.c_str()) != 0) return Fail("symlink", link_path, errno);
  return Ok();
}

Result<std::string> PosixFileSystem::ReadLink(const std::string& path) {
  std::string buffer(256, '\0');
  for (;;) {
    ssize_t n = ::readlink(path.c_str(), buffer.data(), buffer.size());
    if (n < 0) return Fail("readlink", path, errno);
    if (static_cast<size_t>(n) < buffer.size()) {
      buffer.resize(static_cast<size_t>(n));
      return buffer;
    }
    buffer.resize(buffer.size() * 2);  // possibly truncated: retry bigger
  }
}

Result<std::string> PosixFileSystem::RealPath(const std::string& path) {
  char* resolved = ::realpath(path.c_str(), nullptr);
  if (resolved == nullptr) return Fail("realpath", path, errno);
  std::string out(resolved);
  std::free(resolved);
  return out;
}

Result<std::unique_ptr<FileLock>> PosixFileSystem::Lock(const std::string& path) {
  int raw = OpenRetry(path.c_str(), O_RDWR | O_CREAT, 0666);
  if (raw < 0 && (errno == EISDIR || errno == EACCES || errno == EROFS)) {
    // flock works on read-only descriptors too (a directory, a read-only journal).
    raw = OpenRetry(path.c_str(), O_RDONLY);
  }
  if (raw < 0) return Fail("lock", path, errno);
  Fd fd(raw);
  int rc;
  do {
    rc = ::flock(fd.get(), LOCK_EX | LOCK_NB);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    int err = errno;
    if (err == EWOULDBLOCK) return std::unexpected(LockedError(path));
    return Fail("lock", path, err);
  }
  return std::make_unique<PosixFileLock>(path, fd.Release());
}

}  // namespace mtg::io
