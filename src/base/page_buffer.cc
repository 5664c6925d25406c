#include "base/page_buffer.h"

#include <sys/mman.h>
#include <unistd.h>

#include <utility>

namespace mtg {
namespace {
constexpr size_t kHugePage = size_t{2} << 20;
}

void* MapPages(size_t& size) {
  size_t unit = size >= kHugePage ? kHugePage : static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  size = (size + unit - 1) / unit * unit;
  if (size == 0) size = unit;
  void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return nullptr;
  if (unit == kHugePage) (void)::madvise(p, size, MADV_HUGEPAGE);  // a hint: fine if refused
  return p;
}

void UnmapPages(void* data, size_t size) {
  if (data != nullptr) ::munmap(data, size);
}

PageBuffer::PageBuffer(size_t size) : size_(size) {
  data_ = static_cast<uint8_t*>(MapPages(size_));
  if (data_ == nullptr) size_ = 0;
}

PageBuffer::~PageBuffer() { UnmapPages(data_, size_); }

PageBuffer::PageBuffer(PageBuffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

PageBuffer& PageBuffer::operator=(PageBuffer&& other) noexcept {
  if (this != &other) {
    UnmapPages(data_, size_);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

}  // namespace mtg
