#include "journal/replay.h"

#include <cstring>
#include <limits>
#include <string>

#include "journal/fast_line.h"
#include "journal/line_parser.h"
#include "journal/quote.h"
#include "journal/store.h"

namespace mtg::journal {

using internal::kNoIndex;
using internal::Record;
using internal::Store;

namespace {

std::string LineProblemMessage(LineProblem problem, const char* detail, uint64_t line_number,
                               std::string_view line, const ParsedLine& parsed) {
  std::string prefix = "Invalid format of journal, line " + std::to_string(line_number);
  switch (problem) {
    case LineProblem::kBroken:
      return prefix + " is broken: " + QuoteBytes(line);
    case LineProblem::kFutureVersion:
      return prefix + " is from future version of mtglacier (version '" + std::string(1, line[0]) +
             "'; upgrade mtglacier): " + QuoteBytes(line);
    case LineProblem::kUnknownFormat:
      return prefix + " is in unknown format: " + QuoteBytes(line);
    case LineProblem::kNumberOutOfRange:
      return prefix + ": the " + detail + " is out of range: " + QuoteBytes(line);
    case LineProblem::kMtimeNoneInVersionA:
      return prefix + ": mtime NONE is not allowed in a version A record (only B and later): " +
             QuoteBytes(line);
    case LineProblem::kInvalidFilename:
      return prefix + ": invalid file name " + QuoteBytes(parsed.relfilename) + ": " + detail;
    case LineProblem::kNone:
      break;
  }
  return prefix;
}

uint32_t SaturatedLine(uint64_t line) {
  return line > std::numeric_limits<uint32_t>::max() ? std::numeric_limits<uint32_t>::max()
                                                     : static_cast<uint32_t>(line);
}

struct HexTable {
  int8_t value[256];
  constexpr HexTable() : value() {
    for (auto& v : value) v = -1;
    for (int c = '0'; c <= '9'; ++c) value[c] = static_cast<int8_t>(c - '0');
    for (int c = 'a'; c <= 'f'; ++c) value[c] = static_cast<int8_t>(c - 'a' + 10);
  }
};
constexpr HexTable kHexValue;

// 64 lowercase hex digits → 32 bytes, in one pass; false (out partly written) otherwise.
bool DecodeLowerHex64(std::string_view text, uint8_t* out) {
  if (text.size() != 64) return false;
  int bad = 0;
  for (size_t i = 0; i < 32; ++i) {
    int hi = kHexValue.value[static_cast<unsigned char>(text[2 * i])];
    int lo = kHexValue.value[static_cast<unsigned char>(text[2 * i + 1])];
    bad |= hi | lo;  // any -1 sets the sign bit
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return bad >= 0;
}

}  // namespace

JournalReader::JournalReader(ReplayOptions options) : options_(std::move(options)) {}
JournalReader::~JournalReader() = default;

Result<void> JournalReader::Feed(std::string_view bytes) {
  if (failed_) return Fail(ErrorCode::kInternal, "journal reader used after an error");
  while (!bytes.empty()) {
    const void* nl = std::memchr(bytes.data(), '\n', bytes.size());
    if (nl == nullptr) {
      partial_.append(bytes);
      break;
    }
    size_t n = static_cast<size_t>(static_cast<const char*>(nl) - bytes.data());
    Result<void> r;
    uint64_t line_bytes;
    if (partial_.empty()) {
      line_bytes = n + 1;
      r = ProcessLine(bytes.substr(0, n));
    } else {
      partial_.append(bytes.substr(0, n));
      line_bytes = partial_.size() + 1;
      r = ProcessLine(partial_);
      partial_.clear();
    }
    if (!r) {
      failed_ = true;
      return r;
    }
    offset_ += line_bytes;
    bytes.remove_prefix(n + 1);
  }
  return Ok();
}

Result<void> JournalReader::ProcessLine(std::string_view line) {
  ++line_number_;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  // Almost every line takes the one-pass scanner, which also packs the id and decodes the hash;
  // the rest (and every malformed line) goes through the full parser and its messages.
  internal::FastLine fast;
  if (internal::FastParseLine(line, fast)) {
    return ApplyLine(fast.parsed, std::string_view(fast.packed_id, fast.packed_size), true, fast.hash);
  }
  ParsedLine p;
  const char* detail = "";
  LineProblem problem = ParseLine(line, p, &detail);
  if (problem != LineProblem::kNone) {
    return Fail(ErrorCode::kParse, LineProblemMessage(problem, detail, line_number_, line, p));
  }
  if (p.kind == LineKind::kRetrieveJob) return ApplyLine(p, {}, false, nullptr);
  std::string& packed_id = scratch_;  // reused: no allocation per line
  bool packed = internal::PackId(p.archive_id, packed_id);
  uint8_t hash[32];
  bool binary_hash = p.kind == LineKind::kCreated && DecodeLowerHex64(p.tree_hash, hash);
  return ApplyLine(p, packed ? std::string_view(packed_id) : p.archive_id, packed, binary_hash ? hash : nullptr);
}

Result<void> JournalReader::ApplyLine(const ParsedLine& p, std::string_view key, bool packed,
                                      const uint8_t* binary_hash) {
  Store& s = *state_.store_;
  uint64_t id_hash = 0;
  auto find = [&](size_t* slot) {
    id_hash = Store::IdHash(key, p.archive_id.size());
    return s.FindArchive(key, packed, p.archive_id.size(), id_hash, slot);
  };
  auto inconsistency = [&](std::string message) -> Result<void> {
    if (!options_.tolerate_inconsistency) return Fail(ErrorCode::kParse, std::move(message));
    state_.warnings_.push_back({line_number_, std::move(message) + "; ignored that line"});
    return Ok();
  };

  switch (p.kind) {
    case LineKind::kCreated: {
      if (options_.include && !options_.include(p.relfilename)) return Ok();
      // Both table probes below are usually cache misses; start the file one now so the two overlap.
      uint64_t name_hash = Store::NameHash(p.relfilename);
      s.by_name.Prefetch(name_hash);
      size_t slot = 0;
      uint32_t existing = find(&slot);
      if (existing != kNoIndex) {
        return inconsistency("Inconsistent journal: line " + std::to_string(line_number_) +
                             " creates archive " + QuoteBytes(p.archive_id) + " again (line " +
                             std::to_string(s.record(existing).line) +
                             " already created it); the journal was edited or damaged");
      }
      if (p.archive_id.size() >= (size_t{1} << 28) || s.record_count >= kNoIndex - 2) {
        return Fail(ErrorCode::kParse, "Invalid format of journal, line " + std::to_string(line_number_) +
                                           ": too large (archive id or record count)");
      }
      uint32_t index = s.record_count;
      Record& r = s.NewRecord();
      r.time = p.time;
      r.mtime = p.mtime;
      r.size = p.size;
      r.id = s.arena.Copy(key);
      r.id_len = static_cast<uint32_t>(p.archive_id.size());
      uint32_t flags = packed ? uint32_t{Record::kIdPacked} : 0u;
      if (p.mtime_known) flags |= Record::kMtimeKnown;
      if (binary_hash != nullptr) {
        std::memcpy(r.hash, binary_hash, sizeof r.hash);
        flags |= Record::kHashBinary;
      } else {
        const char* text = s.arena.Copy(p.tree_hash);
        auto len = static_cast<uint32_t>(p.tree_hash.size());
        std::memcpy(r.hash, &text, sizeof text);
        std::memcpy(r.hash + sizeof text, &len, sizeof len);
      }
      r.flags = flags;
      r.file = s.InternFile(p.relfilename, name_hash);
      r.next = kNoIndex;
      r.line = SaturatedLine(line_number_);
      s.by_id.Insert(id_hash, index);
      ++s.live_archives;
      return Ok();
    }
    case LineKind::kDeleted: {
      size_t slot = 0;
      uint32_t existing = find(&slot);
      if (existing == kNoIndex) {
        // Its CREATED was skipped by the filter: nothing to delete (mt-aws-glacier 1.114).
        if (options_.include && !options_.include(p.relfilename)) return Ok();
        return inconsistency("Inconsistent journal: line " + std::to_string(line_number_) +
                             " deletes archive " + QuoteBytes(p.archive_id) +
                             ", which is not in the journal (never created, or already deleted)");
      }
      s.by_id.Erase(slot);
      s.record(existing).flags |= Record::kDeleted;
      --s.live_archives;
      return Ok();
    }
    case LineKind::kRetrieveJob:
      state_.retrieve_jobs_.push_back(
          RetrieveJob{std::string(p.archive_id), std::string(p.job_id), p.time, line_number_});
      return Ok();
  }
  return Ok();
}

Result<JournalState> JournalReader::Finish() {
  if (failed_) return Fail(ErrorCode::kInternal, "journal reader used after an error");
  failed_ = true;  // single use
  if (!partial_.empty()) {
    ++line_number_;
    state_.warnings_.push_back(
        {line_number_, "line " + std::to_string(line_number_) +
                           " is not fully written (no final newline: the writer was interrupted); "
                           "ignored it: " + QuoteBytes(partial_)});
    state_.torn_tail_offset_ = offset_;
  }
  state_.line_count_ = line_number_;

  Store& s = *state_.store_;
  // Walk backwards so each file's chain comes out in journal order and, on a full tie, the
  // later record (seen first here) stays the latest.
  for (uint32_t i = s.record_count; i-- > 0;) {
    Record& r = s.record(i);
    if (r.flags & Record::kDeleted) continue;
    internal::FileInfo& f = s.files[r.file];
    r.next = f.first;
    f.first = i;
    ++f.count;
    if (f.latest == kNoIndex || internal::IsNewer(r, s.record(f.latest))) f.latest = i;
  }
  for (uint32_t f = 0; f < s.files.size(); ++f) {
    if (s.files[f].count > 0) s.live_files.push_back(f);
  }
  return std::move(state_);
}

Result<JournalState> ReplayJournal(std::string_view bytes, ReplayOptions options) {
  JournalReader reader(std::move(options));
  MTG_TRY_VOID(reader.Feed(bytes));
  return reader.Finish();
}

}  // namespace mtg::journal
