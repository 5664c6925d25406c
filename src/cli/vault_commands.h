// The vault commands of mt-aws-glacier (reference §2.9–2.10): create-vault VAULT, delete-vault
// VAULT, list-vaults [--format for-humans|mtmsg]. Also the frame every mt-aws-glacier style
// command shares: read its options (options_parser.h), print warnings, answer --help, and open a
// Glacier client from the resolved settings.
#pragma once

#include <memory>
#include <optional>
#include <string_view>

#include "cli/command.h"
#include "cli/options_parser.h"
#include "glacier/client.h"
#include "http/curl_transport.h"

// The connection part of every usage text; a macro so each usage stays one compile-time literal.
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

namespace mtg::cli {

// Reads the command's options from ctx.args. Prints warnings, the usage on --help, and errors;
// returns nullopt with `status` set when the command should stop there.
std::optional<Options> ReadCommandOptions(Context& ctx, const Command& command,
                                          const CommandOptions& spec, ExitCode& status);

// A Glacier client with its own transport (one connection).
class Connection {
 public:
  Connection(glacier::ClientConfig config, http::CurlOptions curl);
  glacier::Client& client() { return client_; }

 private:
  http::CurlTransport transport_;
  glacier::Client client_;
};

// Resolves the settings (command line > config file > environment > AWS files) and connects.
[[nodiscard]] Result<std::unique_ptr<Connection>> Connect(const Options& options);

// The options every command that talks to the service accepts.
std::vector<std::string_view> ConnectionOptionNames();

ExitCode RunCreateVault(Context& ctx);
ExitCode RunDeleteVault(Context& ctx);
ExitCode RunListVaults(Context& ctx);
extern const std::string_view kCreateVaultUsage;
extern const std::string_view kDeleteVaultUsage;
extern const std::string_view kListVaultsUsage;

}  // namespace mtg::cli
