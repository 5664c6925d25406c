// The inventory commands (reference §2.7, §2.8) and verify: retrieve-inventory starts an
// inventory job; download-inventory turns the newest completed full inventory into a new
// journal (the way back from a lost journal); verify compares that inventory with the journal.
#pragma once

#include <string_view>

#include "cli/command.h"

namespace mtg::cli {

ExitCode RunRetrieveInventory(Context& ctx);
ExitCode RunDownloadInventory(Context& ctx);
ExitCode RunVerify(Context& ctx);
extern const std::string_view kRetrieveInventoryUsage;
extern const std::string_view kDownloadInventoryUsage;
extern const std::string_view kVerifyUsage;

}  // namespace mtg::cli
