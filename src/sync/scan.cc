#include "sync/scan.h"

#include <algorithm>
#include <cerrno>
#include <set>
#include <utility>

#include "config/text.h"
#include "journal/relative_name.h"

namespace mtg::sync {
namespace {

struct Entry {
  std::string name;
  io::FileType type;  // as listed: a symlink is kSymlink
  bool sorts_as_dir;  // a directory (or, with --follow, a symlink to one): sorts as "name/"
};

// Byte order of name, or name + "/" for directories. Since no name contains '/', this orders a
// directory's whole subtree exactly where its relative names fall among its siblings.
bool EntryLess(const Entry& a, const Entry& b) {
  size_t n = std::min(a.name.size(), b.name.size());
  int c = std::char_traits<char>::compare(a.name.data(), b.name.data(), n);
  if (c != 0) return c < 0;
  if (a.name.size() == b.name.size()) return !a.sorts_as_dir && b.sorts_as_dir;
  if (a.name.size() < b.name.size()) {
    // a is a prefix of b: a ends (smaller) unless it continues with its '/'.
    return !a.sorts_as_dir || static_cast<unsigned char>('/') < static_cast<unsigned char>(b.name[n]);
  }
  return b.sorts_as_dir && static_cast<unsigned char>(a.name[n]) < static_cast<unsigned char>('/');
}

std::string Quote(std::string_view name) { return config::QuoteForMessage(name, 400); }

std::string Join(std::string_view dir, std::string_view name) {
  std::string out;
  out.reserve(dir.size() + 1 + name.size());
  out += dir;
  if (!dir.empty()) out += '/';
  out += name;
  return out;
}

// Why a name found on disk cannot be synced, or nullptr. Only the last component is new: its
// ancestors were checked before they were descended.
const char* NameProblem(std::string_view component, std::string_view relative_name) {
  if (component.find_first_of("\r\n\t") != std::string_view::npos) {
    return "contains CR, LF or TAB, which the journal cannot hold";
  }
  if (!journal::IsValidUtf8(component)) return "is not valid UTF-8";
  if (!journal::IsRelativeFilename(relative_name)) return journal::RelativeFilenameProblem(relative_name);
  return nullptr;
}

int ErrnoOf(const Error& error) { return error.sys_errno != 0 ? error.sys_errno : EIO; }

}  // namespace

struct Scanner::State {
  struct Frame {
    std::string relative;  // "" for --dir
    std::string path;      // as passed to the file system
    uint64_t device = 0;
    uint64_t inode = 0;
    std::vector<Entry> entries;
    size_t next = 0;
  };

  io::FileSystem* fs = nullptr;
  ScanOptions options;
  std::vector<Frame> stack;
  // --follow only: directories already scanned, as (device, inode).
  std::set<std::pair<uint64_t, uint64_t>> seen;
  ScanStats stats;

  bool Filtering() const { return options.filter != nullptr && !options.filter->empty(); }
  bool Includes(std::string_view relative) const {
    return !Filtering() || options.filter->IncludesFile(relative);
  }

  // Lists a directory into a new frame on top of the stack.
  Result<void> Push(std::string relative, std::string path, const io::FileInfo& info);
  // Handles one entry; true when it produced an event.
  bool Visit(const Entry& entry, ScanEvent& event);
  bool VisitDirectory(const std::string& relative, const std::string& path, const Entry& entry,
                      ScanEvent& event);
  bool EmitFile(const std::string& relative, const io::FileInfo& info, ScanEvent& event);
  bool Emit(ScanEventKind kind, const std::string& relative, std::string message, ScanEvent& event);
};

Result<void> Scanner::State::Push(std::string relative, std::string path, const io::FileInfo& info) {
  auto listed = fs->List(path);
  if (!listed) return std::unexpected(std::move(listed.error()));
  Frame frame;
  frame.relative = std::move(relative);
  frame.path = std::move(path);
  frame.device = info.device;
  frame.inode = info.inode;
  frame.entries.reserve(listed->size());
  for (io::DirEntry& e : *listed) {
    bool is_dir = e.type == io::FileType::kDirectory;
    if (options.follow && e.type == io::FileType::kSymlink) {
      auto target = fs->Stat(io::JoinPath(frame.path, e.name));
      is_dir = target && target->type == io::FileType::kDirectory;
    }
    frame.entries.push_back(Entry{std::move(e.name), e.type, is_dir});
  }
  std::sort(frame.entries.begin(), frame.entries.end(), EntryLess);
  stack.push_back(std::move(frame));
  ++stats.directories;
  return Ok();
}

bool Scanner::State::Emit(ScanEventKind kind, const std::string& relative, std::string message,
                          ScanEvent& event) {
  event.kind = kind;
  event.relative_name = relative;
  event.size = 0;
  event.mtime = 0;
  event.message = std::move(message);
  if (IsScanError(kind)) ++stats.errors;
  if (IsScanNotice(kind)) ++stats.notices;
  return true;
}

bool Scanner::State::EmitFile(const std::string& relative, const io::FileInfo& info,
                              ScanEvent& event) {
  event.kind = info.size == 0 ? ScanEventKind::kZeroSizeFile : ScanEventKind::kFile;
  event.relative_name = relative;
  event.size = info.size;
  event.mtime = info.mtime;
  event.message.clear();
  if (info.size == 0) {
    ++stats.zero_size_files;
  } else {
    ++stats.files;
    stats.bytes += info.size;
  }
  return true;
}

bool Scanner::State::VisitDirectory(const std::string& relative, const std::string& path,
                                    const Entry& entry, ScanEvent& event) {
  if (Filtering() && options.filter->PrunesDir(relative)) return false;
  if (const char* problem = NameProblem(entry.name, relative)) {
    return Emit(ScanEventKind::kBadName, relative,
                "directory name " + Quote(relative) + " " + problem + "; skipped with everything in it",
                event);
  }
  auto info = fs->Stat(path);
  if (!info) {
    return Emit(ScanEventKind::kStatFailed, relative,
                SysError("cannot stat directory " + Quote(relative), ErrnoOf(info.error())).message,
                event);
  }
  for (const Frame& ancestor : stack) {
    if (ancestor.device == info->device && ancestor.inode == info->inode) {
      return Emit(ScanEventKind::kLoop, relative,
                  "directory " + Quote(relative) + " leads back to " +
                      (ancestor.relative.empty() ? std::string("--dir") : Quote(ancestor.relative)) +
                      "; not descended",
                  event);
    }
  }
  if (options.follow && !seen.insert({info->device, info->inode}).second) {
    return Emit(ScanEventKind::kDuplicate, relative,
                "directory " + Quote(relative) + " was already scanned under another path; skipped",
                event);
  }
  auto pushed = Push(relative, path, *info);
  if (!pushed) {
    return Emit(ScanEventKind::kUnreadableDir, relative,
                SysError("cannot list directory " + Quote(relative), ErrnoOf(pushed.error())).message +
                    "; files below it are neither synced nor treated as removed",
                event);
  }
  return false;
}

bool Scanner::State::Visit(const Entry& entry, ScanEvent& event) {
  const Frame& parent = stack.back();
  std::string relative = Join(parent.relative, entry.name);
  std::string path = io::JoinPath(parent.path, entry.name);

  if (entry.type == io::FileType::kDirectory) return VisitDirectory(relative, path, entry, event);

  if (entry.type == io::FileType::kSymlink) {
    auto target = fs->Stat(path);
    if (!target) {
      int err = ErrnoOf(target.error());
      if (!Includes(relative)) return false;
      if (err == ENOENT || err == ENOTDIR || err == ELOOP) {
        return Emit(ScanEventKind::kDanglingSymlink, relative,
                    "symlink " + Quote(relative) +
                        (err == ELOOP ? " is a symlink loop" : " points to nothing") + "; skipped",
                    event);
      }
      return Emit(ScanEventKind::kStatFailed, relative,
                  SysError("cannot stat " + Quote(relative), err).message, event);
    }
    if (target->type == io::FileType::kDirectory) {
      if (options.follow) return VisitDirectory(relative, path, entry, event);
      if (Filtering() && options.filter->PrunesDir(relative)) return false;
      return Emit(ScanEventKind::kSymlinkToDir, relative,
                  "symlink " + Quote(relative) + " points to a directory; not followed without --follow",
                  event);
    }
    if (!Includes(relative)) return false;
    if (target->type != io::FileType::kRegular) {
      return Emit(ScanEventKind::kSpecialFile, relative,
                  "symlink " + Quote(relative) + " points to a special file (" +
                      std::string(io::FileTypeName(target->type)) + "); skipped",
                  event);
    }
    if (const char* problem = NameProblem(entry.name, relative)) {
      return Emit(ScanEventKind::kBadName, relative, "file name " + Quote(relative) + " " + problem + "; skipped",
                  event);
    }
    return EmitFile(relative, *target, event);
  }

  if (!Includes(relative)) return false;
  if (entry.type == io::FileType::kOther) {
    return Emit(ScanEventKind::kSpecialFile, relative,
                "special file " + Quote(relative) + " (fifo, socket or device); skipped", event);
  }
  if (const char* problem = NameProblem(entry.name, relative)) {
    return Emit(ScanEventKind::kBadName, relative, "file name " + Quote(relative) + " " + problem + "; skipped",
                event);
  }
  auto info = fs->Stat(path);
  if (!info) {
    int err = ErrnoOf(info.error());
    if (err == ENOENT) return false;  // removed since the listing: it is simply not there
    return Emit(ScanEventKind::kStatFailed, relative, SysError("cannot stat " + Quote(relative), err).message,
                event);
  }
  if (info->type != io::FileType::kRegular) return false;  // replaced since the listing
  return EmitFile(relative, *info, event);
}

Result<Scanner> Scanner::Open(io::FileSystem& fs, ScanOptions options) {
  auto state = std::make_unique<State>();
  state->fs = &fs;
  state->options = std::move(options);
  const std::string& dir = state->options.dir;
  auto info = fs.Stat(dir);
  if (!info || info->type != io::FileType::kDirectory) {
    return Fail(ErrorCode::kInvalidArgument, "Not a directory " + dir);
  }
  if (state->options.follow) state->seen.insert({info->device, info->inode});
  auto pushed = state->Push("", dir, *info);
  if (!pushed) return std::unexpected(std::move(pushed.error()));
  return Scanner(std::move(state));
}

Scanner::Scanner(std::unique_ptr<State> state) : state_(std::move(state)) {}
Scanner::Scanner(Scanner&&) noexcept = default;
Scanner& Scanner::operator=(Scanner&&) noexcept = default;
Scanner::~Scanner() = default;

bool Scanner::Next(ScanEvent& event) {
  while (!state_->stack.empty()) {
    State::Frame& frame = state_->stack.back();
    if (frame.next == frame.entries.size()) {
      state_->stack.pop_back();
      continue;
    }
    // Moved out: Visit may push a frame, which can move the vector that holds this one.
    Entry entry = std::move(frame.entries[frame.next++]);
    if (state_->Visit(entry, event)) return true;
  }
  return false;
}

const ScanStats& Scanner::stats() const { return state_->stats; }

Result<ScanStats> Scan(io::FileSystem& fs, const ScanOptions& options,
                       const std::function<bool(const ScanEvent&)>& on_event) {
  auto scanner = Scanner::Open(fs, options);
  if (!scanner) return std::unexpected(std::move(scanner.error()));
  ScanEvent event;
  while (scanner->Next(event)) {
    if (!on_event(event)) break;
  }
  return scanner->stats();
}

std::string_view ScanEventKindName(ScanEventKind kind) {
  switch (kind) {
    case ScanEventKind::kFile: return "file";
    case ScanEventKind::kZeroSizeFile: return "zero-size file";
    case ScanEventKind::kSpecialFile: return "special file";
    case ScanEventKind::kSymlinkToDir: return "symlink to directory";
    case ScanEventKind::kDanglingSymlink: return "dangling symlink";
    case ScanEventKind::kDuplicate: return "duplicate";
    case ScanEventKind::kLoop: return "loop";
    case ScanEventKind::kBadName: return "bad name";
    case ScanEventKind::kUnreadableDir: return "unreadable directory";
    case ScanEventKind::kStatFailed: return "stat failed";
  }
  return "?";
}

bool IsScanError(ScanEventKind kind) {
  return kind == ScanEventKind::kBadName || kind == ScanEventKind::kUnreadableDir ||
         kind == ScanEventKind::kStatFailed;
}

bool IsScanNotice(ScanEventKind kind) {
  return kind != ScanEventKind::kFile && kind != ScanEventKind::kZeroSizeFile && !IsScanError(kind);
}

}  // namespace mtg::sync
