#include <algorithm>
#include <array>
#include <ostream>

#include "cli/check_local_hash_command.h"
#include "cli/command.h"
#include "cli/inventory_commands.h"
#include "cli/options_parser.h"
#include "cli/restore_commands.h"
#include "cli/sync_command.h"
#include "cli/tree_hash_command.h"
#include "cli/vault_commands.h"

#ifndef MTG_VERSION
#define MTG_VERSION "unknown"
#endif

namespace mtg::cli {
namespace {

ExitCode RunHelp(Context& ctx);
ExitCode RunVersion(Context& ctx);

constexpr std::string_view kHelpUsage =
    "Usage: mtglacier help [COMMAND]\n"
    "List the commands, or show the full help of one.\n";
constexpr std::string_view kVersionUsage =
    "Usage: mtglacier version\n"
    "Print the version of mtglacier.\n";

// Adding a command: write its Run function and usage text, then add one row here.
const std::array kCommands = {
    Command{"sync", "upload new and changed files of a directory; delete removed ones", kSyncUsage, RunSync},
    Command{"upload-file", "upload one file or standard input", kUploadFileUsage, RunUploadFile},
    Command{"purge-vault", "delete every archive the journal records", kPurgeVaultUsage, RunPurgeVault},
    Command{"create-vault", "create a vault", kCreateVaultUsage, RunCreateVault},
    Command{"delete-vault", "delete an empty vault", kDeleteVaultUsage, RunDeleteVault},
    Command{"list-vaults", "list the vaults with their sizes", kListVaultsUsage, RunListVaults},
    Command{"check-local-hash", "check local files against the journal's sizes and tree hashes",
            kCheckLocalHashUsage, RunCheckLocalHash},
    Command{"restore", "start retrieval jobs for files missing locally", kRestoreUsage, RunRestore},
    Command{"restore-completed", "download completed retrievals, verified and resumable",
            kRestoreCompletedUsage, RunRestoreCompleted},
    Command{"retrieve-inventory", "start an inventory job for a vault", kRetrieveInventoryUsage,
            RunRetrieveInventory},
    Command{"download-inventory", "rebuild a journal from the newest inventory",
            kDownloadInventoryUsage, RunDownloadInventory},
    Command{"verify", "compare the newest inventory with the journal", kVerifyUsage, RunVerify},
    Command{"tree-hash", "print the Glacier SHA-256 tree hash of files", kTreeHashUsage, RunTreeHash},
    Command{"help", "list the commands, or show the help of one", kHelpUsage, RunHelp},
    Command{"version", "print the version", kVersionUsage, RunVersion},
};

void PrintCommandList(std::ostream& os) {
  os << "Usage: mtglacier COMMAND [OPTION]... [ARGUMENT]...\n"
        "A client for Amazon Glacier vaults, compatible with mt-aws-glacier 1.120.\n"
        "\n"
        "Commands:\n";
  size_t width = 0;
  for (const Command& c : kCommands) width = std::max(width, c.name.size());
  for (const Command& c : kCommands) {
    os << "  " << c.name << std::string(width - c.name.size() + 2, ' ') << c.summary << '\n';
  }
  os << "\n"
        "Run 'mtglacier help COMMAND' or 'mtglacier COMMAND --help' for a command's options.\n"
        "Exit status: 0 ok, 1 error, 2 usage error, 3 partial failure (some items failed),\n"
        "130 interrupted.\n";
}

ExitCode RunHelp(Context& ctx) {
  if (ctx.args.empty()) {
    PrintCommandList(ctx.out);
    return kExitOk;
  }
  if (ctx.args.size() > 1) {
    PrintError(ctx, "help", "too many arguments");
    return kExitUsage;
  }
  const Command* c = FindCommand(ctx.args[0]);
  if (c == nullptr) {
    PrintError(ctx, "help", "unknown command '" + ctx.args[0] + "'");
    return kExitUsage;
  }
  ctx.out << c->usage;
  return kExitOk;
}

ExitCode RunVersion(Context& ctx) {
  if (!ctx.args.empty() && ctx.args[0] != "--help" && ctx.args[0] != "-h") {
    PrintError(ctx, "version", "unexpected argument '" + ctx.args[0] + "'");
    return kExitUsage;
  }
  ctx.out << "mtglacier " MTG_VERSION "\n";
  return kExitOk;
}

}  // namespace

std::span<const Command> Commands() { return kCommands; }

const Command* FindCommand(std::string_view name) {
  for (const Command& c : kCommands) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

void PrintError(Context& ctx, std::string_view command, std::string_view message) {
  std::string line = "mtglacier: ";
  if (!command.empty()) {
    line += command;
    line += ": ";
  }
  line += message;
  line += '\n';
  ctx.err << line << std::flush;
}

ExitCode RunMain(std::span<const std::string> argv, Context& ctx) {
  if (argv.size() < 2) {
    PrintCommandList(ctx.err);
    return kExitUsage;
  }
  std::string_view first = argv[1];
  // mt-aws-glacier looked at the first word for help and version before anything else.
  std::string name(first);
  size_t command_at = 1;
  if (IsHelpShortcut(first)) name = "help";
  if (IsVersionShortcut(first)) name = "version";
  if (FindCommand(name) == nullptr && first.starts_with('-')) {
    // Options may come before the command word (Getopt's permute): find that word.
    auto line = ParseCommandLine(argv.subspan(1), config::MtglacierOptions());
    if (!line) {
      PrintError(ctx, "", line.error().message);
      return kExitUsage;
    }
    if (!line->command.empty()) {
      name = line->command;
      command_at = line->command_index + 1;
    }
  }
  const Command* command = FindCommand(name);
  if (command == nullptr) {
    PrintError(ctx, "",
               name.starts_with('-') ? "no command given" : "unknown command '" + name + "'");
    ctx.err << "Run 'mtglacier help' for the list of commands.\n";
    return kExitUsage;
  }
  ctx.args.clear();
  for (size_t i = 1; i < argv.size(); ++i) {
    if (i != command_at) ctx.args.push_back(argv[i]);
  }
  return command->run(ctx);
}

}  // namespace mtg::cli
