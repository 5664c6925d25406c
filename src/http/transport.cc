#include "http/transport.h"

#include <algorithm>
#include <cstring>
#include <strings.h>

namespace mtg::http {

std::optional<std::string_view> FindHeader(const std::vector<Header>& headers,
                                           std::string_view name) {
  for (const Header& h : headers) {
    if (h.name.size() == name.size() &&
        strncasecmp(h.name.data(), name.data(), name.size()) == 0) {
      return std::string_view(h.value);
    }
  }
  return std::nullopt;
}

Result<size_t> MemoryBody::Read(uint64_t offset, std::span<uint8_t> out) {
  if (offset >= data_.size()) return size_t{0};
  size_t n = std::min<uint64_t>(out.size(), data_.size() - offset);
  std::memcpy(out.data(), data_.data() + offset, n);
  return n;
}

}  // namespace mtg::http
