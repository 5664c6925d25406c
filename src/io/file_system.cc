// The FileSystem helpers shared by every implementation, and the path string helpers.
#include "io/file_system.h"

#include <atomic>
#include <cerrno>
#include <random>

namespace mtg::io {

std::string_view FileTypeName(FileType type) {
  switch (type) {
    case FileType::kRegular: return "regular file";
    case FileType::kDirectory: return "directory";
    case FileType::kSymlink: return "symlink";
    case FileType::kOther: return "special file";
  }
  return "unknown";
}

Error PathError(std::string_view op, std::string_view path, int err) {
  std::string what(op);
  what += ' ';
  what += path;
  return SysError(what, err);
}

Error LockedError(std::string_view path) {
  Error e(ErrorCode::kLocked, "lock " + std::string(path) + ": already locked by another process");
  e.sys_errno = EWOULDBLOCK;
  return e;
}

Error NotRegularError(std::string_view path) {
  Error e(ErrorCode::kIo, "open " + std::string(path) + ": not a regular file");
  e.sys_errno = ENXIO;
  return e;
}

Result<bool> FileSystem::Exists(const std::string& path) {
  auto info = LStat(path);
  if (info) return true;
  if (info.error().code == ErrorCode::kNotFound) return false;
  return std::unexpected(std::move(info.error()));
}

Result<FileSystem::UniqueFile> FileSystem::CreateUniqueFile(const std::string& dir,
                                                            std::string_view prefix, uint32_t mode) {
  // Random rather than sequential names: several processes may create temporaries in one dir.
  static std::atomic<uint64_t> counter{0};
  thread_local std::mt19937_64 rng(std::random_device{}() ^ (counter.fetch_add(1) * 0x9e3779b97f4a7c15ULL));
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  for (int attempt = 0;; ++attempt) {
    std::string name(prefix);
    uint64_t bits = rng();
    for (int i = 0; i < 10; ++i) {
      name += kAlphabet[bits % 36];
      bits /= 36;
    }
    std::string path = JoinPath(dir, name);
    auto file = OpenWrite(path, WriteMode::kCreateNew, mode);
    if (file) return UniqueFile{std::move(path), std::move(*file)};
    if (file.error().code != ErrorCode::kAlreadyExists || attempt >= 100) {
      return std::unexpected(std::move(file.error()));
    }
  }
}

Result<void> FileSystem::WriteFileAtomically(const std::string& path, std::string_view data,
                                             uint32_t mode) {
  std::string dir = DirName(path);
  // Built by appends: g++ 12 at -O3 reports a false -Wrestrict overlap for "." + name + "...".
  std::string prefix = ".";
  prefix += BaseName(path);
  prefix += ".tmp-";
  auto temp = CreateUniqueFile(dir, prefix, mode);
  if (!temp) return std::unexpected(std::move(temp.error()));
  auto write_all = [&]() -> Result<void> {
    MTG_TRY_VOID(temp->file->WriteAt(0, data));
    MTG_TRY_VOID(temp->file->Sync());
    MTG_TRY_VOID(temp->file->Close());
    return Rename(temp->path, path);
  };
  if (auto written = write_all(); !written) {
    temp->file.reset();
    (void)Remove(temp->path);  // best effort: the original error is the one worth reporting
    return written;
  }
  return SyncDir(dir);
}

std::string JoinPath(std::string_view dir, std::string_view name) {
  if (dir.empty()) return std::string(name);
  std::string out(dir);
  if (out.back() != '/') out += '/';
  while (!name.empty() && name.front() == '/') name.remove_prefix(1);
  out += name;
  return out;
}

namespace {
std::string_view StripTrailingSlashes(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  return path;
}
}  // namespace

std::string DirName(std::string_view path) {
  path = StripTrailingSlashes(path);
  size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return ".";
  std::string_view dir = StripTrailingSlashes(path.substr(0, slash));
  if (dir.empty()) return "/";
  return std::string(dir);
}

std::string BaseName(std::string_view path) {
  path = StripTrailingSlashes(path);
  if (path == "/") return "/";
  size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return std::string(path);
  return std::string(path.substr(slash + 1));
}

}  // namespace mtg::io
