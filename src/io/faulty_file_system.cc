// FaultyFileSystem: fault rules checked on every call, plus a durability model that remembers,
// per path, the content a power cut would leave, and the namespace changes not yet made durable.
#include "io/faulty_file_system.h"

#include <map>
#include <mutex>
#include <optional>
#include <vector>

namespace mtg::io {
namespace {

std::string_view SyscallName(Op op) {
  switch (op) {
    case Op::kOpenRead:
    case Op::kOpenAppend:
    case Op::kOpenWrite:
    case Op::kReadFile: return "open";
    case Op::kRead: return "read";
    case Op::kAppend:
    case Op::kWrite: return "write";
    case Op::kTruncate: return "truncate";
    case Op::kSync:
    case Op::kSyncDir: return "fsync";
    case Op::kClose: return "close";
    case Op::kSize: return "fstat";
    case Op::kRename: return "rename";
    case Op::kRemove: return "remove";
    case Op::kMakeDirs: return "mkdir";
    case Op::kStat: return "stat";
    case Op::kList: return "opendir";
    case Op::kSetMtime: return "utimensat";
    case Op::kChmod: return "chmod";
    case Op::kSymlink: return "symlink";
    case Op::kLock: return "lock";
  }
  return "call";
}

// What a handle knows about itself; the path follows renames made through the wrapper.
struct HandleInfo {
  std::string path;  // empty once the file was removed: its writes no longer matter
  uint64_t epoch = 0;
};

struct LockSlot {
  std::unique_ptr<FileLock> inner;
};

// A namespace change not yet made durable by SyncDir(dir).
struct PendingOp {
  enum Kind { kCreate, kRename, kRemove } kind;
  std::string path;  // created / removed path, or the rename target
  std::string from;  // rename source
  std::string dir;
  // What the target held durably before a rename over it or a removal (regular files only).
  std::optional<std::string> previous_durable;
};

std::string NormalizeDir(std::string dir) {
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir;
}

bool UnderPath(const std::string& path, const std::string& prefix) {
  return path == prefix || (path.size() > prefix.size() && path.starts_with(prefix) &&
                            path[prefix.size()] == '/');
}

}  // namespace

struct FaultyFileSystem::State {
  mutable std::mutex mu;
  FileSystem* inner = nullptr;
  struct Rule {
    Fault fault;
    uint64_t seen = 0;
  };
  std::map<int, Rule> faults;
  int next_fault_id = 1;
  std::map<uint32_t, uint64_t> calls;
  uint64_t injected = 0;

  bool model_dir_sync = false;
  std::function<void(const std::string&)> sync_hook;
  void RunSyncHook(const std::string& path) {
    std::function<void(const std::string&)> hook;
    {
      std::lock_guard lock(mu);
      hook = sync_hook;
    }
    if (hook) hook(path);
  }
  uint64_t epoch = 0;
  std::map<std::string, std::string> durable;  // path → content a crash would leave
  std::vector<PendingOp> pending;
  std::vector<std::weak_ptr<HandleInfo>> handles;
  std::vector<std::weak_ptr<LockSlot>> locks;

  // Counts the call and returns the error to inject, if any. `write_prefix` receives the
  // fault's torn-write length. Caller holds mu.
  std::optional<Error> Check(Op op, const std::string& path, const std::string& path2 = {},
                             uint64_t* write_prefix = nullptr) {
    ++calls[static_cast<uint32_t>(op)];
    std::optional<Error> result;
    for (auto& [id, rule] : faults) {
      const Fault& f = rule.fault;
      if ((f.ops & static_cast<OpMask>(op)) == 0) continue;
      if (!f.path_contains.empty() && path.find(f.path_contains) == std::string::npos &&
          path2.find(f.path_contains) == std::string::npos) {
        continue;
      }
      uint64_t n = ++rule.seen;
      if (result || n < f.first || n - f.first >= f.count) continue;
      std::string what = path2.empty() ? path : path + " to " + path2;
      result = PathError(SyscallName(op), what, f.err);
      if (write_prefix != nullptr) *write_prefix = f.write_prefix;
    }
    if (result) ++injected;
    return result;
  }

  std::optional<Error> CheckHandle(Op op, const HandleInfo& info, const std::string& opened_as,
                                   uint64_t* write_prefix = nullptr) {
    if (info.epoch != epoch) {
      ++calls[static_cast<uint32_t>(op)];
      return PathError(SyscallName(op), opened_as, EIO);  // the process "died" in Crash()
    }
    return Check(op, info.path.empty() ? opened_as : info.path, {}, write_prefix);
  }

  std::optional<std::string> Current(const std::string& path) {
    auto info = inner->LStat(path);
    if (!info || info->type != FileType::kRegular) return std::nullopt;
    auto data = inner->ReadFile(path, std::numeric_limits<uint64_t>::max());
    if (!data) return std::nullopt;
    return std::move(*data);
  }

  // Remembers what `path` holds durably before it is first changed through the wrapper.
  void Track(const std::string& path) {
    if (durable.contains(path)) return;
    durable[path] = Current(path).value_or("");
  }

  // The content a crash now would leave at `path`, if it is a regular file.
  std::optional<std::string> DurableOf(const std::string& path) {
    if (auto it = durable.find(path); it != durable.end()) return it->second;
    return Current(path);
  }

  bool Exists(const std::string& path) { return inner->LStat(path).has_value(); }

  void NotePending(PendingOp op) {
    if (model_dir_sync) pending.push_back(std::move(op));
  }

  std::shared_ptr<HandleInfo> NewHandle(const std::string& path) {
    auto info = std::make_shared<HandleInfo>();
    info->path = path;
    info->epoch = epoch;
    std::erase_if(handles, [](const auto& weak) { return weak.expired(); });
    handles.push_back(info);
    return info;
  }

  void MovePaths(const std::string& from, const std::string& to) {
    for (auto& weak : handles) {
      if (auto h = weak.lock(); h && UnderPath(h->path, from)) h->path = to + h->path.substr(from.size());
    }
    std::map<std::string, std::string> moved;
    for (auto it = durable.begin(); it != durable.end();) {
      if (UnderPath(it->first, to)) {
        it = durable.erase(it);  // replaced by the rename
      } else if (UnderPath(it->first, from)) {
        moved[to + it->first.substr(from.size())] = std::move(it->second);
        it = durable.erase(it);
      } else {
        ++it;
      }
    }
    durable.merge(moved);
  }

  void Forget(const std::string& path) {
    durable.erase(path);
    for (auto& weak : handles) {
      if (auto h = weak.lock(); h && h->path == path) h->path.clear();
    }
  }

  Result<void> Overwrite(const std::string& path, const std::string& content) {
    auto file = inner->OpenWrite(path, WriteMode::kTruncate);
    if (!file) return std::unexpected(std::move(file.error()));
    MTG_TRY_VOID((*file)->WriteAt(0, content));
    return (*file)->Close();
  }
};

namespace {

using State = FaultyFileSystem::State;

class FaultyReadableFile final : public ReadableFile {
 public:
  FaultyReadableFile(std::shared_ptr<State> state, std::unique_ptr<ReadableFile> inner,
                     std::shared_ptr<HandleInfo> info)
      : ReadableFile(inner->path()), state_(std::move(state)), inner_(std::move(inner)),
        info_(std::move(info)) {}
  using ReadableFile::ReadAt;
  Result<size_t> ReadAt(uint64_t offset, std::span<uint8_t> out) override {
    std::lock_guard lock(state_->mu);
    if (auto e = state_->CheckHandle(Op::kRead, *info_, path())) return std::unexpected(std::move(*e));
    return inner_->ReadAt(offset, out);
  }
  Result<uint64_t> Size() override {
    std::lock_guard lock(state_->mu);
    if (auto e = state_->CheckHandle(Op::kSize, *info_, path())) return std::unexpected(std::move(*e));
    return inner_->Size();
  }

 private:
  std::shared_ptr<State> state_;
  std::unique_ptr<ReadableFile> inner_;
  std::shared_ptr<HandleInfo> info_;
};

class FaultyAppendableFile final : public AppendableFile {
 public:
  FaultyAppendableFile(std::shared_ptr<State> state, std::unique_ptr<AppendableFile> inner,
                       std::shared_ptr<HandleInfo> info)
      : AppendableFile(inner->path()), state_(std::move(state)), inner_(std::move(inner)),
        info_(std::move(info)) {}
  using AppendableFile::Append;
  Result<void> Append(std::span<const uint8_t> data) override {
    std::lock_guard lock(state_->mu);
    uint64_t prefix = 0;
    if (auto e = state_->CheckHandle(Op::kAppend, *info_, path(), &prefix)) {
      if (prefix > 0 && info_->epoch == state_->epoch) {
        (void)inner_->Append(data.first(std::min<uint64_t>(prefix, data.size())));
      }
      return std::unexpected(std::move(*e));
    }
    return inner_->Append(data);
  }
  Result<void> Sync() override {
    state_->RunSyncHook(path());
    std::lock_guard lock(state_->mu);
    if (auto e = state_->CheckHandle(Op::kSync, *info_, path())) return std::unexpected(std::move(*e));
    MTG_TRY_VOID(inner_->Sync());
    if (!info_->path.empty()) state_->durable[info_->path] = state_->Current(info_->path).value_or("");
    return Ok();
  }
  Result<uint64_t> Size() override {
    std::lock_guard lock(state_->mu);
    if (auto e = state_->CheckHandle(Op::kSize, *info_, path())) return std::unexpected(std::move(*e));
    return inner_->Size();
  }
  Result<void> Close() override {
    std::lock_guard lock(state_->mu);
    if (auto e = state_->CheckHandle(Op::kClose, *info_, path())) return std::unexpected(std::move(*e));
    return inner_->Close();
  }

 private:
  std::shared_ptr<State> state_;
  std::unique_ptr<AppendableFile> inner_;
  std::shared_ptr<HandleInfo> info_;
};

class FaultyWritableFile final : public WritableFile {
 public:
  FaultyWritableFile(std::shared_ptr<State> state, std::unique_ptr<WritableFile> inner,
                     std::shared_ptr<HandleInfo> info)
      : WritableFile(inner->path()), state_(std::move(state)), inner_(std::move(inner)),
        info_(std::move(info)) {}
  using ReadableFile::ReadAt;
  using WritableFile::WriteAt;
  Result<size_t> ReadAt(uint64_t offset, std::span<uint8_t> out) override {
    std::lock_guard lock(state_->mu);
    if (auto e = state_->CheckHandle(Op::kRead, *info_, path())) return std::unexpected(std::move(*e));
    return inner_->ReadAt(offset, out);
  }
  Result<uint64_t> Size() override {
    std::lock_guard lock(state_->mu);
    if (auto e = state_->CheckHandle(Op::kSize, *info_, path())) return std::unexpected(std::move(*e));
    return inner_->Size();
  }
  Result<void> WriteAt(uint64_t offset, std::span<const uint8_t> data) override {
    std::lock_guard lock(state_->mu);
    uint64_t prefix = 0;
    if (auto e = state_->CheckHandle(Op::kWrite, *info_, path(), &prefix)) {
      if (prefix > 0 && info_->epoch == state_->epoch) {
        (void)inner_->WriteAt(offset, data.first(std::min<uint64_t>(prefix, data.size())));
      }
      return std::unexpected(std::move(*e));
    }
    return inner_->WriteAt(offset, data);
  }
  Result<void> Truncate(uint64_t size) override {
    std::lock_guard lock(state_->mu);
    if (auto e = state_->CheckHandle(Op::kTruncate, *info_, path())) return std::unexpected(std::move(*e));
    return inner_->Truncate(size);
  }
  Result<void> Sync() override {
    state_->RunSyncHook(path());
    std::lock_guard lock(state_->mu);
    if (auto e = state_->CheckHandle(Op::kSync, *info_, path())) return std::unexpected(std::move(*e));
    MTG_TRY_VOID(inner_->Sync());
    if (!info_->path.empty()) state_->durable[info_->path] = state_->Current(info_->path).value_or("");
    return Ok();
  }
  Result<void> Close() override {
    std::lock_guard lock(state_->mu);
    if (auto e = state_->CheckHandle(Op::kClose, *info_, path())) return std::unexpected(std::move(*e));
    return inner_->Close();
  }

 private:
  std::shared_ptr<State> state_;
  std::unique_ptr<WritableFile> inner_;
  std::shared_ptr<HandleInfo> info_;
};

class FaultyFileLock final : public FileLock {
 public:
  FaultyFileLock(std::string path, std::shared_ptr<State> state, std::shared_ptr<LockSlot> slot)
      : FileLock(std::move(path)), state_(std::move(state)), slot_(std::move(slot)) {}
  ~FaultyFileLock() override {
    std::lock_guard lock(state_->mu);
    slot_->inner.reset();
  }

 private:
  std::shared_ptr<State> state_;
  std::shared_ptr<LockSlot> slot_;
};

}  // namespace

#define MTG_FAULT(...)                                                      \
  do {                                                                      \
    if (auto injected_ = state_->Check(__VA_ARGS__)) {                      \
      return std::unexpected(std::move(*injected_));                        \
    }                                                                       \
  } while (0)

FaultyFileSystem::FaultyFileSystem(FileSystem& inner) : state_(std::make_shared<State>()) {
  state_->inner = &inner;
}

FaultyFileSystem::~FaultyFileSystem() = default;

int FaultyFileSystem::AddFault(Fault fault) {
  std::lock_guard lock(state_->mu);
  int id = state_->next_fault_id++;
  state_->faults[id] = State::Rule{std::move(fault), 0};
  return id;
}

void FaultyFileSystem::RemoveFault(int id) {
  std::lock_guard lock(state_->mu);
  state_->faults.erase(id);
}

void FaultyFileSystem::ClearFaults() {
  std::lock_guard lock(state_->mu);
  state_->faults.clear();
}

uint64_t FaultyFileSystem::Calls(Op op) const {
  std::lock_guard lock(state_->mu);
  auto it = state_->calls.find(static_cast<uint32_t>(op));
  return it == state_->calls.end() ? 0 : it->second;
}

uint64_t FaultyFileSystem::InjectedFailures() const {
  std::lock_guard lock(state_->mu);
  return state_->injected;
}

void FaultyFileSystem::SetSyncHook(std::function<void(const std::string&)> hook) {
  std::lock_guard lock(state_->mu);
  state_->sync_hook = std::move(hook);
}

void FaultyFileSystem::SetModelDirSync(bool on) {
  std::lock_guard lock(state_->mu);
  state_->model_dir_sync = on;
  if (!on) state_->pending.clear();
}

Result<void> FaultyFileSystem::Crash(CrashOptions options) {
  std::lock_guard lock(state_->mu);
  State& s = *state_;
  FileSystem& inner = *s.inner;
  // The process dies first: its handles stop working and its locks go away.
  ++s.epoch;
  for (auto& weak : s.locks) {
    if (auto slot = weak.lock()) slot->inner.reset();
  }
  s.locks.clear();
  Result<void> result = Ok();
  auto note = [&](Result<void> r) {
    if (!r && result) result = std::move(r);
  };
  // Undo namespace changes newest first, so each undo sees the state its change produced.
  for (auto it = s.pending.rbegin(); it != s.pending.rend(); ++it) {
    switch (it->kind) {
      case PendingOp::kCreate:
        if (s.Exists(it->path)) note(inner.Remove(it->path));
        s.durable.erase(it->path);
        break;
      case PendingOp::kRename:
        if (s.Exists(it->path)) {
          note(inner.Rename(it->path, it->from));
          s.MovePaths(it->path, it->from);
        }
        if (it->previous_durable) note(s.Overwrite(it->path, *it->previous_durable));
        break;
      case PendingOp::kRemove:
        if (it->previous_durable) note(s.Overwrite(it->path, *it->previous_durable));
        s.durable.erase(it->path);
        break;
    }
  }
  s.pending.clear();
  // Then drop file data written after the last Sync, keeping an optional torn prefix of it.
  for (const auto& [path, content] : s.durable) {
    auto current = s.Current(path);
    if (!current) continue;
    std::string next = content;
    if (current->size() > content.size() && current->starts_with(content)) {
      next += current->substr(content.size(), options.keep_unsynced_bytes);
    }
    if (next != *current) note(s.Overwrite(path, next));
  }
  s.durable.clear();
  return result;
}

Result<std::unique_ptr<ReadableFile>> FaultyFileSystem::OpenRead(const std::string& path,
                                                                 ReadHint hint) {
  std::lock_guard lock(state_->mu);
  MTG_FAULT(Op::kOpenRead, path);
  auto file = state_->inner->OpenRead(path, hint);
  if (!file) return std::unexpected(std::move(file.error()));
  return std::make_unique<FaultyReadableFile>(state_, std::move(*file), state_->NewHandle(path));
}

Result<std::unique_ptr<AppendableFile>> FaultyFileSystem::OpenAppend(const std::string& path,
                                                                     uint32_t mode) {
  std::lock_guard lock(state_->mu);
  MTG_FAULT(Op::kOpenAppend, path);
  bool existed = state_->Exists(path);
  state_->Track(path);
  auto file = state_->inner->OpenAppend(path, mode);
  if (!file) return std::unexpected(std::move(file.error()));
  if (!existed) state_->NotePending({PendingOp::kCreate, path, {}, NormalizeDir(DirName(path)), {}});
  return std::make_unique<FaultyAppendableFile>(state_, std::move(*file), state_->NewHandle(path));
}

Result<std::unique_ptr<WritableFile>> FaultyFileSystem::OpenWrite(const std::string& path,
                                                                  WriteMode write_mode,
                                                                  uint32_t mode) {
  std::lock_guard lock(state_->mu);
  MTG_FAULT(Op::kOpenWrite, path);
  bool existed = state_->Exists(path);
  state_->Track(path);
  auto file = state_->inner->OpenWrite(path, write_mode, mode);
  if (!file) return std::unexpected(std::move(file.error()));
  if (!existed) state_->NotePending({PendingOp::kCreate, path, {}, NormalizeDir(DirName(path)), {}});
  return std::make_unique<FaultyWritableFile>(state_, std::move(*file), state_->NewHandle(path));
}

Result<std::string> FaultyFileSystem::ReadFile(const std::string& path, uint64_t limit) {
  std::lock_guard lock(state_->mu);
  MTG_FAULT(Op::kReadFile, path);
  return state_->inner->ReadFile(path, limit);
}

Result<void> FaultyFileSystem::Rename(const std::string& from, const std::string& to) {
  std::lock_guard lock(state_->mu);
  MTG_FAULT(Op::kRename, from, to);
  std::optional<std::string> previous;
  if (state_->model_dir_sync) previous = state_->DurableOf(to);
  MTG_TRY_VOID(state_->inner->Rename(from, to));
  state_->MovePaths(from, to);
  state_->NotePending({PendingOp::kRename, to, from, NormalizeDir(DirName(to)), std::move(previous)});
  return Ok();
}

Result<void> FaultyFileSystem::Remove(const std::string& path) {
  std::lock_guard lock(state_->mu);
  MTG_FAULT(Op::kRemove, path);
  std::optional<std::string> previous;
  if (state_->model_dir_sync) previous = state_->DurableOf(path);
  MTG_TRY_VOID(state_->inner->Remove(path));
  state_->Forget(path);
  state_->NotePending({PendingOp::kRemove, path, {}, NormalizeDir(DirName(path)), std::move(previous)});
  return Ok();
}

Result<void> FaultyFileSystem::RemoveDir(const std::string& path) {
  std::lock_guard lock(state_->mu);
  MTG_FAULT(Op::kRemove, path);
  return state_->inner->RemoveDir(path);
}

Result<void> FaultyFileSystem::SyncDir(const std::string& path) {
  std::lock_guard lock(state_->mu);
  MTG_FAULT(Op::kSyncDir, path);
  MTG_TRY_VOID(state_->inner->SyncDir(path));
  std::string dir = NormalizeDir(path);
  std::erase_if(state_->pending, [&](const PendingOp& op) { return op.dir == dir; });
  return Ok();
}

Result<void> FaultyFileSystem::MakeDirs(const std::string& path, uint32_t mode) {
  std::lock_guard lock(state_->mu);
  MTG_FAULT(Op::kMakeDirs, path);
  return state_->inner->MakeDirs(path, mode);
}

Result<FileInfo> FaultyFileSystem::Stat(const std::string& path) {
  std::lock_guard lock(state_->mu);
  MTG_FAULT(Op::kStat, path);
  return state_->inner->Stat(path);
}

Result<FileInfo> FaultyFileSystem::LStat(const std::string& path) {
  std::lock_guard lock(state_->mu);
  MTG_FAULT(Op::kStat, path);
  return state_->inner->LStat(path);
}

Result<std::vector<DirEntry>> FaultyFileSystem::List(const std::string& path) {
  std::lock_guard lock(state_->mu);
  MTG_FAULT(Op::kList, path);
  return state_->inner->List(path);
}

Result<void> FaultyFileSystem::SetMtime(const std::string& path, int64_t mtime) {
  std::lock_guard lock(state_->mu);
  MTG_FAULT(Op::kSetMtime, path);
  return state_->inner->SetMtime(path, mtime);
}

Result<void> FaultyFileSystem::Chmod(const std::string& path, uint32_t mode) {
  std::lock_guard lock(state_->mu);
  MTG_FAULT(Op::kChmod, path);
  return state_->inner->Chmod(path, mode);
}

Result<void> FaultyFileSystem::Symlink(const std::string& target, const std::string& link_path) {
  std::lock_guard lock(state_->mu);
  MTG_FAULT(Op::kSymlink, link_path);
  MTG_TRY_VOID(state_->inner->Symlink(target, link_path));
  state_->NotePending({PendingOp::kCreate, link_path, {}, NormalizeDir(DirName(link_path)), {}});
  return Ok();
}

Result<std::string> FaultyFileSystem::ReadLink(const std::string& path) {
  std::lock_guard lock(state_->mu);
  MTG_FAULT(Op::kSymlink, path);
  return state_->inner->ReadLink(path);
}

Result<std::string> FaultyFileSystem::RealPath(const std::string& path) {
  std::lock_guard lock(state_->mu);
  MTG_FAULT(Op::kSymlink, path);
  return state_->inner->RealPath(path);
}

Result<std::unique_ptr<FileLock>> FaultyFileSystem::Lock(const std::string& path) {
  std::lock_guard lock(state_->mu);
  MTG_FAULT(Op::kLock, path);
  bool existed = state_->Exists(path);
  auto inner = state_->inner->Lock(path);
  if (!inner) return std::unexpected(std::move(inner.error()));
  if (!existed) state_->NotePending({PendingOp::kCreate, path, {}, NormalizeDir(DirName(path)), {}});
  auto slot = std::make_shared<LockSlot>();
  slot->inner = std::move(*inner);
  std::erase_if(state_->locks, [](const auto& weak) { return weak.expired(); });
  state_->locks.push_back(slot);
  return std::make_unique<FaultyFileLock>(path, state_, std::move(slot));
}

#undef MTG_FAULT

}  // namespace mtg::io
