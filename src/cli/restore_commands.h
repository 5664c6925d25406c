// `mtglacier restore` and `restore-completed` (reference §2.3, §2.4, with the fixes of issue
// #5): restore starts archive-retrieval jobs for the journal's files that are missing under
// --dir and journals a RETRIEVE_JOB record for each; restore-completed downloads the output of
// the newest completed job of each missing file, verified and resumable (sync/download.h),
// optionally waiting (--wait) for the jobs restore started. Also the helpers the restore and
// inventory commands share: filters from the options and one connection per worker.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "cli/command.h"
#include "cli/vault_commands.h"
#include "sync/filter.h"

namespace mtg::cli {

ExitCode RunRestore(Context& ctx);
ExitCode RunRestoreCompleted(Context& ctx);
extern const std::string_view kRestoreUsage;
extern const std::string_view kRestoreCompletedUsage;

}  // namespace mtg::cli
