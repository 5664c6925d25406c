// Loading a journal file through the io seam: one sequential pass in large chunks straight into
// the replay, so memory holds the compact state and one chunk, never the whole file.
#pragma once

#include <string>

#include "base/result.h"
#include "io/file_system.h"
#include "journal/replay.h"

namespace mtg::journal {

enum class IfMissing {
  kEmpty,  // sync, upload-file: a journal that does not exist yet is an empty one
  kError,  // restore, check-local-hash, purge-vault: the journal must exist (kNotFound)
};

// Reads and replays the journal at `path`. Errors carry the path as context:
// "journal <path>: Invalid format of journal, line 7 is broken: ...".
[[nodiscard]] Result<JournalState> LoadJournal(io::FileSystem& fs, const std::string& path,
                                               const ReplayOptions& options = {},
                                               IfMissing if_missing = IfMissing::kEmpty);

}  // namespace mtg::journal
