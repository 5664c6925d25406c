// Large, page-aligned buffers straight from mmap, with transparent huge pages requested.
//
// Why not new[]: a worker's 16 MiB part buffer from malloc is faulted in 4 KiB at a time (4,096
// page faults, ~5 µs each on our VMs) and is not aligned for O_DIRECT; with 2 MiB pages it takes
// 8 faults. Sizes are rounded up to whole huge pages when at least one huge page is asked for.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace mtg {

// Maps `size` bytes (rounded up; the rounded size is written back). nullptr if mmap fails.
void* MapPages(size_t& size);
void UnmapPages(void* data, size_t size);

class PageBuffer {
 public:
  PageBuffer() = default;
  explicit PageBuffer(size_t size);  // empty (data() == nullptr) if the mapping failed
  ~PageBuffer();
  PageBuffer(PageBuffer&& other) noexcept;
  PageBuffer& operator=(PageBuffer&& other) noexcept;
  PageBuffer(const PageBuffer&) = delete;
  PageBuffer& operator=(const PageBuffer&) = delete;

  uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  std::span<uint8_t> first(size_t n) const { return {data_, n}; }

 private:
  uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace mtg
