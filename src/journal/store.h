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

// Memory for large arrays and arena blocks. From 2 MiB up it is mapped directly, rounded to whole
// huge pages and marked for transparent huge pages: on this project's virtual machines the first
// touch of a fresh 4 KiB page costs microseconds (a guest and a host fault), which made page
// faults, not parsing, the largest cost of loading a big journal. Smaller sizes come from the heap.
// Contents are uninitialised. `size` is rounded up to what was actually reserved.
char* AllocateLarge(size_t& size, bool& mapped);
void FreeLarge(char* data, size_t size, bool mapped);

// Bump allocator. Blocks grow from 64 KiB to 4 MiB (AllocateLarge: huge pages from 2 MiB), and
// faster when a request is more than a quarter of the block size; a request larger than a
// quarter of the largest block size gets a block of its own.
class Arena {
 public:
  // max_block: the size blocks grow to; the record arena uses 10 MiB, which holds exactly 32
  // record chunks (so no tail is wasted).
  explicit Arena(size_t max_block = size_t{4} << 20) : max_block_(max_block) {}
  ~Arena();
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  char* Allocate(size_t n, size_t align = 1);
  const char* Copy(std::string_view s);
  size_t bytes_reserved() const { return reserved_; }

 private:
  struct Block {
    char* data;
    size_t size;
    bool mapped;
  };
  char* NewBlock(size_t size);

  std::vector<Block> blocks_;
  char* cur_ = nullptr;
  size_t left_ = 0;
  size_t reserved_ = 0;
  size_t max_block_;
  size_t next_size_ = size_t{64} << 10;
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

// Open addressing with linear probing. Each slot keeps 32 bits of the key's hash (the tag), and
// the home slot is derived from the tag alone (Fibonacci hashing), so probes almost never touch
// the record they point to and growing the table never re-reads the keys (which would be a
// cache miss per record).
class IndexTable {
 public:
  struct Slot {
    uint32_t index;
    uint32_t tag;
  };
  static constexpr uint32_t kEmpty = 0xFFFFFFFFu;
  static constexpr uint32_t kTombstone = 0xFFFFFFFEu;
  static constexpr size_t kNoSlot = ~size_t{0};

  static uint32_t TagOf(uint64_t hash) { return static_cast<uint32_t>(hash >> 32); }

  IndexTable() = default;
  ~IndexTable() { Release(); }
  IndexTable(const IndexTable&) = delete;
  IndexTable& operator=(const IndexTable&) = delete;

  // The slot holding an entry for which `equals(index)` holds, or kNoSlot.
  template <typename Equals>
  size_t Find(uint64_t hash, Equals equals) const {
    if (capacity_ == 0) return kNoSlot;
    uint32_t tag = TagOf(hash);
    for (size_t i = Home(tag);; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.index == kEmpty) return kNoSlot;
      if (s.index != kTombstone && s.tag == tag && equals(s.index)) return i;
    }
  }
  uint32_t At(size_t slot) const { return slots_[slot].index; }
  // Starts loading the cache line a lookup of `hash` will probe first: with a million entries
  // that is a cache miss, which the caller can overlap with other work.
  void Prefetch(uint64_t hash) const {
    if (capacity_ != 0) __builtin_prefetch(&slots_[Home(TagOf(hash))]);
  }
  // Inserts (the caller made sure the key is absent).
  void Insert(uint64_t hash, uint32_t index) {
    if ((used_ + 1) * 4 > capacity_ * 3) Grow();
    Place(Slot{index, TagOf(hash)});
    ++used_;
    ++live_;
  }
  void Erase(size_t slot) {
    slots_[slot].index = kTombstone;
    --live_;
  }
  size_t bytes() const { return reserved_; }

 private:
  size_t Home(uint32_t tag) const { return (tag * 0x9E3779B9u) >> shift_; }
  void Place(Slot slot) {
    for (size_t i = Home(slot.tag);; i = (i + 1) & mask_) {
      if (slots_[i].index == kEmpty) {
        slots_[i] = slot;
        return;
      }
    }
  }
  void Grow();
  void Release();

  Slot* slots_ = nullptr;  // AllocateLarge'd: a million archives need a 16 MiB table
  size_t capacity_ = 0;
  size_t reserved_ = 0;  // bytes AllocateLarge gave (rounded up to huge pages when mapped)
  bool mapped_ = false;
  size_t mask_ = 0;
  int shift_ = 32;
  size_t used_ = 0;  // live + tombstones
  size_t live_ = 0;
};

// Fixed-size elements in chunks of 2^kShift carved from an arena: growing never copies (a copy
// would touch fresh memory twice, and first touches are what a big load costs most).
template <typename T, int kShift>
class ChunkedArray {
 public:
  static constexpr uint32_t kMask = (uint32_t{1} << kShift) - 1;
  T& operator[](uint32_t i) { return chunks_[i >> kShift][i & kMask]; }
  const T& operator[](uint32_t i) const { return chunks_[i >> kShift][i & kMask]; }
  uint32_t size() const { return size_; }
  size_t index_bytes() const { return chunks_.capacity() * sizeof(T*); }
  void push_back(Arena& arena, const T& value) {
    if ((size_ & kMask) == 0) {
      chunks_.push_back(reinterpret_cast<T*>(arena.Allocate(sizeof(T) << kShift, alignof(T))));
    }
    (*this)[size_++] = value;
  }

 private:
  std::vector<T*> chunks_;
  uint32_t size_ = 0;
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

  Arena arena;                                // strings
  Arena record_arena{size_t{10} << 20};       // record chunks
  std::vector<Record*> record_chunks;  // kRecordsPerChunk records each, carved from the arena
  uint32_t record_count = 0;
  ChunkedArray<FileInfo, 12> files;  // chunks carved from `arena`
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
  uint32_t FindArchive(std::string_view key, bool packed, size_t chars, uint64_t hash,
                       size_t* slot = nullptr) const;
  uint32_t FindArchiveById(std::string_view id) const;
  uint32_t FindFile(std::string_view name) const;
  static uint64_t NameHash(std::string_view name) { return HashBytes(name.data(), name.size()); }
  // name_hash: NameHash(name).
  uint32_t InternFile(std::string_view name, uint64_t name_hash);
};

}  // namespace mtg::journal::internal
