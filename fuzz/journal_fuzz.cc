// Fuzzes the journal reader: arbitrary bytes → parse + replay must never crash, must give the
// same answer however the bytes are split into Feed calls, and every archive it accepts must
// survive a write/read round trip when its values are writable. Every line the one-pass scanner
// takes must also be one ParseLine accepts with the same fields.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "journal/fast_line.h"
#include "journal/journal_writer.h"
#include "journal/line_parser.h"
#include "journal/replay.h"
#include "journal/store.h"

using namespace mtg::journal;

namespace {

void CheckFastScanner(std::string_view bytes) {
  mtg::journal::internal::FastLine fast;
  while (!bytes.empty()) {
    size_t end = bytes.find('\n');
    std::string_view line = bytes.substr(0, end);
    bytes.remove_prefix(end == std::string_view::npos ? bytes.size() : end + 1);
    if (!mtg::journal::internal::FastParseLine(line, fast)) continue;
    ParsedLine slow;
    if (ParseLine(line, slow) != LineProblem::kNone) std::abort();
    const ParsedLine& p = fast.parsed;
    if (p.kind != slow.kind || p.version != slow.version || p.time != slow.time || p.archive_id != slow.archive_id ||
        p.size != slow.size || p.mtime_known != slow.mtime_known || p.mtime != slow.mtime ||
        p.tree_hash != slow.tree_hash || p.relfilename != slow.relfilename || p.job_id != slow.job_id) {
      std::abort();
    }
    std::string packed;
    if (!mtg::journal::internal::PackId(slow.archive_id, packed) ||
        packed != std::string_view(fast.packed_id, fast.packed_size)) {
      std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  CheckFastScanner(bytes);

  ReplayOptions options;
  options.tolerate_inconsistency = size > 0 && (data[0] & 1);
  if (size > 0 && (data[0] & 2)) {
    options.include = [](std::string_view name) { return name.empty() || name[0] != 'x'; };
  }
  auto whole = ReplayJournal(bytes, options);

  // The same bytes in two pieces.
  size_t cut = size == 0 ? 0 : (data[size / 2] * size) / 256;
  JournalReader reader(options);
  auto fed = reader.Feed(bytes.substr(0, cut));
  if (fed) fed = reader.Feed(bytes.substr(cut));
  if (fed) {
    auto split = reader.Finish();
    if (split.has_value() != whole.has_value()) std::abort();
    if (split && (split->archive_count() != whole->archive_count() ||
                  split->file_count() != whole->file_count() ||
                  split->warnings().size() != whole->warnings().size())) {
      std::abort();
    }
  } else if (whole || fed.error().message != whole.error().message) {
    std::abort();
  }
  if (!whole) return 0;

  for (const Archive& a : whole->archives()) {
    std::string id = a.archive_id();
    std::string hash = a.tree_hash();
    auto line = FormatCreated({a.time(), id, a.size(), a.mtime(), hash, a.relfilename()});
    if (!line) continue;  // e.g. a non-hex hash from an old journal: we would not write it
    ParsedLine p;
    if (ParseLine(*line, p) != LineProblem::kNone) std::abort();
    if (p.archive_id != id || p.relfilename != a.relfilename() || p.size != a.size() || p.time != a.time() ||
        p.tree_hash != hash || p.mtime_known != a.mtime().has_value() ||
        (p.mtime_known && p.mtime != *a.mtime())) {
      std::abort();
    }
  }
  for (size_t i = 0; i < whole->file_count(); ++i) {
    FileEntry f = whole->file(i);
    if (f.version_count() == 0 || !f.latest().HasArchiveId(f.latest().archive_id())) std::abort();
  }
  return 0;
}
