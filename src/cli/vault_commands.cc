#include "cli/vault_commands.h"

#include <charconv>
#include <ostream>

#include "base/clock.h"
#include "config/settings.h"


namespace mtg::cli {
namespace {

CommandOptions VaultNameCommand() {
  return {.options = ConnectionOptionNames(), .deprecated = {}, .takes_vault_name = true};
}

CommandOptions ListVaultsCommand() {
  CommandOptions spec{.options = ConnectionOptionNames(), .deprecated = {},
                      .takes_vault_name = false};
  spec.options.push_back("format");
  spec.options.push_back("dry-run");
  return spec;
}

void PrintFailure(Context& ctx, std::string_view command, const Error& error) {
  PrintError(ctx, command, error.ToString());
}

// create-vault and delete-vault differ only in the call and the words printed.
ExitCode RunVaultCall(Context& ctx, std::string_view name, std::string_view done_verb,
                      Result<void> (*call)(glacier::Client&, std::string_view)) {
  ExitCode status = kExitOk;
  auto options = ReadCommandOptions(ctx, *FindCommand(name), VaultNameCommand(), status);
  if (!options) return status;
  const std::string& vault = options->line().arguments.at(0);
  auto connection = Connect(*options);
  if (!connection) {
    PrintFailure(ctx, name, connection.error());
    return ExitCodeFor(connection.error());
  }
  auto done = call((*connection)->client(), vault);
  if (!done) {
    PrintFailure(ctx, name, done.error());
    return ExitCodeFor(done.error());
  }
  ctx.out << done_verb << " vault " << vault << "\nOK DONE\n";
  return kExitOk;
}

}  // namespace

std::vector<std::string_view> ConnectionOptionNames() {
  return {"config",  "key",     "secret",   "region",           "token",          "protocol",
          "timeout", "endpoint", "profile", "terminal-encoding", "config-encoding"};
}

std::optional<Options> ReadCommandOptions(Context& ctx, const Command& command,
                                          const CommandOptions& spec, ExitCode& status) {
  std::vector<std::string> words;
  words.reserve(ctx.args.size() + 1);
  words.emplace_back(command.name);
  words.insert(words.end(), ctx.args.begin(), ctx.args.end());
  auto fail = [&](const Error& error) {
    PrintError(ctx, command.name, error.message);
    status = ExitCodeFor(error);
    return std::nullopt;
  };
  auto line = ParseCommandLine(words, config::MtglacierOptions());
  if (!line) return fail(line.error());
  if (line->help) {
    ctx.out << command.usage;
    status = kExitOk;
    return std::nullopt;
  }
  if (auto checked = CheckForCommand(*line, spec); !checked) return fail(checked.error());
  auto options = LoadOptions(std::move(*line), spec, config::MtglacierOptions());
  if (!options) return fail(options.error());
  for (const std::string& w : options->line().warnings) ctx.err << "WARNING: " << w << '\n';
  status = kExitOk;
  return std::move(*options);
}

Connection::Connection(glacier::ClientConfig config, http::CurlOptions curl)
    : transport_(std::move(curl)), client_(std::move(config), transport_, SystemClock::Instance()) {}

Result<std::unique_ptr<Connection>> Connect(const Options& options) {
  auto settings = ResolveConnection(options, config::RealSystemContext());
  if (!settings) return Fail(std::move(settings.error()));
  glacier::ClientConfig config;
  // An endpoint alone (mtglacier-server, another Glacier-compatible service) needs a region only
  // for signing, and those services take any.
  config.region = settings->region.set() ? settings->region.value : "us-east-1";
  if (settings->endpoint.set()) {
    auto endpoint = glacier::ParseEndpoint(settings->endpoint.value);
    if (!endpoint) return Fail(std::move(endpoint.error()).WithContext(settings->endpoint.source));
    config.endpoint = *endpoint;
  } else {
    config.endpoint = glacier::DefaultEndpoint(config.region, settings->protocol.value);
  }
  config.credentials = {settings->access_key.value, settings->secret_key.value,
                        settings->session_token.value};
  http::CurlOptions curl;
  if (auto timeout = options.Get("timeout")) {
    long seconds = 0;
    std::from_chars(timeout->data(), timeout->data() + timeout->size(), seconds);
    if (seconds > 0) curl.inactivity_timeout_seconds = seconds;
  }
  return std::make_unique<Connection>(std::move(config), std::move(curl));
}

const std::string_view kCreateVaultUsage =
    "Usage: mtglacier create-vault VAULT [OPTION]...\n"
    "Create the vault VAULT (1 to 255 of A-Z a-z 0-9 . - _) and print \"Created vault VAULT\".\n"
    MTG_CONNECTION_HELP;
const std::string_view kDeleteVaultUsage =
    "Usage: mtglacier delete-vault VAULT [OPTION]...\n"
    "Delete the vault VAULT (the service refuses while it holds archives) and print\n"
    "\"Deleted vault VAULT\".\n"
    MTG_CONNECTION_HELP;
const std::string_view kListVaultsUsage =
    "Usage: mtglacier list-vaults [--format for-humans|mtmsg] [--dry-run] [OPTION]...\n"
    "List the account's vaults with their archive counts and sizes, then the totals.\n"
    "  --format for-humans    readable blocks, one per vault (default)\n"
    "  --format mtmsg         tab-separated lines: MTMSG VAULT_LIST <arn> <field> <value>,\n"
    "                         then MTMSG VAULTS_SUMMARY total_number_of_archives|\n"
    "                         total_size_of_archives <sum>\n"
    "  --dry-run              print what would be done, contact nothing\n"
    MTG_CONNECTION_HELP;

ExitCode RunCreateVault(Context& ctx) {
  return RunVaultCall(ctx, "create-vault", "Created",
                      [](glacier::Client& c, std::string_view v) { return c.CreateVault(v); });
}

ExitCode RunDeleteVault(Context& ctx) {
  return RunVaultCall(ctx, "delete-vault", "Deleted",
                      [](glacier::Client& c, std::string_view v) { return c.DeleteVault(v); });
}

ExitCode RunListVaults(Context& ctx) {
  ExitCode status = kExitOk;
  auto options = ReadCommandOptions(ctx, *FindCommand("list-vaults"), ListVaultsCommand(), status);
  if (!options) return status;
  const bool mtmsg = options->Get("format") == "mtmsg";
  if (options->Flag("dry-run")) {
    ctx.out << "Will LIST VAULTS for current account\nOK DONE\n";
    return kExitOk;
  }
  auto connection = Connect(*options);
  if (!connection) {
    PrintFailure(ctx, "list-vaults", connection.error());
    return ExitCodeFor(connection.error());
  }
  uint64_t total_archives = 0;
  uint64_t total_size = 0;
  std::string marker;
  do {
    auto page = (*connection)->client().ListVaults(marker);
    if (!page) {
      PrintFailure(ctx, "list-vaults", page.error());
      return ExitCodeFor(page.error());
    }
    for (const glacier::VaultInfo& v : page->vaults) {
      total_archives += v.archive_count;
      total_size += v.size_in_bytes;
      if (mtmsg) {
        auto field = [&](std::string_view name, const std::string& value) {
          ctx.out << "MTMSG\tVAULT_LIST\t" << v.arn << '\t' << name << '\t' << value << '\n';
        };
        field("SizeInBytes", std::to_string(v.size_in_bytes));
        field("CreationDate", v.creation_date);
        field("VaultName", v.name);
        field("NumberOfArchives", std::to_string(v.archive_count));
        field("LastInventoryDate", v.last_inventory_date);
      } else {
        ctx.out << "Vault " << v.name << " (" << v.arn << ")\n"
                << "Archives: " << v.archive_count << ", Size: " << v.size_in_bytes << '\n'
                << "Created: " << v.creation_date << '\n';
        if (v.last_inventory_date.empty()) {
          ctx.out << "Never had inventory generation\n";
        } else {
          ctx.out << "Last inventory generation date: " << v.last_inventory_date << '\n';
        }
        ctx.out << '\n';
      }
    }
    marker = page->marker;
  } while (!marker.empty());
  if (mtmsg) {
    ctx.out << "MTMSG\tVAULTS_SUMMARY\ttotal_number_of_archives\t" << total_archives << '\n'
            << "MTMSG\tVAULTS_SUMMARY\ttotal_size_of_archives\t" << total_size << '\n';
  } else {
    ctx.out << "Total archives in all vaults: " << total_archives << '\n'
            << "Total size of archives in all vaults: " << total_size << '\n';
  }
  ctx.out << "OK DONE\n";
  return kExitOk;
}

}  // namespace mtg::cli
