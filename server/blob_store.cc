#include "blob_store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "ids.h"

namespace mtg::server {

namespace {

Result<void> MakeDir(const std::string& path) {
  if (::mkdir(path.c_str(), 0755) == 0 || errno == EEXIST) return Ok();
  return Fail(SysError("creating " + path, errno));
}

std::string Prefix(std::string_view id) { return std::string(id.substr(0, 2)); }

Result<std::vector<std::string>> ListDir(const std::string& dir) {
  std::vector<std::string> out;
  DIR* d = ::opendir(dir.c_str());
  if (!d) {
    if (errno == ENOENT) return out;
    return Fail(SysError("listing " + dir, errno));
  }
  while (struct dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    out.push_back(std::move(name));
  }
  ::closedir(d);
  return out;
}

std::string Parent(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

}  // namespace

FdCloser::~FdCloser() {
  if (fd_ >= 0) ::close(fd_);
}

Result<void> PwriteAll(int fd, const char* data, size_t size, uint64_t offset) {
  while (size > 0) {
    ssize_t n = ::pwrite(fd, data, size, static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Fail(SysError("writing archive data", errno));
    }
    data += n;
    size -= static_cast<size_t>(n);
    offset += static_cast<uint64_t>(n);
  }
  return Ok();
}

Result<void> FsyncFd(int fd, std::string_view what) {
  if (::fsync(fd) != 0) return Fail(SysError("fsync " + std::string(what), errno));
  return Ok();
}

Result<void> FsyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Fail(SysError("opening directory " + dir, errno));
  FdCloser closer(fd);
  return FsyncFd(fd, dir);
}

namespace {

constexpr size_t kDirectBlock = 4096;

bool BlockAligned(const void* p) { return reinterpret_cast<uintptr_t>(p) % kDirectBlock == 0; }

// A direct write: short writes stay block multiples, so the loop keeps alignment.
int PwriteDirect(int fd, const char* data, size_t size, uint64_t offset) {
  while (size > 0) {
    ssize_t n = ::pwrite(fd, data, size, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return n < 0 ? errno : EIO;
    data += n;
    size -= static_cast<size_t>(n);
    offset += static_cast<uint64_t>(n);
  }
  return 0;
}

}  // namespace

int OpenDirect(const std::string& path) { return ::open(path.c_str(), O_WRONLY | O_DIRECT | O_CLOEXEC); }

BufferedWriter::BufferedWriter(int fd, uint64_t offset, int direct_fd, size_t buffer_size)
    : fd_(fd),
      direct_fd_(direct_fd),
      next_(offset),
      buffer_(static_cast<char*>(std::aligned_alloc(kDirectBlock, buffer_size))),
      capacity_(buffer_size) {
  if (buffer_ == nullptr) std::abort();  // out of memory: nothing sensible to do
}

BufferedWriter::~BufferedWriter() { std::free(buffer_); }

Result<void> BufferedWriter::WriteOut(const char* data, size_t size, uint64_t offset) {
  if (direct_fd_ >= 0 && offset % kDirectBlock == 0 && BlockAligned(data)) {
    size_t blocks = size - size % kDirectBlock;
    int err = blocks > 0 ? PwriteDirect(direct_fd_, data, blocks, offset) : 0;
    if (err == EINVAL) {
      direct_fd_ = -1;  // this filesystem or device wants something else: plain writes from now
    } else if (err != 0) {
      return Fail(SysError("writing archive data", err));
    } else {
      data += blocks;
      size -= blocks;
      offset += blocks;
    }
  }
  return size > 0 ? PwriteAll(fd_, data, size, offset) : Ok();
}

Result<void> BufferedWriter::Append(const char* data, size_t size) {
  if (staged_ == 0 && direct_fd_ >= 0 && size % kDirectBlock == 0 && BlockAligned(data) &&
      next_ % kDirectBlock == 0) {
    MTG_TRY_VOID(WriteOut(data, size, next_));  // zero-copy: the caller's buffer goes to disk
    next_ += size;
    written_ += size;
    return Ok();
  }
  while (size > 0) {
    size_t take = std::min(capacity_ - staged_, size);
    std::memcpy(buffer_ + staged_, data, take);
    staged_ += take;
    data += take;
    size -= take;
    if (staged_ == capacity_) MTG_TRY_VOID(Flush());
  }
  return Ok();
}

Result<void> BufferedWriter::Flush() {
  if (staged_ == 0) return Ok();
  MTG_TRY_VOID(WriteOut(buffer_, staged_, next_));
  next_ += staged_;
  written_ += staged_;
  staged_ = 0;
  return Ok();
}

Result<std::unique_ptr<BlobStore>> BlobStore::Open(const std::string& root) {
  MTG_TRY_VOID(MakeDir(root));
  for (const char* sub : {"/blobs", "/uploads", "/tmp", "/jobs"}) MTG_TRY_VOID(MakeDir(root + sub));
  MTG_TRY_VOID(FsyncDir(root));
  return std::unique_ptr<BlobStore>(new BlobStore(root));
}

std::string BlobStore::ArchivePath(std::string_view archive_id) const {
  return root_ + "/blobs/" + Prefix(archive_id) + "/" + std::string(archive_id);
}

std::string BlobStore::UploadPath(std::string_view upload_id) const {
  return root_ + "/uploads/" + std::string(upload_id);
}

Result<int> BlobStore::CreateTemp(std::string* path) {
  static IdGenerator names;
  for (int attempt = 0; attempt < 10; ++attempt) {
    std::string candidate = TempDir() + "/" + names.Random(24);
    int fd = ::open(candidate.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd >= 0) {
      *path = candidate;
      return fd;
    }
    if (errno != EEXIST) return Fail(SysError("creating " + candidate, errno));
  }
  return Fail(ErrorCode::kIo, "could not create a temporary file");
}

Result<void> BlobStore::CreateUploadFile(std::string_view upload_id) {
  std::string path = UploadPath(upload_id);
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Fail(SysError("creating " + path, errno));
  FdCloser closer(fd);
  MTG_TRY_VOID(FsyncFd(fd, path));
  return FsyncDir(root_ + "/uploads");
}

Result<int> BlobStore::OpenUploadForWrite(std::string_view upload_id) {
  std::string path = UploadPath(upload_id);
  int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return Fail(SysError("opening " + path, errno));
  return fd;
}

Result<void> BlobStore::Promote(const std::string& from_path, std::string_view archive_id) {
  std::string dir = root_ + "/blobs/" + Prefix(archive_id);
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0) {
    MTG_TRY_VOID(MakeDir(dir));
    MTG_TRY_VOID(FsyncDir(root_ + "/blobs"));
  }
  std::string to = ArchivePath(archive_id);
  if (::rename(from_path.c_str(), to.c_str()) != 0) {
    return Fail(SysError("renaming " + from_path + " to " + to, errno));
  }
  MTG_TRY_VOID(FsyncDir(dir));
  return FsyncDir(Parent(from_path));
}

Result<int> BlobStore::OpenArchive(std::string_view archive_id) const {
  std::string path = ArchivePath(archive_id);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Fail(ErrorCode::kNotFound, "archive data missing: " + path);
    return Fail(SysError("opening " + path, errno));
  }
  return fd;
}

bool BlobStore::ArchiveExists(std::string_view archive_id) const {
  struct stat st;
  return ::stat(ArchivePath(archive_id).c_str(), &st) == 0;
}

bool BlobStore::UploadExists(std::string_view upload_id) const {
  struct stat st;
  return ::stat(UploadPath(upload_id).c_str(), &st) == 0;
}

Result<void> BlobStore::RemoveArchive(std::string_view archive_id) {
  std::string path = ArchivePath(archive_id);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return Fail(SysError("removing " + path, errno));
  return Ok();
}

Result<void> BlobStore::RemoveUpload(std::string_view upload_id) {
  std::string path = UploadPath(upload_id);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return Fail(SysError("removing " + path, errno));
  return Ok();
}

void BlobStore::RemoveFile(const std::string& path) { ::unlink(path.c_str()); }

Result<std::vector<std::string>> BlobStore::ListArchiveIds() const {
  std::vector<std::string> out;
  auto prefixes = ListDir(root_ + "/blobs");
  if (!prefixes) return std::unexpected(prefixes.error());
  for (const auto& prefix : *prefixes) {
    auto names = ListDir(root_ + "/blobs/" + prefix);
    if (!names) return std::unexpected(names.error());
    for (auto& name : *names) out.push_back(std::move(name));
  }
  return out;
}

Result<std::vector<std::string>> BlobStore::ListUploadIds() const { return ListDir(root_ + "/uploads"); }

Result<void> BlobStore::ClearTemp() {
  auto names = ListDir(TempDir());
  if (!names) return std::unexpected(names.error());
  for (const auto& name : *names) RemoveFile(TempDir() + "/" + name);
  return Ok();
}

}  // namespace mtg::server
