// MemoryFileSystem: a tree of reference-counted nodes behind one mutex. Handles hold the node
// (not the path), so like POSIX descriptors they keep working after rename and unlink.
#include "io/memory_file_system.h"

#include <cerrno>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>

namespace mtg::io {
namespace {

struct Node {
  FileType type = FileType::kRegular;
  std::string data;                                     // regular file content
  std::string target;                                   // symlink target
  std::map<std::string, std::shared_ptr<Node>> children;  // directory entries, sorted
  uint32_t mode = 0644;
  int64_t mtime = 0;
  uint64_t inode = 0;
  bool locked = false;
};
using NodePtr = std::shared_ptr<Node>;

constexpr uint32_t kUmask = 022;
constexpr int kMaxSymlinks = 40;

std::unexpected<Error> Fail(std::string_view op, const std::string& path, int err) {
  return std::unexpected(PathError(op, path, err));
}

std::deque<std::string> Split(std::string_view path) {
  std::deque<std::string> parts;
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t slash = path.find('/', pos);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > pos) parts.emplace_back(path.substr(pos, slash - pos));
    pos = slash + 1;
  }
  return parts;
}

// Where a path leads: the directory holding the entry, the entry's name and node (null when the
// entry does not exist yet), and the canonical absolute path.
struct Lookup {
  NodePtr parent;  // null only for the root
  std::string name;
  NodePtr node;
  std::string canonical;
};

}  // namespace

struct MemoryFileSystem::State {
  std::mutex mu;
  const Clock* clock = nullptr;
  NodePtr root;
  uint64_t next_inode = 2;

  int64_t Now() const { return clock->NowUnix(); }

  NodePtr NewNode(FileType type, uint32_t mode) {
    auto node = std::make_shared<Node>();
    node->type = type;
    node->mode = mode & ~kUmask & 07777;
    node->mtime = Now();
    node->inode = next_inode++;
    return node;
  }

  // Returns 0 or an errno. Follows symlinks in every component but the last unless follow_last.
  int Resolve(const std::string& path, bool follow_last, Lookup* out) const {
    if (path.empty()) return ENOENT;
    std::deque<std::string> todo = Split(path);
    std::vector<std::pair<std::string, NodePtr>> stack{{"", root}};
    int links = 0;
    while (!todo.empty()) {
      std::string comp = std::move(todo.front());
      todo.pop_front();
      const NodePtr& dir = stack.back().second;
      if (dir->type != FileType::kDirectory) return ENOTDIR;
      if (comp == ".") continue;
      if (comp == "..") {
        if (stack.size() > 1) stack.pop_back();
        continue;
      }
      auto it = dir->children.find(comp);
      NodePtr child = it == dir->children.end() ? nullptr : it->second;
      bool last = todo.empty();
      if (child && child->type == FileType::kSymlink && (!last || follow_last)) {
        if (++links > kMaxSymlinks) return ELOOP;
        if (child->target.empty()) return ENOENT;
        auto parts = Split(child->target);
        todo.insert(todo.begin(), parts.begin(), parts.end());
        if (child->target.front() == '/') stack.resize(1);
        continue;
      }
      if (last) {
        out->parent = dir;
        out->name = comp;
        out->node = child;
        out->canonical = CanonicalOf(stack, comp);
        return 0;
      }
      if (!child) return ENOENT;
      stack.emplace_back(comp, child);
    }
    // The path ended in the root, ".", or "..": the answer is the top of the stack.
    out->node = stack.back().second;
    out->name = stack.back().first;
    out->parent = stack.size() > 1 ? stack[stack.size() - 2].second : nullptr;
    out->canonical = stack.size() > 1 ? CanonicalOf({stack.begin(), stack.end() - 1}, out->name) : "/";
    return 0;
  }

  static std::string CanonicalOf(const std::vector<std::pair<std::string, NodePtr>>& stack,
                                 const std::string& last) {
    std::string out;
    for (size_t i = 1; i < stack.size(); ++i) out += "/" + stack[i].first;
    out += "/" + last;
    return out;
  }
};

namespace {

using State = MemoryFileSystem::State;

FileInfo InfoOf(const Node& node) {
  FileInfo info;
  info.type = node.type;
  switch (node.type) {
    case FileType::kRegular: info.size = node.data.size(); break;
    case FileType::kSymlink: info.size = node.target.size(); break;
    case FileType::kDirectory: info.size = 4096; break;
    case FileType::kOther: info.size = 0; break;
  }
  info.mtime = node.mtime;
  info.mode = node.mode;
  info.device = 1;
  info.inode = node.inode;
  return info;
}

size_t ReadNode(const Node& node, uint64_t offset, std::span<uint8_t> out) {
  if (offset >= node.data.size()) return 0;
  size_t n = std::min<uint64_t>(out.size(), node.data.size() - offset);
  std::memcpy(out.data(), node.data.data() + offset, n);
  return n;
}

void WriteNode(Node& node, uint64_t offset, std::span<const uint8_t> data, int64_t now) {
  if (data.empty()) return;
  if (node.data.size() < offset + data.size()) node.data.resize(offset + data.size(), '\0');
  std::memcpy(node.data.data() + offset, data.data(), data.size());
  node.mtime = now;
}

class MemoryReadableFile final : public ReadableFile {
 public:
  MemoryReadableFile(std::string path, std::shared_ptr<State> state, NodePtr node)
      : ReadableFile(std::move(path)), state_(std::move(state)), node_(std::move(node)) {}
  using ReadableFile::ReadAt;
  Result<size_t> ReadAt(uint64_t offset, std::span<uint8_t> out) override {
    std::lock_guard lock(state_->mu);
    return ReadNode(*node_, offset, out);
  }
  Result<uint64_t> Size() override {
    std::lock_guard lock(state_->mu);
    return node_->data.size();
  }

 private:
  std::shared_ptr<State> state_;
  NodePtr node_;
};

class MemoryAppendableFile final : public AppendableFile {
 public:
  MemoryAppendableFile(std::string path, std::shared_ptr<State> state, NodePtr node)
      : AppendableFile(std::move(path)), state_(std::move(state)), node_(std::move(node)) {}
  using AppendableFile::Append;
  Result<void> Append(std::span<const uint8_t> data) override {
    std::lock_guard lock(state_->mu);
    if (closed_) return Fail("write", path(), EBADF);
    WriteNode(*node_, node_->data.size(), data, state_->Now());
    return Ok();
  }
  Result<void> Sync() override {
    std::lock_guard lock(state_->mu);
    if (closed_) return Fail("fsync", path(), EBADF);
    return Ok();
  }
  Result<uint64_t> Size() override {
    std::lock_guard lock(state_->mu);
    if (closed_) return Fail("fstat", path(), EBADF);
    return node_->data.size();
  }
  Result<void> Close() override {
    std::lock_guard lock(state_->mu);
    if (closed_) return Fail("close", path(), EBADF);
    closed_ = true;
    return Ok();
  }

 private:
  std::shared_ptr<State> state_;
  NodePtr node_;
  bool closed_ = false;
};

class MemoryWritableFile final : public WritableFile {
 public:
  MemoryWritableFile(std::string path, std::shared_ptr<State> state, NodePtr node)
      : WritableFile(std::move(path)), state_(std::move(state)), node_(std::move(node)) {}
  using ReadableFile::ReadAt;
  using WritableFile::WriteAt;
  Result<size_t> ReadAt(uint64_t offset, std::span<uint8_t> out) override {
    std::lock_guard lock(state_->mu);
    if (closed_) return Fail("read", path(), EBADF);
    return ReadNode(*node_, offset, out);
  }
  Result<uint64_t> Size() override {
    std::lock_guard lock(state_->mu);
    if (closed_) return Fail("fstat", path(), EBADF);
    return node_->data.size();
  }
  Result<void> WriteAt(uint64_t offset, std::span<const uint8_t> data) override {
    std::lock_guard lock(state_->mu);
    if (closed_) return Fail("write", path(), EBADF);
    WriteNode(*node_, offset, data, state_->Now());
    return Ok();
  }
  Result<void> Truncate(uint64_t size) override {
    std::lock_guard lock(state_->mu);
    if (closed_) return Fail("truncate", path(), EBADF);
    node_->data.resize(size, '\0');
    node_->mtime = state_->Now();
    return Ok();
  }
  Result<void> Sync() override {
    std::lock_guard lock(state_->mu);
    if (closed_) return Fail("fsync", path(), EBADF);
    return Ok();
  }
  Result<void> Close() override {
    std::lock_guard lock(state_->mu);
    if (closed_) return Fail("close", path(), EBADF);
    closed_ = true;
    return Ok();
  }

 private:
  std::shared_ptr<State> state_;
  NodePtr node_;
  bool closed_ = false;
};

class MemoryFileLock final : public FileLock {
 public:
  MemoryFileLock(std::string path, std::shared_ptr<State> state, NodePtr node)
      : FileLock(std::move(path)), state_(std::move(state)), node_(std::move(node)) {}
  ~MemoryFileLock() override {
    std::lock_guard lock(state_->mu);
    node_->locked = false;
  }

 private:
  std::shared_ptr<State> state_;
  NodePtr node_;
};

// Finds or creates the regular file an open call names. Caller holds the mutex.
Result<NodePtr> OpenNode(State& s, const std::string& path, bool create, bool exclusive,
                         uint32_t mode) {
  Lookup at;
  if (int err = s.Resolve(path, !exclusive, &at); err != 0) return Fail("open", path, err);
  if (at.node) {
    if (exclusive) return Fail("open", path, EEXIST);
    if (at.node->type == FileType::kDirectory) return Fail("open", path, EISDIR);
    if (at.node->type == FileType::kSymlink) return Fail("open", path, ELOOP);  // O_EXCL on a link
    if (at.node->type == FileType::kOther) return std::unexpected(NotRegularError(path));
    return at.node;
  }
  if (!create) return Fail("open", path, ENOENT);
  if (!at.parent) return Fail("open", path, EISDIR);
  NodePtr node = s.NewNode(FileType::kRegular, mode);
  at.parent->children[at.name] = node;
  at.parent->mtime = s.Now();
  return node;
}

}  // namespace

MemoryFileSystem::MemoryFileSystem(const Clock* clock) : state_(std::make_shared<State>()) {
  state_->clock = clock != nullptr ? clock : &SystemClock::Instance();
  state_->root = state_->NewNode(FileType::kDirectory, 0755);
}

MemoryFileSystem::~MemoryFileSystem() = default;

Result<void> MemoryFileSystem::MakeSpecial(const std::string& path) {
  std::lock_guard lock(state_->mu);
  Lookup at;
  if (int err = state_->Resolve(path, false, &at); err != 0) return Fail("mknod", path, err);
  if (at.node || !at.parent) return Fail("mknod", path, EEXIST);
  at.parent->children[at.name] = state_->NewNode(FileType::kOther, 0644);
  return Ok();
}

Result<std::unique_ptr<ReadableFile>> MemoryFileSystem::OpenRead(const std::string& path, ReadHint) {
  std::lock_guard lock(state_->mu);
  auto node = OpenNode(*state_, path, false, false, 0);
  if (!node) return std::unexpected(std::move(node.error()));
  return std::make_unique<MemoryReadableFile>(path, state_, std::move(*node));
}

Result<std::unique_ptr<AppendableFile>> MemoryFileSystem::OpenAppend(const std::string& path,
                                                                     uint32_t mode) {
  std::lock_guard lock(state_->mu);
  auto node = OpenNode(*state_, path, true, false, mode);
  if (!node) return std::unexpected(std::move(node.error()));
  return std::make_unique<MemoryAppendableFile>(path, state_, std::move(*node));
}

Result<std::unique_ptr<WritableFile>> MemoryFileSystem::OpenWrite(const std::string& path,
                                                                  WriteMode write_mode,
                                                                  uint32_t mode) {
  std::lock_guard lock(state_->mu);
  bool create = write_mode != WriteMode::kExisting;
  bool exclusive = write_mode == WriteMode::kCreateNew;
  auto node = OpenNode(*state_, path, create, exclusive, mode);
  if (!node) return std::unexpected(std::move(node.error()));
  if (write_mode == WriteMode::kTruncate && !(*node)->data.empty()) {
    (*node)->data.clear();
    (*node)->mtime = state_->Now();
  }
  return std::make_unique<MemoryWritableFile>(path, state_, std::move(*node));
}

Result<std::string> MemoryFileSystem::ReadFile(const std::string& path, uint64_t limit) {
  std::lock_guard lock(state_->mu);
  Lookup at;
  if (int err = state_->Resolve(path, true, &at); err != 0) return Fail("open", path, err);
  if (!at.node) return Fail("open", path, ENOENT);
  if (at.node->type == FileType::kDirectory) return Fail("open", path, EISDIR);
  if (at.node->type != FileType::kRegular) return std::unexpected(NotRegularError(path));
  if (at.node->data.size() > limit) return Fail("read", path, EFBIG);
  return at.node->data;
}

Result<void> MemoryFileSystem::Rename(const std::string& from, const std::string& to) {
  std::lock_guard lock(state_->mu);
  const std::string what = from + " to " + to;
  Lookup src, dst;
  if (int err = state_->Resolve(from, false, &src); err != 0) return Fail("rename", what, err);
  if (!src.node) return Fail("rename", what, ENOENT);
  if (int err = state_->Resolve(to, false, &dst); err != 0) return Fail("rename", what, err);
  if (!src.parent || !dst.parent) return Fail("rename", what, EBUSY);
  if (dst.node == src.node) return Ok();
  bool src_dir = src.node->type == FileType::kDirectory;
  if (src_dir && dst.canonical.starts_with(src.canonical + "/")) return Fail("rename", what, EINVAL);
  if (dst.node) {
    bool dst_dir = dst.node->type == FileType::kDirectory;
    if (src_dir && !dst_dir) return Fail("rename", what, ENOTDIR);
    if (!src_dir && dst_dir) return Fail("rename", what, EISDIR);
    if (dst_dir && !dst.node->children.empty()) return Fail("rename", what, ENOTEMPTY);
  }
  dst.parent->children[dst.name] = src.node;
  src.parent->children.erase(src.name);
  int64_t now = state_->Now();
  src.parent->mtime = now;
  dst.parent->mtime = now;
  return Ok();
}

Result<void> MemoryFileSystem::Remove(const std::string& path) {
  std::lock_guard lock(state_->mu);
  Lookup at;
  if (int err = state_->Resolve(path, false, &at); err != 0) return Fail("remove", path, err);
  if (!at.node) return Fail("remove", path, ENOENT);
  if (at.node->type == FileType::kDirectory) return Fail("remove", path, EISDIR);
  at.parent->children.erase(at.name);
  at.parent->mtime = state_->Now();
  return Ok();
}

Result<void> MemoryFileSystem::RemoveDir(const std::string& path) {
  std::lock_guard lock(state_->mu);
  Lookup at;
  if (int err = state_->Resolve(path, false, &at); err != 0) return Fail("rmdir", path, err);
  if (!at.node) return Fail("rmdir", path, ENOENT);
  if (at.node->type != FileType::kDirectory) return Fail("rmdir", path, ENOTDIR);
  if (!at.parent) return Fail("rmdir", path, EBUSY);
  if (!at.node->children.empty()) return Fail("rmdir", path, ENOTEMPTY);
  at.parent->children.erase(at.name);
  at.parent->mtime = state_->Now();
  return Ok();
}

Result<void> MemoryFileSystem::SyncDir(const std::string& path) {
  std::lock_guard lock(state_->mu);
  Lookup at;
  if (int err = state_->Resolve(path, true, &at); err != 0) return Fail("open", path, err);
  if (!at.node) return Fail("open", path, ENOENT);
  if (at.node->type != FileType::kDirectory) return Fail("open", path, ENOTDIR);
  return Ok();
}

Result<void> MemoryFileSystem::MakeDirs(const std::string& path, uint32_t mode) {
  std::lock_guard lock(state_->mu);
  if (path.empty()) return Fail("mkdir", path, ENOENT);
  // Same walk as the POSIX version: mkdir every prefix, accepting existing directories.
  size_t pos = 0;
  while (pos != std::string::npos) {
    size_t slash = path.find('/', pos + 1);
    std::string prefix = path.substr(0, slash);
    pos = slash;
    if (prefix.empty() || prefix.back() == '/') continue;
    Lookup at;
    if (int err = state_->Resolve(prefix, false, &at); err != 0) return Fail("mkdir", prefix, err);
    if (!at.node) {
      at.parent->children[at.name] = state_->NewNode(FileType::kDirectory, mode);
      at.parent->mtime = state_->Now();
      continue;
    }
    Lookup followed;
    if (state_->Resolve(prefix, true, &followed) == 0 && followed.node &&
        followed.node->type == FileType::kDirectory) {
      continue;
    }
    return Fail("mkdir", prefix, slash == std::string::npos ? EEXIST : ENOTDIR);
  }
  return Ok();
}

Result<FileInfo> MemoryFileSystem::Stat(const std::string& path) {
  std::lock_guard lock(state_->mu);
  Lookup at;
  if (int err = state_->Resolve(path, true, &at); err != 0) return Fail("stat", path, err);
  if (!at.node) return Fail("stat", path, ENOENT);
  return InfoOf(*at.node);
}

Result<FileInfo> MemoryFileSystem::LStat(const std::string& path) {
  std::lock_guard lock(state_->mu);
  Lookup at;
  if (int err = state_->Resolve(path, false, &at); err != 0) return Fail("lstat", path, err);
  if (!at.node) return Fail("lstat", path, ENOENT);
  return InfoOf(*at.node);
}

Result<std::vector<DirEntry>> MemoryFileSystem::List(const std::string& path) {
  std::lock_guard lock(state_->mu);
  Lookup at;
  if (int err = state_->Resolve(path, true, &at); err != 0) return Fail("opendir", path, err);
  if (!at.node) return Fail("opendir", path, ENOENT);
  if (at.node->type != FileType::kDirectory) return Fail("opendir", path, ENOTDIR);
  std::vector<DirEntry> entries;
  entries.reserve(at.node->children.size());
  for (const auto& [name, child] : at.node->children) entries.push_back(DirEntry{name, child->type});
  return entries;
}

Result<void> MemoryFileSystem::SetMtime(const std::string& path, int64_t mtime) {
  std::lock_guard lock(state_->mu);
  Lookup at;
  if (int err = state_->Resolve(path, true, &at); err != 0) return Fail("utimensat", path, err);
  if (!at.node) return Fail("utimensat", path, ENOENT);
  at.node->mtime = mtime;
  return Ok();
}

Result<void> MemoryFileSystem::Chmod(const std::string& path, uint32_t mode) {
  std::lock_guard lock(state_->mu);
  Lookup at;
  if (int err = state_->Resolve(path, true, &at); err != 0) return Fail("chmod", path, err);
  if (!at.node) return Fail("chmod", path, ENOENT);
  at.node->mode = mode & 07777;
  return Ok();
}

Result<void> MemoryFileSystem::Symlink(const std::string& target, const std::string& link_path) {
  std::lock_guard lock(state_->mu);
  Lookup at;
  if (int err = state_->Resolve(link_path, false, &at); err != 0) return Fail("symlink", link_path, err);
  if (at.node || !at.parent) return Fail("symlink", link_path, EEXIST);
  NodePtr node = state_->NewNode(FileType::kSymlink, 0777);
  node->mode = 0777;
  node->target = target;
  at.parent->children[at.name] = std::move(node);
  at.parent->mtime = state_->Now();
  return Ok();
}

Result<std::string> MemoryFileSystem::ReadLink(const std::string& path) {
  std::lock_guard lock(state_->mu);
  Lookup at;
  if (int err = state_->Resolve(path, false, &at); err != 0) return Fail("readlink", path, err);
  if (!at.node) return Fail("readlink", path, ENOENT);
  if (at.node->type != FileType::kSymlink) return Fail("readlink", path, EINVAL);
  return at.node->target;
}

Result<std::string> MemoryFileSystem::RealPath(const std::string& path) {
  std::lock_guard lock(state_->mu);
  Lookup at;
  if (int err = state_->Resolve(path, true, &at); err != 0) return Fail("realpath", path, err);
  if (!at.node) return Fail("realpath", path, ENOENT);
  return at.canonical;
}

Result<std::unique_ptr<FileLock>> MemoryFileSystem::Lock(const std::string& path) {
  std::lock_guard lock(state_->mu);
  Lookup at;
  if (int err = state_->Resolve(path, true, &at); err != 0) return Fail("lock", path, err);
  NodePtr node = at.node;
  if (!node) {
    if (!at.parent) return Fail("lock", path, EISDIR);
    node = state_->NewNode(FileType::kRegular, 0666);
    at.parent->children[at.name] = node;
  }
  if (node->locked) return std::unexpected(LockedError(path));
  node->locked = true;
  return std::make_unique<MemoryFileLock>(path, state_, std::move(node));
}

}  // namespace mtg::io
