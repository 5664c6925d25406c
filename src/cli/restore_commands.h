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

// The connection part of every usage text (the same words as vault_commands.cc's).
#ifndef MTG_CONNECTION_HELP
#define MTG_CONNECTION_HELP                                                                  \
  "\nConnection (command line > config file > environment > ~/.aws files):\n"              \
  "  --config FILE          mt-aws-glacier config file (key=value lines)\n"                 \
  "  --key KEY --secret SECRET [--token TOKEN]\n"                                          \
  "                         AWS credentials\n"                                             \
  "  --region REGION        e.g. us-east-1\n"                                              \
  "  --endpoint URL         another Glacier service, e.g. http://127.0.0.1:9901\n"          \
  "  --profile NAME         the profile to read from the ~/.aws files\n"                   \
  "  --protocol http|https  (default https)\n"                                             \
  "  --timeout SECONDS      give up on a stalled transfer (default 180)\n"                 \
  "Options may come before or after the command word; a unique prefix of an option works.\n"
#endif

namespace mtg::cli {

ExitCode RunRestore(Context& ctx);
ExitCode RunRestoreCompleted(Context& ctx);
extern const std::string_view kRestoreUsage;
extern const std::string_view kRestoreCompletedUsage;

// --filter/--include/--exclude in command-line order.
[[nodiscard]] Result<sync::Filter> FilterFromOptions(const Options& options);

// `count` connections (each its own HTTP connection), and their clients for the executors.
struct Connections {
  std::vector<std::unique_ptr<Connection>> owned;
  std::vector<glacier::Client*> clients;
};
[[nodiscard]] Result<Connections> ConnectMany(const Options& options, size_t count);

}  // namespace mtg::cli
