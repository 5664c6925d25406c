// The transfer commands that put data into a vault or take it out of the journal: sync
// (reference §2.1), upload-file (§2.2) and purge-vault (§2.6).
#pragma once

#include <string_view>

#include "cli/command.h"

namespace mtg::cli {

ExitCode RunSync(Context& ctx);
ExitCode RunUploadFile(Context& ctx);
ExitCode RunPurgeVault(Context& ctx);
extern const std::string_view kSyncUsage;
extern const std::string_view kUploadFileUsage;
extern const std::string_view kPurgeVaultUsage;

}  // namespace mtg::cli
