#include "journal/journal_file.h"

#include <vector>

namespace mtg::journal {

namespace {
constexpr size_t kChunkSize = size_t{4} << 20;
}

Result<JournalState> LoadJournal(io::FileSystem& fs, const std::string& path, const ReplayOptions& options,
                                 IfMissing if_missing) {
  std::string context = "journal " + path;
  auto file = fs.OpenRead(path, io::ReadHint::kSequential);
  if (!file) {
    if (file.error().code == ErrorCode::kNotFound && if_missing == IfMissing::kEmpty) {
      return ReplayJournal("", options);
    }
    return Fail(std::move(file.error()).WithContext(context));
  }
  JournalReader reader(options);
  std::vector<char> buffer(kChunkSize);
  uint64_t offset = 0;
  for (;;) {
    auto n = (*file)->ReadAt(offset, std::span<char>(buffer));
    if (!n) return Fail(std::move(n.error()).WithContext(context));
    if (*n == 0) break;
    if (auto fed = reader.Feed(std::string_view(buffer.data(), *n)); !fed) {
      return Fail(std::move(fed.error()).WithContext(context));
    }
    offset += *n;
    if (*n < buffer.size()) break;
  }
  auto state = reader.Finish();
  if (!state) return Fail(std::move(state.error()).WithContext(context));
  return state;
}

}  // namespace mtg::journal
