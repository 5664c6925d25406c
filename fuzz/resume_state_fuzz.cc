// Fuzzes the restore resume sidecar parser (sync/download_state.h): the file sits in the user's
// target tree, so it may be truncated, edited or planted. Beyond never crashing: whatever
// parses formats back to text that parses to the same state (the writer and reader agree).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "sync/download_state.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto state = mtg::sync::ParseResumeState(text, "fuzz.state");
  if (!state) return 0;
  auto again = mtg::sync::ParseResumeState(mtg::sync::FormatResumeState(*state), "again");
  if (!again || !mtg::sync::SameDownload(*state, *again) ||
      again->verified.size() != state->verified.size()) {
    std::abort();
  }
  for (size_t i = 0; i < state->verified.size(); ++i) {
    const auto& a = state->verified[i];
    const auto& b = again->verified[i];
    if (a.first != b.first || a.last != b.last || a.tree_hash != b.tree_hash) std::abort();
  }
  return 0;
}
