// Test-only helpers shared by the hash tests: the byte generators of vectors/treehash.json
// and the path of the shared folder.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace mtg::hash::testing {

// Byte generator(offset + j) for j in [0, size), as vectors/README.txt defines them.
inline std::vector<uint8_t> Generate(std::string_view generator, uint64_t size, uint64_t offset = 0) {
  std::vector<uint8_t> buf(size);
  if (generator == "i%251") {
    uint8_t v = static_cast<uint8_t>(offset % 251);
    for (uint64_t j = 0; j < size; ++j) {
      buf[j] = v;
      v = v == 250 ? 0 : v + 1;
    }
  } else if (generator == "a") {
    std::fill(buf.begin(), buf.end(), uint8_t{'a'});
  } else if (generator != "zero") {
    std::abort();  // a generator the tests do not know: the vector file changed
  }
  return buf;
}

inline std::string SharedDir() {
  if (const char* env = std::getenv("MTG_SHARED_DIR"); env != nullptr && *env != '\0') return env;
  return MTG_SHARED_DIR;
}

}  // namespace mtg::hash::testing
