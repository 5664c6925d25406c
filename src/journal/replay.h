// Reading a journal: bytes in (whole, or chunk by chunk as they come off the disk), a
// JournalState out, or an Error naming the line. The rules are mt-aws-glacier's (reference §5),
// with the deliberate differences of DESIGN.md §5:
//   - a torn last line (no final "\n": the program died mid-write) is a warning and is ignored;
//     the original refused the whole journal;
//   - every other malformed line is an error with its line number and the line, rendered safely;
//   - out-of-range numbers, "NONE" in a version A record and bad file names get their own clear
//     messages instead of the original's stack traces.
//
// Inconsistent records (a second CREATED of one archive id, a DELETED of an archive that is not
// in the journal) are errors by default, naming both lines, because the original refused such a
// journal too and because our own writer cannot produce them: a record is appended only after
// the service confirmed the operation, under an exclusive lock, and a crash in the middle of
// --replace-modified leaves two *different* archives (two versions of one file), never a
// duplicate id. So they mean a hand-edited, concatenated or damaged journal, and continuing
// could delete or restore the wrong thing. ReplayOptions::tolerate_inconsistency turns them into
// warnings (the first CREATED is kept; the stray DELETED is skipped) for a repair path.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "journal/journal_state.h"
#include "journal/line_parser.h"

namespace mtg::journal {

struct ReplayOptions {
  // The user's --filter/--include/--exclude on relative names; null keeps everything. CREATED
  // records of names it rejects are skipped, and a DELETED of an unknown archive whose name it
  // rejects is not an error (mt-aws-glacier 1.114 behaviour).
  std::function<bool(std::string_view relfilename)> include;
  bool tolerate_inconsistency = false;
};

class JournalReader {
 public:
  explicit JournalReader(ReplayOptions options = {});
  ~JournalReader();
  JournalReader(const JournalReader&) = delete;
  JournalReader& operator=(const JournalReader&) = delete;

  // Feeds the next bytes of the journal (any split, lines may straddle calls).
  [[nodiscard]] Result<void> Feed(std::string_view bytes);
  // Ends the input and returns the state. The reader must not be used afterwards.
  [[nodiscard]] Result<JournalState> Finish();

 private:
  Result<void> ProcessLine(std::string_view line);
  // Replays one parsed line. `key` is the archive id as stored (6-bit packed when `packed`);
  // binary_hash is the decoded tree hash, or null to keep the text.
  Result<void> ApplyLine(const ParsedLine& p, std::string_view key, bool packed, const uint8_t* binary_hash);

  ReplayOptions options_;
  JournalState state_;
  std::string partial_;      // an unfinished line carried to the next Feed
  std::string scratch_;      // the packed archive id of the current line
  uint64_t offset_ = 0;      // bytes consumed before partial_
  uint64_t line_number_ = 0;
  bool failed_ = false;
};

// Replays a journal held in memory.
[[nodiscard]] Result<JournalState> ReplayJournal(std::string_view bytes, ReplayOptions options = {});

}  // namespace mtg::journal
