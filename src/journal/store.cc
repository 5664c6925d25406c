#include "journal/store.h"

#include "base/page_buffer.h"

namespace mtg::journal::internal {
namespace {

constexpr size_t kHugePage = size_t{2} << 20;

// 6-bit codes for [A-Za-z0-9_-]; 0xFF for any other byte.
struct IdAlphabet {
  uint8_t code[256];
  char chars[64];
  constexpr IdAlphabet() : code(), chars() {
    for (auto& c : code) c = 0xFF;
    const char* all = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (int i = 0; i < 64; ++i) {
      chars[i] = all[i];
      code[static_cast<unsigned char>(all[i])] = static_cast<uint8_t>(i);
    }
  }
};
constexpr IdAlphabet kAlphabet;

}  // namespace

char* AllocateLarge(size_t& size, bool& mapped) {
  mapped = false;
  if (size >= kHugePage) {
    size_t mapped_size = size;
    if (void* p = MapPages(mapped_size)) {
      size = mapped_size;
      mapped = true;
      return static_cast<char*>(p);
    }
  }
  // new char[] without () leaves the memory untouched, so unused block tails cost no RSS.
  return new char[size];
}

void FreeLarge(char* data, size_t size, bool mapped) {
  if (data == nullptr) return;
  if (mapped) {
    UnmapPages(data, size);
  } else {
    delete[] data;
  }
}

Arena::~Arena() {
  for (const Block& b : blocks_) FreeLarge(b.data, b.size, b.mapped);
}

char* Arena::NewBlock(size_t size) {
  bool mapped = false;
  char* data = AllocateLarge(size, mapped);
  blocks_.push_back(Block{data, size, mapped});
  reserved_ += size;
  return data;
}

char* Arena::Allocate(size_t n, size_t align) {
  size_t pad = (align - reinterpret_cast<uintptr_t>(cur_) % align) % align;
  if (n + pad > left_) {
    // Grow the block size with the request first: record chunks (320 KiB) must share big
    // huge-page blocks rather than each get a small heap block of its own.
    while (n > next_size_ / 4 && next_size_ < max_block_) next_size_ = next_size_ * 2 < max_block_ ? next_size_ * 2 : max_block_;
    if (n > next_size_ / 4) return NewBlock(n);  // private block; keep filling the current one
    cur_ = NewBlock(next_size_);
    left_ = next_size_;
    next_size_ = next_size_ * 2 < max_block_ ? next_size_ * 2 : max_block_;
    pad = 0;  // blocks are at least 16-byte aligned
  }
  char* p = cur_ + pad;
  cur_ = p + n;
  left_ -= n + pad;
  return p;
}

const char* Arena::Copy(std::string_view s) {
  char* p = Allocate(s.size() == 0 ? 1 : s.size());
  if (!s.empty()) std::memcpy(p, s.data(), s.size());
  return p;
}

void IndexTable::Release() {
  FreeLarge(reinterpret_cast<char*>(slots_), reserved_, mapped_);
  slots_ = nullptr;
  capacity_ = 0;
  reserved_ = 0;
}

void IndexTable::Grow() {
  int bits = 4;
  while ((live_ + 1) * 2 > (size_t{1} << bits)) ++bits;  // after a rebuild at most half full
  Slot* old = slots_;
  size_t old_capacity = capacity_;
  size_t old_reserved = reserved_;
  bool old_mapped = mapped_;
  reserved_ = (size_t{1} << bits) * sizeof(Slot);
  slots_ = reinterpret_cast<Slot*>(AllocateLarge(reserved_, mapped_));
  capacity_ = size_t{1} << bits;  // a huge-page rounding beyond this stays unused
  std::memset(static_cast<void*>(slots_), 0xFF, capacity_ * sizeof(Slot));  // every index = kEmpty
  mask_ = capacity_ - 1;
  shift_ = 32 - bits;
  used_ = 0;
  for (size_t i = 0; i < old_capacity; ++i) {
    const Slot& s = old[i];
    if (s.index == kEmpty || s.index == kTombstone) continue;
    Place(s);
    ++used_;
  }
  live_ = used_;
  FreeLarge(reinterpret_cast<char*>(old), old_reserved, old_mapped);
}

uint64_t HashBytes(const void* data, size_t n) {
  const auto* p = static_cast<const unsigned char*>(data);
  uint64_t h = 0x9E3779B97F4A7C15ull ^ (n * 0xC2B2AE3D27D4EB4Full);
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * 0xFF51AFD7ED558CCDull;
    h ^= h >> 32;
    p += 8;
    n -= 8;
  }
  uint64_t w = 0;
  if (n > 0) std::memcpy(&w, p, n);
  h = (h ^ w) * 0xC4CEB9FE1A85EC53ull;
  h ^= h >> 29;
  h *= 0x9E3779B97F4A7C15ull;
  h ^= h >> 32;
  return h;
}

bool PackId(std::string_view id, std::string& out) {
  // Same bit stream as packing one 6-bit code at a time (big-endian), but four characters become
  // three bytes per step: this runs once per journal line and was the loader's hottest loop.
  out.resize(PackedSize(id.size()));
  const auto* in = reinterpret_cast<const unsigned char*>(id.data());
  char* o = out.data();
  size_t i = 0;
  for (; i + 4 <= id.size(); i += 4) {
    uint32_t a = kAlphabet.code[in[i]], b = kAlphabet.code[in[i + 1]];
    uint32_t c = kAlphabet.code[in[i + 2]], d = kAlphabet.code[in[i + 3]];
    if ((a | b | c | d) & 0xC0) return false;  // 0xFF marks a character outside the alphabet
    uint32_t v = a << 18 | b << 12 | c << 6 | d;
    *o++ = static_cast<char>(v >> 16);
    *o++ = static_cast<char>(v >> 8);
    *o++ = static_cast<char>(v);
  }
  uint32_t acc = 0;
  int bits = 0;
  for (; i < id.size(); ++i) {
    uint8_t c = kAlphabet.code[in[i]];
    if (c == 0xFF) return false;
    acc = (acc << 6) | c;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      *o++ = static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  if (bits > 0) *o++ = static_cast<char>((acc << (8 - bits)) & 0xFF);
  return true;
}

std::string UnpackId(const char* packed, size_t chars) {
  std::string out(chars, '\0');
  uint32_t acc = 0;
  int bits = 0;
  size_t in = 0;
  for (size_t i = 0; i < chars; ++i) {
    if (bits < 6) {
      acc = (acc << 8) | static_cast<unsigned char>(packed[in++]);
      bits += 8;
    }
    bits -= 6;
    out[i] = kAlphabet.chars[(acc >> bits) & 0x3F];
  }
  return out;
}

Record& Store::NewRecord() {
  uint32_t i = record_count++;
  if ((i & (kRecordsPerChunk - 1)) == 0) {
    record_chunks.push_back(
        reinterpret_cast<Record*>(record_arena.Allocate(kRecordsPerChunk * sizeof(Record), alignof(Record))));
  }
  return record(i);
}

uint32_t Store::FindArchive(std::string_view key, bool packed, size_t chars, uint64_t hash,
                           size_t* slot) const {
  size_t s = by_id.Find(hash, [&](uint32_t index) {
    const Record& r = record(index);
    return r.id_len == chars && ((r.flags & Record::kIdPacked) != 0) == packed &&
           std::memcmp(r.id, key.data(), key.size()) == 0;
  });
  if (s == IndexTable::kNoSlot) return kNoIndex;
  if (slot != nullptr) *slot = s;
  return by_id.At(s);
}

uint32_t Store::FindArchiveById(std::string_view id) const {
  std::string packed;
  if (PackId(id, packed)) return FindArchive(packed, true, id.size(), IdHash(packed, id.size()));
  return FindArchive(id, false, id.size(), IdHash(id, id.size()));
}

uint32_t Store::FindFile(std::string_view name) const {
  uint64_t h = NameHash(name);
  size_t s = by_name.Find(h, [&](uint32_t f) {
    const FileInfo& fi = files[f];
    return std::string_view(fi.name, fi.name_len) == name;
  });
  return s == IndexTable::kNoSlot ? kNoIndex : by_name.At(s);
}

uint32_t Store::InternFile(std::string_view name, uint64_t name_hash) {
  uint64_t h = name_hash;
  size_t s = by_name.Find(h, [&](uint32_t f) {
    const FileInfo& fi = files[f];
    return std::string_view(fi.name, fi.name_len) == name;
  });
  if (s != IndexTable::kNoSlot) return by_name.At(s);
  auto f = static_cast<uint32_t>(files.size());
  files.push_back(arena, FileInfo{arena.Copy(name), static_cast<uint32_t>(name.size()), kNoIndex, kNoIndex, 0});
  by_name.Insert(h, f);
  return f;
}

}  // namespace mtg::journal::internal
