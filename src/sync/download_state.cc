#include "sync/download_state.h"

#include <algorithm>
#include <charconv>

#include "hash/sha256.h"

namespace mtg::sync {
namespace {

constexpr std::string_view kHeader = "mtglacier-restore-state 1";

std::string NameStem(std::string_view archive_id, std::string_view relfilename) {
  std::string key(archive_id);
  key += '\n';
  key += relfilename;
  return ".mtglacier-restore-" + hash::ToHex(hash::Sha256Of(key)).substr(0, 16);
}

bool ParseU64(std::string_view text, uint64_t& out) {
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

std::vector<std::string_view> Words(std::string_view line) {
  std::vector<std::string_view> words;
  size_t start = 0;
  while (start <= line.size()) {
    size_t space = line.find(' ', start);
    if (space == std::string_view::npos) space = line.size();
    words.push_back(line.substr(start, space - start));
    start = space + 1;
  }
  return words;
}

bool IsHex64(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

std::vector<glacier::ByteRange> PlanSegments(uint64_t size, uint64_t segment_size) {
  std::vector<glacier::ByteRange> ranges;
  if (size == 0) return ranges;
  if (segment_size == 0 || segment_size >= size) {
    ranges.push_back({0, size - 1});
    return ranges;
  }
  ranges.reserve(size / segment_size + 1);
  for (uint64_t first = 0; first < size; first += segment_size) {
    ranges.push_back({first, std::min(size, first + segment_size) - 1});
  }
  return ranges;
}

std::string TempNameFor(std::string_view archive_id, std::string_view relfilename) {
  return NameStem(archive_id, relfilename) + ".part";
}

std::string SidecarNameFor(std::string_view archive_id, std::string_view relfilename) {
  return NameStem(archive_id, relfilename) + ".state";
}

std::string FormatResumeState(const ResumeState& state) {
  std::string text(kHeader);
  text += "\narchive " + state.archive_id;
  text += "\nsize " + std::to_string(state.size);
  text += "\ntree " + state.tree_hash;
  text += "\nsegment-size " + std::to_string(state.segment_size) + "\n";
  for (const VerifiedSegment& s : state.verified) {
    text += "verified " + std::to_string(s.first) + " " + std::to_string(s.last) + " " + s.tree_hash + "\n";
  }
  return text;
}

Result<ResumeState> ParseResumeState(std::string_view text, std::string_view where) {
  ResumeState state;
  uint64_t line_number = 0;
  auto bad = [&](std::string_view why) {
    return Fail(ErrorCode::kParse, "resume state " + std::string(where) + ": line " +
                                       std::to_string(line_number) + ": " + std::string(why));
  };
  bool saw[4] = {false, false, false, false};
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) return bad("no final newline (torn write)");
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (line_number == 1) {
      if (line != kHeader) return bad("not a mtglacier restore state file");
      continue;
    }
    std::vector<std::string_view> w = Words(line);
    if (w[0] == "archive" && w.size() == 2 && !w[1].empty()) {
      state.archive_id = std::string(w[1]);
      saw[0] = true;
    } else if (w[0] == "size" && w.size() == 2 && ParseU64(w[1], state.size)) {
      saw[1] = true;
    } else if (w[0] == "tree" && w.size() == 2 && IsHex64(w[1])) {
      state.tree_hash = std::string(w[1]);
      saw[2] = true;
    } else if (w[0] == "segment-size" && w.size() == 2 && ParseU64(w[1], state.segment_size)) {
      saw[3] = true;
    } else if (w[0] == "verified" && w.size() == 4) {
      VerifiedSegment s;
      if (!ParseU64(w[1], s.first) || !ParseU64(w[2], s.last) || s.last < s.first ||
          !IsHex64(w[3])) {
        return bad("bad verified segment");
      }
      s.tree_hash = std::string(w[3]);
      state.verified.push_back(std::move(s));
    } else {
      return bad("unknown or malformed line");
    }
  }
  if (line_number == 0) return bad("empty");
  for (bool b : saw) {
    if (!b) return bad("missing archive, size, tree or segment-size line");
  }
  return state;
}

bool SameDownload(const ResumeState& a, const ResumeState& b) {
  return a.archive_id == b.archive_id && a.size == b.size && a.tree_hash == b.tree_hash &&
         a.segment_size == b.segment_size;
}

bool IsRestoreTempName(std::string_view relative_name) {
  size_t slash = relative_name.rfind('/');
  std::string_view base = slash == std::string_view::npos ? relative_name : relative_name.substr(slash + 1);
  constexpr std::string_view kPrefix = ".mtglacier-restore-";
  if (!base.starts_with(kPrefix)) return false;
  base.remove_prefix(kPrefix.size());
  if (base.size() < 16) return false;
  std::string_view hex = base.substr(0, 16);
  const bool all_hex = hex.find_first_not_of("0123456789abcdef") == std::string_view::npos;
  std::string_view suffix = base.substr(16);
  return all_hex && (suffix == ".part" || suffix == ".state");
}

}  // namespace mtg::sync
