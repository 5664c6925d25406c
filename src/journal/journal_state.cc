#include "journal/journal_state.h"

#include <span>

#include "base/hex.h"
#include "journal/store.h"

namespace mtg::journal {

using internal::FileInfo;
using internal::kNoIndex;
using internal::Record;
using internal::Store;

std::string Archive::archive_id() const { return store_->IdString(store_->record(index_)); }

bool Archive::HasArchiveId(std::string_view id) const {
  return store_->FindArchiveById(id) == index_;
}

std::string_view Archive::relfilename() const {
  const FileInfo& f = store_->files[store_->record(index_).file];
  return {f.name, f.name_len};
}

int64_t Archive::time() const { return store_->record(index_).time; }

std::optional<int64_t> Archive::mtime() const {
  const Record& r = store_->record(index_);
  if (r.flags & Record::kMtimeKnown) return r.mtime;
  return std::nullopt;
}

uint64_t Archive::size() const { return store_->record(index_).size; }

std::string Archive::tree_hash() const {
  const Record& r = store_->record(index_);
  if (r.flags & Record::kHashBinary) return HexEncode(std::span<const uint8_t>(r.hash, 32));
  const char* p;
  uint32_t n;
  std::memcpy(&p, r.hash, sizeof p);
  std::memcpy(&n, r.hash + sizeof p, sizeof n);
  return std::string(p, n);
}

uint64_t Archive::line() const { return store_->record(index_).line; }

bool IsNewerVersion(const Archive& a, const Archive& b) {
  return internal::IsNewer(a.store_->record(a.index_), b.store_->record(b.index_));
}

std::string_view FileEntry::relfilename() const {
  const FileInfo& f = store_->files[file_];
  return {f.name, f.name_len};
}

Archive FileEntry::latest() const { return Archive(store_, store_->files[file_].latest); }

size_t FileEntry::version_count() const { return store_->files[file_].count; }

std::vector<Archive> FileEntry::versions() const {
  std::vector<Archive> out;
  out.reserve(store_->files[file_].count);
  for (uint32_t i = store_->files[file_].first; i != kNoIndex; i = store_->record(i).next) {
    out.push_back(Archive(store_, i));
  }
  return out;
}

JournalState::JournalState() : store_(std::make_unique<Store>()) {}
JournalState::~JournalState() = default;
JournalState::JournalState(JournalState&&) noexcept = default;
JournalState& JournalState::operator=(JournalState&&) noexcept = default;

size_t JournalState::archive_count() const { return store_->live_archives; }
size_t JournalState::file_count() const { return store_->live_files.size(); }

size_t JournalState::file_id_limit() const { return store_->files.size(); }

FileEntry JournalState::file(size_t i) const { return FileEntry(store_.get(), store_->live_files[i]); }

std::optional<FileEntry> JournalState::FindFile(std::string_view relfilename) const {
  uint32_t f = store_->FindFile(relfilename);
  if (f == kNoIndex || store_->files[f].count == 0) return std::nullopt;
  return FileEntry(store_.get(), f);
}

std::optional<Archive> JournalState::FindArchive(std::string_view archive_id) const {
  uint32_t i = store_->FindArchiveById(archive_id);
  if (i == kNoIndex) return std::nullopt;
  return Archive(store_.get(), i);
}

std::vector<Archive> JournalState::archives() const {
  std::vector<Archive> out;
  out.reserve(store_->live_archives);
  for (uint32_t i = 0; i < store_->record_count; ++i) {
    if (!(store_->record(i).flags & Record::kDeleted)) out.push_back(Archive(store_.get(), i));
  }
  return out;
}

std::unordered_set<std::string> JournalState::ActiveRetrievals(int64_t now) const {
  std::unordered_set<std::string> out;
  for (const RetrieveJob& job : retrieve_jobs_) {
    // Written as a difference, like the original (now - time < 86400), so a record from the
    // future (clock skew) also counts as active; an overflowing difference is "long ago".
    int64_t age;
    bool active = __builtin_sub_overflow(now, job.time, &age) ? job.time > now : age < 86400;
    if (active) out.insert(job.archive_id);
  }
  return out;
}

size_t JournalState::memory_bytes() const {
  const Store& s = *store_;
  return s.arena.bytes_reserved() + s.record_arena.bytes_reserved() + s.record_chunks.capacity() * sizeof(Record*) +
         s.files.index_bytes() + s.live_files.capacity() * sizeof(uint32_t) +
         s.by_id.bytes() + s.by_name.bytes();
}

static_assert(sizeof(Record) == 80, "Record layout grew; check the memory budget in store.h");

}  // namespace mtg::journal
