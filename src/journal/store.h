// Internal to mtg_journal: the compact in-memory form of a replayed journal, built for ten million
// records. Strings live in one chunked arena (never moved, so plain pointers stay valid), records
// are fixed-size and stored in chunks (no reallocation copies), archive ids are packed 6 bits a
// character, tree hashes are kept as 32 raw bytes, and two open-addressing tables index archives
// by id and files by name. Nothing here allocates per line except when a chunk fills up.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mtg::journal::internal {

inline constexpr uint32_t kNoIndex = 0xFFFFFFFFu;

// Bump allocator over blocks growing from 64 KiB to 1 MiB; a large string gets a block of its own.
class Arena {
 public:
  char* Allocate(size_t n);
  const char* Copy(std::string_view s);
  size_t bytes_reserved() const { return reserved_; }

 private:
  std::vector<std::unique_ptr<char[]>> blocks_;
  char* cur_ = nullptr;
  size_t left_ = 0;
  size_t reserved_ = 0;
};

struct Record {
  enum Flag : uint32_t {
    kIdPacked = 1,     // id points at the 6-bit packed form; id_len is the character count
    kHashBinary = 2,   // hash holds 32 raw bytes; otherwise hash holds {const char*, uint32} text
    kMtimeKnown = 4,
    kDeleted = 8,
  };
  int64_t time;
  int64_t mtime;
  uint64_t size;
  const char* id;
  uint8_t hash[32];
  uint32_t id_len : 28;
  uint32_t flags : 4;
  uint32_t file;   // index into Store::files
  uint32_t next;   // next live version of the same file, in journal order (set by Finish)
  uint32_t line;   // 1-based line of the CREATED record (saturates at 2^32-1)
};

// The rule of FileVersions::latest: the greatest (mtime if known, else time), then the greatest time.
inline bool IsNewer(const Record& a, const Record& b) {
  int64_t ka = (a.flags & Record::kMtimeKnown) ? a.mtime : a.time;
  int64_t kb = (b.flags & Record::kMtimeKnown) ? b.mtime : b.time;
  if (ka != kb) return ka > kb;
  return a.time > b.time;
}

struct FileInfo {
  const char* name;
  uint32_t name_len;
  uint32_t first;     // first live version (record index), kNoIndex when none is left
  uint32_t latest;
  uint32_t count;     // live versions
};

// Open addressing with linear probing; each slot keeps 32 bits of the hash so that probes
// almost never touch the record they point to.
class IndexTable {
 public:
  struct Slot {
    uint32_t index;
    uint32_t tag;
  };
  static constexpr uint32_t kEmpty = 0xFFFFFFFFu;
  static constexpr uint32_t kTombstone = 0xFFFFFFFEu;

  // Finds the slot holding an entry equal to the key (by `equals(index)`), or kNoIndex.
  template <typename Equals>
  size_t Find(uint64_t hash, Equals equals) const {
    if (slots_.empty()) return kNoSlot;
    size_t mask = slots_.size() - 1;
    auto tag = static_cast<uint32_t>(hash >> 32);
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
      const Slot& s = slots_[i];
      if (s.index == kEmpty) return kNoSlot;
      if (s.index != kTombstone && s.tag == tag && equals(s.index)) return i;
    }
  }
  uint32_t At(size_t slot) const { return slots_[slot].index; }
  // Inserts (the caller made sure the key is absent). `hash_of(index)` rehashes on growth.
  template <typename HashOf>
  void Insert(uint64_t hash, uint32_t index, HashOf hash_of) {
    if ((used_ + 1) * 4 > slots_.size() * 3) Grow(hash_of);
    size_t mask = slots_.size() - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
      Slot& s = slots_[i];
      if (s.index == kEmpty) {
        s = Slot{index, static_cast<uint32_t>(hash >> 32)};
        ++used_;
        ++live_;
        return;
      }
    }
  }
  void Erase(size_t slot) {
    slots_[slot].index = kTombstone;
    --live_;
  }
  size_t bytes() const { return slots_.size() * sizeof(Slot); }

  static constexpr size_t kNoSlot = ~size_t{0};

 private:
  template <typename HashOf>
  void Grow(HashOf hash_of) {
    size_t cap = 16;
    while ((live_ + 1) * 2 > cap) cap *= 2;  // after a rebuild the table is at most half full
    std::vector<Slot> old;
    old.swap(slots_);
    slots_.assign(cap, Slot{kEmpty, 0});
    used_ = 0;
    live_ = 0;
    for (const Slot& s : old) {
      if (s.index == kEmpty || s.index == kTombstone) continue;
      uint64_t h = hash_of(s.index);
      size_t mask = cap - 1;
      for (size_t i = h & mask;; i = (i + 1) & mask) {
        if (slots_[i].index == kEmpty) {
          slots_[i] = Slot{s.index, static_cast<uint32_t>(h >> 32)};
          break;
        }
      }
      ++used_;
      ++live_;
    }
  }

  std::vector<Slot> slots_;
  size_t used_ = 0;  // live + tombstones
  size_t live_ = 0;
};

uint64_t HashBytes(const void* data, size_t n);

// Archive ids from Glacier use the 64 characters [A-Za-z0-9_-]; those pack into 6 bits each.
// Returns false (and leaves out alone) when the id has any other character.
bool PackId(std::string_view id, std::string& out);
std::string UnpackId(const char* packed, size_t chars);
inline size_t PackedSize(size_t chars) { return (chars * 6 + 7) / 8; }

struct Store {
  // 4096 records (320 KiB) a chunk: small journals stay small, 10 million records are 2,442 chunks.
  static constexpr int kChunkShift = 12;
  static constexpr size_t kRecordsPerChunk = size_t{1} << kChunkShift;

  Arena arena;
  std::vector<std::unique_ptr<Record[]>> record_chunks;
  uint32_t record_count = 0;
  std::vector<FileInfo> files;
  std::vector<uint32_t> live_files;  // files with at least one live version, first-seen order
  IndexTable by_id;
  IndexTable by_name;
  size_t live_archives = 0;

  Record& record(uint32_t i) { return record_chunks[i >> kChunkShift][i & (kRecordsPerChunk - 1)]; }
  const Record& record(uint32_t i) const {
    return record_chunks[i >> kChunkShift][i & (kRecordsPerChunk - 1)];
  }
  Record& NewRecord();

  // The canonical key bytes of a record's id (packed or raw) for hashing and comparison.
  std::string_view IdKey(const Record& r) const {
    size_t n = (r.flags & Record::kIdPacked) ? PackedSize(r.id_len) : r.id_len;
    return {r.id, n};
  }
  std::string IdString(const Record& r) const {
    return (r.flags & Record::kIdPacked) ? UnpackId(r.id, r.id_len) : std::string(r.id, r.id_len);
  }
  static uint64_t IdHash(std::string_view key, size_t chars) { return HashBytes(key.data(), key.size()) ^ chars; }
  // Finds the live record with this id: `key` is the packed form when `packed`.
  uint32_t FindArchive(std::string_view key, bool packed, size_t chars, size_t* slot = nullptr) const;
  uint32_t FindArchiveById(std::string_view id) const;
  uint32_t FindFile(std::string_view name) const;
  uint32_t InternFile(std::string_view name);
};

}  // namespace mtg::journal::internal
